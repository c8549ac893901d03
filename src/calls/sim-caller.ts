// A simulated caller on the network side of the simulated cable: it seizes a
// line, listens until the IVR falls silent, keys DTMF (as audio, through the
// board's tone generator), speaks by playing a recording, and hangs up. It
// taps its own line for the whole call, so a test can check by correlation
// what the caller actually heard. Used by the tests, `hotline start
// --demo-callers` and the IVR benchmark.
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom, map, merge, take, timer } from 'rxjs';
import type { Board, Channel, Tap } from '../board/types.ts';
import type { PromptSet } from '../ivr/prompts.ts';

export interface SimCallerOptions {
  /** Folder for the caller's scratch and tap files. */
  dir: string;
  callerNumber?: string;
  calledNumber?: string;
  /** Record the whole call (stereo tap, left = what the caller heard). Default true. */
  tap?: boolean;
  /**
   * How the caller knows the IVR has finished speaking. 'silence' (default):
   * it records the line until the far end falls silent. 'timed': it waits as
   * long as the prompts it expects last (from the manifest), plus 0.7 s:
   * no recorder runs, so a bulk simulation writes no scratch WAV files.
   */
  listen?: 'silence' | 'timed';
  /** Needed for 'timed' listening: prompt durations. */
  prompts?: PromptSet;
}

let seq = 0;

export class SimCaller {
  readonly ch: Channel;
  readonly o: SimCallerOptions;
  readonly id = ++seq;
  #tap: Tap | undefined;
  #scratch = 0;
  connected = false;

  constructor(ch: Channel, o: SimCallerOptions) {
    this.ch = ch;
    this.o = o;
    mkdirSync(o.dir, { recursive: true });
  }

  /** Path of the tap file (what the caller heard on the left channel). */
  get heardFile(): string {
    return join(this.o.dir, `caller-${this.id}-heard.wav`);
  }

  /** Seizes the line; resolves true when the IVR answers. */
  async dial(timeoutMs = 10_000): Promise<boolean> {
    const r = await this.ch.call({ callerNumber: this.o.callerNumber, calledNumber: this.o.calledNumber ?? '12315', timeoutMs });
    this.connected = r.reason === 'done';
    if (this.connected && this.o.tap !== false) this.#tap = this.ch.tap(this.heardFile, { mode: 'stereo', format: 'pcm16' });
    return this.connected;
  }

  /**
   * Listens until the far end has spoken and then been silent for `silenceMs`
   * (or `maxMs` passed). Returns the ms listened, and whether the line dropped.
   */
  async hear(o: { silenceMs?: number; maxMs?: number; expect?: string[] } = {}): Promise<{ ms: number; hungUp: boolean }> {
    if (this.o.listen === 'timed') return this.#wait(o.expect ?? []);
    const file = join(this.o.dir, `caller-${this.id}-scratch-${++this.#scratch}.wav`);
    try {
      const r = await this.ch.record(file, { silenceMs: o.silenceMs ?? 1500, maxMs: o.maxMs ?? 60_000, silenceThresholdDbm0: -45 });
      if (r.reason === 'hangup') this.connected = false;
      return { ms: r.durationMs, hungUp: r.reason === 'hangup' };
    } catch (e) {
      if (this.ch.state !== 'connected') {
        this.connected = false;
        return { ms: 0, hungUp: true };
      }
      throw e;
    } finally {
      if (existsSync(file)) unlinkSync(file);
    }
  }

  async #wait(expect: string[]): Promise<{ ms: number; hungUp: boolean }> {
    const p = this.o.prompts;
    let ms = 700;
    for (const id of expect) ms += p?.manifest.languages.zh?.prompts[id]?.ms ?? 1000;
    if (expect.length === 0) ms = 3000;
    await firstValueFrom(
      merge(this.ch.events$.pipe(filter((e) => e.type === 'hangup')), timer(ms, this.ch.board.scheduler)).pipe(take(1)),
    );
    if (this.ch.state !== 'connected') this.connected = false;
    return { ms, hungUp: !this.connected };
  }

  /** Keys DTMF digits as audio (80 ms tone, 80 ms gap, -8 dBm0 per tone). */
  async press(keys: string): Promise<void> {
    await this.ch.sendDigits(keys);
  }

  /** Plays speech into the line (8 kHz WAV). */
  async speak(file: string): Promise<void> {
    await this.ch.play(file);
  }

  /** Hangs up (if still connected), waits for the line to be idle again (≤ 5 s), finishes the tap; returns the heard file. */
  async hangup(): Promise<string | null> {
    if (this.ch.state !== 'idle') {
      const idle = firstValueFrom(
        merge(this.ch.events$.pipe(filter((e) => e.type === 'idle')), timer(5000, this.ch.board.scheduler)).pipe(take(1), map(() => undefined)),
      );
      try {
        await this.ch.hangup();
      } catch {
        // Already cleared by the far end.
      }
      if ((this.ch.state as string) !== 'idle') await idle;
    }
    this.connected = false;
    if (!this.#tap) return null;
    await this.#tap.stop().catch(() => this.#tap!.done);
    return this.heardFile;
  }
}

/**
 * Runs `work` to completion while moving a stepped board's clock (real-time
 * boards move by themselves). While `hold()` is true (the engine awaits its
 * store or SMTP server, which take wall time) board time stands still, so a
 * simulated second is never spent waiting on a disk. Throws if `maxMs` of
 * board time pass first.
 */
export async function drive<T>(board: Board, work: Promise<T>, maxMs = 600_000, stepMs = 50, hold?: () => boolean): Promise<T> {
  if (board.mode === 'realtime') return work;
  let settled = false;
  let failure: unknown;
  let value: T | undefined;
  work.then(
    (v) => ((settled = true), (value = v)),
    (e) => ((settled = true), (failure = e)),
  );
  const until = board.now() + maxMs;
  while (!settled) {
    if (board.now() >= until) throw new Error(`drive: work not finished after ${maxMs} ms of board time`);
    if (hold?.()) await new Promise((r) => setImmediate(r));
    else await board.advance(stepMs);
  }
  if (failure !== undefined) throw failure;
  return value as T;
}

/** Advances a stepped board by `ms`, standing still while `hold()` is true (see drive). */
export async function advanceHeld(board: Board, ms: number, hold: () => boolean, stepMs = 100): Promise<void> {
  const until = board.now() + ms;
  while (board.now() < until) {
    if (hold()) await new Promise((r) => setImmediate(r));
    else await board.advance(Math.min(stepMs, until - board.now()));
  }
}
