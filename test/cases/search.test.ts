// Search through the indexes (caller, complainant, business, status,
// department, agent, category with sub-categories, date range, words in the
// facts via CJK bigrams), the caller's history for a screen pop, and that
// every index stays equal to a recount after updates and transitions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyStore } from '../../src/cases/index.ts';
import { bj, complaint, fixture, type Fixture } from './helpers.ts';

let f: Fixture;
const n: Record<string, string> = {};
test.before(async () => {
  f = await fixture(bj(2026, 3, 2, 9));
  await f.store.putDepartment({ id: 'enf1', name: '执法一队' });
  await f.store.putAgent({ id: 'a1', name: '李坐席', role: 'agent', password: 'secret-1' });
  await f.store.putAgent({ id: 'a2', name: '王坐席', role: 'agent', password: 'secret-2' });
  n.milk = (await f.store.createCase(complaint({ agentId: 'a1', facts: '在朝阳超市购买的牛奶已过期，商家拒绝退款。' }))).number;
  f.clock.now = bj(2026, 3, 5, 9);
  n.phone = (
    await f.store.createCase(
      complaint({ agentId: 'a2', callerNumber: '13911110000', complainant: { name: '李四', phone: '13911110000', address: '海淀区' }, business: { name: '海淀手机店', address: '中关村' }, categoryId: 'goods.telecom', facts: '新买的iPhone 15无法开机，商家说是人为损坏。' }),
    )
  ).number;
  f.clock.now = bj(2026, 3, 9, 9);
  n.gym = (
    await f.store.createCase(
      complaint({ agentId: 'a1', business: { name: '力量健身房', address: '朝阳区' }, categoryId: 'services.prepaid', facts: '健身房预付卡充值后突然关门跑路，无法退费。' }),
    )
  ).number;
  n.report = (await f.store.createCase({ kind: 'report', channel: 'web', anonymous: true, business: { name: '朝阳超市', address: '朝阳区' }, facts: '超市销售过期牛奶和过期面包', categoryId: 'goods.food' })).number;
  await f.store.transition(n.gym, { type: 'accept' }, 'a1');
  await f.store.transition(n.gym, { type: 'dispatch', departments: [{ departmentId: 'enf1' }] }, 'a1');
});
test.after(async () => f.done());

const nums = (rs: Array<{ number: string }>): string[] => rs.map((r) => r.number);

test('by caller number, newest first', async () => {
  assert.equal(nums(await f.store.searchCases({ callerNumber: '13800138000' })), [n.gym, n.milk]);
  assert.equal(nums(await f.store.searchCases({ callerNumber: '13911110000' })), [n.phone]);
  assert.equal(await f.store.searchCases({ callerNumber: '10000' }), []);
});

test('by complainant, business, agent, status, department, kind', async () => {
  assert.equal(nums(await f.store.searchCases({ complainant: '李四' })), [n.phone]);
  assert.equal(nums(await f.store.searchCases({ business: '朝阳超市' })), [n.report, n.milk]);
  assert.equal(nums(await f.store.searchCases({ agentId: 'a1' })), [n.gym, n.milk]);
  assert.equal(nums(await f.store.searchCases({ status: 'dispatched' })), [n.gym]);
  assert.equal(nums(await f.store.searchCases({ departmentId: 'enf1' })), [n.gym]);
  assert.equal(nums(await f.store.searchCases({ kind: 'report' })), [n.report]);
  assert.equal(nums(await f.store.searchCases({ business: '朝阳超市', kind: 'complaint' })), [n.milk], 'conditions combine');
});

test('by category: a parent finds its sub-categories', async () => {
  assert.equal(nums(await f.store.searchCases({ categoryId: 'goods.food' })), [n.report, n.milk]);
  assert.equal(nums(await f.store.searchCases({ categoryId: 'goods' })), [n.report, n.phone, n.milk]);
  assert.equal(nums(await f.store.searchCases({ categoryId: 'services' })), [n.gym]);
});

test('by date range (Beijing days)', async () => {
  assert.equal(nums(await f.store.searchCases({ from: bj(2026, 3, 3, 0), to: bj(2026, 3, 9, 0) })), [n.phone]);
  assert.equal(nums(await f.store.searchCases({ from: bj(2026, 3, 9, 0), agentId: 'a1' })), [n.gym]);
  assert.equal(nums(await f.store.searchCases({ to: bj(2026, 3, 5, 0) })), [n.milk]);
});

test('by words in the facts: Chinese bigrams, Latin words, all words must occur', async () => {
  assert.equal(nums(await f.store.searchCases({ words: '牛奶' })), [n.report, n.milk]);
  assert.equal(nums(await f.store.searchCases({ words: '过期牛奶' })), [n.report], 'the phrase, not just its bigrams');
  assert.equal(nums(await f.store.searchCases({ words: '牛奶 退款' })), [n.milk]);
  assert.equal(nums(await f.store.searchCases({ words: 'iphone' })), [n.phone], 'case-insensitive Latin words');
  assert.equal(nums(await f.store.searchCases({ words: '预付卡' })), [n.gym]);
  assert.equal(await f.store.searchCases({ words: '汽车' }), []);
  try {
    await f.store.searchCases({ words: '奶' });
    assert.unreachable('one Chinese character searched');
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_FIELD_INVALID');
  }
});

