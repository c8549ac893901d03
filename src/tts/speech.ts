// Text to speech for prompts and test signals: eSpeak NG compiled to
// WebAssembly (npm package espeak-ng, GPL-3.0-or-later, run as its own
// program instance per text, as the command-line tool was), resampled from
// its 22 050 Hz to the 8 000 Hz of the line.
//
// Voices: Mandarin is `cmn-latn-pinyin` (reads characters, and Latin letters
// as pinyin with tone digits); plain `cmn` reads Latin letters as English.
// English: `en-us`, `en-gb`, `en-gb-scotland`, … with a variant after `+`
// (`en-us+f2`, `cmn-latn-pinyin+m3`). This build has no Klatt synthesiser:
// `+klatt*` variants are refused.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { normalizePeak, toAlaw, toPcm16, trimSilence } from './pcm.ts';
import { resample } from './resample.ts';
import { ttsError } from './errors.ts';
import type { HotlineError } from '../errors.ts';

/** The line rate: G.711 on E1, 8 000 samples per second. */
export const LINE_RATE = 8000;

export interface SpeakOptions {
  /** espeak-ng voice, e.g. `cmn-latn-pinyin`, `en-us+f2`. */
  voice: string;
  /** Words per minute, 80..450 (espeak-ng's -s); default 175. */
  wpm?: number;
  /** Pitch 0..99 (espeak-ng's -p); default 50. */
  pitch?: number;
  /** Scale the result so its peak sits here (dBFS, e.g. -3); default: as synthesised. */
  peakDbfs?: number;
  /** Cut lead-in and tail silence (below -45 dBFS); default false. */
  trim?: boolean;
}

type Create = (typeof import('espeak-ng'))['default'];
// The tsconfig's lib (es2023, no DOM) declares no WebAssembly namespace: the two calls used.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let engine: Promise<{ create: Create; wasm: object }> | undefined;

// Loaded once per process: the 18 MB WebAssembly module is compiled once and
// instantiated per text (each run of eSpeak NG's main() needs fresh state).
function load(): Promise<{ create: Create; wasm: object }> {
  engine ??= (async () => {
    let create: Create;
    let file: string;
    // HL_TTS_PACKAGE names another copy of the package (tests name a missing one).
    const name = process.env.HL_TTS_PACKAGE || 'espeak-ng';
    try {
      const entry = createRequire(import.meta.url).resolve(name);
      create = ((await import(pathToFileURL(entry).href)) as typeof import('espeak-ng')).default;
      file = join(dirname(entry), 'espeak-ng.wasm');
    } catch (e) {
      throw ttsError('TTS_ENGINE_MISSING', `${name}: ${(e as Error).message.split('\n')[0]}`);
    }
    return { create, wasm: await wasmApi.compile(await readFile(file)) };
  })();
  engine.catch(() => (engine = undefined));
  return engine;
}

// eSpeak NG seeds its random generator from the wall clock (time()), and its
// voices use it (breath noise of the f* variants, pitch jitter): the same
// text then differs run to run. Its C library reads the clock through this
// import; a fixed clock makes every synthesis reproducible (a test corpus
// and a prompt build must not change between runs).
const FIXED_EPOCH_MS = Date.UTC(2026, 0, 1);
function fixedClock(imports: object): object {
  const i = imports as { env?: Record<string, unknown> };
  if (!i.env || typeof i.env.emscripten_date_now !== 'function') return imports;
  return { ...i, env: { ...i.env, emscripten_date_now: () => FIXED_EPOCH_MS } };
}

/** Tells whether the synthesiser can be loaded; the error says what is missing. */
export async function ttsAvailable(): Promise<HotlineError | null> {
  try {
    await load();
    return null;
  } catch (e) {
    return e as HotlineError;
  }
}

