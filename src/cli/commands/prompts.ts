// `hotline prompts build|check`: builds the voice prompts from prompts/texts.yaml
// with espeak-ng and sox (8 kHz A-law WAV, ITU-T G.711) and writes
// prompts/manifest.json; `check` verifies the committed files without either tool.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { DEFAULT_FLOW_FILE, loadFlow, warningLines } from '../../ivr/flow.ts';
import { checkPrompts, PromptSet, readManifest, type PromptManifest } from '../../ivr/prompts.ts';

export const summary = 'build (espeak-ng + sox) or check the voice prompts: hotline prompts build|check';

const run$ = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const promptsDir = join(root, 'prompts');

interface TextEntry {
  text: string;
  say?: string;
  voice?: string;
  tone?: number;
  ms?: number;
  skip?: boolean;
}
interface Texts {
  languages: Record<string, { voice: string; speed: number }>;
  prompts: Record<string, Record<string, TextEntry>>;
}

// Telephone prompts: trim the synthesiser's lead-in and tail silence (below
// -45 dBFS), resample to 8 kHz, peak-normalise to -3 dBFS (speech RMS then
// sits near -18 dBFS, about -15 dBm0 on the line), end with 40 ms of silence so
// fragments played back to back do not run together.
const SOX_EFFECTS = ['silence', '1', '0.02', '-45d', 'reverse', 'silence', '1', '0.02', '-45d', 'reverse', 'rate', '8000', 'gain', '-n', '-3', 'pad', '0', '0.04'];
const SOX_OUT = ['-r', '8000', '-e', 'a-law', '-b', '8', '-c', '1'];

async function buildOne(lang: string, id: string, e: TextEntry, defaults: { voice: string; speed: number }, tmp: string): Promise<string> {
  const rel = `${lang}/${id}.wav`;
  const out = join(promptsDir, rel);
  if (e.tone) {
    // 1000 Hz at -10 dBFS peak: the usual "record after the tone" beep.
    await run$('sox', ['-D', '-n', ...SOX_OUT, out, 'synth', String((e.ms ?? 300) / 1000), 'sine', String(e.tone), 'gain', '-n', '-10']);
    return rel;
  }
  const raw = join(tmp, `${lang}-${id}.wav`);
  await run$('espeak-ng', ['-v', e.voice ?? defaults.voice, '-s', String(defaults.speed), '-w', raw, e.say ?? e.text]);
  await run$('sox', ['-D', raw, ...SOX_OUT, out, ...SOX_EFFECTS]);
  return rel;
}

async function build(): Promise<number> {
  const texts = parse(readFileSync(join(promptsDir, 'texts.yaml'), 'utf8')) as Texts;
  const tmp = join(tmpdir(), `hotline-prompts-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const manifest: PromptManifest = { format: { rate: 8000, encoding: 'alaw', channels: 1 }, languages: {} };
  const jobs: Array<() => Promise<void>> = [];
  for (const [lang, defaults] of Object.entries(texts.languages)) {
    mkdirSync(join(promptsDir, lang), { recursive: true });
    const entries: PromptManifest['languages'][string]['prompts'] = {};
    manifest.languages[lang] = { voice: defaults.voice, prompts: entries };
    for (const [id, byLang] of Object.entries(texts.prompts)) {
      const e = byLang[lang];
      if (!e || e.skip) continue;
      jobs.push(async () => {
        const file = await buildOne(lang, id, e, defaults, tmp);
        entries[id] = { text: e.text, file };
      });
    }
  }
  // Two at a time: the build machine has two cores.
  let failed = 0;
  const queue = jobs.slice();
  await Promise.all(
    [0, 1].map(async () => {
      for (let j = queue.shift(); j; j = queue.shift()) {
        try {
          await j();
        } catch (e) {
          failed++;
          process.stderr.write(`hotline prompts: IVR_PROMPTS_TOOL: ${(e as Error).message}\n`);
        }
      }
    }),
  );
  rmSync(tmp, { recursive: true, force: true });
  if (failed) return 1;
  // Sorted ids keep the manifest diff-stable between builds.
  for (const l of Object.values(manifest.languages)) l.prompts = Object.fromEntries(Object.entries(l.prompts).sort(([a], [b]) => a.localeCompare(b)));
  const report = checkPrompts(promptsDir, manifest);
  for (const l of Object.values(manifest.languages)) for (const [id, p] of Object.entries(l.prompts)) p.ms = report.ms[`${p.file}`] ?? 0, void id;
  writeFileSync(join(promptsDir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  process.stdout.write(`hotline prompts: built ${jobs.length} prompts in ${Object.keys(manifest.languages).join(', ')}; ${report.problems.length} problems\n`);
  for (const p of report.problems) process.stdout.write(`  ${p}\n`);
  return report.problems.length ? 1 : 0;
}

/** The manifest's shape, every file, and the default flow against them (its warnings too). */
function check(): number {
  let manifest: PromptManifest;
  try {
    manifest = readManifest(promptsDir);
  } catch (e) {
    process.stderr.write(`hotline prompts: ${(e as { code?: string }).code}: ${(e as Error).message}\n`);
    return 1;
  }
  const report = checkPrompts(promptsDir, manifest);
  const n = Object.keys(report.ms).length;
  process.stdout.write(`hotline prompts: ${n} files checked, ${report.problems.length} problems\n`);
  for (const p of report.problems) process.stdout.write(`  ${p}\n`);
  if (report.problems.length) return 1;
  try {
    const flow = loadFlow(DEFAULT_FLOW_FILE, new PromptSet(promptsDir));
    for (const w of warningLines(flow)) process.stdout.write(`hotline prompts: ${w}\n`);
    process.stdout.write(`hotline prompts: flow ${flow.file} finds every prompt it names\n`);
  } catch (e) {
    process.stderr.write(`hotline prompts: ${(e as { code?: string }).code}: ${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const sub = args[0] ?? 'build';
  if (sub === 'build') return build();
  if (sub === 'check') return check();
  process.stderr.write(`hotline prompts: IVR_BAD_OPTION: unknown subcommand '${sub}'; use build or check\n`);
  return 2;
}
