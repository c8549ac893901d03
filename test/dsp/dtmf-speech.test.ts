// DTMF keys pressed while the caller talks (issue 15): callers speak while
// they key a case number. Speech from the project's TTS (eSpeak NG from npm:
// Mandarin and English, male and female voices, two speaking rates), through
// an A-law round trip, scaled so its active level sits 6, 3 or 0 dB below
// the level of each tone, and keys of 40-100 ms at -10 .. -26 dBm0 per tone
// added where the speech is active; the mix goes through A-law again (the
// line) into our detector and SpanDSP's. Prints a table by ratio and level
// with the issue's targets (>= 99 % at 6 dB below: met on these signals and
// on seeds the test does not use, 99.9 %; >= 95 % at equal level: met
// at every level, 97.6-98.9 %, and on seed 3, 96.2-98.1 % per level, and
// seeds 4-5, 97.8-98.7 %, since the pitch-residual and whole-key
// decisions; see the bounds below); asserts the figures measured when the
// test was written, less a margin (so a regression fails), that we find
// more keys than SpanDSP at every ratio, and no digit that is not a key.
//
//   node test/run.mjs dtmf-speech        HL_DTMF_SPEECH_VERBOSE=1: every miss
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addon } from '../../src/addon.ts';
import { detectTones } from '../../src/dsp/index.ts';
import { speakFloat, toAlaw } from '../../src/tts/index.ts';

const FS = 8000;
const PEAK0 = 22812.8; // peak of a 0 dBm0 sine, 16-bit units (native/dsp/tone_gen.h)
const P0 = (PEAK0 * PEAK0) / 2;
const verbose = process.env.HL_DTMF_SPEECH_VERBOSE === '1';

const ZH = 'ni3 hao3, wo3 yao4 tou2 su4. wo3 shang4 ge4 yue4 zai4 shang1 chang3 mai3 le5 yi4 tai2 xi3 yi1 ji1, yong4 le5 san1 ge4 xing1 qi1 jiu4 kai1 shi3 lou4 shui3. ' +
  'shang1 dian4 shuo1 bao3 xiu1 bu4 bao1 kuo4 zhe4 ge4 wen4 ti2. wo3 de5 ding4 dan1 hao4 shi4 si4 qi1 yao1 er4 jiu3 ling2 ba1 ba1 san1, dian4 hua4 shi4 yao1 san1 ba1 ling2 ling2.';
const EN = 'Hello, I would like to make a complaint. Last month I bought a washing machine, and after three weeks it started leaking water. ' +
  'The shop says the warranty does not cover it. My order number is four seven one, two nine zero, eight eight three, and my phone number is one three eight.';
const VOICES = [
  { voice: 'cmn-latn-pinyin+m3', text: ZH, label: 'Mandarin male' },
  { voice: 'cmn-latn-pinyin+f2', text: ZH, label: 'Mandarin female' },
  { voice: 'en-us+m1', text: EN, label: 'English male' },
  { voice: 'en-gb+f4', text: EN, label: 'English female' },
];
const RATES = [150, 210];

const KEYS = '123A456B789C*0#D';
const ROWS = [697, 770, 852, 941];
const COLS = [1209, 1336, 1477, 1633];

