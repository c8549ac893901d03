// The DSP layer's TypeScript surface: WAV build/parse round trips through
// the native parser, its errors keep the native code and the parser's
// reason, and bad arguments are refused with a DSP_* code before any native
// call.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HotlineError } from '../../src/errors.ts';
import { buildWav, detectTones, encodeSamples, parseWav } from '../../src/dsp/index.ts';
import { dspError, isDspErrorCode, type DspErrorCode } from '../../src/dsp/errors.ts';
import { addon } from '../../src/addon.ts';
import { DTMF, Signal } from './signals.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.instance(e, HotlineError, `threw a non-HotlineError: ${String(e)}`);
    return (e as HotlineError).code;
  }
  throw new Error('did not throw');
}

test('buildWav -> parseWav round trip for every encoding and channel count', () => {
  for (const enc of ['alaw', 'ulaw', 'pcm16'] as const) {
    for (const ch of [1, 2] as const) {
      const samples = new Signal(0.25).tone([1000], -10, 0, 0.25).pcm();
      const data = encodeSamples(samples, enc);
      const wav = parseWav(buildWav(enc, ch, data));
      assert.is(wav.encoding, enc);
      assert.is(wav.channels, ch);
      assert.is(wav.frames, samples.length / ch);
      assert.equal(Buffer.from(wav.data), Buffer.from(data), `${enc} x${ch}: data differs after the round trip`);
    }
  }
});

test('parse errors carry the native HL_EWAV_* code and the reason', () => {
  const good = buildWav('alaw', 1, new Uint8Array(800).fill(0xd5));
  const wide = Buffer.from(good);
  wide.writeUInt32LE(16000, 24);
  wide.writeUInt32LE(16000, 28);
  try {
    parseWav(wide);
    assert.unreachable('16 kHz accepted');
  } catch (e) {
    assert.is((e as HotlineError).code, 'HL_EWAV_RATE');
    assert.match((e as Error).message, /16000 Hz/);
  }
  assert.is(code(() => parseWav(Buffer.from('hello'))), 'HL_EWAV_NOT_WAV');
  assert.is(code(() => parseWav(good.subarray(0, 300))), 'HL_EWAV_TRUNC');
  const cut = parseWav(good.subarray(0, 300), { lenient: true });
  assert.ok(cut.shortData && cut.frames === 300 - 58, `lenient parse gave ${cut.frames} frames`);
  // Every HL_EWAV code in the native table is one the DSP layer raises, with the .def's sentence.
  for (const row of addon.errors.filter((r) => r.code.startsWith('HL_EWAV_'))) {
    assert.ok(isDspErrorCode(row.code), `${row.code} is not a DSP layer code`);
    assert.is(dspError(row.code as DspErrorCode).message, row.message, `sentence for ${row.code} differs from hl_errors.def`);
  }
});

test('bad arguments are refused with DSP_* codes', () => {
  const data = encodeSamples(new Signal(0.1).tone(DTMF['1'], -10, 0, 0.1).pcm(), 'alaw');
  assert.is(code(() => detectTones({ encoding: 'gsm' as 'alaw', channels: 1, data })), 'DSP_ENCODING');
  assert.is(code(() => detectTones({ encoding: 'alaw', channels: 3 as 1, data })), 'DSP_ARG');
  assert.is(code(() => detectTones({ encoding: 'alaw', channels: 1, data: 'x' as unknown as Uint8Array })), 'DSP_ARG');
  assert.is(code(() => buildWav('alaw', 4 as 1, data)), 'DSP_ARG');
  assert.is(code(() => parseWav(42 as unknown as Uint8Array)), 'DSP_ARG');
});

test('an empty signal and a digit at the very end are handled', () => {
  assert.equal(detectTones({ encoding: 'pcm16', channels: 1, data: new Uint8Array(0) }), []);
  // A key still held when the recording stops ends at the last sample.
  const s = new Signal(0.5).tone(DTMF['8'], -8, 0.3, 0.2).pcm();
  const ev = detectTones({ encoding: 'pcm16', channels: 1, data: encodeSamples(s, 'pcm16') });
  assert.is(ev.length, 1, JSON.stringify(ev));
  assert.is(ev[0].type, 'dtmf');
  assert.is(ev[0].end_ms, 500);
});

test.run();
