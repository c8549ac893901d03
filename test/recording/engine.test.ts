// The engine indexes the IVR's takes: a complaint recorded through the
// simulated E1 board (digits as DTMF audio) is in the index when the call
// ends, with its call, caller number and case; after a restart with the index
// folder lost, the start-up step rebuilds it from the disk and the case store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildWav } from '../../src/dsp/wav.ts';
import { join } from 'node:path';
import { openEngine } from '../../src/calls/engine.ts';
import { verifyIndex } from '../../src/recording/index.ts';
import { harness, MONDAY_10AM, fileComplaint } from '../ivr/_harness.ts';
import { eventually } from '../_wait.ts';

test('a complaint take is indexed when kept, linked to its case, and re-indexed after a restart', async () => {
  const h = await harness();
  let dataDir = '';
  let number = '';
  let id = '';
  try {
    const speech = h.engine.prompts.file('zh', 'caller_complaint');
    const { calls } = await h.call((c) => fileComplaint(c, speech));
    assert.is(calls.length, 1);
    number = calls[0].caseNumbers[0];
    const kase = await h.engine.store.getCase(number);
    id = kase!.recordingIds![0];
    await h.engine.recordings.hook.settled();
    const e = h.engine.recordings.index.get(id);
    assert.ok(e, `${id} is not in the index`);
    assert.is(e!.callId, calls[0].id);
    assert.is(e!.callerNumber, '13912345678');
    assert.equal(e!.caseNumbers, [number]);
    assert.ok(e!.durationMs > 1000, `duration ${e!.durationMs} ms`);
    assert.equal(h.engine.recordings.index.search({ caseNumber: number }).map((x) => x.id), [id]);
    assert.equal(h.engine.recordings.index.search({ callId: calls[0].id }).map((x) => x.id), [id]);
    assert.equal(verifyIndex(h.engine.dataDir, h.engine.recordings.index).problems, []);
    dataDir = h.engine.dataDir;
    await h.engine.close();
    rmSync(join(dataDir, 'recordings-index'), { recursive: true });
    const again = await openEngine({ dataDir, mode: 'stepped', epochAtZero: MONDAY_10AM });
    try {
      const r = again.recordings.index.get(id);
      assert.ok(r, 'not re-indexed at start-up');
      assert.equal(r!.caseNumbers, [number]);
      assert.is(r!.callerNumber, '13912345678');
      assert.is(r!.durationMs, e!.durationMs);
    } finally {
      await again.close();
    }
  } finally {
    await h.close();
  }
});

test('the engine runs retention on board time when configured: an old take no case refers to goes, logged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-rec-engine-'));
  const dataDir = join(dir, 'data');
  const old = join(dataDir, 'recordings', 'old-1.wav');
  mkdirSync(join(dataDir, 'recordings'), { recursive: true });
  writeFileSync(old, buildWav('alaw', 1, Buffer.alloc(8000, 0xd5)));
  const t = (MONDAY_10AM - 400 * 86_400_000) / 1000;
  utimesSync(old, t, t);
  const lines: string[] = [];
  const engine = await openEngine({ dataDir, mode: 'stepped', epochAtZero: MONDAY_10AM, retention: { everyMs: 60_000 }, log: (l) => lines.push(l) });
  try {
    // the start-up scan moved it to orphans/ (no case), the index has it there
    const id = 'recordings/orphans/old-1.wav';
    assert.ok(engine.recordings.index.get(id), 'not indexed at start-up');
    await engine.board.advance(59_000);
    assert.ok(existsSync(join(dataDir, id)), 'deleted before the period');
    await engine.board.advance(1_000);
    // The index entry goes when its removal commits; the log line follows that commit (wait for both).
    const logged = () => lines.some((l) => l.includes('retention: deleted recordings/orphans/old-1.wav'));
    await eventually(() => engine.recordings.index.get(id) === undefined && logged());
    assert.not.ok(existsSync(join(dataDir, id)), 'not deleted after one period');
    assert.is(engine.recordings.index.get(id), undefined);
    assert.match(lines.join('\n'), /retention: deleted recordings\/orphans\/old-1.wav \(no-case, age, 400.0 days old/);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
