// Rolling recording of channels (issue 11, 全程不间断滚动录音): every selected
// trunk and station channel records whenever it is in use, in segments of a
// configured length (default 15 min), gapless: the board's writer cuts the
// segments between two sample frames of one continuous tap (native/board/
// taps.cc, writer.cc). Each segment is indexed (kind 'segment') once the
// board reports it durable, never before.
//
// Per channel one tap is kept armed: it starts with the channel's next call
// and ends when the channel is idle again, and is armed afresh at once.
// A write failure (disk full, I/O error) ends the tap: an alarm (raised) goes
// out with a log line at once, the call goes on, and the tap is armed again
// every retryMs; the first segment that is durable again clears the alarm and
// carries the gap (GapMarker) in the index.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Board, Channel, RecordResult, SegmentEvent, Tap } from '../board/types.ts';
import { segmentName } from '../board/recording.ts';
import { recError } from './errors.ts';
import { recordingIdOf } from './ids.ts';
import { entryFor } from './maintain.ts';
import type { GapMarker, RecordingIndex } from './types.ts';

/** Which channels record: every channel of the board, a profile group, or a list (board indexes or "span:timeslot"). */
export type ChannelSelection = { all: true } | { group: string } | { channels: Array<number | string> };

export interface RollingOptions {
  board: Board;
  select: ChannelSelection;
  dataDir: string;
  index: RecordingIndex;
  /** Segment length, ms (default 15 min; 10 ms to 3 h). */
  segmentMs?: number;
  format?: 'alaw' | 'ulaw' | 'pcm16';
  /** 'stereo' (default): left = received, right = sent; 'mixed': one channel. */
  mode?: 'stereo' | 'mixed';
  /** After a write failure, arm again every this many board ms (default 10 s). */
  retryMs?: number;
  /** Epoch ms now (default Date.now): segment times in the index. */
  now?: () => number;
  log?: (line: string) => void;
}

/** Raised when a channel's recording fails to write; cleared when it is durable again. */
export interface RecordingAlarm {
  raised: boolean;
  /** The native code: HL_EREC_DISKFULL, HL_EREC_IO, HL_EREC_ACCESS... (cleared: the code that was raised). */
  code: string;
  message: string;
  channel: string;
  /** Epoch ms. */
  at: number;
  /** A per-call recording's alarm: its call. */
  callId?: string;
}

export interface RollingRecorder {
  readonly channels: readonly Channel[];
  readonly alarms$: Observable<RecordingAlarm>;
  /** Ends every tap; resolves when their files are final and indexed. */
  stop(): Promise<void>;
  /** Index writes in flight (tests). */
  settled(): Promise<void>;
  /** Since the start: segments reported durable, samples the writer dropped (it fell behind), write failures. */
  stats(): { segments: number; droppedSamples: number; failures: number };
}

export const DEFAULT_SEGMENT_MS = 15 * 60_000;

/** The channels a selection names, in board order. */
export function selectChannels(board: Board, sel: ChannelSelection): Channel[] {
  if ('all' in sel) return [...board.channels];
  if ('group' in sel) return board.group(sel.group);
  return sel.channels.map((c) => {
    if (typeof c === 'number') return board.channel(c);
    const m = /^(\d+):(\d+)$/.exec(c);
    if (!m) throw recError('REC_SELECTION_INVALID', `channel '${c}'`);
    return board.channel(Number(m[1]), Number(m[2]));
  });
}

/** "span:timeslot", as the index names a channel. */
export function channelKey(ch: Channel): string {
  return `${ch.span.index}:${ch.timeslot}`;
}

function day(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10).replace(/-/g, '');
}

