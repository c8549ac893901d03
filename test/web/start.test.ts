// The console on a real `hotline start` (engine, board, store, seat server):
// the URL it prints serves the pages with their CSP; in Chromium an agent
// logs in and goes ready, and the supervisor's wallboard shows it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseStore } from '../../src/cases/index.ts';
import { testUnless } from '../skip.ts';
import { built_, launch, logIn, NO_CHROMIUM, PASSWORD } from './_browser.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hl-web-start-'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

testUnless(NO_CHROMIUM, 'hotline start serves the console; an agent goes ready in the browser and the supervisor sees it', async () => {
  await built_();
  const data = join(dir, 'data');
  const store = await openCaseStore({ dir: join(data, 'cases') });
  await store.putAgent({ id: '1001', name: '话务员一', role: 'agent', password: PASSWORD });
  await store.putAgent({ id: '2001', name: '班长', role: 'supervisor', password: PASSWORD });
  await store.close();
  const port = await freePort();
  const child = spawn(process.execPath, ['src/cli/bin.js', 'start', '--listen', `127.0.0.1:${port}`, '--data', data, '--for', '120'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const browser = await launch();
  try {
    for (let i = 0; i < 600 && !/seat server on/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    const url = /seat server on (http:\/\/\S+)/.exec(out)?.[1];
    assert.is(url, `http://127.0.0.1:${port}/`, out);
    const res = await fetch(url!);
    assert.is(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);

    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    ctx.setDefaultTimeout(10_000);
    const agent = await ctx.newPage();
    await agent.goto(url!);
    await logIn({ page: agent }, '1001');
    await agent.click('#acd-login');
    await agent.click('#ready');
    await agent.waitForSelector('#state-badge[data-state="ready"]');

    const ctx2 = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    ctx2.setDefaultTimeout(10_000);
    const sup = await ctx2.newPage();
    await sup.goto(url!);
    await logIn({ page: sup }, '2001');
    await sup.waitForSelector('.seat-card[data-agent="1001"][data-state="ready"]');
    await agent.keyboard.press('F8');
    await sup.waitForSelector('.seat-card[data-agent="1001"][data-state="notReady"]');
    assert.is(await sup.textContent('.seat-card[data-agent="1001"] .seat-reason'), '临时闭席');
    await ctx.close();
    await ctx2.close();
    child.kill('SIGINT');
    assert.is(await exited, 0, out);
  } finally {
    await browser.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
