// A seat socket with the browser phone, for the voice tests: a ws client
// logged in as an agent that speaks samples into its virtual station (one
// frame for each frame it hears, so it keeps the board's pace in stepped
// mode as a page keeps its sound card's) and keeps what it heard.
import WebSocket from 'ws';
import type { Engine } from '../../src/calls/engine.ts';
import { openSeatHost, type SeatHost } from '../../src/seats/host.ts';
import { decodeVoiceFrame, encodeVoiceFrame, VOICE_FRAME_SAMPLES, type VoiceCodec } from '../../src/seats/voice-frame.ts';

/** What the seat server takes from the engine beside its ACD, ACD configuration, queue log and switchboard. */
export interface SeatHostParts {
  /** engine.core.ops: consult, transfer, supervise, dispatch calls. */
  ops?: boolean;
  /** engine.core.outbound: dial and call back. */
  outbound?: boolean;
  /** The recording index: the recordings each session may hear. */
  recordingIndex?: boolean;
  /** The engine's flow and prompts: the admin flow editor. */
  flows?: boolean;
  /** engine.core.phaseCounts: /metrics counts the calls by phase. */
  callPhases?: boolean;
}

/** The seat server over a stepped engine's call layer, on a free loopback port: by default with the parts the voice tests use. */
export function seatHostOf(e: Engine, parts: SeatHostParts = { ops: true, outbound: true, recordingIndex: true }): Promise<SeatHost> {
  const sb = e.core.switchboard!;
  return openSeatHost({
    host: '127.0.0.1',
    port: 0,
    board: e.board,
    store: e.store,
    now: () => e.core.now(),
    dataDir: e.dataDir,
    ...(parts.recordingIndex ? { recordingIndex: e.recordings.index } : {}),
    ...(parts.flows ? { flows: e.flows, prompts: e.prompts } : {}),
    ...(parts.callPhases ? { callPhases: () => e.core.phaseCounts() } : {}),
    engine: { acd: e.core.acd!, config: sb.acdConfig, queueLog: e.queueLog!, switchboard: sb, ...(parts.ops ? { ops: e.core.ops! } : {}), ...(parts.outbound ? { outbound: e.core.outbound! } : {}) },
  });
}

export class VoiceSeat {
  readonly ws: WebSocket;
  readonly events: Array<{ event: string; data: Record<string, unknown> }> = [];
  readonly heard: Int16Array[] = [];
  /** Unix ms header time of each frame heard. */
  readonly heardAt: number[] = [];
  #next = 1;
  #pending = new Map<string, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  #voice: Int16Array = new Int16Array(0);
  #pos = 0;
  #seq = 0;
  codec: VoiceCodec = 'alaw';
  sent = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, binary) => {
      if (binary) return this.#frame(data as Buffer);
      const m = JSON.parse(String(data)) as { type: string; id?: string; ok?: boolean; result?: unknown; error?: { code: string; message: string }; event?: string; data?: Record<string, unknown> };
      if (m.type === 'reply' && m.id) {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(Object.assign(new Error(`${m.error?.code}: ${m.error?.message}`), { code: m.error?.code }));
      } else if (m.type === 'event') this.events.push({ event: m.event!, data: m.data ?? {} });
    });
  }

  static async open(url: string, agentId: string, password: string): Promise<VoiceSeat> {
    const ws = new WebSocket(url, { headers: { origin: new URL(url.replace(/^ws/, 'http')).origin } });
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    const s = new VoiceSeat(ws);
    await s.send('login', { agentId, password });
    return s;
  }

  send<T = Record<string, unknown>>(type: string, props: Record<string, unknown> = {}): Promise<T> {
    const id = String(this.#next++);
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, type, ...props }));
    });
  }

  /** From the next frame on, these samples go out (then silence). */
  speak(samples: Int16Array): void {
    this.#voice = samples;
    this.#pos = 0;
  }

  #frame(data: Buffer): void {
    const f = decodeVoiceFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (typeof f === 'string') throw new Error(f);
    this.heard.push(f.pcm);
    this.heardAt.push(f.time);
    const out = new Int16Array(VOICE_FRAME_SAMPLES);
    if (this.#pos < this.#voice.length) {
      out.set(this.#voice.subarray(this.#pos, this.#pos + VOICE_FRAME_SAMPLES));
      this.#pos += VOICE_FRAME_SAMPLES;
    }
    this.ws.send(encodeVoiceFrame(this.codec, this.#seq++, Date.now(), out));
    this.sent++;
  }

  /** Everything heard so far, joined. */
  heardSamples(from = 0): Int16Array {
    const frames = this.heard.slice(from);
    const out = new Int16Array(frames.length * VOICE_FRAME_SAMPLES);
    frames.forEach((f, i) => out.set(f, i * VOICE_FRAME_SAMPLES));
    return out;
  }

  /** The first `name` event from event number `seen` on (default: from now). */
  waitEvent(name: string, ms = 30_000, seen = this.events.length): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const poll = () => {
        const e = this.events.slice(seen).find((x) => x.event === name) ?? null;
        if (e) return resolve(e.data);
        if (Date.now() - t0 > ms) return reject(new Error(`no '${name}' event in ${ms} ms (got ${this.events.map((x) => x.event).join(', ')})`));
        setTimeout(poll, 10);
      };
      poll();
    });
  }

  close(): void {
    this.ws.close();
  }
}
