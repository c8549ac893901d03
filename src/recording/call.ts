// Per-call recordings (issue 11): one file per call, stereo (the caller on
// the left, the other party on the right) or mixed, that follows the call
// through IVR, queue, agent, hold, consult, transfer, conference and back to
// the IVR without being split or ended: it is a tap on the caller's channel
// (native/board/taps.cc), whose other side is either what the caller hears
// (other: null, the default: prompts, music on hold, whoever the caller is
// routed or conferenced to) or one party's own voice (other: that channel),
// re-pointed between two ticks by repoint(), in the same file. (The anchors'
// failures this avoids: Asterisk's MixMonitor stops on some transfers,
// FreeSWITCH loses the recording on an attended transfer.)
//
// The call layer starts it when the call is answered, re-points it when the
// other party changes, and it ends by itself when the caller's channel goes
// idle (or by stop()); the file is indexed (kind 'call') once durable.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import type { Channel, RecordResult, Tap } from '../board/types.ts';
import { recError } from './errors.ts';
import { checkRecordingId, recordingPath, rolledPartId } from './ids.ts';
import { inspectFile } from './files.ts';
import { entryFor } from './maintain.ts';
import type { Direction, GapMarker, RecordingEntry, RecordingIndex } from './types.ts';
import type { RecordingAlarm } from './rolling.ts';

export interface CallRecordingFacts {
  callerNumber?: string;
  calledNumber?: string;
  queue?: string;
  agents?: string[];
  caseNumbers?: string[];
  direction?: Direction;
  /** The call's legs (the last note wins). */
  legs?: RecordingEntry['legs'];
}

export interface CallRecordingOptions {
  /** The caller's channel (trunk or station): the left side; the recording lives as long as its call. */
  caller: Channel;
  /** The other side: a channel whose own voice is recorded; null (default): what the caller hears. */
  other?: Channel | null;
  mode?: 'stereo' | 'mixed';
  format?: 'alaw' | 'ulaw' | 'pcm16';
  /** The call's id: the file is recordings/calls/YYYYMMDD/CALLID.wav and the index is searchable by it. */
  callId: string;
  dataDir: string;
  index: RecordingIndex;
  facts?: CallRecordingFacts;
  now?: () => number;
  log?: (line: string) => void;
  /** After a write failure (disk full, I/O error), try again every this many board ms while the call goes on (default 10 s). */
  retryMs?: number;
  /** The alarm event of a write failure (raised at once) and of the recording resuming (cleared), as the rolling recorder's alarms$. */
  onAlarm?: (a: RecordingAlarm) => void;
}

export interface CallRecording {
  /** The recording's id (recordings/calls/…/CALLID.wav). */
  readonly id: string;
  readonly other: Channel | null;
  /** From the next tick on, the other side is `other`'s voice (null: what the caller hears); same file, no gap. `agent`: added to the index's agents. */
  repoint(other: Channel | null, agent?: string): void;
  /** Facts learnt during the call (queue, agents, case numbers), written to the index with the file. */
  note(facts: CallRecordingFacts): void;
  /** Ends the recording now; resolves with its index entry once the file is durable and indexed. */
  stop(): Promise<RecordingEntry | undefined>;
  /** Resolves when the recording ended (the caller's call ended, or stop()) and is indexed; undefined if nothing could be indexed. */
  readonly done: Promise<RecordingEntry | undefined>;
}

function day(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10).replace(/-/g, '');
}