export function startRolling(o: RollingOptions): RollingRecorder {
  const { board, dataDir, index } = o;
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const segmentMs = o.segmentMs ?? DEFAULT_SEGMENT_MS;
  const retryMs = o.retryMs ?? 10_000;
  const channels = selectChannels(board, o.select);
  const alarms = new Subject<RecordingAlarm>();
  let stopping = false;
  const counts = { segments: 0, droppedSamples: 0, failures: 0 };
  let chain: Promise<void> = Promise.resolve();
  const later = (what: string, fn: () => Promise<unknown>) => {
    chain = chain.then(fn).then(
      () => {},
      (e) => log(`recordings: rolling: ${what}: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`),
    );
  };
  // Board ms -> epoch ms, read when the event arrives (both clocks run on).
  const epochOf = (boardMs: number) => now() - board.now() + boardMs;

  interface State {
    ch: Channel;
    key: string;
    tap: Tap | null;
    /** The tap that ended last: its final segment's event can come after its done (the call's end re-arms at once). */
    last: Tap | null;
    seq: number;
    sub: Subscription;
    alarm: { code: string; at: number } | null;
    /** Epoch ms where the current tap's last indexed segment ends (null: none yet). */
    tapEnd: number | null;
    gap: GapMarker | null;
    retry: Subscription | null;
    /** Audio ms reported in segment events, per tap (requestId). */
    seen: Map<number, number>;
    /** Taps that ended whose last segment event has not come yet, with the ms still owed (a later call on the channel may have ended another tap meanwhile; stop() waits for them). */
    owed: Map<number, { tap: Tap; ms: number }>;
  }
  const states: State[] = [];

  const arm = (st: State) => {
    if (stopping) return;
    const t = now();
    const folder = join(dataDir, 'recordings', 'segments', day(t));
    try {
      mkdirSync(folder, { recursive: true });
      const file = join(folder, `${st.key.replace(':', '-')}-${t}-${st.seq++}.wav`);
      st.tap = st.ch.tap(file, { armed: true, segmentMs, format: o.format, mode: o.mode });
      st.tapEnd = null;
    } catch (e) {
      failed(st, (e as { code?: string }).code ?? 'HL_EREC_IO', (e as Error).message);
      return;
    }
    const tap = st.tap;
    tap.done.then(
      (r) => ended(st, tap, r),
      (e) => failed(st, 'HL_EREC_IO', (e as Error).message),
    );
  };

  // recordedMs: what the failed tap had recorded; the audio lost starts where
  // its last durable segment ends (or where it started, if none is).
  const failed = (st: State, code: string, message: string, recordedMs = 0) => {
    st.tap = null;
    counts.failures++;
    const at = now();
    if (!st.alarm) {
      st.alarm = { code, at };
      st.gap = { at: st.tapEnd ?? at - recordedMs, ms: 0, reason: code };
      // The alarm and its log line at once; the call is not touched.
      log(`recordings: ALARM ${code} on channel ${st.key}: rolling recording stopped (${message}); the call goes on, retrying every ${retryMs / 1000} s`);
      alarms.next({ raised: true, code, message, channel: st.key, at });
    }
    if (stopping) return;
    st.retry?.unsubscribe();
    st.retry = board.scheduler.schedule(() => {
      st.retry = null;
      arm(st);
    }, retryMs) as unknown as Subscription;
  };

  const ended = (st: State, tap: Tap, r: RecordResult) => {
    if (st.tap === tap) st.tap = null;
    st.last = tap;
    // The final segment's event may come after done (it is sent once the file is durable).
    const owe = r.reason === 'error' ? 0 : r.durationMs - (st.seen.get(tap.requestId) ?? 0);
    if (owe > 1) st.owed.set(tap.requestId, { tap, ms: owe });
    else st.seen.delete(tap.requestId);
    if (r.reason === 'error') {
      failed(st, r.error?.code ?? 'HL_EREC_IO', r.error?.message ?? 'write failed', r.durationMs);
      return;
    }
    counts.droppedSamples += r.droppedSamples ?? 0;
    if (r.droppedSamples) log(`recordings: rolling: channel ${st.key}: ${r.droppedSamples} samples dropped (the writer fell behind)`);
    arm(st);
  };

  const segment = (st: State, e: SegmentEvent) => {
    const owe = st.owed.get(e.requestId);
    const tap = owe?.tap ?? [st.tap, st.last].find((t) => t !== null && t.requestId === e.requestId);
    if (!tap || e.durationMs === 0) return;
    st.seen.set(e.requestId, (st.seen.get(e.requestId) ?? 0) + e.durationMs);
    if (owe !== undefined) {
      if (owe.ms - e.durationMs > 1) owe.ms -= e.durationMs;
      else {
        st.owed.delete(e.requestId);
        st.seen.delete(e.requestId);
      }
    }
    counts.segments++;
    const file = segmentName(tap.file, e.segment);
    const id = recordingIdOf(dataDir, file);
    const start = epochOf(e.startMs);
    st.tapEnd = start + e.durationMs;
    const gaps: GapMarker[] = [];
    if (st.gap) {
      gaps.push({ ...st.gap, ms: Math.max(0, start - st.gap.at) });
      st.gap = null;
    }
    if (st.alarm) {
      const was = st.alarm;
      st.alarm = null;
      log(`recordings: alarm cleared on channel ${st.key}: recording again after ${((start - was.at) / 1000).toFixed(1)} s (${was.code})`);
      alarms.next({ raised: false, code: was.code, message: 'recording again', channel: st.key, at: now() });
    }
    later(`indexing ${id}`, () => index.put(entryFor(dataDir, id, { kind: 'segment', channel: st.key, start, end: start + e.durationMs, gaps })));
  };

  for (const ch of channels) {
    const st: State = { ch, key: channelKey(ch), tap: null, last: null, seq: 0, sub: null as unknown as Subscription, alarm: null, tapEnd: null, gap: null, retry: null, seen: new Map(), owed: new Map() };
    st.sub = ch.events$.subscribe((e) => {
      if (e.type === 'segment') segment(st, e);
    });
    states.push(st);
    arm(st);
  }

  return {
    channels,
    alarms$: alarms.asObservable(),
    async stop() {
      stopping = true;
      const ends: Promise<unknown>[] = [];
      for (const st of states) {
        st.retry?.unsubscribe();
        if (st.tap) ends.push(st.tap.stop());
      }
      await Promise.all(ends);
      await Promise.resolve();
      // Wait (at most 5 s of board time) for the last segment events of the taps that ended: each is indexed, none lost at shutdown.
      const owing = () => states.some((st) => st.owed.size > 0);
      if (owing()) {
        await new Promise<void>((resolve) => {
          let waited = 0;
          const poll = () => {
            if (!owing() || waited >= 5000) return resolve();
            waited += 20;
            board.scheduler.schedule(poll, 20);
          };
          poll();
        });
      }
      for (const st of states) st.sub.unsubscribe();
      await chain;
      alarms.complete();
    },
    settled: () => chain,
    stats: () => ({ ...counts }),
  };
}
