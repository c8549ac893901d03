// Talk-off corpus: speech (espeak-ng, many voices, languages, speeds and
// pitches) and music (MIDI written here, rendered by fluidsynth with a GM
// soundfont), all converted by sox to 8 kHz A-law WAV. Generated on demand
// into build/talkoff/<VERSION>/ and reused while the manifest matches, so
// nothing big is committed. See talkoff.test.ts for how to run it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const VERSION = 'v1';

const SOUNDFONTS = ['/usr/share/sounds/sf2/TimGM6mb.sf2', '/usr/share/sounds/sf2/default-GM.sf2', '/usr/share/soundfonts/default.sf2'];

export interface CorpusFile {
  kind: 'speech' | 'music';
  name: string;
  path: string;
  seconds: number;
  what: string;
}

// ---- texts (written for this test) ----

const EN = `Good morning, this is the consumer complaint hotline. Before we begin, please have your receipt,
the name of the shop and the date of purchase ready. I bought a washing machine in March, and after three weeks
it started leaking water all over the kitchen floor. The shop told me the warranty did not cover it, which seems
wrong to me, because the leak came from a cracked hose that was fitted at the factory. I called the service line
four times; each time the music played for twenty minutes and then the line went dead. Yesterday a technician
finally came, looked at the machine for two minutes, and said the whole drum would have to be replaced at my own
cost. I would like a refund, or at least a free repair, and I would like someone to explain why the warranty card
says two years while the shop says six months. My neighbour had the same problem with the same model last winter.
Thank you for listening; I will wait for your call. The weather has been strange this autumn: warm afternoons,
cold nights, and a wind that rattles every window in the building. Children laugh in the courtyard, a dog barks,
the radio in the next flat plays an old song about the sea, and somewhere a kettle begins to whistle.`;

const NUMBERS_EN = `My order number is four seven one, two nine zero, eight eight three. The invoice says one thousand two
hundred and fifty nine yuan, paid on the fourteenth of June at sixteen thirty. My phone number is one three eight,
zero zero one three, five five seven two. The case number you gave me last time was two zero two six, one one two
six, zero zero four five, seven. Please call back between nine and eleven, or after six in the evening. The model
is X nine hundred, serial number A B C, five five five, double zero, nine.`;

const PINYIN = `ni3 hao3, huan1 ying2 zhi4 dian4 xiao1 fei4 zhe3 tou2 su4 ju3 bao4 re4 xian4. wo3 shang4 ge4 yue4 zai4
shang1 chang3 mai3 le5 yi4 tai2 xi3 yi1 ji1, yong4 le5 san1 ge4 xing1 qi1 jiu4 kai1 shi3 lou4 shui3. shang1 dian4
shuo1 bao3 xiu1 bu4 bao1 kuo4 zhe4 ge4 wen4 ti2, wo3 jue2 de5 zhe4 bu4 he2 li3. wo3 da3 le5 si4 ci4 dian4 hua4,
mei3 ci4 dou1 deng3 le5 er4 shi2 fen1 zhong1. zuo2 tian1 wei2 xiu1 yuan2 lai2 le5, zhi3 kan4 le5 liang3 fen1 zhong1,
jiu4 shuo1 yao4 huan4 zheng3 ge4 gun3 tong3, fei4 yong4 yao4 wo3 zi4 ji3 fu4. wo3 xi1 wang4 tui4 kuan3, huo4 zhe3
mian3 fei4 wei2 xiu1. wo3 de5 dian4 hua4 hao4 ma3 shi4 yao1 san1 ba1, ling2 ling2 yao1 san1, wu3 wu3 qi1 er4.
ding4 dan1 hao4 shi4 si4 qi1 yao1 er4 jiu3 ling2 ba1 ba1 san1. xie4 xie4 nin2, wo3 deng3 nin2 de5 hui2 fu4.`;

