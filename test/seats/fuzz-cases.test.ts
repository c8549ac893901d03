// Bounded fuzz of the case messages on the seat socket (127.0.0.1, real LMDB
// store): valid, mutated and random messages from two agents, a supervisor
// and a socket that never logged in; binary frames; huge strings; a flood.
// Each message gets exactly one reply. An independent model of who owns
// which case says which changes an agent may make; a refused message must
// leave the store exactly as it was, an accepted one must change only its
// own case (to what the reply says), a read nothing; the ACD is untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sfc32 } from '../../src/acd/rng.ts';
import type { CaseRecord } from '../../src/cases/types.ts';
import { complaint } from '../cases/helpers.ts';
import { Client, loggedIn, rig, type Msg, type Rig } from './_harness.ts';

const MESSAGES = 1200;
/** Wall-time bound of the random phase (the machine is shared). */
const BOUND_MS = 60_000;
const WRITES = new Set(['case-create', 'case-update', 'case-action', 'case-reminder', 'answer-later']);
const ANYONE_ACTIONS = new Set(['note', 'callback_done']);

async function cases(r: Rig): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for await (const c of r.store.exportCases()) m.set(c.number, JSON.stringify(c));
  return m;
}

async function derived(r: Rig): Promise<string> {
  return JSON.stringify([await r.store.dueItems({ withinMs: 400 * 86_400_000 }), (await r.store.callbackList(1000)).map((c) => c.number)]);
}

