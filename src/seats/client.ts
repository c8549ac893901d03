// A seat client over ws: request/reply by id, events in order. Used by
// `hotline seat` (technicians testing an installation) and usable by tests.
import WebSocket from 'ws';
import { HotlineError } from '../errors.ts';
import { seatError } from './errors.ts';

export interface SeatReply {
  ok: boolean;
  result?: any;
  code?: string;
  message?: string;
}

export interface SeatEvent {
  seq: number;
  event: string;
  data: any;
}

export class SeatClient {
  private n = 0;
  private readonly pending = new Map<string, (r: SeatReply) => void>();
  private lastSeq = 0;
  private closedWith: HotlineError | null = null;

  private constructor(
    private readonly ws: WebSocket,
    private readonly onEvent: (e: SeatEvent, gap: boolean) => void,
  ) {
    ws.on('message', (d) => {
      let m: any;
      try {
        m = JSON.parse(d.toString());
      } catch {
        return;
      }
      if (m?.type === 'reply' && typeof m.id === 'string') this.pending.get(m.id)?.(m);
      else if (m?.type === 'event') {
        const gap = m.seq !== this.lastSeq + 1;
        this.lastSeq = m.seq;
        this.onEvent(m, gap);
      }
    });
    ws.on('close', (code, why) => {
      this.closedWith = seatError('SEAT_CONNECT_FAILED', `the server closed the socket (${code}${why.length ? `: ${why}` : ''})`);
      for (const [, fn] of this.pending) fn({ ok: false, code: this.closedWith.code, message: this.closedWith.message });
      this.pending.clear();
    });
  }

  static connect(url: string, onEvent: (e: SeatEvent, gap: boolean) => void = () => {}, timeoutMs = 5000): Promise<SeatClient> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
      } catch (e) {
        return reject(seatError('SEAT_CONNECT_FAILED', `${url}: ${(e as Error).message}`));
      }
      ws.once('open', () => resolve(new SeatClient(ws, onEvent)));
      ws.once('error', (e) => reject(seatError('SEAT_CONNECT_FAILED', `${url}: ${e.message}`)));
    });
  }

  /** Sends a request and waits for its reply (a refusal resolves with ok: false). */
  request(type: string, fields: Record<string, unknown> = {}): Promise<SeatReply> {
    if (this.closedWith) return Promise.resolve({ ok: false, code: this.closedWith.code, message: this.closedWith.message });
    const id = `c${++this.n}`;
    return new Promise((resolve) => {
      this.pending.set(id, (r) => {
        this.pending.delete(id);
        resolve(r);
      });
      this.ws.send(JSON.stringify({ id, type, ...fields }));
    });
  }

  /** As request, but a refusal throws it as a HotlineError with the server's code. */
  async call(type: string, fields: Record<string, unknown> = {}): Promise<any> {
    const r = await this.request(type, fields);
    if (!r.ok) throw new HotlineError(r.code ?? 'SEAT_INTERNAL', r.message ?? 'refused');
    return r.result;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((r) => {
      this.ws.once('close', () => r());
      this.ws.close(1000);
    });
  }
}
