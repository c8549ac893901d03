// Builds the voice prompts from prompts/texts.yaml with the speech layer
// (eSpeak NG from npm, no system tools): 8 kHz A-law WAV (ITU-T G.711),
// plus prompts/manifest.json.
//
// A bureau may replace any WAV with its own recording; the build must never
// overwrite it. The manifest therefore records, for each file the build
// wrote, `sha256` (of the file as written) and `source` (of what it was made
// from: text, voice, speed, engine). On the next build a file is
//   - missing, or ours and its source changed: (re)generated;
//   - ours and its source unchanged: left as it is (up to date);
//   - different from the hash we recorded, or with no hash at all: the
//     bureau's. Kept, and listed once at the end.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildWav } from '../dsp/index.ts';
import { isHotlineError } from '../errors.ts';
import { LINE_RATE, padSilence, speakFloat, toAlaw, tone, ttsAvailable } from '../tts/index.ts';
import { IvrError } from './errors.ts';
import { checkPrompts, readManifest, type PromptEntry, type PromptManifest } from './prompts.ts';

interface TextEntry {
  text: string;
  say?: string;
  voice?: string;
  tone?: number;
  ms?: number;
  skip?: boolean;
}
interface Texts {
  languages: Map<string, { voice: string; speed: number }>;
  prompts: Map<string, Map<string, TextEntry>>;
}

/** A manifest entry as the build writes it. */
export interface BuiltEntry extends PromptEntry {
  sha256?: string;
  source?: string;
}

export interface BuildReport {
  built: string[];
  upToDate: string[];
  /** Files the bureau replaced (or that no build recorded), kept as they are. */
  kept: string[];
  /** Prompts that could not be made, with the error (the same error is usually shared by many). */
  failed: Array<{ file: string; code: string; message: string }>;
  problems: string[];
}

// Telephone prompts: lead-in and tail below -45 dBFS cut, peak at -3 dBFS
// (speech RMS then sits near -18 dBFS, about -15 dBm0 on the line), 40 ms of
// silence at the end so fragments played back to back do not run together.
// The beep: 1000 Hz at -10 dBFS peak. Bump PIPELINE when any of this changes,
// so every generated prompt is rebuilt.
const PIPELINE = 'tts-1';
const PEAK_DBFS = -3;
const TAIL_MS = 40;
const BEEP_DBFS = -10;

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

function engineVersion(): string {
  try {
    return `espeak-ng@${(createRequire(import.meta.url)('espeak-ng/package.json') as { version: string }).version}`;
  } catch {
    return 'espeak-ng@missing';
  }
}

const bad = (file: string, why: string): IvrError => new IvrError('IVR_PROMPT_TEXTS', `${file}: ${why}`, { file });

/** Reads texts.yaml into Maps (ids and languages come from a file), checking the fields the build uses. */
export function readTexts(file: string): Texts {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw bad(file, (e as Error).message.split('\n')[0]);
  }
  const d = doc as { languages?: unknown; prompts?: unknown };
  if (!d || typeof d !== 'object' || !d.languages || typeof d.languages !== 'object' || !d.prompts || typeof d.prompts !== 'object') {
    throw bad(file, 'needs `languages` (language: {voice, speed}) and `prompts` (id: {language: {text, …}})');
  }
  const languages = new Map<string, { voice: string; speed: number }>();
  for (const [lang, v] of Object.entries(d.languages as Record<string, { voice?: unknown; speed?: unknown }>)) {
    if (!/^[a-z]{2,3}$/.test(lang) || typeof v?.voice !== 'string' || typeof v.speed !== 'number') throw bad(file, `language '${lang}' needs a voice (text) and a speed (words per minute)`);
    languages.set(lang, { voice: v.voice, speed: v.speed });
  }
  const prompts = new Map<string, Map<string, TextEntry>>();
  for (const [id, byLang] of Object.entries(d.prompts as Record<string, Record<string, TextEntry>>)) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw bad(file, `prompt id '${id}' may only hold letters, digits, _ . - (at most 64)`);
    const m = new Map<string, TextEntry>();
    for (const [lang, e] of Object.entries(byLang ?? {})) {
      if (!languages.has(lang)) throw bad(file, `prompt '${id}' has language '${lang}', which \`languages\` does not list`);
      if (typeof e?.text !== 'string') throw bad(file, `prompt '${id}' in '${lang}' needs a text`);
      m.set(lang, e);
    }
    prompts.set(id, m);
  }
  return { languages, prompts };
}

