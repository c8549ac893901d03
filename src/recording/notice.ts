// "This call may be recorded", per queue (issue 11): what the caller is told
// that the call is recorded, configured per queue, and the function the call
// layer calls when a call enters a queue (announcement) or is bridged (beeps).
//   none:          nothing;
//   announcement:  a prompt (a WAV file, or a prompt id of the call's
//                  language) played to the caller in full before the call
//                  joins the queue, so it is heard even when an agent is free;
//   beep:          a tone added to what the caller hears (heard over the
//                  bridge with the agent), repeated every `everyMs`: by
//                  default 1400 Hz for 400 ms every 15 s at -16 dBm0, the
//                  recorder warning tone long used in North America (FCC
//                  "beep tone": 1400 Hz, 1/2 s, every 15 s) and close to
//                  ITU-T's.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Subscription } from 'rxjs';
import type { Board, Channel, PlayItem } from '../board/types.ts';
import { recError } from './errors.ts';

export type NoticeKind = 'none' | 'announcement' | 'beep';
export interface QueueNotice {
  kind: NoticeKind;
  /** announcement: the prompt, an 8 kHz WAV file… */
  file?: string;
  /** …or a prompt id (prompts/manifest.json) in the call's language. */
  prompt?: string;
  /** beep: tone frequency Hz (300-3400), length ms (50-2000), level dBm0 (-40 to -6), repeat every ms (0 = once; 1000-600000). */
  hz?: number;
  ms?: number;
  levelDbm0?: number;
  everyMs?: number;
}
/** Per queue name; `default` for queues not listed. */
export type NoticeConfig = Record<string, QueueNotice>;

export const DEFAULT_BEEP = { hz: 1400, ms: 400, levelDbm0: -16, everyMs: 15_000 } as const;