function checkOptions(text: string, o: SpeakOptions): void {
  if (typeof text !== 'string' || text.trim() === '') throw ttsError('TTS_ARG', 'the text is empty');
  if (typeof o.voice !== 'string' || !/^[A-Za-z0-9_-]+(\+[A-Za-z0-9_-]+)?$/.test(o.voice)) throw ttsError('TTS_VOICE', `'${String(o.voice)}'`);
  if (/\+klatt/i.test(o.voice)) throw ttsError('TTS_VOICE', `'${o.voice}' (this build has no Klatt synthesiser)`);
  const wpm = o.wpm ?? 175;
  if (!Number.isFinite(wpm) || wpm < 80 || wpm > 450) throw ttsError('TTS_ARG', `words per minute must be 80..450, not ${wpm}`);
  const pitch = o.pitch ?? 50;
  if (!Number.isFinite(pitch) || pitch < 0 || pitch > 99) throw ttsError('TTS_ARG', `pitch must be 0..99, not ${pitch}`);
}

/** The rate and the 16-bit mono samples of the WAV file espeak-ng writes. */
function readEspeakWav(b: Uint8Array): { rate: number; samples: Float32Array } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const tag = (at: number): string => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
  if (b.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw ttsError('TTS_SYNTH_FAILED', 'espeak-ng wrote no WAV file');
  let rate = 0;
  for (let at = 12; at + 8 <= b.length; ) {
    const size = v.getUint32(at + 4, true);
    if (tag(at) === 'fmt ') rate = v.getUint32(at + 12, true);
    if (tag(at) === 'data') {
      const n = Math.floor(Math.min(size, b.length - at - 8) / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = v.getInt16(at + 8 + 2 * i, true) / 32768;
      if (!rate) break;
      return { rate, samples };
    }
    at += 8 + size + (size & 1);
  }
  throw ttsError('TTS_SYNTH_FAILED', 'the WAV file espeak-ng wrote has no fmt or data chunk');
}

/** Speaks `text` and returns it at 8 kHz as float samples (full scale +-1). */
export async function speakFloat(text: string, o: SpeakOptions): Promise<Float32Array> {
  checkOptions(text, o);
  const { create, wasm } = await load();
  let err = '';
  let wav: Uint8Array | undefined;
  const mod = await create({
    // Text from a file, not argv: a text starting with '-' is not an option.
    arguments: ['-b', '1', '-v', o.voice, '-s', String(Math.round(o.wpm ?? 175)), '-p', String(Math.round(o.pitch ?? 50)), '-w', '/out.wav', '-f', '/in.txt'],
    preRun: [(m) => m.FS.writeFile('/in.txt', text)],
    instantiateWasm(imports, done) {
      wasmApi.instantiate(wasm, fixedClock(imports)).then((instance) => done(instance, wasm), (e: Error) => (err += e.message));
      return {};
    },
    print: () => {},
    // Emscripten also reports a normal exit on stderr; keep only espeak-ng's lines.
    printErr: (s) => {
      if (!s.startsWith('program exited (with status: 0)')) err += `${s}\n`;
    },
  });
  try {
    wav = mod.FS.readFile('/out.wav');
  } catch {
    wav = undefined;
  }
  if (/voice does not exist|Failed to read voice|Bad voice/i.test(err)) throw ttsError('TTS_VOICE', `'${o.voice}': ${err.trim().split('\n')[0]}`);
  if (err.trim() || !wav) throw ttsError('TTS_SYNTH_FAILED', err.trim().split('\n')[0] || 'no audio written');
  const { rate, samples } = readEspeakWav(wav);
  let x = resample(samples, rate, LINE_RATE);
  if (o.trim) x = trimSilence(x, LINE_RATE);
  if (o.peakDbfs !== undefined) x = normalizePeak(x, o.peakDbfs);
  return x;
}

/** Speaks `text` as 8 kHz 16-bit linear samples. */
export async function speak(text: string, o: SpeakOptions): Promise<Int16Array> {
  return toPcm16(await speakFloat(text, o));
}

/** Speaks `text` as 8 kHz G.711 A-law bytes, ready for a WAV file or a line. */
export async function speakAlaw(text: string, o: SpeakOptions): Promise<Uint8Array> {
  return toAlaw(await speakFloat(text, o));
}
