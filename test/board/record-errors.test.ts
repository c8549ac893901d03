// What a recording reports when something goes wrong, through the addon: an
// existing file is never overwritten (HL_EREC_EXISTS), audio dropped by a
// writer that fell behind is counted (HL_EREC_DROPPED + droppedSamples), and a
// recording past the size limit rolls over to NAME.2.wav... (the limit is
// made small with HL_REC_PART_BYTES rather than writing 4 GiB). Disk errors
// (EACCES, ENOSPC, EIO) are injected in test/board/powercut.test.ts.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { connect, readWav } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-rec-err-'));

/** Opens a board with test-only environment hooks read at creation. */
async function boardWith(env: Record<string, string>) {
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  try {
    return await openBoard(PROFILE);
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
  }
}

test('an existing file is left alone: reason error, HL_EREC_EXISTS with its sentence', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng]] = await connect(board, [1]);
    const file = join(dir, 'yesterday.wav');
    writeFileSync(file, 'a complaint recorded yesterday');
    const p = eng.record(file, { maxMs: 500 });
    await board.advance(600);
    const r = await p;
    assert.is(r.reason, 'error');
    assert.is(r.error?.code, 'HL_EREC_EXISTS');
    assert.match(r.error?.message ?? '', /never overwrite/);
    assert.is(readFileSync(file, 'utf8'), 'a complaint recorded yesterday');
  } finally {
    await board.close();
  }
});

test('audio dropped by a writer that fell behind is reported with its count', async () => {
  const board = await boardWith({ HL_REC_RING_SAMPLES: '1024' });
  try {
    const [[eng]] = await connect(board, [2]);
    const p = eng.record(join(dir, 'slow.wav'), { maxMs: 1500 });
    await board.advance(1600);
    const r = await p;
    assert.is(r.reason, 'timeout', 'the recording itself ended normally');
    assert.is(r.error?.code, 'HL_EREC_DROPPED');
    assert.ok((r.droppedSamples ?? 0) > 0, `dropped ${r.droppedSamples}`);
    assert.is(readWav(r.file).samples.length + r.droppedSamples!, 12000, 'file + dropped = 1.5 s');
  } finally {
    await board.close();
  }
});

test('a tap past the size limit rolls over to NAME.2.wav, NAME.3.wav; every part is a valid WAV', async () => {
  const board = await boardWith({ HL_REC_PART_BYTES: '16000' });
  try {
    const [[eng]] = await connect(board, [3]);
    const tap = eng.tap(join(dir, 'long.wav'), { mode: 'stereo', format: 'pcm16', maxMs: 1200 });
    await board.advance(1300);
    const r = await tap.done;
    assert.is(r.reason, 'done');
    assert.is(r.error, undefined);
    // 1.2 s x 8000 frames x 4 bytes = 38400 bytes: 16000 + 16000 + 6400.
    assert.equal(r.files, [join(dir, 'long.wav'), join(dir, 'long.2.wav'), join(dir, 'long.3.wav')]);
    const frames = r.files!.map((f) => readWav(f).samples.length / 2);
    assert.equal(frames, [4000, 4000, 1600]);
    assert.not.ok(existsSync(join(dir, 'long.4.wav')));
  } finally {
    await board.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