const HANZI = `您好，这里是消费者投诉举报热线。请您准备好购物小票、商店名称和购买日期。我三月份买了一台洗衣机，
用了三个星期就开始漏水，厨房地上全是水。商店说保修不包括这个问题，我觉得不合理，因为漏水是出厂时装的水管裂了。
我打了四次客服电话，每次都等了二十分钟，然后电话就断了。昨天维修人员终于来了，只看了两分钟，就说要换整个滚筒，
费用要我自己付。我希望退款，或者至少免费维修。我的电话号码是一三八零零一三五五七二，订单号是四七一二九零八八三。
今年秋天天气很奇怪，下午很暖和，晚上很冷，风把楼里的窗户吹得直响。孩子们在院子里笑，狗在叫，邻居的收音机在放一首老歌。`;

interface SpeechJob { voice: string; text: string; speed: number; pitch: number; gainDb: number; label: string }

function speechJobs(): SpeechJob[] {
  const jobs: SpeechJob[] = [];
  const en = ['en-us+m1', 'en-us+f2', 'en-gb+m3', 'en-gb+f4', 'en-us+klatt', 'en-029+m7', 'en-gb-scotland+f5', 'en-us+Annie',
    'en-us+Andy', 'en-gb+Michael', 'en-us+croak', 'en-us+grandma', 'en-gb-x-rp+f1', 'en-us-nyc+m5'];
  const zh = ['cmn-latn-pinyin', 'cmn-latn-pinyin+f2', 'cmn-latn-pinyin+m3', 'cmn-latn-pinyin+f4', 'cmn-latn-pinyin+klatt', 'cmn-latn-pinyin+m7'];
  const hz = ['cmn', 'cmn+f3', 'cmn+m2', 'yue', 'yue+f1', 'hak'];
  const foreign = ['de+m3', 'fr-fr+f2', 'es+m1', 'ru+f4', 'ja+m5', 'hi+f1', 'it+m4', 'pt-br+f3', 'vi+m2', 'ko+f5', 'ar+m6', 'tr+f2'];
  let k = 0;
  const vary = (): { speed: number; pitch: number; gainDb: number } => {
    k++;
    return { speed: 110 + ((k * 37) % 130), pitch: 15 + ((k * 53) % 80), gainDb: -((k * 7) % 18) };
  };
  for (const v of en) {
    jobs.push({ voice: v, text: EN, ...vary(), label: `english text` });
    jobs.push({ voice: v, text: NUMBERS_EN, ...vary(), label: `english numbers` });
  }
  for (const v of zh) {
    jobs.push({ voice: v, text: PINYIN, ...vary(), label: `mandarin pinyin` });
    jobs.push({ voice: v, text: PINYIN, ...vary(), label: `mandarin pinyin` });
  }
  for (const v of hz) jobs.push({ voice: v, text: HANZI, ...vary(), label: `chinese characters` });
  for (const v of foreign) jobs.push({ voice: v, text: EN, ...vary(), label: `english text read by a ${v.split('+')[0]} voice` });
  return jobs;
}

// ---- music: Standard MIDI Files written here ----

function vlq(n: number): number[] {
  const out = [n & 0x7f];
  while ((n >>= 7)) out.unshift((n & 0x7f) | 0x80);
  return out;
}

interface Note { t: number; dur: number; key: number; vel: number }
interface Part { program: number; notes: Note[] }

/** Format-1 SMF, 480 ticks per beat; `tempo` in beats per minute. */
function smf(parts: Part[], tempo: number): Buffer {
  const tracks: Buffer[] = [];
  const usPerBeat = Math.round(60e6 / tempo);
  tracks.push(Buffer.from([0, 0xff, 0x51, 3, (usPerBeat >> 16) & 255, (usPerBeat >> 8) & 255, usPerBeat & 255, 0, 0xff, 0x2f, 0]));
  parts.forEach((p, i) => {
    const ch = i >= 9 ? i + 1 : i; // skip channel 10 (drums)
    const evs: { t: number; b: number[] }[] = [{ t: 0, b: [0xc0 | ch, p.program] }];
    for (const n of p.notes) {
      evs.push({ t: n.t, b: [0x90 | ch, n.key, n.vel] });
      evs.push({ t: n.t + n.dur, b: [0x80 | ch, n.key, 0] });
    }
    evs.sort((a, b) => a.t - b.t || (a.b[0] & 0xf0) - (b.b[0] & 0xf0));
    const bytes: number[] = [];
    let last = 0;
    for (const e of evs) {
      bytes.push(...vlq(e.t - last), ...e.b);
      last = e.t;
    }
    bytes.push(0, 0xff, 0x2f, 0);
    tracks.push(Buffer.from(bytes));
  });
  const head = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, tracks.length, 480 >> 8, 480 & 255]);
  return Buffer.concat([head, ...tracks.flatMap((t) => [Buffer.from([0x4d, 0x54, 0x72, 0x6b, (t.length >>> 24) & 255, (t.length >> 16) & 255, (t.length >> 8) & 255, t.length & 255]), t])]);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const SCALES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  pentatonic: [0, 2, 4, 7, 9], // the Chinese gong-shang-jue-zhi-yu scale
  blues: [0, 3, 5, 6, 7, 10],
};

