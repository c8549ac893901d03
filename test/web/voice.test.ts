// The browser phone in Debian's Chromium (issue 12, "Agent audio in the
// browser"): the agent page's microphone is Chromium's fake capture device
// playing a WAV of one of the repository's prompts; the agent turns on the
// browser phone, goes ready and answers a simulated caller with F2. The caller
// (on the simulated E1) must hear the fake microphone's words (correlation),
// and the page must report the caller's audio arriving (frames heard and the
// level the playback worklet measured, in the DOM). Board time runs at wall
// time once the call is up: the page's audio keeps the sound card's pace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readWavSamples } from '../../src/dsp/wav.ts';
import { testUnless } from '../skip.ts';
import { heardIn, score } from '../calls/_agents.ts';
import { NO_CHROMIUM } from './_browser.ts';
import { callRig, goReady, takeCall } from './_calls.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-web-voice-'));
const PROMPT = new URL('../../prompts/zh/kb_office.wav', import.meta.url).pathname;
const OTHER = new URL('../../prompts/zh/kb_returns.wav', import.meta.url).pathname;

/** A 48 kHz mono PCM16 WAV (a sound card's rate) of 8 kHz samples, upsampled ×6 by linear interpolation. */
function wav48k(x: Int16Array): Buffer {
  const n = x.length * 6;
  const b = Buffer.alloc(44 + 2 * n);
  // RIFF/WAVE, fmt (PCM, 1 channel, 48000 Hz, 96000 bytes/s, 2-byte frames, 16 bits), data.
  Buffer.from('RIFF....WAVEfmt ', 'latin1').copy(b, 0);
  Buffer.from('data', 'latin1').copy(b, 36);
  const u32: Array<[number, number]> = [[4, 36 + 2 * n], [16, 16], [24, 48000], [28, 96000], [40, 2 * n]];
  const u16: Array<[number, number]> = [[20, 1], [22, 1], [32, 2], [34, 16]];
  for (const [at, v] of u32) b.writeUInt32LE(v, at);
  for (const [at, v] of u16) b.writeUInt16LE(v, at);
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const c = i + 1 < x.length ? x[i + 1] : 0;
    for (let k = 0; k < 6; k++) b.writeInt16LE(Math.round(a + ((c - a) * k) / 6), 44 + 2 * (i * 6 + k));
  }
  return b;
}

/** Share of the half-second pieces of `words` with speech in them that `heard` holds (score above 0.6 at any lag). */
function found(heard: Int16Array, words: Int16Array): number {
  let pieces = 0;
  let hits = 0;
  for (let at = 0; at + 4000 <= words.length; at += 4000) {
    const piece = words.subarray(at, at + 4000);
    let e = 0;
    for (const x of piece) e += x * x;
    if (Math.sqrt(e / piece.length) < 300) continue; // a pause
    pieces++;
    if (score(heard, piece) > 0.6) hits++;
  }
  return pieces ? hits / pieces : 0;
}

testUnless(NO_CHROMIUM, 'the browser phone: the caller hears the page\'s microphone, the page hears the caller (Chromium, fake capture device)', async () => {
  // The fake microphone says kb_office, then a second of silence, looped by Chromium.
  const words = readWavSamples(PROMPT).samples;
  const padded = new Int16Array(words.length + 8000);
  padded.set(words);
  const mic = join(dir, 'mic.wav');
  writeFileSync(mic, wav48k(padded));
  const r = await callRig(2, { browserArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${mic}`] });
  const { h } = r;
  const e = h.engine;
  try {
    const page = await r.page('1001');
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    // Wall-time pace from the phone's start: its audio keeps the sound card's clock.
    r.pace = 'realtime';
    await page.click('#voice-toggle');
    await page.waitForSelector('#voice-status[data-state="on"]', { timeout: 20_000 });
    await goReady(page);
    const c = await takeCall(r, page, 1, '13700002222');
    const heard0 = Number(await page.getAttribute('#voice-status', 'data-heard'));
    // The caller talks while the page's microphone talks: both ways at once;
    // then a little more than one loop of the microphone's file.
    await c.speak(e.prompts.file('zh', 'caller_complaint'));
    const levels: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < (padded.length / 8000) * 1000 + 500) {
      levels.push(Number(await page.getAttribute('#voice-status', 'data-level-db')));
      await new Promise((res) => setTimeout(res, 250));
    }
    const stats = await page.evaluate(() => ({ ...(document.getElementById('voice-status') as HTMLElement).dataset }));
    r.pace = 'fast';
    const file = await c.hangup();
    const callerHeard = heardIn(file);
    // Piece by piece (half seconds with speech in them): a gap where the
    // loaded machine let the page's frames fall behind shifts what follows it,
    // which a single-lag score of the whole prompt counts against it.
    const said = found(callerHeard, words);
    const notSaid = found(callerHeard, readWavSamples(OTHER).samples);
    process.stdout.write(`browser phone: pieces found ${said.toFixed(2)} (of a prompt not said: ${notSaid.toFixed(2)}), page ${JSON.stringify(stats)}\n`);
    assert.ok(said > 0.6, `the caller heard the fake microphone's words (${(100 * said).toFixed(0)} % of the pieces)`);
    assert.ok(notSaid < 0.25, `and not words nobody said (${(100 * notSaid).toFixed(0)} %)`);
    const heard = Number(stats.heard) - heard0;
    assert.ok(heard > 100, `the page got the caller's frames (${heard})`);
    assert.ok(Number(stats.sent) > 100, `the page sent frames (${stats.sent})`);
    assert.ok(Math.max(...levels) > -40, `the playback worklet measured the caller's voice (max ${Math.max(...levels)} dBFS)`);
    assert.equal(problems, [], 'no CSP violation');
  } finally {
    await r.close();
  }
});

test.run();
