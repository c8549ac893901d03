// China No.1 against libopenr2 (Debian libopenr2-dev, variant CN) over the
// userspace DAHDI of issue 13: calls both ways, in turn cleared by the
// caller (clear-forward), cleared back by the called party, refused busy
// (KB2 / OR2_CAUSE_BUSY_NUMBER) and refused vacant (KB5 /
// OR2_CAUSE_UNALLOCATED_NUMBER), each ending as intended at both ends with
// the called number whole at the called end and, on our calls, libopenr2
// reporting the calling number (ANI) we sent; then a double seizure of every
// circuit; no channel stuck. libopenr2's CN variant sends no calling number
// (it answers A1 after KA with called digits), so our incoming side does not
// ask for it here, and it takes our seizure during glare for a forced
// release: ANI from the far end to ours, glare resolved by priority, KB 长忙
// and A3p are tested ours against ours (test/native/r2_test.c,
// test/board/r2.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openr2Prepare, openr2Run } from '../../bench/_r2_openr2.ts';
import { skipTest } from '../skip.ts';

const PER_WAY = Number(process.env.HL_R2_INTEROP_CALLS ?? 100);
const prep = await openr2Prepare();

if ('missing' in prep) {
  skipTest('China No.1 against libopenr2', prep.missing);
} else {
  test(`China No.1 against libopenr2: ${PER_WAY} calls each way over the userspace DAHDI (clear-forward, clear-back, busy, vacant), then glare on every circuit; none stuck`, () => {
    const r = openr2Run(prep.lib, PER_WAY);
    const msg = JSON.stringify(r);
    for (const way of [r.ours_to_openr2, r.openr2_to_ours]) {
      assert.is(way.calls, PER_WAY, msg);
      assert.is(way.as_intended, PER_WAY, msg);
      assert.is(way.numbers_wrong, 0, msg);
      assert.equal([way.clear_forward, way.clear_back, way.busy, way.vacant], [0, 1, 2, 3].map((m) => Math.floor((PER_WAY + 3 - m) / 4)), msg);
    }
    assert.is(r.openr2_failed_calls, 0, msg);
    assert.is(r.ours_to_openr2.ani_as_sent, PER_WAY, `libopenr2 reported the calling number we sent on every call: ${msg}`);
    assert.equal(r.openr2_categories, { 'National Subscriber': PER_WAY }, 'libopenr2 was offered our calls as from an ordinary subscriber');
    assert.is(r.glare.circuits, 30, msg);
    assert.is(r.glare.openr2_not_idle, 0, msg);
    const named = Object.entries(r.glare.our_causes).filter(([k]) => k === 'glare' || k === 'timeout-seize-ack' || k === 'none');
    assert.is(named.reduce((n, [, v]) => n + v, 0), 30, `each glare ends with a named cause: ${msg}`);
    assert.is(r.stuck_channels, 0, msg);
  });
}

test.run();
