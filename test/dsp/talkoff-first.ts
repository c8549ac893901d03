// The project's FIRST talk-off corpus, the one issue 15 names ("0 false
// digits in the talk-off corpus today; keep it at 0"): speech from Debian's
// espeak-ng (61 min in 40 voices: English, Mandarin pinyin and characters,
// Cantonese, Hakka, twelve other languages reading English) and music
// written here as MIDI (the npm corpus's first 12 pieces), rendered by
// Debian's fluidsynth with the TimGM6mb GM SoundFont (30 min), all brought
// to 8 kHz A-law by sox. The npm corpus (talkoff-corpus.ts) replaced it as
// the corpus every machine can build; this one stays as a second, different
// set of voices and synthesiser, which the rounds tuned on the npm one could
// otherwise drift from (they did: 9 false digits here by the fifth round
// while the npm corpus stayed at 2; see README "### DSP"). Same texts and
// pieces as the npm corpus, same seeds as when it was the only corpus (sox
// now dithers with its fixed seed, -R, so every build is the same file;
// then each build differed by the dither's noise, which moved a digit or two). Needs espeak-ng, sox, fluidsynth and
// timgm6mb-soundfont (.ci/run installs them; without them its test is
// skipped saying so). Generated on first use into build/talkoff/v1 (~45 MB,
// ~15 s) and reused while complete.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FOREIGN_VOICES, musicJobs, speechJobsOf } from './talkoff-corpus.ts';
import type { CorpusFile } from './talkoff-corpus.ts';
import { midiFile } from './talkoff-music.ts';

const VERSION = 'v1';
const SOUNDFONTS = ['/usr/share/sounds/sf2/TimGM6mb.sf2', '/usr/share/sounds/sf2/default-GM.sf2', '/usr/share/soundfonts/default.sf2'];
const root = join(import.meta.dirname, '..', '..');

/** Its voices (Debian espeak-ng's names: 'cmn' reads characters, yue Cantonese, hak Hakka). */
const VOICES = {
  en: ['en-us+m1', 'en-us+f2', 'en-gb+m3', 'en-gb+f4', 'en-us+klatt', 'en-029+m7', 'en-gb-scotland+f5', 'en-us+Annie',
    'en-us+Andy', 'en-gb+Michael', 'en-us+croak', 'en-us+grandma', 'en-gb-x-rp+f1', 'en-us-nyc+m5'],
  pinyin: ['cmn-latn-pinyin', 'cmn-latn-pinyin+f2', 'cmn-latn-pinyin+m3', 'cmn-latn-pinyin+f4', 'cmn-latn-pinyin+klatt', 'cmn-latn-pinyin+m7'],
  hanzi: ['cmn', 'cmn+f3', 'cmn+m2', 'yue', 'yue+f1', 'hak'],
  foreign: FOREIGN_VOICES,
  pinyinNumbers: [],
};

/** What is missing to build it (empty: nothing). */
export function missingTools(): string[] {
  const miss: string[] = [];
  for (const cmd of ['espeak-ng', 'sox', 'fluidsynth']) if (spawnSync(cmd, ['--version']).status !== 0) miss.push(cmd);
  if (!SOUNDFONTS.some((f) => existsSync(f))) miss.push('a GM SoundFont (timgm6mb-soundfont)');
  return miss;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 400)}`))));
  });
}

async function pool<T>(items: T[], jobs: number, fn: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

const seconds = (path: string): number => Number(spawnSync('soxi', ['-D', path], { encoding: 'utf8' }).stdout.trim());

/** The corpus under build/talkoff/v1, built when missing or incomplete. */
export async function firstCorpus(log: (s: string) => void): Promise<CorpusFile[]> {
  const dir = join(root, 'build', 'talkoff', VERSION);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    const files = JSON.parse(readFileSync(manifest, 'utf8')) as CorpusFile[];
    if (files.every((f) => existsSync(f.path) && statSync(f.path).size === f.bytes)) {
      log(`first talk-off corpus: reusing ${files.length} files in ${dir}`);
      return files;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const sf = SOUNDFONTS.find((f) => existsSync(f))!;
  const files: CorpusFile[] = [];
  const t0 = Date.now();
  await pool(speechJobsOf(VOICES), 2, async (j, i) => {
    const name = `speech-${String(i).padStart(2, '0')}`;
    const raw = join(dir, 'tmp', `${name}.wav`), out = join(dir, `${name}.wav`);
    await run('espeak-ng', ['-v', j.voice, '-s', String(j.wpm), '-p', String(j.pitch), '-w', raw, j.text.replace(/\s+/g, ' ')]);
    await run('sox', ['-R', raw, '-c', '1', '-r', '8000', '-e', 'a-law', out, 'norm', String(-1 + j.gainDb)]);
    files.push({ kind: 'speech', name, path: out, seconds: seconds(out), bytes: statSync(out).size, what: `${j.label}, voice ${j.voice}, ${j.wpm} wpm, pitch ${j.pitch}, peak ${-1 + j.gainDb} dBFS` });
  });
  await pool(musicJobs().slice(0, 12), 2, async (j) => {
    const mid = join(dir, 'tmp', `${j.name}.mid`), raw = join(dir, 'tmp', `${j.name}.wav`), out = join(dir, `${j.name}.wav`);
    writeFileSync(mid, midiFile(j.seed, j.spec, j.tempo));
    await run('fluidsynth', ['-ni', '-q', '-g', '0.5', '-r', '22050', '-F', raw, sf, mid]);
    await run('sox', ['-R', raw, '-c', '1', '-r', '8000', '-e', 'a-law', out, 'norm', String(-1 + j.gainDb)]);
    files.push({ kind: 'music', name: j.name, path: out, seconds: seconds(out), bytes: statSync(out).size, what: `${j.what}, ${j.tempo} bpm, peak ${-1 + j.gainDb} dBFS` });
  });
  rmSync(join(dir, 'tmp'), { recursive: true, force: true });
  files.sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(manifest, JSON.stringify(files, null, 1));
  log(`first talk-off corpus: generated ${files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s into ${dir}`);
  return files;
}
