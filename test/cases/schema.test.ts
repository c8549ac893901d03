// Stored layout version: a newer store is refused with a clear error, an
// older (v1: case records and sequences only) is migrated; online backup
// gives a store that opens with the same cases.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCaseStore, SCHEMA_VERSION, verifyStore } from '../../src/cases/index.ts';
import { formatCaseNumber } from '../../src/cases/number.ts';
import { bj, complaint, fixture } from './helpers.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hotline-schema-test-'));
  dirs.push(d);
  return d;
};
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('a new store is stamped with the current version', async () => {
  const dir = tmp();
  const s = await openCaseStore({ dir });
  assert.is(s.meta.get('schema'), SCHEMA_VERSION);
  await s.close();
});

test('a store of a newer version is refused and left untouched', async () => {
  const dir = tmp();
  const env = open({ path: dir, maxDbs: 24 });
  const meta = env.openDB('meta', {});
  await meta.put('schema', SCHEMA_VERSION + 1);
  await env.close();
  try {
    await openCaseStore({ dir });
    assert.unreachable('newer store opened');
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_STORE_TOO_NEW');
    assert.match((e as Error).message, new RegExp(`version ${SCHEMA_VERSION + 1}`));
  }
  const env2 = open({ path: dir, maxDbs: 24 });
  assert.is(env2.openDB('meta', {}).get('schema'), SCHEMA_VERSION + 1);
  await env2.close();
});

test('a v1 store (records only) is migrated: fields filled, indexes and counters derived', async () => {
  const dir = tmp();
  const env = open({ path: dir, maxDbs: 24 });
  const meta = env.openDB('meta', {});
  const cases = env.openDB('cases', {});
  const at = bj(2025, 6, 2, 10);
  const numbers: string[] = [];
  await env.transaction(() => {
    meta.put('schema', 1);
    meta.put(['seq', 20250602], 3);
    for (let i = 1; i <= 3; i++) {
      const number = formatCaseNumber(20250602, i);
      numbers.push(number);
      // the v1 record shape: no missingFields, no callbackPending
      cases.put(Number(number), {
        ...complaint({ facts: `第${i}号 投诉 电动车 电池鼓包` }),
        number,
        status: 'registered',
        dispatches: [],
        deadlines: [],
        history: [{ at, by: 'a1', action: 'create', from: null, to: 'registered' }],
        createdAt: at,
        updatedAt: at,
      });
    }
  });
  await env.close();
  const s = await openCaseStore({ dir, config: { now: () => at } });
  try {
    assert.is(s.meta.get('schema'), SCHEMA_VERSION);
    const c = await s.getCase(numbers[0]);
    assert.equal(c!.missingFields, []);
    assert.is(c!.callbackPending, false);
    assert.equal((await s.searchCases({ words: '电池鼓包' })).map((x) => x.number), [...numbers].reverse());
    const r = await s.report({ period: { from: '2025-06-01', to: '2025-06-30' } });
    assert.is(r.total.counts.cases, 3);
    const v = verifyStore(s);
    assert.ok(v.ok, v.problems.join('\n'));
    const next = await s.createCase(complaint());
    assert.is(next.number.slice(0, 13), '2025060200004', 'the migrated sequence continues');
  } finally {
    await s.close();
  }
});

test('a v2 store (records with inline msgpack structures) opens as v3: records readable, updated and verified', async () => {
  const f = await fixture();
  const made = await Promise.all(Array.from({ length: 6 }, (_, i) => f.store.createCase(complaint({ facts: `第${i}号 空调 不制冷` }))));
  await f.store.close();
  // Rewrite the records as v2 code stored them: no shared structures.
  const env = open({ path: f.dir, maxDbs: 24 });
  const plain = env.openDB('cases', {});
  await env.transaction(() => {
    for (const c of made) plain.put(Number(c.number), c);
    env.openDB('meta', {}).put('schema', 2);
  });
  await env.close();
  const s = await openCaseStore({ dir: f.dir, config: { now: () => f.clock.now } });
  try {
    assert.is(s.meta.get('schema'), SCHEMA_VERSION);
    for (const c of made) assert.equal(await s.getCase(c.number), c, `v2 record ${c.number} reads back unchanged`);
    const moved = await s.transition(made[0].number, { type: 'accept' }, 'a1');
    const fresh = await s.createCase(complaint({ facts: '新的 空调 不制冷' }));
    assert.equal(await s.getCase(made[0].number), moved);
    assert.equal(await s.getCase(made[1].number), made[1]);
    assert.equal(await s.getCase(fresh.number), fresh);
    assert.is((await s.searchCases({ words: '不制冷' })).length, 7);
    const v = verifyStore(s);
    assert.ok(v.ok, v.problems.join('\n'));
  } finally {
    await s.close();
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('online backup opens as a store with the same cases', async () => {
  const f = await fixture();
  try {
    const made = await Promise.all(Array.from({ length: 20 }, () => f.store.createCase(complaint())));
    const target = join(tmp(), 'copy');
    await f.store.backup(target);
    // the live store keeps working after the copy
    await f.store.createCase(complaint());
    const copy = await openCaseStore({ dir: target, readOnly: true });
    try {
      for (const c of made) assert.equal(await copy.getCase(c.number), c);
      const all: string[] = [];
      for await (const c of copy.exportCases()) all.push(c.number);
      assert.is(all.length, 20);
      assert.ok(verifyStore(copy).ok);
    } finally {
      await copy.close();
    }
    try {
      await f.store.backup(target);
      assert.unreachable('backup over an existing copy');
    } catch (e) {
      assert.is((e as { code: string }).code, 'CASE_BACKUP_FAILED');
    }
  } finally {
    await f.done();
  }
});

test.run();
