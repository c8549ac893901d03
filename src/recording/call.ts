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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel, RecordResult } from '../board/types.ts';
import { recError } from './errors.ts';
import { checkRecordingId, recordingIdOf } from './ids.ts';
import { entryFor } from './maintain.ts';
import type { Direction, GapMarker, RecordingEntry, RecordingIndex } from './types.ts';

export interface CallRecordingFacts {
  callerNumber?: string;
  calledNumber?: string;
  queue?: string;
  agents?: string[];
  caseNumbers?: string[];
  direction?: Direction;
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
  const tap = caller.tap(join(folder, `${o.callId}.wav`), { other, mode: o.mode ?? 'stereo', format: o.format });

  const index = async (r: RecordResult): Promise<RecordingEntry | undefined> => {
    const gaps: GapMarker[] = [];
    const end = start + r.durationMs;
    if (r.error) {
      log(`recordings: ALARM ${r.error.code} on call ${o.callId}: its recording stopped after ${(r.durationMs / 1000).toFixed(1)} s (${r.error.message}); the call goes on`);
      gaps.push({ at: end, ms: Math.max(0, now() - end), reason: r.error.code });
    }
    if (r.droppedSamples) gaps.push({ at: end, ms: r.droppedSamples / 8, reason: 'HL_EREC_DROPPED' });
    const fileId = recordingIdOf(o.dataDir, r.file);
    try {
      const e = entryFor(o.dataDir, fileId, {
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
      });
      await o.index.put(e);
      return e;
    } catch (e) {
      log(`recordings: call ${o.callId}: not indexed: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const done = tap.done.then(index);

  return {
    id,
    get other() {
      return other;
    },
    repoint(next, agent) {
      other = checkOther(next);
      tap.repoint(other);
      if (agent) facts.agents!.push(agent);
    },
    note(f) {
      if (f.agents) facts.agents!.push(...f.agents);
      if (f.caseNumbers) facts.caseNumbers!.push(...f.caseNumbers);
      for (const k of ['callerNumber', 'calledNumber', 'queue', 'direction'] as const) if (f[k] !== undefined) (facts as Record<string, unknown>)[k] = f[k];
    },
    stop() {
      void tap.stop();
      return done;
    },
    done,
  };
}
