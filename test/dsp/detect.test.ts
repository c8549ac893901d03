// `hotline detect`: real WAV files (built here, some converted by sox) run
// through the real command; every DTMF digit, MF R2 code and call-progress
// tone comes out once with its times, in text and --json; bad files get one
// error line each, exit status 2, and do not stop the others.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWav, encodeSamples } from '../../src/dsp/index.ts';
import { DTMF, Signal, r2Freqs } from './signals.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-detect-'));
const root = join(import.meta.dirname, '..', '..');

function detect(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'src/cli/bin.js'), 'detect', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function hasSox(): boolean {
  return spawnSync('sox', ['--version']).status === 0;
}

// The reference recording: digits, MF R2 codes both ways, then busy tone.
const DIGITS = ['1', '5', '9', '#', '0'];
type Want = { type: string; what: string; start_ms: number; end_ms: number };
function reference(): { sig: Signal; want: Want[] } {
  const sig = new Signal(8);
  const want: Want[] = [];
  DIGITS.forEach((d, k) => {
    const t = 0.5 + 0.2 * k;
    sig.tone(DTMF[d], -8, t, 0.08);
    want.push({ type: 'dtmf', what: d, start_ms: t * 1000, end_ms: t * 1000 + 80 });
  });
  const mf: [('forward' | 'backward'), number, number][] = [['forward', 1, 2.0], ['forward', 10, 2.3], ['backward', 6, 2.6]];
  for (const [d, code, t] of mf) {
    sig.tone(r2Freqs(d, code), -11.5, t, 0.1);
    want.push({ type: 'mf_r2', what: `${d} ${code}`, start_ms: t * 1000, end_ms: t * 1000 + 100 });
  }
  sig.cadence(450, -10, 3.5, 0.35, 0.35, 4);
  want.push({ type: 'call_progress', what: 'busy', start_ms: 3500, end_ms: 5950 });
  sig.noise(-50);
  return { sig, want };
}

type Ev = { type: string; digit?: string; direction?: string; code?: number; tone?: string; start_ms: number; end_ms: number; channel?: number };
function label(e: Ev): string {
  return e.type === 'dtmf' ? e.digit! : e.type === 'mf_r2' ? `${e.direction} ${e.code}` : e.tone!;
}

function checkEvents(file: string, events: Ev[], want: Want[], tolMs = 25): void {
  const got = events.map((e) => `${e.type}:${label(e)}`).join(', ');
  assert.is(events.length, want.length, `${file}: want ${want.length} events, got ${events.length}: ${got}`);
  want.forEach((w, i) => {
    const e = events[i];
    assert.is(`${e.type}:${label(e)}`, `${w.type}:${w.what}`, `${file}: event ${i} is ${e.type}:${label(e)}, want ${w.type}:${w.what} (all: ${got})`);
    assert.ok(Math.abs(e.start_ms - w.start_ms) <= tolMs, `${file}: ${w.what} starts at ${e.start_ms} ms, want ${w.start_ms} +-${tolMs}`);
    assert.ok(Math.abs(e.end_ms - w.end_ms) <= tolMs, `${file}: ${w.what} ends at ${e.end_ms} ms, want ${w.end_ms} +-${tolMs}`);
  });
}