test('updating the facts or the category moves the index entries', async () => {
  await f.store.updateCase(n.milk, { facts: '在朝阳超市购买的酸奶胀袋变质。', categoryId: 'goods.other' }, 'a1');
  assert.equal(nums(await f.store.searchCases({ words: '牛奶' })), [n.report]);
  assert.equal(nums(await f.store.searchCases({ words: '酸奶' })), [n.milk]);
  assert.equal(nums(await f.store.searchCases({ categoryId: 'goods.food' })), [n.report]);
  const v = verifyStore(f.store);
  assert.ok(v.ok, v.problems.join('\n'));
});

test('caller history for the screen pop: cases and calls, newest first', async () => {
  f.clock.now = bj(2026, 3, 10, 9);
  await f.store.putCallRecord({ id: 'call-1', startedAt: bj(2026, 3, 10, 9), answeredAt: bj(2026, 3, 10, 9, 1), endedAt: bj(2026, 3, 10, 9, 5), channel: 'span0/ts3', callerNumber: '13800138000', ivrPath: ['main', '2'], queueWaitMs: 12_000, agentId: 'a2', recordingIds: ['rec-9'], outcome: 'answered' });
  const h = await f.store.callerHistory('13800138000');
  assert.equal(h.map((x) => (x.type === 'case' ? x.number : x.callId)), ['call-1', n.gym, n.milk]);
  assert.is(h[1].type === 'case' && h[1].status, 'dispatched');
  const call = await f.store.getCallRecord('call-1');
  assert.equal(call!.ivrPath, ['main', '2']);
  assert.is((await f.store.callerHistory('13800138000', 1)).length, 1);
  try {
    await f.store.putCallRecord({ id: 'bad', startedAt: 10, endedAt: 5, channel: '', ivrPath: [], recordingIds: [] });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_FIELD_INVALID');
    assert.match((e as Error).message, /endedAt/);
  }
});

test('changes that go there and back inside one group commit leave each index list with the case once', async () => {
  // Not awaited one by one: the updates share one write transaction, so the
  // posting-list changes of a case cancel within the batch.
  const mk = await Promise.all([0, 1].map(() => f.store.createCase(complaint({ categoryId: 'goods.appliance', facts: '微波炉 打火 冒烟' }))));
  await Promise.all([
    f.store.updateCase(mk[0].number, { categoryId: 'goods.telecom', facts: '电饭煲 漏电' }, 'a1'),
    f.store.updateCase(mk[0].number, { categoryId: 'goods.appliance', facts: '微波炉 打火 冒烟' }, 'a1'),
    f.store.updateCase(mk[1].number, { categoryId: 'goods.telecom' }, 'a1'),
    // an older case joins a list of its day behind newer numbers: the list stays in number order
    f.store.updateCase(n.gym, { categoryId: 'goods.telecom' }, 'a1'),
    f.store.updateCase(n.report, { categoryId: 'goods.telecom' }, 'a1'),
  ]);
  assert.equal(nums(await f.store.searchCases({ words: '微波炉' })), [mk[1].number, mk[0].number]);
  assert.equal(nums(await f.store.searchCases({ words: '电饭煲' })), []);
  assert.equal(nums(await f.store.searchCases({ categoryId: 'goods.appliance' })), [mk[0].number]);
  assert.equal(nums(await f.store.searchCases({ categoryId: 'goods.telecom' })), [mk[1].number, n.report, n.gym, n.phone]);
  const v = verifyStore(f.store);
  assert.ok(v.ok, v.problems.join('\n'));
});

test('caller history and caller search across months and a year end (Beijing time)', async () => {
  const phone = '13522223333';
  const at = [bj(2025, 11, 20, 9), bj(2025, 12, 31, 23, 30), bj(2026, 1, 1, 0, 10), bj(2026, 2, 15, 9)];
  const made: string[] = [];
  for (const t of at) {
    f.clock.now = t;
    made.push((await f.store.createCase(complaint({ callerNumber: phone, complainant: { name: '赵六', phone, address: '东城区' } }))).number);
  }
  await f.store.putCallRecord({ id: 'call-ye', startedAt: bj(2025, 12, 31, 23, 50), endedAt: bj(2025, 12, 31, 23, 55), channel: 'span0/ts4', callerNumber: phone, ivrPath: [], recordingIds: [] });
  const h = await f.store.callerHistory(phone);
  assert.equal(h.map((x) => (x.type === 'case' ? x.number : x.callId)), [made[3], made[2], 'call-ye', made[1], made[0]]);
  assert.equal(nums(await f.store.searchCases({ callerNumber: phone })), [made[3], made[2], made[1], made[0]]);
  // [from, to): the first minute of 2026 in Beijing back to 20 November inclusive
  assert.equal(nums(await f.store.searchCases({ callerNumber: phone, from: at[0], to: at[2] })), [made[1], made[0]]);
  assert.equal(nums(await f.store.searchCases({ callerNumber: phone, from: at[1] + 1, to: at[3] + 1 })), [made[3], made[2]]);
  assert.equal((await f.store.callerHistory(phone, 2)).length, 2);
  const v = verifyStore(f.store);
  assert.ok(v.ok, v.problems.join('\n'));
});

test.run();
