// The 12315 IVR end to end with callers arriving over China No.1 (MFC R2,
// China variant): the caller's number reaches the engine only as compelled
// MF R2 register signals (A-law audio through the sim cable and the real MF
// receivers), and ends up as the case's caller number, as over plain CAS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RingEvent } from '../../src/board/types.ts';
import { harness, heardDigits, heardInOrder, type Harness, fileComplaint } from './_harness.ts';

let h: Harness;

test.before(async () => {
  h = await harness({ boardFile: 'boards/sim-e1x2-china-no1.json' });
});
test.after(async () => {
  await h.close();
});

test('China No.1 caller: press 2, complaint, speak, # → the case holds the ANI sent as MF R2, and the number read back is the stored one', async () => {
  const rings: RingEvent[] = [];
  h.engine.board.events$.subscribe((e) => { if (e.type === 'ring') rings.push(e); });
  const speech = h.engine.prompts.file('zh', 'caller_complaint');
  const { heard, calls } = await h.call((c) => fileComplaint(c, speech), { callerNumber: '075588886666' });
  assert.is(rings.length, 1, 'one ring');
  assert.is(rings[0].callerNumber, '075588886666');
  assert.is(rings[0].calledNumber, '12315');
  assert.is(rings[0].category, 1, 'KA: ordinary subscriber');
  const ends = heardInOrder(h.engine, heard, ['welcome', 'main_menu', 'complaint_kind', 'complaint_record', 'beep', 'case_number_is']);
  const first = heardDigits(h.engine, heard, ends[5], 14);
  assert.is(first.length, 14, `read back '${first}'`);
  assert.is(calls.length, 1);
  assert.equal(calls[0].caseNumbers, [first]);
  const kase = await h.engine.store.getCase(first);
  assert.ok(kase, `case ${first} not in the store`);
  assert.is(kase!.callerNumber, '075588886666', 'the caller number of the case is the ANI from the register signals');
  const cr = await h.engine.store.getCallRecord(calls[0].id);
  assert.ok(cr, 'no call record');
});

test.run();
