// China No.1 against libopenr2 (Debian libopenr2-dev, variant CN) over the
// userspace DAHDI of issue 13: calls both ways, each answered and cleared,
// none failed, no channel stuck. libopenr2's CN variant sends no calling
// number (it answers A1 after KA with called digits), so our incoming side
// does not ask for it here; the ANI both ways, KB busy/vacant and A3p are
// tested ours against ours (test/native/r2_test.c).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openr2Prepare, openr2Run } from '../../bench/_r2_openr2.ts';
import { skipTest } from '../skip.ts';

const PER_WAY = Number(process.env.HL_R2_INTEROP_CALLS ?? 100);
const prep = await openr2Prepare();

if ('missing' in prep) {
  skipTest('China No.1 against libopenr2', prep.missing);
} else {
  test(`China No.1 against libopenr2: ${PER_WAY} calls each way over the userspace DAHDI, all answered, no stuck channel`, () => {
    const r = openr2Run(prep.lib, PER_WAY);
    const msg = JSON.stringify(r);
    assert.is(r.ours_to_openr2.calls, PER_WAY, msg);
    assert.is(r.openr2_to_ours.calls, PER_WAY, msg);
    assert.is(r.ours_to_openr2.answered, PER_WAY, msg);
    assert.is(r.openr2_to_ours.answered, PER_WAY, msg);
    assert.is(r.openr2_failed_calls, 0, msg);
    assert.is(r.stuck_channels, 0, msg);
  });
}

test.run();
