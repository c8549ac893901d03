// The prompt manifest (prompts/manifest.json): per language, prompt id → text
// and WAV file. Flows name prompts by id; the caller's language picks the file.
//
// Loading a PromptSet checks the manifest's shape, keeps every file inside the
// prompts folder, and parses every WAV through the native parser (the one WAV
// parser, src/dsp/wav.ts): a malformed file refuses the set (IVR_PROMPT_BAD_WAV
// naming the file and the reason) instead of failing call after call. The
// audio is then held in memory, so a call never meets a bad prompt file.
// Ids and languages come from a file: they live in Maps, never looked up
// through an object's prototype.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import type { AudioBuffer } from '../board/types.ts';
import { readWavFile, rmsDbfs, wavSamples, type Wav } from '../dsp/wav.ts';
import { IvrError } from './errors.ts';

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

/** The board refuses a clip longer than an hour (native/board/media.cc). */
const MAX_PROMPT_MS = 3_600_000;

/**
 * The manifest's shape. Open to fields it does not name (the build may add
 * one, such as a hash of what it generated), closed on the types of those it
 * does, and on the form of languages and ids.
 */
const manifestSchema = {
  type: 'object',
  required: ['languages'],
  properties: {
    format: { type: 'object', properties: { rate: { type: 'number' }, encoding: { type: 'string' }, channels: { type: 'number' } } },
    languages: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z]{2,3}$' },
      additionalProperties: {
        type: 'object',
        required: ['prompts'],
        properties: {
          voice: { type: 'string' },
          prompts: {
            type: 'object',
            propertyNames: { pattern: '^[A-Za-z0-9_.-]{1,64}$' },
            additionalProperties: {
              type: 'object',
              required: ['text', 'file'],
              properties: { text: { type: 'string' }, file: { type: 'string', minLength: 1 }, ms: { type: 'number', minimum: 0 } },
            },
          },
        },
      },
    },
  },
} as const;

const Ajv = AjvModule as unknown as typeof AjvModule.default;
const validateManifest = new Ajv({ allErrors: true, strict: false }).compile(manifestSchema);