function alawDecode(a: number): number {
  a ^= 0x55;
  const seg = (a >> 4) & 7;
  let t = (a & 15) << 4;
  t = seg === 0 ? t + 8 : seg === 1 ? t + 0x108 : (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

// Deterministic uniform [0, 1).
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface Speech { x: Float64Array; active: number; blockPower: Float64Array }

/** Speech in 16-bit units after an A-law round trip; its active level (mean
 * power of the 10 ms blocks within 40 dB of the loudest). */
async function speech(): Promise<{ s: Speech; seconds: number }> {
  const parts: Float64Array[] = [];
  for (const v of VOICES)
    for (const wpm of RATES) {
      const f = await speakFloat(v.text, { voice: v.voice, wpm, trim: true, peakDbfs: -3 });
      const a = toAlaw(f);
      const x = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) x[i] = alawDecode(a[i]);
      parts.push(x);
    }
  const n = parts.reduce((k, p) => k + p.length, 0);
  const x = new Float64Array(n);
  let at = 0;
  for (const p of parts) x.set(p, at), (at += p.length);
  const nb = Math.floor(n / 80);
  const bp = new Float64Array(nb);
  let max = 0;
  for (let b = 0; b < nb; b++) {
    let e = 0;
    for (let i = b * 80; i < b * 80 + 80; i++) e += x[i] * x[i];
    bp[b] = e / 80;
    max = Math.max(max, bp[b]);
  }
  let sum = 0, cnt = 0;
  for (const p of bp) if (p > max * 1e-4) (sum += p), cnt++;
  return { s: { x, active: sum / cnt, blockPower: bp }, seconds: n / FS };
}

interface Key { digit: string; start: number; end: number }

/** Keys placed where the speech over the key is at most 6 dB below its
 * active level, at least 250 ms apart. */
function placeKeys(s: Speech, seed: number): Key[] {
  const r = rng(seed);
  const keys: Key[] = [];
  const durs = [40, 45, 50, 60, 80, 100];
  let t = Math.floor(r() * 2000);
  let ms = durs[Math.floor(r() * durs.length)];
  while (t < s.x.length - 2000) {
    const len = ms * 8;
    let e = 0;
    for (let i = t; i < t + len; i++) e += s.x[i] * s.x[i];
    if (e / len >= s.active / 4) {
      keys.push({ digit: KEYS[Math.floor(r() * 16)], start: t, end: t + len });
      t += len + 2000 + Math.floor(r() * 1200);
      ms = durs[Math.floor(r() * durs.length)];
    } else {
      t += 40;
    }
  }
  return keys;
}

/** The line signal: speech scaled to `ratioDb` below each tone's level,
 * plus the keys, A-law coded. */
function mix(s: Speech, keys: Key[], toneDbm0: number, ratioDb: number): { alaw: Uint8Array; pcm: Int16Array } {
  const g = Math.sqrt((P0 * 10 ** ((toneDbm0 + ratioDb) / 10)) / s.active);
  const y = new Float64Array(s.x.length);
  for (let i = 0; i < y.length; i++) y[i] = g * s.x[i];
  const amp = PEAK0 * 10 ** (toneDbm0 / 20);
  for (const k of keys) {
    const i = KEYS.indexOf(k.digit);
    const fl = ROWS[i >> 2], fh = COLS[i & 3];
    for (let n = k.start; n < k.end; n++) {
      const m = n - k.start;
      y[n] += amp * (Math.sin((2 * Math.PI * fl * m) / FS) + Math.sin((2 * Math.PI * fh * m) / FS));
    }
  }
  const f = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) f[i] = y[i] / 32768;
  const alaw = toAlaw(f);
  const pcm = new Int16Array(alaw.length);
  for (let i = 0; i < alaw.length; i++) pcm[i] = alawDecode(alaw[i]);
  return { alaw, pcm };
}

/** Keys found (the right digit reported between `before` samples ahead of
 * the key's start and `after` samples past its end) and other digits. */
function score(keys: Key[], found: { digit: string; at: number }[], before: number, after: number): { hit: number; extra: number; missed: Key[] } {
  const used = new Set<number>();
  const missed: Key[] = [];
  let hit = 0;
  for (const k of keys) {
    const j = found.findIndex((f, i) => !used.has(i) && f.digit === k.digit && f.at >= k.start - before && f.at <= k.end + after);
    if (j >= 0) used.add(j), hit++;
    else missed.push(k);
  }
  return { hit, extra: found.length - used.size, missed };
}

interface SpandspAddon { spandspDtmf(pcm: Int16Array): { digits: string; at: Float64Array } | null }

// Bounds per ratio (speech below each tone, dB -> least share of keys found):
// measured 99.7-100 % at 6 dB, 99.4-99.8 % at 3 dB, 97.6-98.9 % at 0 dB since
// the fifth round: the decision on the voice's pitch-prediction residual
// (native/dsp/dtmf_ltp.c; alone 99.7-100, 99.0-99.8 and 97.3-98.7 %) and the
// whole-key decision (native/dsp/dtmf_whole.c, a matched filter over the
// key's own extent after a column-led run ends undecided; alone 99.7-100,
// 98.2-99.4 and 95.2-96.8 %); 99.5-100, 97.4-98.4 and 94.1-96.2 % before
// them, since the column-led decision's rows at nominal advance,
// native/dsp/dtmf_col.c, COL_NOM_MARGIN; 99.4-100, 97.3-98.4 and
// 93.8-96.0 % before that, after the
// third round: column-led runs that leave out one disturbed window, and the
// joint decision, native/dsp/dtmf_joint.c; 99.4-99.5, 96.6-97.6 and 92.7-94.1 %
// before it; 97.8-98.2, 94.5-95.7 and 88.9-92.0 % before the column-led decision's
// precise keys and 6 dB column steps; 94.4-95.5, 89.9-92.3 and 80.9-84.4 % before the column-led decision;
// 92.8-94.2, 84.9-87.2 and 73.0-76.0 % before the speech-share drop); issue
// 15's targets are 99 % and 95 %.
const BOUND: Record<number, number> = { [-6]: 99.5, [-3]: 99, [0]: 97 };
const TARGET: Record<number, number> = { [-6]: 99, [-3]: 97, [0]: 95 };

