// Bounded fuzz of case fields: valid cases with one to three fields (or
// nested fields) replaced by hostile values (wrong types, huge and broken
// text, prototype names, path tricks, deep nesting, huge lists). Each input
// is either stored and reads back valid, or refused with a catalog code and
// a sentence: never a synchronous throw, never a raw TypeError/RangeError.
// Deterministic (seeded); up to 1,000 inputs, at most ~10 s.
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isHotlineError } from '../../src/errors.ts';
import { CASE_CATALOG } from '../../src/cases/errors.ts';
import { verifyStore } from '../../src/cases/index.ts';
import type { CaseRecord, CreateCaseInput } from '../../src/cases/types.ts';
import { complaint, fixture } from './helpers.ts';

// Deterministic: the n-th draw is a hash of n.
let draws = 0;
function rnd(): number {
  return createHash('sha256').update(`fields-fuzz:${draws++}`).digest().readUInt32LE(0) / 2 ** 32;
}
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];

const STRINGS = ['', ' ', '张三', '13800138000', '__proto__', 'constructor', 'toString', '../../../etc/passwd', '/etc/passwd', 'recordings/a-1.wav', 'a\u0000b', '\uD800', 'x\uDFFFy', '𠮷', 'x'.repeat(70_000), '牛'.repeat(20_001), 'goods.food', 'complaint', 'ivr', 'hotline', 'https://example.cn/a.jpg', 'javascript:alert(1)', 'image/jpeg', '\u202e', '1e20'];
const NUMBERS = [0, -1, 1.5, NaN, Infinity, -Infinity, 1e20, -1e20, 946_684_800_000, Date.UTC(2026, 2, 1), 2 ** 53, -0];
const FIELDS = ['kind', 'channel', 'callerNumber', 'callbackNumber', 'complainant', 'business', 'anonymous', 'request', 'facts', 'categoryId', 'agentId', 'recordingIds', 'attachments', 'answerLater', 'answer', 'receivedAt', 'callId', 'category', '__proto__', 'constructor', 'extra'];
const NESTED = ['complainant.name', 'complainant.phone', 'complainant.address', 'complainant.idNumber', 'complainant.email', 'business.name', 'business.address', 'business.phone', 'business.__proto__'];

function value(depth = 0): unknown {
  const r = rnd();
  if (r < 0.35) return pick(STRINGS);
  if (r < 0.5) return pick(NUMBERS);
  if (r < 0.55) return rnd() < 0.5;
  if (r < 0.6) return null;
  if (r < 0.63) return undefined;
  // one long list of short items, or a short list of anything (bounded size: the test's own copies stay small)
  if (r < 0.7 && depth < 4) return Array.from({ length: pick([0, 1, 2, 3]) }, () => value(depth + 1));
  if (r < 0.8) return Array.from({ length: rnd() < 0.1 ? 200_000 : pick([25, 1000]) }, (_, i) => (i % 2 ? { ref: `f/${i}` } : `r${i}`));
  if (depth < 4) {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) o[pick([...STRINGS.slice(0, 12), 'ref', 'name', 'mime', 'phone'])] = value(depth + 1);
    return o;
  }
  return pick(STRINGS);
}

function mutate(base: CreateCaseInput): unknown {
  const c: Record<string, unknown> = structuredClone(base) as never;
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.7) c[pick(FIELDS)] = value();
    else {
      const [obj, key] = pick(NESTED).split('.');
      const o = c[obj];
      if (o && typeof o === 'object') (o as Record<string, unknown>)[key] = value();
      else c[obj] = { [key]: value() };
    }
  }
  // through JSON half the time: '__proto__' becomes an own key, undefined goes
  return rnd() < 0.5 ? JSON.parse(JSON.stringify(c)) : c;
}

function checkRefusal(e: unknown, what: string): void {
  assert.ok(isHotlineError(e), `${what}: not a HotlineError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  const h = e as { code: string; message: string };
  assert.ok(CASE_CATALOG.has(h.code), `${what}: code ${h.code} is not in the cases catalog`);
  assert.ok(typeof h.message === 'string' && h.message.length > 10, `${what}: no sentence`);
  assert.not.match(h.message, /TypeError|RangeError|undefined is not|Cannot read prop/, `${what}: raw error text in ${h.message}`);
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkStored(r: CaseRecord, what: string): void {
  const json = JSON.stringify(r);
  assert.ok(json.length < 300_000, `${what}: stored record is ${json.length} bytes`);
  const walk = (v: unknown): void => {
    if (typeof v === 'string') assert.not.ok(LONE.test(v), `${what}: stored a lone surrogate`);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
      assert.not.ok(k === '__proto__' || k === 'constructor', `${what}: stored key ${k}`);
      walk(x);
    }
  };
  walk(r);
}

test('case fields: every input stored valid or refused with a catalog code and a sentence', async () => {
  const f = await fixture();
  try {
    const bases: CreateCaseInput[] = [
      complaint(),
      { kind: 'consultation', channel: 'hotline', facts: '咨询退货规定', answer: '七日无理由退货' },
      { kind: 'report', channel: 'ivr', callerNumber: '13900000000', recordingIds: ['recordings/c-1.wav'] },
      { kind: 'suggestion', channel: 'web', facts: '建议', anonymous: true },
    ];
    const existing = await f.store.createCase(complaint());
    let stored = 0;
    let refusedN = 0;
    const deadline = Date.now() + 10_000;
    let i = 0;
    for (; i < 1000 && Date.now() < deadline; i++) {
      const input = mutate(pick(bases));
      const update = rnd() < 0.3;
      const what = `input ${i} (${update ? 'update' : 'create'})`;
      let p: Promise<CaseRecord>;
      try {
        p = update ? f.store.updateCase(existing.number, input as never, 'fuzz') : f.store.createCase(input as CreateCaseInput);
      } catch (e) {
        assert.unreachable(`${what} threw synchronously: ${(e as Error).name}: ${(e as Error).message}`);
        return;
      }
      try {
        const r = await p;
        checkStored(r, what);
        assert.equal(await f.store.getCase(r.number), r, `${what}: reads back different`);
        stored++;
      } catch (e) {
        if ((e as { name?: string }).name === 'Assertion') throw e;
        checkRefusal(e, what);
        refusedN++;
      }
    }
    assert.ok(i >= 100, `only ${i} inputs in 10 s`);
    assert.ok(stored > i / 50 && refusedN > i / 3, `stored ${stored}, refused ${refusedN} of ${i}: the generator is off`);
    const v = verifyStore(f.store);
    assert.ok(v.ok, v.problems.join('\n'));
  } finally {
    await f.done();
  }
});

test.run();
