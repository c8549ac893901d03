// The browser phone: an agent without a desk phone talks through the page.
// His station port's far end (the telephone's side of the FXS line, on the
// simulated board: board.network) becomes a virtual station whose audio is
// the seat socket's binary messages (voice-frame.ts): what the page captured
// is written into the channel's audio stream (src/board/stream.ts), what the
// telephone hears goes back to the page, 20 ms a message. On the engine side
// nothing changes: the ACD offers to the same port (headset mode: the
// virtual station is off hook, an offer is a zip tone, `answer` connects),
// and recordings, transfers, listen/whisper/barge work as for a desk phone.
import type { Subscription } from 'rxjs';
import type { AudioStream } from '../board/stream.ts';
import type { Channel } from '../board/types.ts';
import type { Switchboard } from '../calls/switchboard.ts';
import { seatError } from './errors.ts';
import { decodeVoiceFrame, encodeVoiceFrame, VOICE_FRAME_MS, type VoiceCodec } from './voice-frame.ts';

/** The socket side of one browser phone. */
export interface VoiceConn {
  sendBinary(data: Uint8Array): void;
  /** A server event to this socket (voice-ended). */
  event(name: 'voice-ended', data: { reason: string }): void;
}

export interface VoiceCounters {
  /** Frames the page sent that reached the board. */
  received: number;
  /** Frames sent to the page. */
  sent: number;
  /** Frames lost on the way in (sequence gaps) and frames out of order or repeated (dropped). */
  lost: number;
  late: number;
  /** Frames the board had no audio for when it was time to send (the page fell behind). */
  underruns: number;
  /** Frames refused by a full send ring (the page sent too fast). */
  refused: number;
}

interface Phone {
  agentId: string;
  conn: VoiceConn;
  codec: VoiceCodec;
  channel: Channel;
  stream: AudioStream;
  subs: Subscription[];
  seqIn: number;
  seqOut: number;
  counters: VoiceCounters;
  badFrames: number;
}

/** CLOCK_MONOTONIC ms (the board stamps frames with it) -> Unix ms. */
function monoToUnix(): number {
  return Date.now() - Number(process.hrtime.bigint()) / 1e6;
}

export class VoiceSeats {
  readonly #phones = new Map<VoiceConn, Phone>();
  readonly #byAgent = new Map<string, Phone>();

  constructor(private readonly sb: Switchboard) {}

  /** The telephone end of the agent's station port, or why there is none. */
  #telephone(agentId: string): Channel {
    const port = this.sb.station(agentId);
    if (!port) throw seatError('SEAT_VOICE_UNAVAILABLE', `agent '${agentId}' has no station port`);
    const net = port.board.network;
    if (!net) throw seatError('SEAT_VOICE_UNAVAILABLE', `${port.name} is a hardware port: its telephone is a real one (the browser phone needs a virtual station port)`);
    return net.channel(port.span.index, port.timeslot);
  }

  /** voice-start: takes the phone for this socket (from another socket of the agent, if any). */
  start(conn: VoiceConn, agentId: string, codec: VoiceCodec = 'alaw'): { station: string; codec: VoiceCodec; frameMs: number } {
    const channel = this.#telephone(agentId);
    // The line stays off hook when the phone moves to this socket (a call goes on).
    const had = this.#phones.get(conn);
    if (had) this.#end(had, null, had.channel !== channel);
    const other = this.#byAgent.get(agentId);
    if (other) this.#end(other, 'taken-over', other.channel !== channel);
    // 40 ms queued before sending (the page's frames come in bursts over
    // the socket); beyond 160 ms queued the oldest go (the page's clock runs
    // a little faster than the board's).
    const stream = channel.stream({ prefill: 2, trim: 8, txFrames: 32 });
    const p: Phone = {
      agentId, conn, codec, channel, stream, subs: [], seqIn: -1, seqOut: 0, badFrames: 0,
      counters: { received: 0, sent: 0, lost: 0, late: 0, underruns: 0, refused: 0 },
    };
    const offset = monoToUnix();
    p.subs.push(
      stream.frames$.subscribe((f) => {
        conn.sendBinary(encodeVoiceFrame(codec, p.seqOut++, f.monoMs + offset - VOICE_FRAME_MS, f.pcm));
        p.counters.sent++;
      }),
      channel.events$.subscribe((e) => {
        if (e.type === 'hangup') this.#end(p, 'line-cleared');
      }),
    );
    this.#phones.set(conn, p);
    this.#byAgent.set(agentId, p);
    // Off hook: a ringing station is answered; an idle one seizes its port,
    // which answers it (headset mode, silent until an offer).
    if (channel.state === 'ringing') void channel.answer().catch(() => undefined);
    else if (channel.state === 'idle') void channel.call({ timeoutMs: 10_000 }).catch(() => undefined);
    return { station: channel.name, codec, frameMs: VOICE_FRAME_MS };
  }

  /** True when this socket has the phone (its binary messages are audio). */
  has(conn: VoiceConn): boolean {
    return this.#phones.has(conn);
  }

  /** One binary message from the page: null, or what was wrong with it (the first few only). */
  frame(conn: VoiceConn, data: Uint8Array): string | null {
    const p = this.#phones.get(conn);
    if (!p) return 'this socket has no browser phone (send voice-start first)';
    const f = decodeVoiceFrame(data);
    if (typeof f === 'string') return ++p.badFrames <= 3 ? f : null;
    if (p.seqIn >= 0) {
      const d = (f.seq - p.seqIn) >>> 0;
      if (d === 0 || d > 0x80000000) {
        p.counters.late++; // repeated or out of order: too late to play
        return null;
      }
      p.counters.lost += d - 1;
    }
    p.seqIn = f.seq;
    p.counters.received++;
    if (!p.stream.write(f.pcm)) p.counters.refused++;
    return null;
  }

  /** voice-stop (or the socket closed): on hook. */
  stop(conn: VoiceConn): VoiceCounters | null {
    const p = this.#phones.get(conn);
    if (!p) return null;
    const c = this.#counters(p);
    this.#end(p, null);
    return c;
  }

  counters(conn: VoiceConn): VoiceCounters | null {
    const p = this.#phones.get(conn);
    return p ? this.#counters(p) : null;
  }

  #counters(p: Phone): VoiceCounters {
    if (!p.stream.closed) {
      const st = p.stream.stats();
      p.counters.underruns = st.underruns;
    }
    return { ...p.counters };
  }

  #end(p: Phone, reason: string | null, hangUp = true): void {
    if (this.#phones.get(p.conn) !== p) return;
    this.#phones.delete(p.conn);
    if (this.#byAgent.get(p.agentId) === p) this.#byAgent.delete(p.agentId);
    for (const s of p.subs) s.unsubscribe();
    try {
      p.stream.close();
    } catch {
      // the board closed first
    }
    if (hangUp && p.channel.state !== 'idle') void p.channel.hangup().catch(() => undefined);
    if (reason) p.conn.event('voice-ended', { reason });
  }

  close(): void {
    for (const p of [...this.#phones.values()]) this.#end(p, null);
  }
}
