// A process killed (SIGKILL) in the middle of a stream of case writes loses
// no acknowledged case, leaves no index entry or counter out of step with
// the cases, and issues no number twice after restart. Real child processes,
// real kill -9, real LMDB files.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCaseStore, verifyStore } from '../../src/cases/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hotline-crash-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer, kills it -9 after `afterAcks` acknowledgements plus a random delay; returns number → marker. */
function runAndKill(round: number, afterAcks: number): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-writer.ts'), dir, String(round)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<string, string>();
    let buf = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /^ACK (\d{14}) (\S+)$/.exec(line);
        if (m) acks.set(m[1], m[2]);
      }
      if (!armed && acks.size >= afterAcks) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 150));
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended by itself (code ${code}): ${err}`));
      else resolve(acks);
    });
  });
}

test('kill -9 during writes: every acknowledged case survives, indexes and counters match a recount, no number reused', async () => {
  const all = new Map<string, string>();
  for (let round = 1; round <= 4; round++) {
    const acks = await runAndKill(round, 300 + round * 200);
    assert.ok(acks.size >= 300, `round ${round}: only ${acks.size} acknowledgements before the kill`);
    for (const [num, marker] of acks) {
      assert.not.ok(all.has(num), `number ${num} acknowledged in round ${round} was already issued (${all.get(num)})`);
      all.set(num, marker);
    }
  }
  const s = await openCaseStore({ dir });
  try {
    for (const [num, marker] of all) {
      const c = await s.getCase(num);
      assert.ok(c, `acknowledged case ${num} (${marker}) is missing`);
      assert.ok(c!.facts!.includes(marker + ' '), `case ${num} holds ${c!.facts}, not ${marker}: the number was reused`);
    }
    const v = verifyStore(s);
    assert.ok(v.ok, v.problems.join('\n'));
    assert.ok(v.cases >= all.size, `${v.cases} cases stored, ${all.size} acknowledged`);
    // the search indexes agree with the records for a sample: words match as
    // substrings of the facts, so 'r3-70' also finds 'r3-700' .. 'r3-709'
    // when the writer got that far (every case found holds the words, and
    // the sample is among them)
    const one = [...all.keys()][Math.floor(all.size / 2)];
    const marker = all.get(one)!;
    const found = await s.searchCases({ words: marker });
    assert.ok(found.some((c) => c.number === one), `${one} (${marker}) not found by its words`);
    for (const c of found) assert.ok(c.facts!.includes(marker), `${c.number} found by '${marker}' but holds ${c.facts}`);
    const exact = found.filter((c) => c.facts!.includes(marker + ' '));
    assert.equal(exact.map((c) => c.number), [one], 'one case holds the marker itself');
    const y = Math.floor(s.calendar.dayKey(Date.now()) / 10000);
    const r = await s.report({ period: { from: `${y - 1}-01-01`, to: `${y}-12-31` }, granularity: 'total' });
    assert.is(r.total.counts.cases, v.cases, 'the report counts every stored case');
  } finally {
    await s.close();
  }
});

test('two processes writing at once never issue the same number', async () => {
  const [a, b] = await Promise.all([runAndKill(11, 400), runAndKill(12, 400)]);
  const seen = new Map<string, string>();
  for (const m of [a, b]) {
    for (const [num, marker] of m) {
      assert.not.ok(seen.has(num), `number ${num} issued to ${seen.get(num)} and to ${marker}`);
      seen.set(num, marker);
    }
  }
  const s = await openCaseStore({ dir });
  try {
    for (const [num, marker] of seen) assert.ok((await s.getCase(num))!.facts!.includes(marker + ' '), `case ${num} is not ${marker}`);
    const v = verifyStore(s);
    assert.ok(v.ok, v.problems.join('\n'));
  } finally {
    await s.close();
  }
});

test.run();
