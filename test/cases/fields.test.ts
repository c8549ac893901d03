// Every case field has a type, a size and a count limit, and references are
// checked: a bad value is refused per field with a sentence naming it, as a
// rejected promise (never a synchronous RangeError), and nothing is stored.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCaseStore } from '../../src/cases/index.ts';
import type { CreateCaseInput } from '../../src/cases/types.ts';
import { complaint, fixture, type Fixture } from './helpers.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture();
});
test.after(async () => {
  await f.done();
});

interface Refusal {
  code: string;
  message: string;
  fields: Array<[string, string]>;
}

/** createCase must return a promise (no synchronous throw) that rejects with CASE_INVALID. */
async function refused(input: unknown): Promise<Refusal> {
  let p: Promise<unknown>;
  try {
    p = f.store.createCase(input as CreateCaseInput);
  } catch (e) {
    throw new Error(`createCase threw synchronously: ${(e as Error).name}: ${(e as Error).message}`);
  }
  try {
    await p;
  } catch (e) {
    const err = e as { code: string; message: string; info?: { errors?: Array<{ field: string; message: string }> } };
    return { code: err.code, message: err.message, fields: (err.info?.errors ?? []).map((x) => [x.field, x.message]) };
  }
  throw new Error('the case was accepted');
}

test('receivedAt 1e20 is a refused field, not a synchronous RangeError', async () => {
  const r = await refused(complaint({ receivedAt: 1e20 }));
  assert.is(r.code, 'CASE_INVALID');
  assert.equal(r.fields.map((x) => x[0]), ['receivedAt']);
});

test('lone UTF-16 surrogates are refused, naming the field', async () => {
  const r = await refused(complaint({ facts: '牛奶\uD800过期', complainant: { name: '张\uDC00', phone: '13800138000', address: '北京' } }));
  assert.equal(r.fields.map((x) => x[0]).sort(), ['complainant.name', 'facts']);
  assert.match(r.fields[0][1], /surrogate/);
  // a proper pair (𠮷, U+20BB7) is fine
  const ok = await f.store.createCase(complaint({ complainant: { name: '𠮷田', phone: '13800138000', address: '北京' } }));
  assert.is(ok.complainant!.name, '𠮷田');
});

test('attachments and recording ids have count, size and format limits', async () => {
  const many = Array.from({ length: 200_000 }, (_, i) => ({ ref: `files/${i}.jpg` }));
  assert.equal((await refused(complaint({ attachments: many }))).fields.map((x) => x[0]), ['attachments']);
  const huge = 'x'.repeat(5 * 1024 * 1024);
  assert.equal((await refused(complaint({ attachments: [{ ref: huge }] }))).fields.map((x) => x[0]), ['attachments[0].ref']);
  assert.equal((await refused(complaint({ attachments: [{ ref: '/etc/shadow' }] }))).fields.map((x) => x[0]), ['attachments[0].ref']);
  for (const id of ['../../../etc/passwd', '/etc/passwd', 'recordings/../x.wav', '', 'a\u0000b']) {
    assert.equal((await refused(complaint({ recordingIds: [id] }))).fields.map((x) => x[0]), ['recordingIds[0]'], id);
  }
  assert.equal((await refused(complaint({ recordingIds: Array.from({ length: 21 }, (_, i) => `r${i}`) }))).fields.map((x) => x[0]), ['recordingIds']);
  const ok = await f.store.createCase(complaint({ recordingIds: ['recordings/call-7-1.wav'], attachments: [{ ref: 'https://example.cn/a.jpg', name: '发票', mime: 'image/jpeg' }] }));
  assert.equal(ok.recordingIds, ['recordings/call-7-1.wav']);
});

test('unknown keys are refused, inside nested objects too, naming the nearest valid field', async () => {
  const r = await refused({ ...complaint(), categoryId: undefined, category: 'goods.food' });
  assert.equal(r.fields.map((x) => x[0]), ['category']);
  assert.match(r.fields[0][1], /did you mean 'categoryId'/);
  const n = await refused(complaint({ complainant: { name: '张三', phone: '13800138000', address: '北京', email: 'a@b.cn' } as never }));
  assert.equal(n.fields.map((x) => x[0]), ['complainant.email']);
  const proto = await refused(JSON.parse('{"kind":"consultation","channel":"hotline","facts":"x","answer":"y","__proto__":{"anonymous":true}}'));
  assert.equal(proto.fields.map((x) => x[0]), ['__proto__']);
});

test('recording ids must name an existing file when the store knows the recordings folder', async () => {
  const root = join(f.dir, 'data-root');
  mkdirSync(join(root, 'recordings'), { recursive: true });
  writeFileSync(join(root, 'recordings', 'call-1-1.wav'), 'RIFF');
  const s = await openCaseStore({ dir: join(f.dir, 'with-root'), recordingsRoot: root, config: { now: () => f.clock.now } });
  try {
    const ok = await s.createCase(complaint({ recordingIds: ['recordings/call-1-1.wav'] }));
    assert.equal(ok.recordingIds, ['recordings/call-1-1.wav']);
    try {
      await s.createCase(complaint({ recordingIds: ['recordings/call-1-2.wav'] }));
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, /recordingIds\[0\]: there is no recording recordings\/call-1-2.wav/);
    }
  } finally {
    await s.close();
  }
});

test.run();
