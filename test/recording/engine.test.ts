// The engine indexes the IVR's takes: a complaint recorded through the
// simulated E1 board (digits as DTMF audio) is in the index when the call
// ends, with its call, caller number and case; after a restart with the index
// folder lost, the start-up step rebuilds it from the disk and the case store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine } from '../../src/calls/engine.ts';
import { verifyIndex } from '../../src/recording/index.ts';
import { harness, MONDAY_10AM } from '../ivr/_harness.ts';

test('a complaint take is indexed when kept, linked to its case, and re-indexed after a restart', async () => {
  const h = await harness();
  let dataDir = '';
  let number = '';
  let id = '';
  try {
    const speech = h.engine.prompts.file('zh', 'caller_complaint');
    const { calls } = await h.call(async (c) => {
      await c.hear();
      await c.press('2');
      await c.hear();
      await c.press('1');
      await c.hear();
      await c.speak(speech);
      await c.press('#');
      await c.hear({ silenceMs: 2500 });
    });
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

test.run();
