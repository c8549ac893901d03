// `hotline seat` look-ups (case, history, kb, due, callbacks) through a real
// seat server on 127.0.0.1 over a real case store; refusals print the code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { complaint } from '../cases/helpers.ts';
import { PASSWORD, rig, type Rig } from './_harness.ts';

const root = join(import.meta.dirname, '..', '..');

/** Runs `hotline seat` without blocking this process (the server runs here). */
function seat(r: Rig, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/cli/bin.js', 'seat', '--url', r.server.seatUrl, ...args], { cwd: root, env: { ...process.env, HOTLINE_SEAT_PASSWORD: PASSWORD } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill(), 60_000);
    child.on('close', (status) => {
      clearTimeout(t);
      resolve({ status, stdout, stderr });
    });
  });
}

test('case, history, kb, due and callbacks print what the store holds', async () => {
  const r = await rig();
  try {
    const c = await r.store.createCase(complaint({ agentId: '1001' }));
    await r.store.createCase({ kind: 'consultation', channel: 'hotline', answerLater: true, callbackNumber: '13700000001', facts: '标签要求', agentId: '1001' });
    await r.store.putKnowledge({ id: 'kb-returns', category: 'regulation', title: '七日无理由退货', text: '网购商品七日内可退货。' });
    let x = await seat(r, '--agent', '1001', 'case', c.number);
    assert.is(x.status, 0, x.stderr);
    assert.match(x.stdout, `case ${c.number} complaint registered, 张三, agent 1001`);
    assert.match(x.stdout, /deadline accept_decision/);
    x = await seat(r, '--agent', '1002', 'history', '13800138000');
    assert.match(x.stdout, `case ${c.number} complaint registered`);
    assert.match(x.stdout, `open cases: ${c.number}`);
    x = await seat(r, '--agent', '1002', 'kb', '退货');
    assert.match(x.stdout, '[kb-returns] 七日无理由退货 (regulation)');
    x = await seat(r, '--agent', '1001', 'callbacks');
    assert.match(x.stdout, /case \d{14} consultation registered, agent 1001/);
    x = await seat(r, '--agent', '1002', 'callbacks');
    assert.match(x.stdout, 'no callbacks owed');
    x = await seat(r, '--agent', '1001', 'due');
    assert.is(x.status, 0, x.stderr);
    // Refusals: the store's code; a missing argument is the command line's.
    x = await seat(r, '--agent', '1001', 'case', c.number.slice(0, 13) + String((Number(c.number[13]) + 1) % 10));
    assert.is(x.status, 2);
    assert.match(x.stderr, 'CASE_NUMBER_CHECK');
    x = await seat(r, '--agent', '1001', 'history');
    assert.is(x.status, 2);
    assert.match(x.stderr, 'history needs a caller');
  } finally {
    await r.close();
  }
});

test.run();
