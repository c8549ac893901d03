// SMTP security against a real smtp-server on 127.0.0.1 with a self-signed
// certificate made at test time: the certificate is verified by default,
// STARTTLS is used when offered, credentials never go out without TLS, and
// the one relaxation (insecure) is explicit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { generate } from 'selfsigned';
import { createMailer, type SmtpOptions } from '../../src/ivr/mail.ts';

interface Seen {
  secure: boolean[];
  authUsers: string[];
  delivered: number;
}

let cert: { key: string; cert: string };

test.before(async () => {
  const g = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  cert = { key: g.private, cert: g.cert };
});

async function server(opts: Partial<SMTPServerOptions>): Promise<{ port: number; seen: Seen; close(): Promise<void> }> {
  const seen: Seen = { secure: [], authUsers: [], delivered: 0 };
  const s = new SMTPServer({
    key: cert.key,
    cert: cert.cert,
    authOptional: true,
    logger: false,
    // Loopback test server: accept AUTH even without TLS, so the test can see
    // whether the client would send a password in clear.
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      seen.authUsers.push(auth.username ?? '');
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        seen.secure.push(session.secure);
        seen.delivered++;
        cb();
      });
    },
    ...opts,
  });
  // A client refusing our certificate drops the TLS handshake: an expected error here.
  s.on('error', () => {});
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.server.address() as { port: number }).port;
  return { port, seen, close: () => new Promise<void>((r) => s.close(() => r())) };
}

async function send(o: Partial<SmtpOptions> & { port: number }): Promise<unknown> {
  const m = createMailer({ host: '127.0.0.1', from: 'noreply@12315.test', timeoutMs: 5000, ...o });
  try {
    await m.send('consumer@example.test', 'case 1', 'text');
    return undefined;
  } catch (e) {
    return e;
  } finally {
    m.close();
  }
}

test('a self-signed certificate is refused by default, nothing is delivered, the error says what to do', async () => {
  const s = await server({});
  try {
    const e = (await send({ port: s.port })) as { code?: string; message?: string } | undefined;
    assert.ok(e, 'the message went out over a certificate that does not verify (or in clear)');
    assert.is(e!.code, 'IVR_EMAIL_FAILED');
    assert.match(e!.message!, /certificate does not verify.*--smtp-ca FILE.*--smtp-insecure/);
    assert.is(s.seen.delivered, 0);
  } finally {
    await s.close();
  }
});

test('STARTTLS is used when offered: with the CA trusted the message arrives over TLS', async () => {
  const s = await server({});
  try {
    const e = await send({ port: s.port, ca: cert.cert });
    assert.is(e, undefined, String(e));
    assert.equal(s.seen.secure, [true], 'the message did not travel over TLS');
  } finally {
    await s.close();
  }
});

test('credentials are never sent without TLS: a server with no STARTTLS is refused before AUTH', async () => {
  const s = await server({ disabledCommands: ['STARTTLS'] });
  try {
    const e = (await send({ port: s.port, user: 'hotline', pass: 'secret', ca: cert.cert })) as { code?: string; message?: string } | undefined;
    assert.ok(e, 'the password went out in clear');
    assert.is(e!.code, 'IVR_EMAIL_FAILED');
    assert.equal(s.seen.authUsers, [], 'AUTH was sent without TLS');
    assert.is(s.seen.delivered, 0);
  } finally {
    await s.close();
  }
});

test('with TLS, credentials are used; insecure is the explicit way to accept an unverified certificate', async () => {
  const s = await server({});
  try {
    assert.is(await send({ port: s.port, user: 'hotline', pass: 'secret', insecure: true }), undefined);
    assert.equal(s.seen.authUsers, ['hotline']);
    assert.equal(s.seen.secure, [true]);
  } finally {
    await s.close();
  }
});

test('implicit TLS (secure, port 465 style) verifies the certificate too', async () => {
  const s = await server({ secure: true });
  try {
    const refused = (await send({ port: s.port, secure: true })) as { code?: string } | undefined;
    assert.is(refused?.code, 'IVR_EMAIL_FAILED');
    assert.is(await send({ port: s.port, secure: true, ca: cert.cert }), undefined);
    assert.equal(s.seen.secure, [true]);
  } finally {
    await s.close();
  }
});

test.run();
