/// <reference lib="dom" />
// (DOM types: the callbacks given to page.evaluate run in the browser.)
// Debian's Chromium driven by playwright-core (no browser download), and a
// seat server on 127.0.0.1 over a real case store, queue log and stepped sim
// board (test/seats/_harness.ts) serving the freshly built console.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildConsole } from '../../web/build.mjs';
import type { SeatServiceOptions } from '../../src/seats/service.ts';
import { PASSWORD, rig, type Rig } from '../seats/_harness.ts';

export { PASSWORD };

/** Where Debian (and Ubuntu) put Chromium; HL_CHROMIUM names another (and only that one). */
const CANDIDATES = process.env.HL_CHROMIUM ? [process.env.HL_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM = CANDIDATES.find((p) => existsSync(p)) ?? null;
export const NO_CHROMIUM = CHROMIUM ? null : `no Chromium at ${CANDIDATES.join(' or ')}: install Debian's package (apt-get install chromium), or set HL_CHROMIUM to a Chromium binary`;

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--lang=zh-CN', ...extraArgs], timeout: 30_000 });
}

let built: Promise<string> | null = null;
/**
 * The console built from the current sources, once per test file, into a
 * folder of this process (test files run in parallel: one must not rebuild
 * web/dist under another's server). HOTLINE_WEB_DIR points the seat server
 * (and a `hotline start` child) at it.
 */
export function built_(): Promise<string> {
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), 'hl-web-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    process.env.HOTLINE_WEB_DIR = dir;
    built = buildConsole({ outdir: dir, minify: false });
  }
  return built;
}

/** A seat server whose sessions run on wall time (the browser checks expiry against its own clock). */
export async function consoleRig(o: Partial<SeatServiceOptions> & { caseNow?: () => number; withAdmin?: boolean } = {}): Promise<Rig> {
  await built_();
  return rig({ now: Date.now, ...o });
}

export interface Tab {
  ctx: BrowserContext;
  page: Page;
  /** CSP violations and page errors the browser reported. */
  problems: string[];
}

/** A fresh browser context (own storage) at 1366×768, Chinese. */
export async function tab(b: Browser, r: Rig, path = '/'): Promise<Tab> {
  const ctx = await b.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  ctx.setDefaultTimeout(8_000);
  // tsx (esbuild, keepNames) wraps named functions in __name(); page.evaluate callbacks carry those calls into the page.
  await ctx.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(new URL(path, r.server.url).href);
  return { ctx, page, problems };
}

/** Logs in through the login page; lands on the role's page with the seat connected. */
export async function logIn(t: Pick<Tab, 'page'>, agentId: string, password = PASSWORD): Promise<void> {
  await t.page.fill('#agent-id', agentId);
  await t.page.fill('#password', password);
  await t.page.click('#login-submit');
  await t.page.waitForURL(/\/(agent|supervisor)\.html$/);
  await t.page.waitForSelector('#link[data-state="open"]');
}

/** Every message the seat server receives, parsed (the real service, watched: nothing is replaced). */
export function watchMessages(r: Rig): { type?: string; [k: string]: unknown }[] {
  const seen: { type?: string; [k: string]: unknown }[] = [];
  const receive = r.seats.receive.bind(r.seats);
  r.seats.receive = (conn, raw) => {
    try {
      seen.push(JSON.parse(raw));
    } catch {
      seen.push({});
    }
    return receive(conn, raw);
  };
  return seen;
}

/** Drops every seat socket from the server's side (a network cut, as the page sees it). */
export function dropSockets(r: Rig): number {
  const wss = r.server.app.websocketServer;
  let n = 0;
  for (const c of wss.clients) {
    c.terminate();
    n++;
  }
  return n;
}

export { until } from '../_wait.ts';