test('keys under speech: found at the measured rates (targets printed), more than SpanDSP, no false digits', async () => {
  const { s, seconds } = await speech();
  const sp = addon as unknown as Partial<SpandspAddon>;
  const levels = [-10, -16, -20, -26];
  const ratios = [-6, -3, 0];
  const lines = [`keys under speech (${VOICES.map((v) => v.label).join(', ')}; ${RATES.join(' and ')} words/min; ${seconds.toFixed(0)} s of speech):`,
    `  ${'speech vs each tone'.padEnd(20)} ${'tone dBm0'.padStart(9)} ${'keys'.padStart(6)} ${'ours'.padStart(8)} ${'false'.padStart(6)} ${'SpanDSP'.padStart(8)} ${'false'.padStart(6)}`];
  const problems: string[] = [];
  const gaps: string[] = [];
  for (const ratio of ratios) {
    for (const level of levels) {
      let keysN = 0, ours = 0, oursExtra = 0, spHit = 0, spExtra = 0;
      let spOk = true;
      for (const seed of [1, 2]) {
        const keys = placeKeys(s, seed * 100 + level * 7 + ratio * 13);
        const { alaw, pcm } = mix(s, keys, level, ratio);
        const ev = detectTones({ encoding: 'alaw', channels: 1, data: alaw }).filter((e) => e.type === 'dtmf');
        const r = score(keys, ev.map((e) => ({ digit: (e as { digit: string }).digit, at: e.start_ms * 8 })), 160, 0);
        keysN += keys.length;
        ours += r.hit;
        oursExtra += r.extra;
        if (verbose) for (const k of r.missed) process.stdout.write(`    missed ${k.digit} ${(k.end - k.start) / 8} ms at ${(k.start / FS).toFixed(3)} s (ratio ${ratio}, ${level} dBm0)\n`);
        const spr = typeof sp.spandspDtmf === 'function' ? sp.spandspDtmf(pcm) : null;
        if (!spr) spOk = false;
        else {
          const q = score(keys, [...spr.digits].map((d, i) => ({ digit: d, at: spr.at[i] })), 0, 1200);
          spHit += q.hit;
          spExtra += q.extra;
        }
      }
      const pct = (100 * ours) / keysN;
      lines.push(`  ${`${-ratio} dB below`.padEnd(20)} ${String(level).padStart(9)} ${String(keysN).padStart(6)} ${pct.toFixed(1).padStart(7)}% ${String(oursExtra).padStart(6)} ` +
        `${spOk ? ((100 * spHit) / keysN).toFixed(1).padStart(7) + '%' : '     n/a'} ${spOk ? String(spExtra).padStart(6) : '     -'}`);
      if (pct < BOUND[ratio]) problems.push(`${ours} of ${keysN} keys (${pct.toFixed(1)} %) at ${level} dBm0 with speech ${-ratio} dB below, want >= ${BOUND[ratio]} %`);
      if (spOk && spHit > ours) problems.push(`SpanDSP found more keys (${spHit}) than we did (${ours}) at ${level} dBm0 with speech ${-ratio} dB below`);
      if (oursExtra) problems.push(`${oursExtra} false digits at ${level} dBm0 with speech ${-ratio} dB below`);
      if (pct < TARGET[ratio]) gaps.push(`${level} dBm0, speech ${-ratio} dB below: ${pct.toFixed(1)} % (target ${TARGET[ratio]} %)`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (gaps.length) process.stdout.write(`  below issue 15's targets: ${gaps.length} of ${levels.length * ratios.length} cells\n`);
  assert.equal(problems, []);
});

test.run();