function range(where: string, what: string, v: unknown, lo: number, hi: number): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)) throw recError('REC_NOTICE_INVALID', `${where}.${what} must be a number from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
}

/** Checks a notice configuration (from a config file): throws REC_NOTICE_INVALID with the faulty field. */
export function checkNoticeConfig(raw: unknown): NoticeConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw recError('REC_NOTICE_INVALID', 'expected an object of queue name → notice');
  const out: NoticeConfig = Object.create(null);
  for (const [queue, n] of Object.entries(raw as Record<string, unknown>)) {
    if (!n || typeof n !== 'object') throw recError('REC_NOTICE_INVALID', `${queue}: expected { kind, … }`);
    const q = n as Record<string, unknown>;
    for (const k of Object.keys(q)) if (!['kind', 'file', 'prompt', 'hz', 'ms', 'levelDbm0', 'everyMs'].includes(k)) throw recError('REC_NOTICE_INVALID', `${queue}: unknown field '${k}'`);
    if (q.kind !== 'none' && q.kind !== 'announcement' && q.kind !== 'beep') throw recError('REC_NOTICE_INVALID', `${queue}.kind must be none, announcement or beep, got ${JSON.stringify(q.kind)}`);
    for (const k of ['file', 'prompt'] as const) if (q[k] !== undefined && (typeof q[k] !== 'string' || q[k] === '')) throw recError('REC_NOTICE_INVALID', `${queue}.${k} must be a non-empty string, got ${JSON.stringify(q[k])}`);
    if (q.kind === 'announcement' && (q.file === undefined) === (q.prompt === undefined)) throw recError('REC_NOTICE_INVALID', `${queue}: an announcement needs exactly one of file (a WAV prompt) or prompt (a prompt id)`);
    range(queue, 'hz', q.hz, 300, 3400);
    range(queue, 'ms', q.ms, 50, 2000);
    range(queue, 'levelDbm0', q.levelDbm0, -40, -6);
    if (q.everyMs !== undefined && q.everyMs !== 0) range(queue, 'everyMs', q.everyMs, 1000, 600_000);
    out[queue] = q as unknown as QueueNotice;
  }
  return out;
}

/**
 * A notice configuration from a JSON file (`hotline start --recording-notice
 * FILE`) or an object: checked, announcement files resolved against the
 * file's folder (else the working folder) and required to exist. Throws
 * REC_NOTICE_INVALID naming the file and the field.
 */
export function loadNoticeConfig(src: string | unknown): NoticeConfig {
  let raw = src;
  let base = process.cwd();
  if (typeof src === 'string') {
    base = dirname(resolve(src));
    let text: string;
    try {
      text = readFileSync(src, 'utf8');
    } catch (e) {
      throw recError('REC_NOTICE_INVALID', `${src}: cannot be read (${(e as { code?: string }).code ?? (e as Error).message})`);
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw recError('REC_NOTICE_INVALID', `${src}: not JSON: ${(e as Error).message}`);
    }
  }
  const config = checkNoticeConfig(raw);
  for (const [queue, n] of Object.entries(config)) {
    if (n.file === undefined) continue;
    const file = resolve(base, n.file);
    if (!existsSync(file)) throw recError('REC_NOTICE_INVALID', `${queue}.file ${n.file}: no such file (looked for ${file})`);
    config[queue] = { ...n, file };
  }
  return config;
}

/** A sine burst as PCM16 (the beep), level in dBm0 (0 dBm0 = 3.14 dB below A-law overload, G.711). */
function beepClip(hz: number, ms: number, levelDbm0: number): Int16Array {
  const amp = 22812.8 * 10 ** (levelDbm0 / 20);
  const n = Math.round(ms * 8);
  const x = new Int16Array(n);
  const ramp = 40; // 5 ms rise and fall: no click
  for (let i = 0; i < n; i++) {
    const env = Math.min(1, i / ramp, (n - 1 - i) / ramp);
    x[i] = Math.round(amp * env * Math.sin((2 * Math.PI * hz * i) / 8000));
  }
  return x;
}

export interface NoticeHandle {
  /** Resolves when the announcement or first beep has played. */
  readonly played: Promise<void>;
  /** Stops repeating beeps (they stop by themselves when the call ends). */
  stop(): void;
}

/** The notice configured for `queue` (else `default`, else none). */
export function noticeFor(config: NoticeConfig | undefined, queue: string): QueueNotice {
  return (config && (Object.hasOwn(config, queue) ? config[queue] : config.default)) || { kind: 'none' };
}

export interface NoticeOptions {
  /** announcement: what to play (the call layer resolves a `prompt` id in the call's language); default: `file`. */
  announcement?: PlayItem;
  /** beep: a repeat is skipped while this is false (the caller on hold, not bridged). */
  active?: () => boolean;
}

/**
 * Tells the caller on `channel` that the call is recorded, as `queue` is
 * configured (else `default`, else nothing). The call layer calls it when the
 * call enters the queue (announcement) and when the agent is bridged (beeps
 * are mixed into the bridge, heard with the agent).
 */
export function recordingNotice(board: Board, channel: Channel, queue: string, config: NoticeConfig, o: NoticeOptions = {}): NoticeHandle {
  const n = noticeFor(config, queue);
  if (n.kind === 'none') return { played: Promise.resolve(), stop() {} };
  if (n.kind === 'announcement') {
    const what = o.announcement ?? n.file;
    const p = what === undefined ? Promise.resolve() : channel.play(what).then(() => {});
    return { played: p, stop() {} };
  }
  const clip = { encoding: 'pcm16' as const, data: beepClip(n.hz ?? DEFAULT_BEEP.hz, n.ms ?? DEFAULT_BEEP.ms, n.levelDbm0 ?? DEFAULT_BEEP.levelDbm0) };
  const every = n.everyMs ?? DEFAULT_BEEP.everyMs;
  let stopped = false;
  let timer: Subscription | null = null;
  const beep = (): Promise<void> =>
    channel.play(clip, { mix: true }).then((r) => {
      if (r.reason === 'hangup') stopped = true;
    });
  const played = beep();
  const again = () => {
    if (stopped || channel.state !== 'connected') return;
    if (!o.active || o.active()) void beep();
    timer = board.scheduler.schedule(again, every) as unknown as Subscription;
  };
  if (every > 0) timer = board.scheduler.schedule(again, every) as unknown as Subscription;
  return {
    played,
    stop() {
      stopped = true;
      timer?.unsubscribe();
    },
  };
}
