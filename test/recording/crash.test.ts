// kill -9 during a rolling recording: the next start (openRecordingLayer)
// finishes the segment the crash left as NAME.part (header from its size,
// renamed) and indexes it beside the segments indexed before the crash;
// nothing unfinished is left and nothing indexed is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openRecordingLayer, verifyIndex } from '../../src/recording/index.ts';
import { data } from './_fixture.ts';

const CHILD = new URL('./crash/child.ts', import.meta.url).pathname;

test('a segment cut by kill -9 is finished and indexed at the next start', async () => {
  const d = await data();
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, d.dir], { encoding: 'utf8', timeout: 60000 });
    assert.is(r.signal, 'SIGKILL', `the child was to kill itself: ${r.stderr}`);
    const day = join(d.dir, 'recordings', 'segments', '20260302');
    const before = readdirSync(day);
    assert.ok(before.some((f) => f.endsWith('.wav.part')), `a segment left unfinished: ${before.join(' ')}`);
    const lines: string[] = [];
    const layer = await openRecordingLayer({ dataDir: d.dir, store: d.store, log: (l) => lines.push(l) });
    try {
      const after = readdirSync(day);
      assert.not.ok(after.some((f) => f.endsWith('.part')), `still unfinished: ${after.join(' ')}`);
      const segs = layer.index.search({ kind: 'segment' });
      assert.is(segs.length, 3, `three segments: ${segs.map((s) => `${s.id} ${s.durationMs}`).join(', ')}; ${lines.join(' | ')}`);
      assert.ok(segs.every((s) => s.channel === '0:1'));
      assert.equal(segs.slice(0, 2).map((s) => s.durationMs), [1000, 1000]);
      assert.ok(segs[2].durationMs > 0 && segs[2].durationMs <= 600, `the cut segment holds ${segs[2].durationMs} ms of the 600 recorded`);
      assert.ok(existsSync(join(d.dir, segs[2].id)));
      assert.equal(verifyIndex(d.dir, layer.index).problems, []);
      assert.ok(lines.some((l) => l.includes('finished recordings/segments/')), lines.join(' | '));
    } finally {
      await layer.close();
    }
  } finally {
    await d.done();
  }
});

test.run();
