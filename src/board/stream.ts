// Audio streams (native/board/stream.cc): real-time audio between JavaScript
// and one channel, in 20 ms frames (160 samples at 8 kHz). What is written is
// sent by the channel (silence on underrun), what the channel receives comes
// out of frames$, one frame per 20 ms of board time while the channel is in a
// call (dialing or connected). Stepped and real-time mode alike: the frames
// arrive with the board's events (HL_EV_AUDIO), at most one wake per tick.
// Used by the browser's virtual station (src/seats/voice.ts).
import { Subject, type Observable } from 'rxjs';
import { boardError } from './errors.ts';
import type { Engine } from './engine.ts';
import { TABLES } from './native.ts';
import { ALAW_DECODE } from '../dsp/alaw.ts';

/** Samples in one frame (20 ms at 8 kHz). */
export const STREAM_FRAME = 160;
const FRAME_BYTES = TABLES.audioFrameBytes;

export interface StreamOptions {
  /** Frames the send ring holds (2-256, default 16 = 320 ms): write() refuses beyond it. */
  txFrames?: number;
  /** Frames queued before sending starts, and again after an underrun (default 1; 2-3 absorb network jitter). */
  prefill?: number;
  /** More than this many frames queued: the oldest are dropped (clock drift, a late burst); 0 = never (default). */
  trim?: number;
}

export interface StreamFrame {
  /** Board ms of the frame's first sample. */
  time: number;
  /** CLOCK_MONOTONIC ms (as performance.timeOrigin-free process.hrtime) when the tick completed the frame. */
  monoMs: number;
  /** 160 samples, 16-bit linear. */
  pcm: Int16Array;
}

export interface StreamStats {
  written: number;
  refused: number;
  sent: number;
  underruns: number;
  trimmed: number;
  received: number;
  rxDropped: number;
  queued: number;
}

export interface AudioStream {
  /** What the channel receives, 20 ms frames in order; completes on close(). */
  readonly frames$: Observable<StreamFrame>;
  /** One 20 ms frame to send: 160 samples of 16-bit linear, or 160 A-law bytes. False when the send ring is full (counted). */
  write(frame: Int16Array | Uint8Array): boolean;
  stats(): StreamStats;
  close(): void;
  readonly closed: boolean;
}

/** Opens the channel's stream (one per channel; BOARD_STATE when one is open). */
export function openStream(engine: Engine, nativeChannel: number, name: string, o: StreamOptions = {}): AudioStream {
  engine.assertOpen();
  const num = (v: number | undefined, what: string, lo: number, hi: number): number => {
    if (v === undefined) return 0;
    if (!Number.isInteger(v) || v < lo || v > hi) throw boardError('BOARD_ARG', `stream ${what} must be an integer from ${lo} to ${hi}, got ${v}`);
    return v;
  };
  const tx = num(o.txFrames, 'txFrames', 2, 256);
  const prefill = num(o.prefill, 'prefill', 1, tx || 16);
  const trim = num(o.trim, 'trim', 0, tx || 16);
  if (engine.streams.has(nativeChannel)) throw boardError('BOARD_STATE', `${name} already has an audio stream open; close it first`);
  engine.call('stream', () => engine.native.streamOpen(nativeChannel, tx, prefill, trim));
  const subject = new Subject<StreamFrame>();
  // An ArrayBuffer of its own: 8-byte aligned, as the native frame record needs.
  const buf = Buffer.from(new ArrayBuffer(FRAME_BYTES * 32));
  const pcm = new Int16Array(STREAM_FRAME);
  let closed = false;
  const pull = (): void => {
    if (closed) return;
    for (;;) {
      const n = engine.native.streamRead(nativeChannel, buf);
      for (let i = 0; i < n; i++) {
        const o2 = i * FRAME_BYTES;
        const time = buf.readUInt32LE(o2) + buf.readUInt32LE(o2 + 4) * 0x100000000;
        const monoMs = Number(buf.readBigUInt64LE(o2 + 8)) / 1e6;
        const frame = new Int16Array(buf.buffer.slice(buf.byteOffset + o2 + 24, buf.byteOffset + o2 + 24 + STREAM_FRAME * 2));
        subject.next({ time, monoMs, pcm: frame });
      }
      if (n < 32) break;
    }
  };
  engine.streams.set(nativeChannel, pull);
  return {
    frames$: subject.asObservable(),
    get closed() {
      return closed;
    },
    write(frame) {
      if (closed) throw boardError('BOARD_STATE', `${name}: the audio stream is closed`);
      if (frame.length !== STREAM_FRAME) throw boardError('BOARD_ARG', `a stream frame is ${STREAM_FRAME} samples (20 ms), got ${frame.length}`);
      let f: Int16Array;
      if (frame instanceof Int16Array) f = frame;
      else {
        for (let i = 0; i < STREAM_FRAME; i++) pcm[i] = ALAW_DECODE[frame[i]];
        f = pcm;
      }
      return engine.call('stream write', () => engine.native.streamWrite(nativeChannel, f));
    },
    stats() {
      if (closed) throw boardError('BOARD_STATE', `${name}: the audio stream is closed`);
      return engine.call('stream stats', () => engine.native.streamStats(nativeChannel));
    },
    close() {
      if (closed) return;
      pull();
      closed = true;
      if (engine.streams.get(nativeChannel) === pull) engine.streams.delete(nativeChannel);
      if (!engine.isClosed()) engine.call('stream close', () => engine.native.streamClose(nativeChannel));
      subject.complete();
    },
  };
}