/** A piece: melody (+ optional second melody), chords, bass, `bars` of 4/4. */
function piece(seed: number, spec: { melody: number[]; chords?: number; bass?: number; scale: keyof typeof SCALES; root: number; bars: number }): Part[] {
  const r = rng(seed);
  const scale = SCALES[spec.scale];
  const deg = (d: number): number => spec.root + 12 * Math.floor(d / scale.length) + scale[((d % scale.length) + scale.length) % scale.length];
  const beats = spec.bars * 4;
  const parts: Part[] = [];
  spec.melody.forEach((program, m) => {
    const notes: Note[] = [];
    let d = 7 + m * 4, t = 0;
    while (t < beats * 480) {
      const dur = [120, 240, 240, 480, 480, 960][Math.floor(r() * 6)];
      d = Math.max(2, Math.min(20, d + Math.floor(r() * 5) - 2));
      if (r() > 0.08) notes.push({ t, dur: Math.round(dur * 0.95), key: deg(d) + 12, vel: 60 + Math.floor(r() * 50) });
      t += dur;
    }
    parts.push({ program, notes });
  });
  if (spec.chords !== undefined) {
    const notes: Note[] = [];
    for (let bar = 0; bar < spec.bars; bar++) {
      const d0 = [0, 3, 4, 5, 1, 4][Math.floor(r() * 6)];
      for (const step of [0, 2, 4, r() > 0.5 ? 6 : 7]) notes.push({ t: bar * 1920, dur: 1860, key: deg(d0 + step), vel: 50 + Math.floor(r() * 30) });
    }
    parts.push({ program: spec.chords, notes });
  }
  if (spec.bass !== undefined) {
    const notes: Note[] = [];
    for (let b = 0; b < beats; b++) notes.push({ t: b * 480, dur: 440, key: deg(Math.floor(r() * 5)) - 24, vel: 70 + Math.floor(r() * 30) });
    parts.push({ program: spec.bass, notes });
  }
  return parts;
}

interface MusicJob { name: string; parts: Part[]; tempo: number; gainDb: number; what: string }

function musicJobs(): MusicJob[] {
  // GM programs: 0 piano, 19 church organ, 21 accordion, 24 nylon guitar,
  // 32 acoustic bass, 40 violin, 48 strings, 52 choir aahs, 56 trumpet,
  // 65 alto sax, 68 oboe, 71 clarinet, 73 flute, 74 recorder, 75 pan flute,
  // 77 shakuhachi, 78 whistle, 79 ocarina, 104 sitar, 107 koto, 110 fiddle.
  const specs: [string, Parameters<typeof piece>[1], number][] = [
    ['flute duet, pentatonic', { melody: [73, 73], scale: 'pentatonic', root: 62, bars: 64 }, 96],
    ['piano melody and chords', { melody: [0], chords: 0, bass: 32, scale: 'major', root: 60, bars: 64 }, 110],
    ['strings and oboe', { melody: [68], chords: 48, bass: 32, scale: 'minor', root: 57, bars: 56 }, 80],
    ['whistle and ocarina', { melody: [78, 79], scale: 'major', root: 67, bars: 64 }, 120],
    ['trumpet and sax, blues', { melody: [56, 65], chords: 0, bass: 32, scale: 'blues', root: 58, bars: 64 }, 130],
    ['organ chords and recorder', { melody: [74], chords: 19, scale: 'major', root: 55, bars: 56 }, 90],
    ['violin and clarinet', { melody: [40, 71], chords: 48, scale: 'minor', root: 62, bars: 64 }, 100],
    ['choir and pan flute', { melody: [75], chords: 52, bass: 32, scale: 'pentatonic', root: 60, bars: 56 }, 70],
    ['koto, shakuhachi and fiddle', { melody: [77, 110], chords: 107, scale: 'pentatonic', root: 64, bars: 64 }, 105],
    ['accordion and guitar', { melody: [21], chords: 24, bass: 32, scale: 'major', root: 62, bars: 64 }, 140],
    ['sitar and flute', { melody: [104, 73], scale: 'minor', root: 61, bars: 64 }, 115],
    ['three flutes', { melody: [73, 73, 73], scale: 'major', root: 65, bars: 56 }, 92],
  ];
  return specs.map(([what, spec, tempo], i) => ({ name: `music-${String(i).padStart(2, '0')}`, parts: piece(1000 + i, spec), tempo, gainDb: -((i * 5) % 15), what }));
}

