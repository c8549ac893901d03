// The e-mail node's mailer delivers through a real SMTP server on loopback;
// the message that arrived carries the recipient, subject and text. A refused
// address and a dead server give IVR_EMAIL_FAILED, not a hang.
import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SMTPServer } from 'smtp-server';
import { createMailer } from '../../src/ivr/mail.ts';

interface Arrived {
  from: string;
  to: string[];
  raw: string;
}

async function smtp(): Promise<{ port: number; inbox: Arrived[]; close(): Promise<void> }> {
  const inbox: Arrived[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(addr, _s, cb) {
      if (addr.address.endsWith('@refused.test')) return cb(new Error('550 no such user'));
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return { port, inbox, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('a result e-mail arrives at a real SMTP server with its subject and text', async () => {
  const s = await smtp();
  const m = createMailer({ host: '127.0.0.1', port: s.port, from: '12315 <noreply@12315.test>' });
  try {
    await m.send('consumer@example.test', '12315 case 20260315000123', 'Case 20260315000123\nStatus: closed\nResult: agreement');
    assert.is(s.inbox.length, 1);
    assert.equal(s.inbox[0].to, ['consumer@example.test']);
    assert.is(s.inbox[0].from, 'noreply@12315.test');
    assert.match(s.inbox[0].raw, /Subject: 12315 case 20260315000123/);
    assert.match(s.inbox[0].raw, /Result: agreement/);
  } finally {
    m.close();
    await s.close();
  }
});

test('a refused recipient and a dead server give IVR_EMAIL_FAILED', async () => {
  const s = await smtp();
  const m = createMailer({ host: '127.0.0.1', port: s.port, from: 'noreply@12315.test' });
  try {
    await m.send('nobody@refused.test', 's', 't');
    assert.unreachable('refused recipient accepted');
  } catch (e) {
    assert.is((e as { code: string }).code, 'IVR_EMAIL_FAILED');
  } finally {
    m.close();
    await s.close();
  }
  // A port with nothing listening: take one and close it.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const dead = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const m2 = createMailer({ host: '127.0.0.1', port: dead, from: 'noreply@12315.test', timeoutMs: 2000 });
  try {
    await m2.send('consumer@example.test', 's', 't');
    assert.unreachable('sent to a dead server');
  } catch (e) {
    assert.is((e as { code: string }).code, 'IVR_EMAIL_FAILED');
    assert.match((e as Error).message, /127\.0\.0\.1/);
  } finally {
    m2.close();
  }
});

test.run();
