// The seat server over TLS (--tls-cert/--tls-key): HTTPS health and WSS login
// for a client that trusts the bureau's certificate; a client that does not
// is refused by the handshake; clear text to the TLS port gets no answer.
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generate } from 'selfsigned';
import WebSocket from 'ws';
import { PASSWORD, rig } from './_harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-seat-tls-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function get(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...(ca ? { ca } : {}), timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

test('HTTPS and WSS with the bureau\'s certificate; untrusted and clear-text clients get nothing', async () => {
  const g = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  const cert = join(dir, 'seat.crt');
  const key = join(dir, 'seat.key');
  writeFileSync(cert, g.cert);
  writeFileSync(key, g.private, { mode: 0o600 });
  const r = await rig({ tls: { cert, key } });
  try {
    assert.match(r.server.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(r.server.seatUrl, /^wss:\/\/127\.0\.0\.1:\d+\/seat$/);
    const h = await get(`${r.server.url}health`, g.cert);
    assert.is(h.status, 200, h.body);
    assert.is(JSON.parse(h.body).status, 'ok');
    // WSS: log in and get the snapshot.
    const ws = new WebSocket(r.server.seatUrl, { ca: g.cert });
    const got: { type: string; ok?: boolean; event?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'login', id: '1', agentId: '1001', password: PASSWORD })));
      ws.on('message', (d) => {
        got.push(JSON.parse(d.toString()));
        if (got.some((m) => m.event === 'snapshot')) resolve();
      });
      ws.once('error', reject);
      setTimeout(() => reject(new Error(`no snapshot over WSS: ${JSON.stringify(got)}`)), 10_000).unref();
    });
    assert.ok(got.find((m) => m.type === 'reply')?.ok, 'login over WSS');
    ws.close();
    // A client without the certificate refuses the handshake.
    const untrusted = await get(`${r.server.url}health`).then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    assert.match(untrusted, /SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/, `refused: ${untrusted}`);
    // Clear text to the TLS port: no HTTP answer.
    const plain = await new Promise<string>((resolve) => {
      const req = plainRequest(r.server.url.replace('https:', 'http:') + 'health', { timeout: 5000 }, (res) => resolve(`HTTP ${res.statusCode}`));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end();
    });
    assert.not.match(plain, /^HTTP 200/, `clear text answered: ${plain}`);
  } finally {
    await r.close();
  }
});

test.run();
