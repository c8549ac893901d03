// The prompt manifest (prompts/manifest.json): per language, prompt id → text
// and WAV file. Flows name prompts by id; the caller's language picks the file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IvrError } from './errors.ts';
import type { AudioBuffer, PlayItem } from '../board/types.ts';
import { parseWav, readWavSamples, rmsDbfs } from './wav.ts';

export interface PromptEntry {
  text: string;
  /** Path relative to the prompts folder. */
  file: string;
  /** Duration in ms, filled by the build. */
  ms?: number;
}

export interface PromptManifest {
  format: { rate: number; encoding: string; channels: number };
  languages: Record<string, { voice: string; prompts: Record<string, PromptEntry> }>;
}

export const DEFAULT_PROMPTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'prompts');

/** Quieter than this (RMS) a speech prompt is taken for silence: -50 dBFS. */
const SILENCE_DBFS = -50;

export interface PromptCheck {
  problems: string[];
  /** Duration in ms by file (relative path). */
  ms: Record<string, number>;
}

/** Every file exists, is 8 kHz mono G.711/PCM16, lasts > 0 ms and is not silent. */
export function checkPrompts(dir: string, manifest: PromptManifest): PromptCheck {
  const problems: string[] = [];
  const ms: Record<string, number> = {};
  for (const [lang, l] of Object.entries(manifest.languages)) {
    for (const [id, p] of Object.entries(l.prompts)) {
      const file = join(dir, p.file);
      try {
        const { info, samples } = readWavSamples(file);
        ms[p.file] = Math.round(info.ms);
        if (info.rate !== 8000) problems.push(`${lang}/${id}: ${info.rate} Hz, not 8000 Hz`);
        if (info.channels !== 1) problems.push(`${lang}/${id}: ${info.channels} channels, not mono`);
        if (info.samples === 0) problems.push(`${lang}/${id}: no samples`);
        else if (rmsDbfs(samples) < SILENCE_DBFS) problems.push(`${lang}/${id}: silent (RMS ${rmsDbfs(samples).toFixed(1)} dBFS)`);
      } catch (e) {
        problems.push(`${lang}/${id}: ${(e as Error).message}`);
      }
    }
  }
  return { problems, ms };
}

function readManifest(dir: string): PromptManifest {
  const path = join(dir, 'manifest.json');
  let m: PromptManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as PromptManifest;
  } catch (e) {
    throw new IvrError('IVR_PROMPT_MANIFEST', `cannot read the prompt manifest ${path}: ${(e as Error).message}; run 'npm run prompts'`, { file: path });
  }
  if (!m || !m.languages || typeof m.languages !== 'object') {
    throw new IvrError('IVR_PROMPT_MANIFEST', `${path} has no "languages" object`, { file: path });
  }
  return m;
}

/** Prompt files by language and id, resolved to absolute paths. */
export class PromptSet {
  readonly dir: string;
  #manifest: PromptManifest;

  constructor(dir = DEFAULT_PROMPTS_DIR) {
    this.dir = dir;
    this.#manifest = readManifest(dir);
  }

  get manifest(): PromptManifest {
    return this.#manifest;
  }

  /**
   * Reads the manifest again and forgets the audio held in memory, so a WAV a
   * bureau replaced is played from the next call on (the flow reload, SIGHUP,
   * calls this). A broken manifest throws IVR_PROMPT_MANIFEST and the prompts
   * in use stay. Calls in progress keep the audio they already hold.
   */
  refresh(): void {
    this.#manifest = readManifest(this.dir);
    this.#audio.clear();
  }

  get languages(): string[] {
    return Object.keys(this.#manifest.languages);
  }

  has(lang: string, id: string): boolean {
    return Boolean(this.#manifest.languages[lang]?.prompts[id]);
  }

  /** Absolute file of a prompt; an id that is a path (has a '/' or ends in .wav) is taken as a file. */
  file(lang: string, id: string): string {
    if (id.includes('/') || id.endsWith('.wav')) return isAbsolute(id) ? id : join(this.dir, id);
    const p = this.#manifest.languages[lang]?.prompts[id];
    if (!p) throw new IvrError('IVR_PROMPT_MISSING', `no prompt '${id}' in language '${lang}' in ${join(this.dir, 'manifest.json')}`, { lang, id });
    return join(this.dir, p.file);
  }

  readonly #audio = new Map<string, PlayItem>();

  /**
   * The prompt as audio in memory (read once, then shared by every call), so
   * playing it costs the board no file read; falls back to the path for a file
   * the board must convert (stereo).
   */
  item(lang: string, id: string): PlayItem {
    const file = this.file(lang, id);
    let it = this.#audio.get(file);
    if (it) return it;
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch (e) {
      throw new IvrError('IVR_PROMPT_MISSING', `cannot read prompt ${file}: ${(e as Error).message}`, { file, lang, id });
    }
    const info = parseWav(buf, file);
    if (info.rate !== 8000) throw new IvrError('IVR_PROMPT_BAD_WAV', `${file} is ${info.rate} Hz; prompts must be 8000 Hz`, { file });
    if (info.channels !== 1) it = file;
    else if (info.format === 'pcm16') {
      const pcm = new Int16Array(info.samples);
      for (let i = 0; i < info.samples; i++) pcm[i] = buf.readInt16LE(info.dataOffset + 2 * i);
      it = { encoding: 'pcm16', data: pcm } satisfies AudioBuffer;
    } else it = { encoding: info.format, data: buf.subarray(info.dataOffset, info.dataOffset + info.samples) } satisfies AudioBuffer;
    this.#audio.set(file, it);
    return it;
  }

  text(lang: string, id: string): string | undefined {
    return this.#manifest.languages[lang]?.prompts[id]?.text;
  }

  /** Ids missing from a language, or whose file is gone. */
  missing(lang: string, ids: Iterable<string>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (id.includes('/') || id.endsWith('.wav')) {
        if (!existsSync(this.file(lang, id))) out.push(id);
      } else if (!this.has(lang, id) || !existsSync(this.file(lang, id))) out.push(id);
    }
    return out;
  }
}