// ---- generation ----

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 400)}`))));
  });
}

async function pool<T>(items: T[], jobs: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function wavSeconds(path: string): number {
  // 8 kHz A-law mono: one byte per sample after the header sox wrote.
  const r = spawnSync('soxi', ['-D', path], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

export function missingTools(): string[] {
  const miss: string[] = [];
  for (const [cmd, arg] of [['espeak-ng', '--version'], ['sox', '--version'], ['fluidsynth', '--version']]) {
    if (spawnSync(cmd, [arg]).status !== 0) miss.push(cmd);
  }
  if (!SOUNDFONTS.some((f) => existsSync(f))) miss.push('a GM soundfont (timgm6mb-soundfont)');
  return miss;
}

/** Builds (or reuses) the corpus under `root`/build/talkoff/VERSION. */
export async function corpus(root: string, log: (s: string) => void): Promise<CorpusFile[]> {
  const dir = join(root, 'build', 'talkoff', VERSION);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    const files = JSON.parse(readFileSync(manifest, 'utf8')) as CorpusFile[];
    if (files.every((f) => existsSync(f.path))) {
      log(`talk-off corpus: reusing ${files.length} files in ${dir}`);
      return files;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const sf = SOUNDFONTS.find((f) => existsSync(f))!;
  const files: CorpusFile[] = [];
  const t0 = Date.now();
  const speech = speechJobs();
  await pool(speech, 2, async (j) => {
    const i = speech.indexOf(j);
    const name = `speech-${String(i).padStart(2, '0')}`;
    const raw = join(dir, 'tmp', `${name}.wav`), out = join(dir, `${name}.wav`);
    await run('espeak-ng', ['-v', j.voice, '-s', String(j.speed), '-p', String(j.pitch), '-w', raw, j.text.replace(/\s+/g, ' ')]);
    await run('sox', [raw, '-c', '1', '-r', '8000', '-e', 'a-law', out, 'norm', String(-1 + j.gainDb)]);
    files.push({ kind: 'speech', name, path: out, seconds: wavSeconds(out), what: `${j.label}, voice ${j.voice}, ${j.speed} wpm, pitch ${j.pitch}, peak ${-1 + j.gainDb} dBFS` });
  });
  const music = musicJobs();
  await pool(music, 2, async (j) => {
    const mid = join(dir, 'tmp', `${j.name}.mid`), raw = join(dir, 'tmp', `${j.name}.wav`), out = join(dir, `${j.name}.wav`);
    writeFileSync(mid, smf(j.parts, j.tempo));
    await run('fluidsynth', ['-ni', '-q', '-g', '0.5', '-r', '22050', '-F', raw, sf, mid]);
    await run('sox', [raw, '-c', '1', '-r', '8000', '-e', 'a-law', out, 'norm', String(-1 + j.gainDb)]);
    files.push({ kind: 'music', name: j.name, path: out, seconds: wavSeconds(out), what: `${j.what}, ${j.tempo} bpm, peak ${-1 + j.gainDb} dBFS` });
  });
  rmSync(join(dir, 'tmp'), { recursive: true, force: true });
  files.sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(manifest, JSON.stringify(files, null, 1));
  log(`talk-off corpus: generated ${files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s into ${dir}`);
  return files;
}
