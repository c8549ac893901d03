// Text to speech from npm (eSpeak NG in WebAssembly) at the line rate, and
// the resampler that brings it there without aliasing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LINE_RATE, resample, speak, speakAlaw, speakFloat } from '../../src/tts/index.ts';

const sine = (hz: number, rate: number, seconds: number, amp = 0.5): Float32Array =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

/** RMS over the middle of a signal (the ends carry the filter's edge). */
function rms(x: Float32Array): number {
  const a = Math.floor(x.length / 4), b = Math.floor((3 * x.length) / 4);
  let s = 0;
  for (let i = a; i < b; i++) s += x[i] * x[i];
  return Math.sqrt(s / (b - a));
}

/** Power at `hz` by correlation (Goertzel-style), as an amplitude. */
function amplitudeAt(x: Float32Array, hz: number, rate: number): number {
  let re = 0, im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i] * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

test('resample: a 1 kHz tone passes 22 050 -> 8 000 Hz at its level and frequency', () => {
  const y = resample(sine(1000, 22050, 1), 22050, 8000);
  assert.is(y.length, 8000);
  assert.ok(Math.abs(rms(y) - 0.5 / Math.SQRT2) < 0.005, `rms ${rms(y)}`);
  assert.ok(Math.abs(amplitudeAt(y.subarray(2000, 6000), 1000, 8000) - 0.5) < 0.01);
});

test('resample: 5 kHz (above the new Nyquist) is removed, not folded to 3 kHz', () => {
  for (const [from, hz] of [[22050, 5000], [24000, 5000], [22050, 9000], [16000, 4600]] as const) {
    const y = resample(sine(hz, from, 1), from, 8000);
    // Plain decimation would leave an alias at |hz - k*8000| of amplitude 0.5.
    const alias = Math.abs(hz - 8000 * Math.round(hz / 8000));
    const a = amplitudeAt(y.subarray(2000, 6000), alias, 8000);
    assert.ok(a < 0.5 * 10 ** (-60 / 20), `${hz} Hz from ${from} Hz leaves ${(20 * Math.log10(a / 0.5)).toFixed(1)} dB at ${alias} Hz`);
  }
});

test('resample: the telephone band (300..3400 Hz) is flat within 0.5 dB', () => {
  for (const hz of [300, 1000, 2000, 3000, 3400]) {
    const y = resample(sine(hz, 22050, 1), 22050, 8000);
    const db = 20 * Math.log10(amplitudeAt(y.subarray(2000, 6000), hz, 8000) / 0.5);
    assert.ok(Math.abs(db) < 0.5, `${hz} Hz: ${db.toFixed(2)} dB`);
  }
});

test('resample: refuses a rate that is not a whole number of Hz', () => {
  try {
    resample(new Float32Array(10), 22050.5, 8000);
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'TTS_ARG');
  }
});

test('speak: Mandarin (pinyin voice, characters and pinyin) and English at 8 kHz', async () => {
  const hanzi = await speak('您好，这里是消费者投诉举报热线。', { voice: 'cmn-latn-pinyin' });
  const pinyin = await speak('nin2 hao3, zhe4 li3 shi4 xiao1 fei4 zhe3 tou2 su4 ju3 bao4 re4 xian4.', { voice: 'cmn-latn-pinyin' });
  const en = await speak('Welcome to the consumer hotline.', { voice: 'en-us+f2' });
  for (const [name, s, min, max] of [['hanzi', hanzi, 1.5, 6], ['pinyin', pinyin, 1.5, 6], ['english', en, 1, 4]] as const) {
    assert.ok(s.length > min * LINE_RATE && s.length < max * LINE_RATE, `${name}: ${(s.length / LINE_RATE).toFixed(2)} s`);
    let peak = 0;
    for (const v of s) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak > 3000, `${name} is nearly silent (peak ${peak})`);
  }
  // The same text in characters and in pinyin says the same syllables.
  assert.ok(Math.abs(hanzi.length - pinyin.length) < 0.25 * pinyin.length, `hanzi ${hanzi.length} vs pinyin ${pinyin.length} samples`);
});

test('speak: rate, pitch and peak level are applied', async () => {
  const text = 'one two three four five six seven eight nine ten';
  const slow = await speakFloat(text, { voice: 'en-gb', wpm: 100 });
  const fast = await speakFloat(text, { voice: 'en-gb', wpm: 300 });
  assert.ok(slow.length > 1.8 * fast.length, `100 wpm ${slow.length} vs 300 wpm ${fast.length} samples`);
  const loud = await speakFloat(text, { voice: 'en-gb', peakDbfs: -3, trim: true });
  let peak = 0;
  for (const v of loud) peak = Math.max(peak, Math.abs(v));
  assert.ok(Math.abs(20 * Math.log10(peak) + 3) < 0.01, `peak ${20 * Math.log10(peak)} dBFS`);
  assert.ok(Math.abs(loud[0]) < 0.01 && Math.abs(loud[loud.length - 1]) < 0.01);
  const alaw = await speakAlaw(text, { voice: 'en-gb', pitch: 80 });
  assert.ok(alaw.length > LINE_RATE);
});

test('speak: the same text and voice give the same samples every time', async () => {
  // eSpeak NG seeds its breath noise and jitter from the wall clock; the
  // speech layer fixes that clock so corpora and prompt builds reproduce.
  const text = 'Please hold the line, your call is important to us.';
  const a = await speak(text, { voice: 'en-us+f5', wpm: 140, pitch: 70 });
  await new Promise((r) => setTimeout(r, 1100));
  const b = await speak(text, { voice: 'en-us+f5', wpm: 140, pitch: 70 });
  assert.is(a.length, b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
  assert.is(differ, 0, `${differ} of ${a.length} samples differ between two runs`);
});

test('speak: a text starting with "-" is spoken, not taken as an option', async () => {
  const s = await speak('-5 degrees', { voice: 'en-us' });
  assert.ok(s.length > 0.5 * LINE_RATE);
});

test('speak: an unknown voice, a Klatt voice or a bad rate is a coded error', async () => {
  for (const [opts, code] of [
    [{ voice: 'nosuchvoice' }, 'TTS_VOICE'],
    [{ voice: 'en-us+klatt' }, 'TTS_VOICE'],
    [{ voice: 'en; rm -rf' }, 'TTS_VOICE'],
    [{ voice: 'en', wpm: 5 }, 'TTS_ARG'],
    [{ voice: 'en', pitch: 200 }, 'TTS_ARG'],
  ] as const) {
    try {
      await speak('hello', opts);
      assert.unreachable(`${JSON.stringify(opts)} accepted`);
    } catch (e) {
      assert.is((e as { code?: string }).code, code, `${JSON.stringify(opts)}: ${(e as Error).message}`);
      assert.ok((e as Error).message.length > 20);
    }
  }
});

test.run();
