// The seat protocol in the browser: one WebSocket to /seat, requests with
// ids and their replies, server events in `seq` order. The message types
// are the server's own (src/seats/protocol.ts, TypeBox schemas → Static
// types): a page cannot send a field the server would refuse.
//
// A dropped socket is reopened (1 s, 2 s, 4 s … 15 s at most) and the
// session carried on with `resume`; the server answers with a full
// snapshot, so the page redraws from it. A gap in `seq` asks for a snapshot.
import type { Static } from 'typebox';
import type { ClientMessage, ClientType, SERVER_EVENTS, ServerEventName } from '../../src/seats/protocol.ts';

export type Fields<K extends ClientType> = Omit<Extract<ClientMessage, { type: K }>, 'id' | 'type'>;
export type EventData<E extends ServerEventName> = Static<(typeof SERVER_EVENTS)[E]['schema']>['data'];

export interface Reply {
  ok: boolean;
  result?: unknown;
  code?: string;
  message?: string;
  retryAfterMs?: number;
  /** What the error names, e.g. CASE_INVALID: { errors: [{ field, code, message }] }. */
  details?: Record<string, unknown>;
}

export type LinkState = 'connecting' | 'open' | 'closed';

export interface SeatOptions {
  url?: string;
  token: string;
  /** Called with every event, after the seat's own handling. */
  onEvent: (name: string, data: unknown) => void;
  onLink: (s: LinkState) => void;
  /** resume refused or the session ended: the token is dead. */
  onSessionEnded: (code: string, message: string) => void;
  /** A binary message (the browser phone's audio, src/seats/voice-frame.ts). */
  onBinary?: (data: ArrayBuffer) => void;
  /** Replies slower than this fail locally (ms). */
  replyTimeoutMs?: number;
}

/** A local failure: no socket, no reply. Not a server code: the page says it in words. */
export const LOCAL_OFFLINE = 'CONSOLE_OFFLINE';
export const LOCAL_TIMEOUT = 'CONSOLE_NO_REPLY';

export class Seat {
  private ws: WebSocket | null = null;
  private n = 0;
  private lastSeq = 0;
  private retryMs = 1000;
  private stopped = false;
  private resumed = false;
  private readonly pending = new Map<string, { done: (r: Reply) => void; timer: number }>();
  link: LinkState = 'closed';

  constructor(private readonly o: SeatOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close(1000);
  }

  get online(): boolean {
    return this.link === 'open' && this.resumed;
  }

  /** timeoutMs: for a request the server answers late by design (supervise rings the supervisor's phone, ≤ 30 s). */
  request<K extends ClientType>(type: K, fields: Fields<K>, timeoutMs?: number): Promise<Reply> {
    return this.send(type, fields as Record<string, unknown>, false, timeoutMs);
  }

  private send(type: string, fields: Record<string, unknown>, always = false, timeoutMs?: number): Promise<Reply> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || (!this.resumed && !always)) return Promise.resolve({ ok: false, code: LOCAL_OFFLINE });
    const id = `w${++this.n}`;
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, code: LOCAL_TIMEOUT });
      }, timeoutMs ?? this.o.replyTimeoutMs ?? 10_000);
      this.pending.set(id, { done: resolve, timer });
      ws.send(JSON.stringify({ ...fields, id, type }));
    });
  }

  /** A binary message (the browser phone's audio); false when the socket is not open. */
  sendBinary(data: Uint8Array<ArrayBuffer>): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.resumed) return false;
    ws.send(data);
    return true;
  }

  private setLink(s: LinkState): void {
    this.link = s;
    this.o.onLink(s);
  }

  private open(): void {
    const url = this.o.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/seat`;
    this.setLink('connecting');
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.resumed = false;
    ws.addEventListener('open', () => {
      this.lastSeq = 0;
      void this.send('resume', { token: this.o.token }, true).then((r) => {
        if (r.ok) {
          this.resumed = true;
          this.retryMs = 1000;
          this.setLink('open');
        } else if (r.code === 'SEAT_SESSION_EXPIRED' || r.code === 'SEAT_LOGIN_FAILED') {
          this.stopped = true;
          this.o.onSessionEnded(r.code, r.message ?? '');
          ws.close(1000);
        } else ws.close(4000, 'resume failed');
      });
    });
    ws.addEventListener('message', (m) => {
      if (typeof m.data === 'string') this.receive(m.data);
      else this.o.onBinary?.(m.data as ArrayBuffer);
    });
    ws.addEventListener('close', () => {
      for (const [, p] of this.pending) {
        window.clearTimeout(p.timer);
        p.done({ ok: false, code: LOCAL_OFFLINE });
      }
      this.pending.clear();
      this.resumed = false;
      this.setLink('closed');
      if (this.stopped) return;
      window.setTimeout(() => !this.stopped && this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15_000);
    });
  }

  private receive(text: string): void {
    let m: { type?: string; id?: string | null; seq?: number; event?: string; data?: unknown } & Reply;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (m.type === 'reply' && typeof m.id === 'string') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      window.clearTimeout(p.timer);
      p.done(m);
      return;
    }
    if (m.type !== 'event' || typeof m.event !== 'string') return;
    const gap = m.seq !== this.lastSeq + 1;
    this.lastSeq = m.seq ?? this.lastSeq;
    if (m.event === 'session-ended') {
      const d = m.data as EventData<'session-ended'>;
      this.stopped = true;
      this.o.onSessionEnded(d.code, d.message);
    }
    this.o.onEvent(m.event, m.data);
    // Something was missed: the snapshot puts the page right again.
    if (gap && m.event !== 'snapshot' && this.resumed) void this.request('snapshot', {});
  }
}
