// Intake: a receipt time in the future (a mistyped year)
// was stored and pushed the statutory deadlines out by as much.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bj, complaint, fixture } from './helpers.ts';

test('receivedAt in the future is refused per field; a few minutes of clock skew and past times are fine', async () => {
  const f = await fixture(bj(2026, 3, 2, 10));
  try {
    try {
      await f.store.createCase(complaint({ receivedAt: bj(2062, 3, 2, 10) }));
      assert.unreachable();
    } catch (e) {
      const err = e as { code: string; info?: { errors?: Array<{ field: string; code: string }> } };
      assert.is(err.code, 'CASE_INVALID');
      assert.equal(err.info?.errors?.map((x) => [x.field, x.code]), [['receivedAt', 'CASE_FIELD_INVALID']]);
    }
    const skew = await f.store.createCase(complaint({ receivedAt: bj(2026, 3, 2, 10, 3) }));
    assert.is(skew.receivedAt, bj(2026, 3, 2, 10, 3));
    const letter = await f.store.createCase(complaint({ channel: 'letter', receivedAt: bj(2026, 2, 27, 16) }));
    // received Friday 27 Feb 2026: 7 working days = Saturday 28 Feb (a make-up
    // working day after the Spring Festival) and 2, 3, 4, 5, 6, 9 March
    assert.is(letter.deadlines[0].dueAt, bj(2026, 3, 10, 0) - 1);
    // the refused case took no number: the letter is the second of the day
    assert.is(letter.number.slice(8, 13), '00002');
  } finally {
    await f.done();
  }
});

test('the daily sequence restarts at Beijing midnight, not at UTC midnight', async () => {
  const f = await fixture(Date.UTC(2026, 2, 2, 15, 59)); // 23:59 Beijing, 2 March
  try {
    const a = await f.store.createCase(complaint());
    f.clock.now = Date.UTC(2026, 2, 2, 16, 1); // 00:01 Beijing, 3 March (still 2 March in UTC)
    const b = await f.store.createCase(complaint());
    f.clock.now = Date.UTC(2026, 2, 2, 23, 59); // 07:59 Beijing, 3 March (UTC midnight is next)
    const c = await f.store.createCase(complaint());
    f.clock.now = Date.UTC(2026, 2, 3, 0, 1); // 08:01 Beijing, 3 March (a new UTC day)
    const d = await f.store.createCase(complaint());
    assert.equal([a, b, c, d].map((x) => x.number.slice(0, 13)), ['2026030200001', '2026030300001', '2026030300002', '2026030300003']);
  } finally {
    await f.done();
  }
});

test('dispatch to several departments: each keeps its person in charge; a malformed one is refused and nothing changes', async () => {
  const f = await fixture(bj(2026, 3, 2, 10));
  try {
    await f.store.putDepartment({ id: 'd1', name: '执法一队', head: '李队' });
    await f.store.putDepartment({ id: 'd2', name: '执法二队' });
    const c = await f.store.createCase(complaint());
    await f.store.transition(c.number, { type: 'accept' }, 'sup1');
    try {
      await f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'd1' }, { departmentId: 'd2', personInCharge: 42 as unknown as string }] }, 'sup1');
      assert.unreachable();
    } catch (e) {
      assert.is((e as { code: string }).code, 'CASE_FIELD_INVALID');
      assert.match((e as Error).message, /person in charge/);
    }
    assert.is((await f.store.getCase(c.number))!.status, 'accepted');
    const r = await f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'd1' }, { departmentId: 'd2', personInCharge: '王五' }] }, 'sup1');
    assert.equal(r.dispatches, [{ departmentId: 'd1', personInCharge: '李队' }, { departmentId: 'd2', personInCharge: '王五' }]);
  } finally {
    await f.done();
  }
});

test('callerHistory refuses a limit that is not a whole number from 1', async () => {
  const f = await fixture(bj(2026, 3, 2, 10));
  try {
    await f.store.createCase(complaint());
    await f.store.createCase(complaint());
    for (const bad of [Number.NaN, 0, 1.5]) {
      try {
        await f.store.callerHistory('13800138000', bad);
        assert.unreachable(String(bad));
      } catch (e) {
        assert.is((e as { code: string }).code, 'CASE_FIELD_INVALID', String(bad));
      }
    }
    assert.is((await f.store.callerHistory('13800138000', 1)).length, 1);
    assert.is((await f.store.callerHistory('13800138000')).length, 2);
  } finally {
    await f.done();
  }
});

test.run();
