// The console's security on the real seat server: CSP and the other headers
// on every response, pages without inline script or handlers, a cross-site
// POST or WebSocket refused with SEAT_ORIGIN_REFUSED, the CSP enforced in
// Chromium, and a clear answer when the console was never built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import WebSocket from 'ws';
import webConsole from '../../src/seats/web.ts';
import { testUnless } from '../skip.ts';
import { built_, consoleRig, launch, logIn, NO_CHROMIUM, PASSWORD, tab } from './_browser.ts';

test('every response carries the CSP (self only, no inline script) and the other security headers', async () => {
  const r = await consoleRig();
  try {
    for (const path of ['/', '/agent.html', '/supervisor.html', '/agent.js', '/console.css', '/health']) {
      const res = await fetch(new URL(path, r.server.url));
      assert.is(res.status, 200, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(d), `${path}: CSP lacks ${d}: ${csp}`);
      assert.not.match(csp, /unsafe-inline|unsafe-eval/, path);
      assert.is(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.is(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.is(res.headers.get('x-frame-options'), 'SAMEORIGIN', path);
    }
    const html = await fetch(new URL('/agent.html', r.server.url));
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.is(html.headers.get('cache-control'), 'no-cache');
  } finally {
    await r.close();
  }
});

test('the built pages have no inline script, no event-handler attribute and no inline style', async () => {
  const dir = await built_();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.html'))) {
    const html = readFileSync(join(dir, f), 'utf8');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(m[1], /\bsrc="\/[a-z]+\.js"/, `${f}: a script without src`);
      assert.is(m[2].trim(), '', `${f}: inline script`);
    }
    assert.not.match(html, /\son[a-z]+=/i, `${f}: an on… handler attribute`);
    assert.not.match(html, /\sstyle=|<style/i, `${f}: inline style`);
  }
});

test('a cross-site POST or WebSocket upgrade is refused with SEAT_ORIGIN_REFUSED; same-origin and Origin-less clients pass', async () => {
  const r = await consoleRig();
  try {
    const body = JSON.stringify({ agentId: '1001', password: PASSWORD });
    const evil = await fetch(new URL('/login', r.server.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body });
    assert.is(evil.status, 403);
    assert.is(((await evil.json()) as { code: string }).code, 'SEAT_ORIGIN_REFUSED');
    const own = await fetch(new URL('/login', r.server.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: new URL(r.server.url).origin }, body });
    assert.is(own.status, 200);
    const none = await fetch(new URL('/login', r.server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.is(none.status, 200);

    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(r.server.seatUrl, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('a cross-site WebSocket was accepted')));
      ws.on('error', () => {});
    });
    assert.is(status, 403);
    const ok = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(r.server.seatUrl, { origin: new URL(r.server.url).origin });
      ws.on('open', () => {
        ws.close();
        resolve(true);
      });
      ws.on('error', () => resolve(false));
    });
    assert.ok(ok, 'a same-origin WebSocket opens');
  } finally {
    await r.close();
  }
});

test('a console that was never built answers 503 SEAT_CONSOLE_NOT_BUILT, with the headers', async () => {
  const app = Fastify();
  await app.register(webConsole, { root: '/nonexistent/web/dist/' });
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.is(res.statusCode, 503);
  assert.is(res.json().code, 'SEAT_CONSOLE_NOT_BUILT');
  assert.ok(String(res.headers['content-security-policy']).includes("script-src 'self'"));
  await app.close();
});

testUnless(NO_CHROMIUM, 'Chromium enforces the CSP: a script injected into the page does not run', async () => {
  const r = await consoleRig();
  const browser = await launch();
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    const ran = await t.page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
      const img = document.createElement('img');
      img.setAttribute('src', 'x');
      img.setAttribute('onerror', 'window.__handler = true');
      document.body.append(img);
      await new Promise((res) => setTimeout(res, 300));
      return { script: (window as unknown as { __injected?: boolean }).__injected === true, handler: (window as unknown as { __handler?: boolean }).__handler === true };
    });
    assert.equal(ran, { script: false, handler: false });
    assert.ok(t.problems.some((p) => /Content Security Policy/.test(p)), 'the browser reported the blocked script');
    await t.ctx.close();
  } finally {
    await browser.close();
    await r.close();
  }
});

test.run();