export function startCallRecording(o: CallRecordingOptions): CallRecording {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const caller = o.caller;
  const checkOther = (c: Channel | null | undefined): Channel | null => {
    if (c === null || c === undefined) return null;
    if (c === caller || c.board !== caller.board) throw recError('REC_CALL_INVALID', `other side ${c.name} for caller ${caller.name}`);
    return c;
  };
  let other = checkOther(o.other);
  const start = now();
  const id = checkRecordingId(`recordings/calls/${day(start)}/${o.callId}.wav`);
  const folder = join(o.dataDir, 'recordings', 'calls', day(start));
  mkdirSync(folder, { recursive: true });
  const facts: CallRecordingFacts = { ...o.facts, agents: [...(o.facts?.agents ?? [])], caseNumbers: [...(o.facts?.caseNumbers ?? [])] };
  const retryMs = o.retryMs ?? 10_000;
  const alarm = (raised: boolean, code: string, message: string) => {
    try {
      o.onAlarm?.({ raised, code, message, channel: `${caller.span.index}:${caller.timeslot}`, at: now(), callId: o.callId });
    } catch {
      // A listener's failure does not touch the recording.
    }
  };
  const scheduler = caller.board.scheduler;

  // A write failure ends the tap but not the call: while the caller's call
  // goes on, a new tap is tried every retryMs, into the next part of the same
  // recording (CALLID.2.wav, …: the parts a roll-over writes, so export, verify
  // and playback join them); the stretch between the last durable audio and the
  // resumed part is a GapMarker in the one index entry.
  let tap!: Tap;
  let stopped = false;
  let retry: Subscription | null = null;
  let outage: { at: number; code: string } | null = null;
  const gaps: GapMarker[] = [];
  let lastEnd = start;
  let resolveDone!: (e: RecordingEntry | undefined) => void;
  const done = new Promise<RecordingEntry | undefined>((r) => (resolveDone = r));

  const finish = async () => {
    retry?.unsubscribe();
    retry = null;
    if (outage) gaps.push({ at: outage.at, ms: Math.max(0, now() - outage.at), reason: outage.code });
    outage = null;
    const end = gaps.length && gaps[gaps.length - 1].at + gaps[gaps.length - 1].ms > lastEnd ? gaps[gaps.length - 1].at + gaps[gaps.length - 1].ms : lastEnd;
    try {
      const e = entryFor(o.dataDir, id, {
        kind: 'call',
        channel: `${caller.span.index}:${caller.timeslot}`,
        callId: o.callId,
        start,
        end,
        gaps,
        agents: [...new Set(facts.agents)],
        caseNumbers: [...new Set(facts.caseNumbers)],
        ...(facts.callerNumber !== undefined ? { callerNumber: facts.callerNumber } : {}),
        ...(facts.calledNumber !== undefined ? { calledNumber: facts.calledNumber } : {}),
        ...(facts.queue !== undefined ? { queue: facts.queue } : {}),
        ...(facts.direction !== undefined ? { direction: facts.direction } : {}),
        ...(facts.legs !== undefined ? { legs: facts.legs } : {}),
      });
      await o.index.put(e);
      return e;
    } catch (e) {
      log(`recordings: call ${o.callId}: not indexed: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
      return undefined;
    }
  };

  // The next part's file: the recording's own name while none is on disk (a
  // failure before any audio was kept leaves none), else the first free NAME.N.
  const nextPart = (): string => {
    if (!existsSync(recordingPath(o.dataDir, id))) return id;
    let n = 2;
    while (existsSync(recordingPath(o.dataDir, rolledPartId(id, n)))) n++;
    return rolledPartId(id, n);
  };

  const begin = (partId: string, partStart: number) => {
    tap = caller.tap(recordingPath(o.dataDir, partId), { other, mode: o.mode ?? 'stereo', format: o.format });
    const mine = tap;
    mine.done.then(
      (r) => ended(mine, r, partStart, partId),
      (e) => ended(mine, { requestId: mine.requestId, reason: 'error', durationMs: 0, file: mine.file, error: { code: 'HL_EREC_IO', message: (e as Error).message } }, partStart, partId),
    );
  };

  // What a failed part kept on disk, ms (the ring's last chunk may not have reached it).
  const kept = (partId: string): number => {
    try {
      return inspectFile(o.dataDir, partId).durationMs;
    } catch {
      return 0;
    }
  };

  const ended = (mine: Tap, r: RecordResult, partStart: number, partId: string) => {
    if (mine !== tap) return;
    const ms = r.error && r.error.code !== 'HL_EREC_DROPPED' ? kept(partId) : r.durationMs;
    if (ms > 0) lastEnd = partStart + ms;
    if (r.droppedSamples) gaps.push({ at: lastEnd, ms: r.droppedSamples / 8, reason: 'HL_EREC_DROPPED' });
    if (!r.error || r.error.code === 'HL_EREC_DROPPED') {
      void finish().then(resolveDone);
      return;
    }
    if (!outage) {
      // A resumed part that failed before keeping any audio: the outage goes on (one gap, not two).
      const prev = gaps[gaps.length - 1];
      if (prev && prev.reason !== 'HL_EREC_DROPPED' && prev.at + prev.ms >= lastEnd) {
        gaps.pop();
        outage = { at: prev.at, code: prev.reason };
      } else outage = { at: lastEnd, code: r.error.code };
      if (!prev || outage.at !== prev.at) alarm(true, r.error.code, r.error.message);
      if (!prev || outage.at !== prev.at) log(`recordings: ALARM ${r.error.code} on call ${o.callId}: its recording stopped after ${((lastEnd - start) / 1000).toFixed(1)} s (${r.error.message}); the call goes on, retrying every ${retryMs / 1000} s`);
    }
    if (stopped || caller.state === 'idle') {
      void finish().then(resolveDone);
      return;
    }
    retry = scheduler.schedule(() => {
      retry = null;
      if (stopped || caller.state === 'idle') {
        void finish().then(resolveDone);
        return;
      }
      const partId = nextPart();
      const at = now();
      try {
        begin(partId, at);
      } catch (e) {
        ended(tap, { requestId: tap.requestId, reason: 'error', durationMs: 0, file: '', error: { code: (e as { code?: string }).code ?? 'HL_EREC_IO', message: (e as Error).message } }, at, partId);
        return;
      }
      const was = outage!;
      lastEnd = at;
      gaps.push({ at: was.at, ms: Math.max(0, at - was.at), reason: was.code });
      outage = null;
      alarm(false, was.code, 'recording again');
      log(`recordings: call ${o.callId}: recording again after ${((at - was.at) / 1000).toFixed(1)} s (${was.code}), in ${partId}`);
    }, retryMs) as unknown as Subscription;
  };

  begin(id, start);

  return {
    id,
    get other() {
      return other;
    },
    repoint(next, agent) {
      other = checkOther(next);
      if (!outage) tap.repoint(other);
      if (agent) facts.agents!.push(agent);
    },
    note(f) {
      if (f.agents) facts.agents!.push(...f.agents);
      if (f.caseNumbers) facts.caseNumbers!.push(...f.caseNumbers);
      for (const k of ['callerNumber', 'calledNumber', 'queue', 'direction', 'legs'] as const) if (f[k] !== undefined) (facts as Record<string, unknown>)[k] = f[k];
    },
    stop() {
      stopped = true;
      if (outage) {
        retry?.unsubscribe();
        retry = null;
        void finish().then(resolveDone);
      } else void tap.stop();
      return done;
    },
    done,
  };
}
