// What a write promises: an operation that fails leaves nothing behind (its
// own child transaction), a failed commit and a disk that will not confirm
// it are told apart and both mean "nothing stored, safe to retry", and a
// closing store takes no new write but finishes those already taken.
// Real LMDB stores; the disk failures come from an LD_PRELOAD shim
// (fixtures/fail-io.c) in a real child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCaseStore, verifyStore } from '../../src/cases/index.ts';
import { complaint, fixture } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

test('an operation that throws after its first write leaves none of it; the rest of its batch is stored', async () => {
  const f = await fixture();
  try {
    const good = f.store.createCase(complaint());
    const bad = f.store.write((b) => {
      f.store.meta.putSync('probe', 1);
      b.add(20260302, 'kind', 'complaint', 'cases', 5);
      throw new Error('late failure');
    });
    const good2 = f.store.createCase(complaint({ facts: '第二件' }));
    const e = await rejection(bad);
    assert.is(e.code, 'CASE_STORE_WRITE_FAILED');
    assert.match(e.message, /nothing of it was stored: late failure/);
    const [a, c] = await Promise.all([good, good2]);
    assert.ok(await f.store.getCase(a.number));
    assert.ok(await f.store.getCase(c.number));
    assert.is(f.store.meta.get('probe'), undefined, 'the failed operation wrote through');
    const v = verifyStore(f.store);
    assert.ok(v.ok, v.problems.join('\n'));
  } finally {
    await f.done();
  }
});

test('a survey answer refused half-way stores no answer and no tally', async () => {
  const f = await fixture();
  try {
    await f.store.putSurvey({ id: 'sat', title: '满意度', active: true, questions: [{ id: 'q1', text: '满意吗', choices: { '1': '满意', '2': '不满意' } }] });
    for (const key of [['1'], 'toString', 1] as unknown[]) {
      const e = await rejection(f.store.saveSurveyAnswer({ surveyId: 'sat', answers: { q1: key as string } }));
      assert.is(e.code, 'CASE_SURVEY_ANSWER_INVALID', `answer ${JSON.stringify(key)}: ${e.code} ${e.message}`);
    }
    const t = await f.store.surveyTally('sat');
    assert.equal(t, { surveyId: 'sat', responses: 0, counts: {} });
    assert.equal(await f.store.listSurveyAnswers('sat'), []);
  } finally {
    await f.done();
  }
});

test('a record shape first written by an operation that then failed does not make later records unreadable', async () => {
  const f = await fixture();
  try {
    const failed = f.store.write(() => {
      f.store.cases.putSync(1001, { oddShape: 1, another: 'x' } as never);
      throw new Error('rolled back');
    });
    const kept = f.store.write(() => {
      f.store.cases.putSync(1002, { oddShape: 2, another: 'y' } as never);
    });
    await rejection(failed);
    await kept;
    await f.store.close();
    const again = await openCaseStore({ dir: f.dir });
    try {
      assert.equal(again.cases.get(1002) as unknown, { oddShape: 2, another: 'y' });
      assert.is(again.cases.get(1001), undefined);
    } finally {
      await again.close();
    }
  } finally {
    await f.done();
  }
});

test('close() refuses new writes at once and finishes those already taken', async () => {
  const f = await fixture();
  try {
    const before = f.store.createCase(complaint());
    const closing = f.store.close();
    const after = f.store.createCase(complaint({ facts: 'after close' }));
    const e = await rejection(after);
    assert.is(e.code, 'CASE_STORE_CLOSED');
    const rec = await before;
    await closing;
    const read = await rejection(f.store.getCase(rec.number));
    assert.is(read.code, 'CASE_STORE_CLOSED');
    const again = await openCaseStore({ dir: f.dir });
    try {
      assert.ok(await again.getCase(rec.number), 'the write taken before close() was lost');
      assert.is((await again.searchCases({ words: 'after' })).length, 0);
    } finally {
      await again.close();
    }
  } finally {
    await f.done();
  }
});

function shim(dir: string): string {
  const so = join(dir, 'fail-io.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', so, join(here, 'fixtures', 'fail-io.c'), '-ldl']);
  return so;
}

/** Runs fixtures/fail-writer.ts under the shim with one failure armed; returns its report. */
function failRun(dir: string, so: string, kind: 'HL_FAIL_SYNC' | 'HL_FAIL_WRITE'): { first: string; second: { code?: string; message?: string; number?: string } } {
  const storeDir = join(dir, kind);
  const trigger = join(dir, kind + '.on');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'fail-writer.ts'), storeDir, trigger], {
    cwd: root,
    env: { ...process.env, LD_PRELOAD: so, [kind]: trigger },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  assert.ok(line.startsWith('{'), `the writer printed no report (status ${r.status}): ${r.stderr}`);
  return JSON.parse(line);
}

test('a disk that will not confirm the commit (fsync EIO) and a failed write transaction get distinct codes; nothing is stored; the next number is not skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-failio-'));
  try {
    const so = shim(dir);
    const sync = failRun(dir, so, 'HL_FAIL_SYNC');
    assert.is(sync.second.code, 'CASE_STORE_SYNC_FAILED', JSON.stringify(sync.second));
    assert.match(sync.second.message!, /nothing|none/);
    const write = failRun(dir, so, 'HL_FAIL_WRITE');
    assert.is(write.second.code, 'CASE_STORE_WRITE_FAILED', JSON.stringify(write.second));
    assert.match(write.second.message!, /safe to retry/);
    for (const kind of ['HL_FAIL_SYNC', 'HL_FAIL_WRITE']) {
      const s = await openCaseStore({ dir: join(dir, kind) });
      try {
        const all = await s.searchCases({});
        assert.equal(all.map((r) => r.facts), ['first'], `${kind}: the refused case was stored after all`);
        const next = await s.createCase(complaint({ facts: 'retry' }));
        assert.is(Number(next.number.slice(8, 13)), 2, `${kind}: retry got ${next.number}`);
        const v = verifyStore(s);
        assert.ok(v.ok, v.problems.join('\n'));
      } finally {
        await s.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
