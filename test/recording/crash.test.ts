// kill -9 during a rolling recording and a per-call recording: the next start
// (openRecordingLayer) finishes each file the crash left as NAME.part (header
// from its size, renamed) and indexes it, marked `recovered`, beside the
// segments indexed before the crash; each lost at most 1 s; nothing
// unfinished is left and nothing indexed is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openRecordingLayer, verifyIndex } from '../../src/recording/index.ts';
import { data } from './_fixture.ts';

const CHILD = new URL('./crash/child.ts', import.meta.url).pathname;

test('a segment and a call recording cut by kill -9 are finished, marked and indexed at the next start, at most 1 s lost', async () => {
  const d = await data();
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, d.dir], { encoding: 'utf8', timeout: 60000 });
    assert.is(r.signal, 'SIGKILL', `the child was to kill itself: ${r.stderr}`);
    const [, callStart, kill] = /call (\d+) (\d+)/.exec(r.stdout)!.map(Number);
    const segDay = join(d.dir, 'recordings', 'segments', '20260302');
    const callDay = join(d.dir, 'recordings', 'calls', '20260302');
    const before = [...readdirSync(segDay), ...readdirSync(callDay)];
    assert.ok(before.some((f) => f.endsWith('.wav.part') && !f.startsWith('KILL')), `a segment left unfinished: ${before.join(' ')}`);
    assert.ok(before.includes('KILL-1.wav.part'), `the call recording left unfinished: ${before.join(' ')}`);
    const lines: string[] = [];
    const layer = await openRecordingLayer({ dataDir: d.dir, store: d.store, log: (l) => lines.push(l) });
    try {
      const after = [...readdirSync(segDay), ...readdirSync(callDay)];
      assert.not.ok(after.some((f) => f.endsWith('.part')), `still unfinished: ${after.join(' ')}`);
      const segs = layer.index.search({ kind: 'segment' });
      assert.is(segs.length, 3, `three segments: ${segs.map((s) => `${s.id} ${s.durationMs}`).join(', ')}; ${lines.join(' | ')}`);
      assert.ok(segs.every((s) => s.channel === '0:1'));
      assert.equal(segs.slice(0, 2).map((s) => s.durationMs), [2000, 2000]);
      assert.equal(segs.map((s) => s.recovered !== undefined), [false, false, true], 'only the cut segment is marked recovered');
      // The channel's call began 80 ms in (connect): 2,000 + 2,000 + 1,520 ms recorded.
      assert.ok(segs[2].durationMs >= 1520 - 1000 && segs[2].durationMs <= 1520, `the cut segment holds ${segs[2].durationMs} ms of the 1,520 recorded`);
      const [call] = layer.index.search({ callId: 'KILL-1' });
      assert.ok(call, `the call recording is indexed: ${lines.join(' | ')}`);
      assert.is(call.kind, 'call');
      assert.ok(call.recovered !== undefined, 'the call recording is marked recovered');
      const recorded = kill - callStart;
      assert.ok(call.durationMs >= recorded - 1000 && call.durationMs <= recorded, `the call recording holds ${call.durationMs} ms of the ${recorded} recorded`);
      assert.ok(existsSync(join(d.dir, segs[2].id)) && existsSync(join(d.dir, call.id)));
      assert.equal(verifyIndex(d.dir, layer.index).problems, []);
      assert.ok(lines.some((l) => l.includes('finished recordings/segments/')), lines.join(' | '));
      assert.ok(lines.some((l) => l.includes('recovered after a crash')), lines.join(' | '));
    } finally {
      await layer.close();
    }
  } finally {
    await d.done();
  }
});

test.run();