test('every tone of an A-law, mu-law and PCM16 recording is reported once with its times (--json)', () => {
  const { sig, want } = reference();
  const pcm = sig.pcm();
  const files: string[] = [];
  for (const enc of ['alaw', 'ulaw', 'pcm16'] as const) {
    const f = join(dir, `ref-${enc}.wav`);
    writeFileSync(f, buildWav(enc, 1, encodeSamples(pcm, enc)));
    files.push(f);
  }
  if (hasSox()) {
    // The same recording converted by a real tool: sox's own A-law writer.
    const f = join(dir, 'ref-sox-alaw.wav');
    const r = spawnSync('sox', [files[2], '-e', 'a-law', f]);
    assert.is(r.status, 0, `sox failed: ${r.stderr}`);
    files.push(f);
  }
  const r = detect('--json', ...files);
  assert.is(r.status, 0, `exit ${r.status}, stderr: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, files.length, `want one JSON line per file, got:\n${r.stdout}`);
  lines.forEach((line, i) => {
    const obj = JSON.parse(line) as { file: string; events: Ev[] };
    assert.is(obj.file, files[i]);
    checkEvents(files[i], obj.events, want);
  });
});

test('text output lists each event with start and end seconds', () => {
  const f = join(dir, 'ref-alaw.wav');
  const r = detect(f);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /8000 Hz A-law mono, 8\.00 s, 9 event\(s\)/);
  assert.match(r.stdout, /0\.70\d - +0\.78\d s +dtmf 5/, `no line for digit 5 at 0.70 s in:\n${r.stdout}`);
  assert.match(r.stdout, /mf_r2 backward 6/);
  assert.match(r.stdout, /3\.5\d\d - +5\.9\d\d s +call_progress busy/, `no busy line in:\n${r.stdout}`);
});

test('stereo: events carry the channel they were heard on', () => {
  const left = new Signal(1.5).tone(DTMF['7'], -10, 0.3, 0.1).pcm();
  const right = new Signal(1.5).tone(r2Freqs('backward', 3), -11.5, 0.8, 0.15).pcm();
  const inter = new Int16Array(left.length * 2);
  for (let i = 0; i < left.length; i++) {
    inter[2 * i] = left[i];
    inter[2 * i + 1] = right[i];
  }
  const f = join(dir, 'stereo.wav');
  writeFileSync(f, buildWav('pcm16', 2, encodeSamples(inter, 'pcm16')));
  const r = detect('--json', f);
  assert.is(r.status, 0, r.stderr);
  const { events } = JSON.parse(r.stdout) as { events: Ev[] };
  assert.equal(
    events.map((e) => `${e.channel}:${label(e)}`),
    ['0:7', '1:backward 3'],
    `stereo events: ${JSON.stringify(events)}`,
  );
});

test('bad files: one error line each naming file and problem, exit 2, good files still decoded', () => {
  const good = join(dir, 'ref-alaw.wav');
  const text = join(dir, 'notes.wav');
  writeFileSync(text, 'this is a text file, not audio\n');
  const cut = join(dir, 'cut.wav');
  writeFileSync(cut, readFileSync(good).subarray(0, 3000)); // header says 64000 bytes of data
  const missing = join(dir, 'missing.wav');
  const bad: [string, RegExp][] = [
    [text, /HL_EWAV_NOT_WAV: no RIFF\/WAVE signature/],
    [cut, /HL_EWAV_TRUNC: data chunk declares 64000 bytes but only 2942/],
    [missing, /DSP_FILE_READ: the file cannot be read: no such file/],
  ];
  if (hasSox()) {
    const wide = join(dir, 'wide.wav');
    const flt = join(dir, 'float.wav');
    const three = join(dir, 'three.wav');
    spawnSync('sox', ['-n', '-r', '16000', '-b', '16', wide, 'synth', '0.2', 'sine', '440']);
    spawnSync('sox', ['-n', '-r', '8000', '-e', 'floating-point', '-b', '32', flt, 'synth', '0.2', 'sine', '440']);
    spawnSync('sox', ['-n', '-r', '8000', '-b', '16', '-c', '3', three, 'synth', '0.2', 'sine', '440']);
    bad.push([wide, /HL_EWAV_RATE: sample rate is 16000 Hz; only 8000 Hz is supported/]);
    bad.push([flt, /HL_EWAV_CODEC: audio format tag 3 \(IEEE float\) is not supported/]);
    bad.push([three, /HL_EWAV_CHANNELS: file has 3 channels/]);
  }
  const r = detect('--json', bad[0][0], good, ...bad.slice(1).map((b) => b[0]));
  assert.is(r.status, 2, `exit status ${r.status}, want 2`);
  const errLines = r.stderr.trim().split('\n');
  assert.is(errLines.length, bad.length, `want ${bad.length} error lines, got:\n${r.stderr}`);
  for (const [file, re] of bad) {
    const line = errLines.find((l) => l.includes(`${file}:`));
    assert.ok(line, `no error line names ${file}:\n${r.stderr}`);
    assert.match(line!, re, `error line for ${file} does not say ${re}: ${line}`);
  }
  const out = r.stdout.trim().split('\n');
  assert.is(out.length, 1, `the good file must still be decoded:\n${r.stdout}`);
  assert.is((JSON.parse(out[0]) as { file: string; events: Ev[] }).events.length, 9);
});

test('call-progress and fax tones synthesised by sox (an independent generator) are recognised', () => {
  if (!hasSox()) return;
  const ring = join(dir, 'sox-ringback.wav');
  const cng = join(dir, 'sox-cng.wav');
  const cycles = (on: string[], off: string[], n: number): string[] => Array.from({ length: n }, () => [...on, ':', ...off, ':']).flat();
  // Ringback 1 s on / 4 s off at about -17 dBm0, three rings, A-law.
  let r = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'a-law', ring,
    ...cycles(['synth', '1', 'sine', '450', 'vol', '0.2'], ['synth', '4', 'sine', '450', 'vol', '0'], 3), 'synth', '1', 'sine', '0', 'vol', '0']);
  assert.is(r.status, 0, String(r.stderr));
  // Fax CNG 0.5 s on / 3 s off, three bursts, 16-bit PCM.
  r = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', cng,
    ...cycles(['synth', '0.5', 'sine', '1100', 'vol', '0.3'], ['synth', '3', 'sine', '1100', 'vol', '0'], 3), 'synth', '1', 'sine', '0', 'vol', '0']);
  assert.is(r.status, 0, String(r.stderr));
  const out = detect('--json', ring, cng);
  assert.is(out.status, 0, out.stderr);
  const [a, b] = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { events: Ev[] });
  checkEvents(ring, a.events, [{ type: 'call_progress', what: 'ringback', start_ms: 0, end_ms: 11000 }]);
  checkEvents(cng, b.events, [{ type: 'call_progress', what: 'fax_cng', start_ms: 0, end_ms: 7500 }]);
});

test('usage errors exit 2 with a code', () => {
  let r = detect();
  assert.is(r.status, 2);
  assert.match(r.stderr, /CLI_MISSING_ARGUMENT: hotline detect needs FILE\.wav/);
  r = detect('--frobnicate', 'x.wav');
  assert.is(r.status, 2);
  assert.match(r.stderr, /CLI_UNKNOWN_OPTION: hotline detect has no option '--frobnicate'/);
  r = detect('--jsn', 'x.wav');
  assert.match(r.stderr, /did you mean --json\?/);
});

test('an empty file is reported as empty, not as a parser detail', () => {
  const empty = join(dir, 'empty.wav');
  writeFileSync(empty, '');
  const r = detect(empty);
  assert.is(r.status, 2);
  assert.match(r.stderr, /empty\.wav: DSP_FILE_EMPTY: the file is empty \(0 bytes\)/);
  assert.not.match(r.stderr, /no buffer/);
});

test('--help lists every option and exits 0', () => {
  const r = detect('--help');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /usage: hotline detect \[options\] FILE\.wav…/);
  assert.match(r.stdout, /--json +print one JSON object/);
  assert.match(r.stdout, /-h, --help/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