test('case messages: one reply each, refusals change nothing, owners respected, the server still answers', async () => {
  const r = await rig();
  const rng = new Sfc32(10_12315);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  try {
    await r.store.putDepartment({ id: 'd1', name: '一所', head: '王所长' });
    await r.store.putKnowledge({ id: 'k1', category: 'faq', title: '退货', text: '七日无理由退货' });
    const owner = new Map<string, string | undefined>();
    for (const [i, by] of ['1001', '1002', '1001', undefined].entries()) {
      const c = by ? await r.store.createCase(complaint({ agentId: by })) : await r.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: `1390000000${i}`, recordingIds: ['recordings/x-1.wav'] });
      owner.set(c.number, by);
    }
    r.acd.login('1002', { ready: true });
    const acdBefore = JSON.stringify(r.acd.agentIds().map((id) => r.acd.agent(id)));
    const a1 = await loggedIn(r, '1001');
    const a2 = await loggedIn(r, '1002');
    const sup = await loggedIn(r, '2001');
    const anon = await Client.open(r.server.seatUrl);
    const who = new Map<Client, string | null>([[a1, '1001'], [a2, '1002'], [sup, '2001'], [anon, null]]);

    // Under the 64 KiB frame (two in one message fit); 'x' beyond the store's 20,000-character texts.
    const huge = () => (rng.next() < 0.5 ? '诉'.repeat(Math.floor(rng.next() * 10_000)) : 'x'.repeat(20_001 + Math.floor(rng.next() * 5_000)));
    const junk = (): unknown => pick([() => rng.next() * 1e6, huge, () => null, () => [1, 'x'], () => ({}), () => true, () => ({ __proto__: { kind: 'report' } }), () => '\ud800', () => -1e308, () => 'x'.repeat(70)])();
    const number = (): unknown => {
      const known = [...owner.keys()];
      return pick([() => pick(known), () => pick(known), () => pick(known).slice(0, 13) + '0', () => '20260101000011', () => junk()])();
    };
    const fields = (): Record<string, unknown> =>
      pick([
        () => ({ ...complaint() }),
        () => ({ kind: 'consultation', facts: '问', answer: '答' }),
        () => ({ kind: pick(['report', 'suggestion', 'mailbox', 'nope']), facts: huge(), anonymous: true, business: { name: '店', address: '路' } }),
        () => ({ request: pick(['赔偿', '', 5]) }),
        () => ({ facts: junk(), requst: 'x' }),
        () => ({ complainant: { name: '李', phone: pick(['13800000000', 'abc', 1]) } }),
        () => ({ [pick(['agentId', 'kind', 'number', 'status', '__proto__'])]: junk() }),
      ])();
    const action = (): Record<string, unknown> =>
      pick([
        () => ({ type: 'accept' }),
        () => ({ type: 'not_accept', reason: pick(['不属于受理范围', '', 1]) }),
        () => ({ type: 'dispatch', departments: [{ departmentId: pick(['d1', 'd9', 7]) }] }),
        () => ({ type: pick(['start_mediation', 'start_verification', 'callback_done']) }),
        () => ({ type: 'close', result: pick(['agreement', 'answered', 'withdrawn', 'bogus']) }),
        () => ({ type: 'note', text: pick(['催问', '', huge()]) }),
        () => ({ type: junk(), extra: 1 }),
      ])();
    const valid = (type: string): Record<string, unknown> => {
      const m: Record<string, unknown> = { id: `f${Math.floor(rng.next() * 1e9)}`, type };
      if (type === 'case-create') m.fields = fields();
      if (type === 'case-update') Object.assign(m, { number: number(), fields: fields() });
      if (type === 'case-action') Object.assign(m, { number: number(), action: action() });
      if (type === 'case-get') m.number = number();
      if (type === 'case-reminder') Object.assign(m, { number: number(), at: Date.now() + Math.floor(rng.next() * 1e8) });
      if (type === 'case-search') m.query = pick([{ callerNumber: '13800138000' }, { words: '牛奶' }, { status: 'nope' }, { limit: 1000 }, { kind: 'complaint', limit: 3 }]);
      if (type === 'caller-history') m.callerNumber = pick(['13800138000', '0', '1'.repeat(40)]);
      if (type === 'kb-search') m.words = pick(['退货', '火星', ' ']);
      if (type === 'answer-later') Object.assign(m, { question: pick(['问题', huge()]), callbackNumber: pick(['13700000000', 'abc']) });
      if (type === 'due' && rng.next() < 0.5) m.agentId = pick(['1001', '1002', 'ghost']);
      if (type === 'callbacks' && rng.next() < 0.5) m.limit = pick([1, 200, 201]);
      if (type === 'screen-pop') Object.assign(m, { callerNumber: '13800138000', ivrPath: ['main', 'consult'], ivrVars: { queryNumber: String(number()) } });
      return m;
    };
    const mutate = (m: Record<string, unknown>): string => {
      const k = pick(Object.keys(m).concat(['extra']));
      switch (Math.floor(rng.next() * 4)) {
        case 0: delete m[k]; break;
        case 1: m[k] = junk(); break;
        case 2: return JSON.stringify(m).slice(0, Math.floor(rng.next() * 60));
        default: m.extra = junk();
      }
      return JSON.stringify(m);
    };

    const types = ['case-create', 'case-get', 'case-update', 'case-action', 'case-action', 'case-reminder', 'case-search', 'caller-history', 'kb-search', 'answer-later', 'callbacks', 'due', 'screen-pop'];
    const tally = { accepted: 0, refused: 0, forbidden: 0, writes: 0 };
    const end = Date.now() + BOUND_MS;
    for (let i = 0; i < MESSAGES && Date.now() < end; i++) {
      const c = pick([a1, a1, a2, a2, sup, anon]);
      const self = who.get(c)!;
      const m = valid(pick(types));
      const roll = rng.next();
      const binary = roll > 0.97;
      const text = roll < 0.6 ? JSON.stringify(m) : roll < 0.95 ? mutate(m) : String.fromCharCode(...Array.from({ length: 30 }, () => Math.floor(rng.next() * 0xd000)));
      const before = await cases(r);
      const beforeDerived = await derived(r);
      const n = c.got.filter((x) => x.type === 'reply').length;
      if (binary) c.ws.send(Buffer.from(text), { binary: true });
      else c.sendRaw(text);
      const rep: Msg = await c.until(() => c.got.filter((x) => x.type === 'reply')[n], `reply ${i} to ${text.slice(0, 80)}`);
      const after = await cases(r);
      let sent: Record<string, any> | null = null;
      try {
        sent = binary ? null : JSON.parse(text);
      } catch {}
      if (!rep.ok) {
        tally.refused++;
        assert.equal(after, before, `refused ${text.slice(0, 120)} (${rep.code}) changed the store`);
        assert.is(await derived(r), beforeDerived);
        assert.match(String(rep.code), /^(SEAT|CASE)_[A-Z_]+$/);
        assert.ok(typeof rep.message === 'string' && rep.message.length > 20, `${rep.code} has a sentence`);
        if (rep.code === 'SEAT_FORBIDDEN') {
          tally.forbidden++;
          const o = owner.get(sent?.number);
          const legit = self === '1001' || self === '1002' ? (sent?.type === 'due' ? sent.agentId !== self : o !== undefined && o !== self && !ANYONE_ACTIONS.has(sent?.action?.type)) : false;
          assert.ok(legit, `${self} refused wrongly: ${text.slice(0, 120)}`);
        }
        continue;
      }
      tally.accepted++;
      assert.ok(self !== null || sent?.type === 'ping', `anonymous ${text.slice(0, 80)} accepted`);
      assert.ok(sent && !binary);
      if (!WRITES.has(sent.type)) {
        assert.equal(after, before, `read ${sent.type} changed the store`);
        continue;
      }
      tally.writes++;
      const rec = rep.result as CaseRecord;
      // The reply is the stored record, and nothing else changed.
      assert.is(after.get(rec.number), JSON.stringify(rec));
      after.delete(rec.number);
      const was = before.get(rec.number);
      before.delete(rec.number);
      assert.equal(after, before, `${sent.type} changed other cases`);
      if (sent.type === 'case-create' || sent.type === 'answer-later') {
        assert.is(was, undefined);
        assert.is(rec.agentId, self);
        owner.set(rec.number, self!);
      } else {
        assert.ok(was !== undefined);
        const o = owner.get(rec.number);
        const mayAll = self === '2001' || o === undefined || o === self || (sent.type === 'case-action' && ANYONE_ACTIONS.has(sent.action.type));
        assert.ok(mayAll, `${self} changed ${o}'s case: ${text.slice(0, 120)}`);
      }
    }
    assert.ok(tally.accepted >= 100 && tally.refused >= 200 && tally.forbidden >= 5 && tally.writes >= 30, JSON.stringify(tally));

    // A flood: 300 messages without waiting; 300 replies, in order.
    const flood = Array.from({ length: 300 }, (_, i) => JSON.stringify(i % 3 ? { id: `fl${i}`, type: 'case-get', number: [...owner.keys()][0] } : { id: `fl${i}`, type: 'case-create', fields: { kind: 'nope' } }));
    const base = a2.got.filter((x) => x.type === 'reply').length;
    const snap = await cases(r);
    for (const t of flood) a2.sendRaw(t);
    await a2.until(() => (a2.got.filter((x) => x.type === 'reply').length >= base + 300 ? true : undefined), 'flood replies', 20_000);
    const replies = a2.got.filter((x) => x.type === 'reply').slice(base);
    assert.equal(replies.map((x) => x.id), flood.map((_, i) => `fl${i}`));
    assert.ok(replies.every((x, i) => (i % 3 ? x.ok : x.code === 'CASE_INVALID')));
    assert.equal(await cases(r), snap);

    // The ACD was not touched; every seat still answers.
    assert.is(JSON.stringify(r.acd.agentIds().map((id) => r.acd.agent(id))), acdBefore);
    assert.equal(r.acd.check(), []);
    for (const c of [a1, a2, sup, anon]) assert.ok((await c.ask('ping')).ok);
    assert.ok((await a1.ask('case-get', { number: [...owner.keys()][0] })).ok);
    for (const c of [a1, a2, sup, anon]) await c.close();
  } finally {
    await r.close();
  }
});

test.run();