function previousManifest(dir: string): PromptManifest | null {
  if (!existsSync(join(dir, 'manifest.json'))) return null;
  return readManifest(dir);
}

/** Writes through a temporary name, so a file is either the old or the new one. */
function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

async function audio(e: TextEntry, voice: string, speed: number): Promise<Buffer> {
  if (e.tone) return buildWav('alaw', 1, toAlaw(tone(e.tone, e.ms ?? 300, LINE_RATE, BEEP_DBFS)));
  const x = await speakFloat(e.say ?? e.text, { voice, wpm: speed, trim: true, peakDbfs: PEAK_DBFS });
  return buildWav('alaw', 1, toAlaw(padSilence(x, LINE_RATE, TAIL_MS)));
}

/**
 * Builds the prompts of `dir` (texts.yaml in, WAVs and manifest.json out).
 * `say` prints progress lines. Throws IVR_PROMPT_TEXTS for a bad texts.yaml,
 * TTS_ENGINE_MISSING (once, before any prompt) when the synthesiser cannot load.
 */
export async function buildPrompts(dir: string, say: (line: string) => void = () => {}): Promise<BuildReport> {
  const texts = readTexts(join(dir, 'texts.yaml'));
  const prev = previousManifest(dir);
  const missing = await ttsAvailable();
  if (missing) throw missing;
  const engine = engineVersion();
  const report: BuildReport = { built: [], upToDate: [], kept: [], failed: [], problems: [] };
  const manifest: PromptManifest = { format: { rate: LINE_RATE, encoding: 'alaw', channels: 1 }, languages: {} };
  for (const [lang, defaults] of texts.languages) {
    mkdirSync(join(dir, lang), { recursive: true });
    const entries: Record<string, BuiltEntry> = {};
    manifest.languages[lang] = { voice: defaults.voice, prompts: entries };
    const old = prev && Object.hasOwn(prev.languages, lang) ? prev.languages[lang].prompts : {};
    for (const [id, byLang] of [...texts.prompts].sort(([a], [b]) => a.localeCompare(b))) {
      const e = byLang.get(lang);
      if (!e || e.skip) continue;
      const rel = `${lang}/${id}.wav`;
      const file = join(dir, rel);
      const voice = e.voice ?? defaults.voice;
      const source = sha256(JSON.stringify([PIPELINE, engine, e.tone ? ['tone', e.tone, e.ms ?? 300] : [e.say ?? e.text, voice, defaults.speed]]));
      const before = (Object.hasOwn(old, id) ? old[id] : undefined) as BuiltEntry | undefined;
      if (existsSync(file)) {
        const now = sha256(readFileSync(file));
        if (!before?.sha256 || before.sha256 !== now || before.file !== rel) {
          // The bureau's recording (or one no build recorded): never overwritten.
          entries[id] = { ...(before ?? {}), text: e.text, file: rel };
          report.kept.push(rel);
          continue;
        }
        if (before.source === source) {
          entries[id] = { ...before, text: e.text };
          report.upToDate.push(rel);
          continue;
        }
      }
      try {
        const wav = await audio(e, voice, defaults.speed);
        writeAtomic(file, wav);
        entries[id] = { text: e.text, file: rel, sha256: sha256(wav), source };
        report.built.push(rel);
        say(`built ${rel}`);
      } catch (err) {
        if (before) entries[id] = before;
        report.failed.push({ file: rel, code: isHotlineError(err) ? err.code : 'TTS_SYNTH_FAILED', message: (err as Error).message });
      }
    }
  }
  // Durations from the files as they now are (the bureau's included).
  const check = checkPrompts(dir, manifest);
  for (const l of Object.values(manifest.languages)) for (const p of Object.values(l.prompts)) p.ms = check.ms[p.file] ?? 0;
  report.problems = check.problems;
  writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return report;
}
