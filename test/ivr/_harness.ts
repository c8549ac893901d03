// Shared by the end-to-end tests: a stepped engine on the simulated E1 board
// with a store in a temporary folder, simulated callers on the network side,
// and checks of what a caller heard by correlation with the prompt files.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel } from '../../src/board/types.ts';
import type { CallSummary } from '../../src/calls/call.ts';
import { openEngine, type Engine, type EngineOptions } from '../../src/calls/engine.ts';
import { drive, SimCaller } from '../../src/calls/sim-caller.ts';
import { findPrompt, readSequence } from '../../src/ivr/audio-match.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';

const LEAD = 4000;

/** Monday 2026-03-16 10:00 in Shanghai: inside office hours. */
export const MONDAY_10AM = Date.parse('2026-03-16T10:00:00+08:00');

export interface Harness {
  engine: Engine;
  dir: string;
  ended: CallSummary[];
  call(script: (c: SimCaller) => Promise<void>, o?: { callerNumber?: string; channel?: number }): Promise<{ heard: Int16Array; calls: CallSummary[] }>;
  close(): Promise<void>;
}

export async function harness(o: Partial<EngineOptions> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-ivr-e2e-'));
  const engine = await openEngine({ dataDir: join(dir, 'data'), mode: 'stepped', epochAtZero: MONDAY_10AM, ...o });
  const ended: CallSummary[] = [];
  engine.core.calls$.subscribe((e) => e.type === 'end' && ended.push(e.call));
  let next = 0;
  return {
    engine,
    dir,
    ended,
    async call(script, co = {}) {
      const net: Channel = engine.networkChannels[co.channel ?? next++ % engine.networkChannels.length];
      const before = ended.length;
      const caller = new SimCaller(net, { dir: join(dir, 'callers'), callerNumber: co.callerNumber ?? '13912345678' });
      try {
        await drive(engine.board, (async () => {
          if (!(await caller.dial())) throw new Error(`the IVR did not answer on ${net.name}`);
          await script(caller);
        })(), 600_000, 50, () => engine.core.busy());
      } catch (e) {
        // Hand uvu a plain Error with the code, the sentence and the path the
        // IVR took, so a failure says where the call went.
        await drive(engine.board, caller.hangup()).catch(() => null);
        await drive(engine.board, engine.core.idle()).catch(() => null);
        const path = ended.slice(before).map((c) => c.path.join('>')).join(' | ');
        const err = e as { code?: string; message: string; stack?: string };
        if (!err.code) throw e;
        throw new Error(`${err.code}: ${err.message} (IVR path: ${path})\n${err.stack ?? ''}`);
      }
      const file = await drive(engine.board, caller.hangup());
      await drive(engine.board, engine.core.idle());
      // One more second so the line settles back to idle on both sides.
      await engine.board.advance(1000);
      // The tap starts when the answer reaches the caller, a tick or two after
      // the IVR began its first prompt: lead with 0.5 s of silence so a prompt
      // cut at its first samples still aligns.
      const tapped = file ? readWavSamples(file).samples : new Int16Array(0);
      const heard = new Int16Array(LEAD + tapped.length);
      heard.set(tapped, LEAD);
      return { heard, calls: ended.slice(before) };
    },
    async close() {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Keyed by the file, not the prompt id: engines of different tests may use
// different prompt folders (a test's replaced prompt must not leak into the next).
const cache = new Map<string, Int16Array>();
/** The caller's side of an automated complaint: 2 (complaint/report), 1
 * (complaint), speaks `speech` after the beep, ends it with #, and listens to
 * the case number read back. */
export async function fileComplaint(c: SimCaller, speech: string): Promise<void> {
    await c.hear();
    await c.press('2');
    await c.hear();
    await c.press('1');
    await c.hear();
    await c.speak(speech);
    await c.press('#');
    await c.hear({ silenceMs: 2500 });
}

/** The caller listens to each prompt to its end and keys `presses` one after the other, then listens once more (`last`: how). */
export async function keyThrough(c: SimCaller, presses: string[], last: Parameters<SimCaller['hear']>[0] = {}): Promise<void> {
  for (const k of presses) {
    await c.hear();
    await c.press(k);
  }
  await c.hear(last);
}

export function promptAudio(engine: Engine, id: string, lang = 'zh'): Int16Array {
  const file = engine.prompts.file(lang, id);
  let s = cache.get(file);
  if (!s) cache.set(file, (s = readWavSamples(file).samples));
  return s;
}

/**
 * Finds the prompts in order in what the caller heard; each must correlate
 * above `min`. Returns the sample index just after each prompt.
 */
export function heardInOrder(engine: Engine, heard: Int16Array, ids: string[], lang = 'zh', min = 0.9): number[] {
  const ends: number[] = [];
  let from = 0;
  for (const id of ids) {
    const p = promptAudio(engine, id, lang);
    const m = findPrompt(heard, p, from, heard.length, min);
    if (m.score < min) throw new Error(`the caller did not hear '${id}' (${lang}) after sample ${from}: best correlation ${m.score.toFixed(3)}`);
    from = m.pos + p.length;
    ends.push(from);
  }
  return ends;
}

/** Reads `count` digits spoken from `from` in what the caller heard. */
export function heardDigits(engine: Engine, heard: Int16Array, from: number, count: number, lang = 'zh'): string {
  const frags = new Map<string, Int16Array>();
  for (let d = 0; d <= 9; d++) frags.set(String(d), promptAudio(engine, `digit_${d}`, lang));
  return readSequence(heard, frags, from, count).ids.join('');
}

export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
