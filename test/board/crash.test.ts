// kill -9 during a recording loses at most 1 s: the writer moves every ring
// to the file at least every 200 ms (kill -9 keeps the page cache), so the
// file holds all but the last fraction of a second, and it rewrites the WAV
// header at every drain point (every 500 ms, before each sync), so even
// before the start-up scan repairs it the header is at most about a second
// behind the audio in the file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readWav, tonePowerDb } from './helpers.ts';

test('a recording survives SIGKILL with a valid header, losing at most 1 s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-board-crash-'));
  try {
    const file = join(dir, 'crash.wav');
    const child = join(new URL('.', import.meta.url).pathname, 'crash-recorder.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, file, '3500'], { encoding: 'utf8', timeout: 30000 });
    assert.is(r.signal, 'SIGKILL', `the child should die by SIGKILL (status ${r.status}, ${r.stderr})`);
    const [, start, kill] = /recording (\d+) (\d+)/.exec(r.stdout)!.map(Number);
    const recorded = (kill - start) / 1000; // board seconds between the record command and the kill
    // Unfinished: still under its in-progress name (the start-up scan finishes it).
    const part = `${file}.part`;
    const raw = readFileSync(part);
    const w = readWav(part, true); // throws if the header's sizes do not fit the file
    const inHeader = w.samples.length / 8000;
    const inFile = (raw.length - 58) / 8000; // A-law header: 58 bytes; what the scan keeps
    const lost = recorded - inFile;
    assert.ok(lost <= 1, `kill -9 lost ${lost.toFixed(2)} s of ${recorded.toFixed(2)} s (the file holds ${inFile.toFixed(2)} s)`);
    // A drain point every 500 ms, a sync under way skips one: 1.5 s leaves room for a loaded machine (5 s would not).
    assert.ok(inFile - inHeader <= 1.5, `the header lags the data by ${(inFile - inHeader).toFixed(2)} s`);
    assert.ok(tonePowerDb(w.samples, 1000, 800, 8800) > -20, 'the recorded audio is the far end tone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
