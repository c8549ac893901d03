// Closing a board with record() or tap() queued for the next tick: the native
// destroy freed the recorders, then finalised the queued commands on the same
// pointers (use after free; it crashed 23 times in 23 tries). Now the
// promises settle, the process lives and every file is a finished WAV.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { connect, readWav } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-rec-close-'));

test('record() and tap() then close() before the next tick: no crash, valid files, settled promises', async () => {
  for (let round = 0; round < 10; round++) {
    const board = await openBoard(PROFILE);
    const [[eng, net]] = await connect(board, [round % 3]);
    const rec = eng.record(join(dir, `rec-${round}.wav`), { maxMs: 0 });
    const tap = net.tap(join(dir, `tap-${round}.wav`), { mode: round % 2 ? 'stereo' : 'mixed', format: 'pcm16' });
    await board.close();
    const r = await rec;
    const t = await tap.done;
    assert.is(r.reason, 'stopped');
    assert.is(t.reason, 'stopped');
    const w = readWav(r.file);
    assert.is(w.samples.length, 0, 'nothing was recorded: no tick ran');
    assert.is(readWav(t.file).channels, round % 2 ? 2 : 1);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