/** Reads a manifest file and checks its shape; throws IVR_PROMPT_MANIFEST naming every fault. */
export function readManifest(dir: string): PromptManifest {
  const path = join(dir, 'manifest.json');
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new IvrError('IVR_PROMPT_MANIFEST', `cannot read the prompt manifest ${path}: ${(e as Error).message}; run 'hotline prompts build' or restore the file`, { file: path });
  }
  if (!validateManifest(m)) {
    const why = (validateManifest.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'propertyNames' ? ` ('${(e.params as { propertyName?: string }).propertyName}')` : ''}`);
    throw new IvrError('IVR_PROMPT_MANIFEST', `the prompt manifest ${path} is malformed: ${why.join('; ')}`, { file: path, problems: why });
  }
  return m as PromptManifest;
}

/**
 * The absolute file of `rel` inside `dir`, or an IVR_PROMPT_OUTSIDE error:
 * `..`, an absolute path or a symbolic link may not lead out of the folder.
 */
export function insideDir(dir: string, rel: string): string {
  const root = resolve(dir);
  const file = resolve(root, rel);
  const out = () => new IvrError('IVR_PROMPT_OUTSIDE', `prompt '${rel}' resolves to ${file}, outside the prompts folder ${root}`, { file: rel, dir: root });
  if (isAbsolute(rel) || !isUnder(root, file)) throw out();
  if (existsSync(file)) {
    let real: string;
    let realRoot: string;
    try {
      real = realpathSync(file);
      realRoot = realpathSync(root);
    } catch {
      return file;
    }
    if (!isUnder(realRoot, real)) throw out();
  }
  return file;
}

function isUnder(root: string, file: string): boolean {
  const r = relative(root, file);
  return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r);
}

/**
 * A prompt file as audio for the board: 8 kHz (the parser refuses any other
 * rate), mono, at least one sample and at most an hour. Throws
 * IVR_PROMPT_BAD_WAV naming the file and the reason (or IVR_PROMPT_MISSING).
 */
export function promptAudio(file: string): { audio: AudioBuffer; wav: Wav } {
  let wav: Wav;
  try {
    wav = readWavFile(file);
  } catch (e) {
    const err = e as IvrError;
    if (err.code === 'DSP_FILE_READ') throw new IvrError('IVR_PROMPT_MISSING', `cannot read prompt ${file}: ${err.message}`, { file });
    throw new IvrError('IVR_PROMPT_BAD_WAV', `prompt ${file} is not a usable WAV (${err.code}): ${err.message.replace(`${file}: `, '')}`, { file, cause: err.code });
  }
  const bad = (why: string) => new IvrError('IVR_PROMPT_BAD_WAV', `prompt ${file} ${why}`, { file });
  if (wav.channels !== 1) throw bad(`has ${wav.channels} channels; a prompt must be mono (8 kHz, A-law, µ-law or 16-bit PCM)`);
  if (wav.frames === 0) throw bad('holds no samples (its data chunk is empty); record it again');
  if (wav.ms > MAX_PROMPT_MS) throw bad(`lasts ${Math.round(wav.ms / 1000)} s; the board plays at most an hour`);
  const audio: AudioBuffer = wav.encoding === 'pcm16' ? { encoding: 'pcm16', data: wavSamples(wav) } : { encoding: wav.encoding, data: wav.data };
  return { audio, wav };
}

export interface PromptCheck {
  problems: string[];
  /** Duration in ms by file (relative path). */
  ms: Record<string, number>;
}

/** Every file exists inside the folder, is 8 kHz mono G.711/PCM16, lasts > 0 ms and is not silent. */
export function checkPrompts(dir: string, manifest: PromptManifest): PromptCheck {
  const problems: string[] = [];
  const ms: Record<string, number> = Object.create(null);
  for (const lang of Object.keys(manifest.languages)) {
    const l = manifest.languages[lang];
    for (const id of Object.keys(l.prompts)) {
      const p = l.prompts[id];
      try {
        const { wav } = promptAudio(insideDir(dir, p.file));
        ms[p.file] = Math.round(wav.ms);
        const level = rmsDbfs(wavSamples(wav));
        if (level < SILENCE_DBFS) problems.push(`${lang}/${id}: silent (RMS ${level.toFixed(1)} dBFS)`);
      } catch (e) {
        problems.push(`${lang}/${id}: ${(e as IvrError).code}: ${(e as Error).message}`);
      }
    }
  }
  return { problems, ms };
}

/** Prompt files by language and id, resolved to absolute paths, with their audio in memory. */
export class PromptSet {
  readonly dir: string;
  #manifest!: PromptManifest;
  #langs!: Map<string, Map<string, PromptEntry>>;
  /** Parsed audio by absolute file: every manifest file from the start, path prompts once asked for. */
  #audio!: Map<string, AudioBuffer>;

  /** Throws IVR_PROMPT_MANIFEST, IVR_PROMPT_OUTSIDE, IVR_PROMPT_MISSING or IVR_PROMPT_BAD_WAV (naming every bad file). */
  constructor(dir = DEFAULT_PROMPTS_DIR) {
    this.dir = resolve(dir);
    const manifest = readManifest(this.dir);
    const langs = new Map<string, Map<string, PromptEntry>>();
    const audio = new Map<string, AudioBuffer>();
    const bad: IvrError[] = [];
    for (const lang of Object.keys(manifest.languages)) {
      const ids = new Map<string, PromptEntry>();
      const prompts = manifest.languages[lang].prompts;
      for (const id of Object.keys(prompts)) {
        const entry = prompts[id];
        ids.set(id, entry);
        try {
          const file = insideDir(this.dir, entry.file);
          if (!audio.has(file)) audio.set(file, promptAudio(file).audio);
        } catch (e) {
          bad.push(e as IvrError);
        }
      }
      langs.set(lang, ids);
    }
    if (bad.length) {
      // The worst first: a malformed file, then one outside the folder, then a missing one.
      const order = ['IVR_PROMPT_BAD_WAV', 'IVR_PROMPT_OUTSIDE', 'IVR_PROMPT_MISSING'];
      const code = order.find((c) => bad.some((e) => e.code === c)) as 'IVR_PROMPT_BAD_WAV';
      const lines = bad.map((e) => `  ${e.code}: ${e.message}`).join('\n');
      throw new IvrError(code, `the prompts in ${this.dir} are refused, ${bad.length} bad file${bad.length === 1 ? '' : 's'}:\n${lines}`, {
        dir: this.dir,
        files: bad.map((e) => e.info?.file),
      });
    }
    this.#manifest = manifest;
    this.#langs = langs;
    this.#audio = audio;
  }

  get manifest(): PromptManifest {
    return this.#manifest;
  }

  /**
   * Takes over the manifest and audio of a set read later from the same
   * folder (the flow reload, SIGHUP): a WAV a bureau replaced is played from
   * the next call on. Calls in progress keep the audio they already hold.
   */
  adopt(next: PromptSet): void {
    this.#manifest = next.#manifest;
    this.#langs = next.#langs;
    this.#audio = next.#audio;
  }

  get languages(): string[] {
    return [...this.#langs.keys()];
  }

  has(lang: string, id: string): boolean {
    return this.#langs.get(lang)?.has(id) ?? false;
  }

  /** An id that is a path (has a '/' or ends in .wav) names a file under the prompts folder. */
  static isPath(id: string): boolean {
    return id.includes('/') || id.includes('\\') || id.endsWith('.wav');
  }

  /** Absolute file of a prompt (IVR_PROMPT_MISSING for an unknown id, IVR_PROMPT_OUTSIDE for a path leaving the folder). */
  file(lang: string, id: string): string {
    if (PromptSet.isPath(id)) return insideDir(this.dir, id);
    const p = this.#langs.get(lang)?.get(id);
    if (!p) throw new IvrError('IVR_PROMPT_MISSING', `no prompt '${id}' in language '${lang}' in ${join(this.dir, 'manifest.json')}`, { lang, id });
    return join(this.dir, p.file);
  }

  /** The prompt as audio in memory (parsed once, then shared by every call). */
  item(lang: string, id: string): AudioBuffer {
    const file = this.file(lang, id);
    let it = this.#audio.get(file);
    if (!it) {
      it = promptAudio(file).audio;
      this.#audio.set(file, it);
    }
    return it;
  }

  text(lang: string, id: string): string | undefined {
    return this.#langs.get(lang)?.get(id)?.text;
  }

  /** Ids missing from a language, or whose file is gone. */
  missing(lang: string, ids: Iterable<string>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (PromptSet.isPath(id)) {
        if (this.problem([lang], id)) out.push(id);
      } else if (!this.has(lang, id)) out.push(id);
    }
    return out;
  }

  /**
   * Why a prompt a flow names cannot be played in every one of `languages`
   * (undefined if it can): an id with no entry in a language, or a path that
   * leaves the folder, is missing or is not a usable WAV (parsed here, once).
   */
  problem(languages: string[], id: string): string | undefined {
    if (PromptSet.isPath(id)) {
      try {
        this.item(languages[0] ?? '', id);
        return undefined;
      } catch (e) {
        return `prompt '${id}': ${(e as IvrError).code}: ${(e as Error).message}`;
      }
    }
    const missing = languages.filter((l) => !this.has(l, id));
    return missing.length ? `prompt '${id}' has no file in language ${missing.join(', ')}` : undefined;
  }
}
