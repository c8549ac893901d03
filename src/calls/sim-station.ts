// A simulated agent's telephone on the network side of an FXS port (the
// phone end of the line: board.network.channel(span, port)). It rings when
// the port rings it, goes off hook (answers the ringing, or lifts the handset
// while idle: the port then sees a seizure, as a real FXS card does), hangs
// up, speaks real audio (a WAV prompt or samples in memory), keys DTMF as
// dual tones on the line (never digit events), and taps everything it hears
// while off hook so a test can check by correlation what the agent heard.
// Used by the tests and by `hotline start --demo-agents`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom, map, merge, type Subscription, take, timer } from 'rxjs';
import type { Channel, PlayItem, RecordResult, Tap } from '../board/types.ts';
import { readWavSamples } from '../dsp/wav.ts';

export interface SimStationOptions {
  /** Folder for the tap files (what the agent heard, left channel). */
  dir: string;
  /** Tap every off-hook period to `<dir>/station-<name>-<n>.wav` (default true). */
  tap?: boolean;
  /** A label for file names (default: the port's span and number). */
  name?: string;
}

let seq = 0;

export class SimStation {
  readonly phone: Channel;
  readonly name: string;
  #o: SimStationOptions;
  #tap: Tap | undefined;
  #taps = 0;
  #sub: Subscription | undefined;
  /** Files tapped so far, one per off-hook period, in order (finished after each hang-up). */
  readonly heardFiles: string[] = [];
  /** How many times the phone started ringing. */
  rings = 0;

  constructor(phone: Channel, o: SimStationOptions) {
    this.phone = phone;
    this.#o = o;
    this.name = o.name ?? `${phone.span.index}-${phone.timeslot}-${++seq}`;
    mkdirSync(o.dir, { recursive: true });
    this.#sub = phone.events$.subscribe((e) => {
      if (e.type === 'ring') this.rings++;
    });
  }

  /** The handset is lifted (a call in progress or dial-tone state). */
  get offHook(): boolean {
    return this.phone.state === 'connected' || this.phone.state === 'dialing';
  }

  get ringing(): boolean {
    return this.phone.state === 'ringing';
  }

  /** Resolves true when the phone rings within `timeoutMs` of board time (true at once if it already rings). */
  async waitRing(timeoutMs = 60_000): Promise<boolean> {
    if (this.ringing) return true;
    return firstValueFrom(
      merge(this.phone.events$.pipe(filter((e) => e.type === 'ring'), map(() => true)), timer(timeoutMs, this.phone.board.scheduler).pipe(map(() => false))).pipe(take(1)),
    );
  }

  /**
   * Lifts the handset: answers a ringing phone, or goes off hook while idle
   * (headset mode: the port answers the seizure and the line stays open).
   * Answering resolves once the lift is queued; going off hook while idle
   * resolves when the port has answered (board time must move). The tap
   * starts then. Returns false if the port never answered the lifted handset.
   */
  async liftHandset(): Promise<boolean> {
    if (this.offHook) return true;
    if (this.ringing) await this.phone.answer();
    else {
      // Off hook while idle: a seizure toward the port, which answers it.
      const r = await this.phone.call({ timeoutMs: 10_000 });
      if (r.reason !== 'done') return false;
    }
    this.#startTap();
    return true;
  }

  #startTap(): void {
    if (this.#o.tap === false || this.#tap) return;
    const file = join(this.#o.dir, `station-${this.name}-${++this.#taps}.wav`);
    this.heardFiles.push(file);
    this.#tap = this.phone.tap(file, { mode: 'stereo', format: 'pcm16' });
  }

  /** Puts the handset down; resolves when the tap of this off-hook period is finished (its file, or null). */
  async hangUp(): Promise<string | null> {
    if (this.phone.state !== 'idle') {
      try {
        await this.phone.hangup();
      } catch {
        // The port cleared first.
      }
    }
    return this.#endTap();
  }

  async #endTap(): Promise<string | null> {
    const t = this.#tap;
    this.#tap = undefined;
    if (!t) return null;
    const r: RecordResult = await t.stop().catch(() => t.done);
    return r.file;
  }

  /** Speaks into the line (a WAV file or samples in memory); resolves when it has been said. */
  async speak(item: PlayItem | PlayItem[], signal?: AbortSignal): Promise<void> {
    await this.phone.play(item, { signal });
  }

  /** Keys DTMF digits as audio (the board's tone generator, 80 ms tone / 80 ms gap). */
  async press(keys: string): Promise<void> {
    await this.phone.sendDigits(keys);
  }

  /** What the agent heard in one off-hook period (left channel of its tap), after hangUp/finishTap. */
  heard(index = this.heardFiles.length - 1): Int16Array {
    const file = this.heardFiles[index];
    if (!file) return new Int16Array(0);
    // Channel 0 of the stereo tap: what the phone received.
    return readWavSamples(file).samples;
  }

  /** Ends the tap of the current off-hook period without hanging up; a new one starts. Returns the finished file. */
  async cutTap(): Promise<string | null> {
    const f = await this.#endTap();
    if (this.offHook) this.#startTap();
    return f;
  }

  close(): void {
    this.#sub?.unsubscribe();
  }
}
