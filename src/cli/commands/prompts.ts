// `hotline prompts build|check`: `build` speaks prompts/texts.yaml with the
// speech layer (eSpeak NG from npm: no system espeak-ng or sox) into 8 kHz
// A-law WAV files and prompts/manifest.json, never overwriting a prompt the
// bureau replaced; `check` verifies the manifest, the files and the default
// flow against them. With no subcommand it prints this help and does nothing.
import { DEFAULT_FLOW_FILE, loadFlow, warningLines } from '../../ivr/flow.ts';
import { buildPrompts } from '../../ivr/prompt-build.ts';
import { checkPrompts, DEFAULT_PROMPTS_DIR, PromptSet, readManifest, type PromptManifest } from '../../ivr/prompts.ts';
import { defineCommand, existingDir, option, runGroup, type CommandGroup } from '../args.ts';

export const summary = 'build the voice prompts from prompts/texts.yaml, or check them: hotline prompts build|check';

const dirOption = {
  dir: option(existingDir(), 'the prompts folder (texts.yaml, manifest.json, <lang>/<id>.wav)', { valueName: 'DIR', defaultText: 'prompts/ of this installation' }),
};

/** At most this many file names on a line that lists files. */
const LIST_MAX = 8;
const list = (files: string[]): string => (files.length > LIST_MAX ? `${files.slice(0, LIST_MAX).join(', ')} and ${files.length - LIST_MAX} more` : files.join(', '));

const build = defineCommand({
  name: 'hotline prompts build',
  summary:
    'Speak every text of texts.yaml with eSpeak NG (the npm package espeak-ng: nothing else to install) into an 8 kHz A-law WAV and write manifest.json. ' +
    'A WAV the bureau replaced with its own recording is never overwritten: the manifest records a hash of each file the build wrote, and a file that differs from it is kept and listed. ' +
    'A prompt whose text, voice and speed are unchanged is left as it is.',
  options: dirOption,
  details: 'To have a replaced prompt spoken by the synthesiser again, delete its WAV file and run build.\nExit status: 0 all prompts present and valid; 1 a prompt could not be made or a file is invalid; 2 bad arguments or texts.yaml.',
  run: async ({ values }) => {
    const dir = values.dir ?? DEFAULT_PROMPTS_DIR;
    const r = await buildPrompts(dir, (line) => process.stdout.write(`hotline prompts: ${line}\n`));
    const total = r.built.length + r.upToDate.length + r.kept.length + r.failed.length;
    process.stdout.write(`hotline prompts: ${total} prompts in ${dir}: ${r.built.length} built, ${r.upToDate.length} up to date, ${r.kept.length} kept as the bureau's, ${r.failed.length} failed\n`);
    if (r.kept.length) process.stdout.write(`hotline prompts: kept (replaced by the bureau, or not written by a build; delete a file to have it spoken again): ${list(r.kept)}\n`);
    // One line per distinct error, not one per prompt.
    const byError = new Map<string, string[]>();
    for (const f of r.failed) byError.set(`${f.code}: ${f.message}`, [...(byError.get(`${f.code}: ${f.message}`) ?? []), f.file]);
    for (const [err, files] of byError) process.stderr.write(`hotline prompts: ${err} (${files.length === 1 ? files[0] : `${files.length} prompts: ${list(files)}`})\n`);
    for (const p of r.problems) process.stdout.write(`  ${p}\n`);
    return r.failed.length || r.problems.length ? 1 : 0;
  },
});

const check = defineCommand({
  name: 'hotline prompts check',
  summary: 'Check manifest.json (its shape), every prompt WAV it names (8 kHz mono A-law, mu-law or 16-bit PCM, not silent) and the default flow against them; needs no synthesiser.',
  options: dirOption,
  details: 'Exit status: 0 all good; 1 a problem is listed.',
  run: async ({ values }) => {
    const dir = values.dir ?? DEFAULT_PROMPTS_DIR;
    let manifest: PromptManifest;
    try {
      manifest = readManifest(dir);
    } catch (e) {
      process.stderr.write(`hotline prompts: ${(e as { code?: string }).code}: ${(e as Error).message}\n`);
      return 1;
    }
    const report = checkPrompts(dir, manifest);
    const n = Object.keys(report.ms).length;
    process.stdout.write(`hotline prompts: ${n} files checked, ${report.problems.length} problems\n`);
    for (const p of report.problems) process.stdout.write(`  ${p}\n`);
    if (report.problems.length) return 1;
    try {
      const flow = loadFlow(DEFAULT_FLOW_FILE, new PromptSet(dir));
      for (const w of warningLines(flow)) process.stdout.write(`hotline prompts: ${w}\n`);
      process.stdout.write(`hotline prompts: flow ${flow.file} finds every prompt it names\n`);
    } catch (e) {
      process.stderr.write(`hotline prompts: ${(e as { code?: string }).code}: ${(e as Error).message}\n`);
      return 1;
    }
    return 0;
  },
});

const prompts: CommandGroup = {
  name: 'hotline prompts',
  summary: 'The voice prompts (prompts/<lang>/<id>.wav, listed in prompts/manifest.json): build them from prompts/texts.yaml, or check them.',
  commands: { build, check },
};

export const run = (args: string[]): Promise<number> => runGroup(prompts, args);
