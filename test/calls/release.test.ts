// The line is released when the caller hangs up, not when the work after the
// hang-up ends. A flow whose hang-up path creates a case and then e-mails the
// director (to a real SMTP server on loopback that holds its reply): the
// caller speaks and hangs up; while the e-mail is still in flight the timeslot
// is idle again and takes the next call; the call core's stop() still waits
// for the e-mail, and the call gets exactly one call record.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { drive, SimCaller } from '../../src/calls/sim-caller.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';
import { harness, type Harness } from '../ivr/_harness.ts';

const FLOW = {
  name: 'release-test',
  language: 'zh',
  languages: ['zh', 'en'],
  start: 'message',
  nodes: {
    message: { type: 'record', prompts: ['mailbox_intro'], var: 'message', maxMs: 60000, silenceMs: 5000, fallback: 'bye', next: 'bye', onHangup: 'save' },
    save: { type: 'create_case', kind: 'mailbox', channel: 'ivr', recordings: ['message'], var: 'caseNumber', next: 'notify', error: 'bye' },
    notify: { type: 'email', to: 'director@example.test', subject: 'message {{caseNumber}}', text: 'a caller left message {{caseNumber}}', sent: 'bye', failed: 'bye' },
    bye: { type: 'hangup', prompts: ['goodbye'] },
  },
};

let smtp: SMTPServer;
let received = 0;
let release: () => void = () => {};
let held = Promise.resolve();
let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'hl-release-'));

test.before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _s, cb) {
      stream.resume();
      stream.on('end', () => {
        received++;
        // The director's mail server is slow: its reply waits for the test.
        void held.then(() => cb());
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  writeFileSync(join(dir, 'flow.yaml'), stringify(FLOW));
});

// A fresh engine (store, board) per test: no state carried between tests.
test.before.each(async () => {
  received = 0;
  held = new Promise<void>((r) => (release = r));
  const port = (smtp.server.address() as { port: number }).port;
  h = await harness({ flowFile: join(dir, 'flow.yaml'), smtp: { host: '127.0.0.1', port, from: 'noreply@12315.test' } });
});

test.after.each(async () => {
  release();
  await h.close();
});

test.after(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Moves board time (not held while the engine awaits I/O) until `done()`, within `wallMs` of wall time. */
async function until(done: () => boolean, wallMs = 20_000, advance = true): Promise<void> {
  const end = Date.now() + wallMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    if (advance) await h.engine.board.advance(20);
    await new Promise((r) => setImmediate(r));
  }
}

/** A caller leaves a message and stays on the line, recording. */
async function leaveMessage(): Promise<SimCaller> {
  const board = h.engine.board;
  const caller = new SimCaller(h.engine.networkChannels[0], { dir: join(dir, 'callers'), callerNumber: '13912345678', tap: false });
  assert.ok(await drive(board, caller.dial()), 'not answered');
  await drive(board, caller.hear());
  await drive(board, caller.speak(h.engine.prompts.file('zh', 'caller_mailbox')));
  return caller;
}

async function checkOneRecord(): Promise<void> {
  assert.is(received, 1);
  const first = h.ended.find((c) => c.callerNumber === '13912345678');
  assert.ok(first, 'the first call has no end');
  assert.is(first!.caseNumbers.length, 1, 'no case from the message');
  assert.equal(first!.path.slice(-2), ['save', 'notify']);
  assert.is(h.ended.filter((c) => c.id === first!.id).length, 1, 'the call ended twice');
  const rec = await h.engine.store.getCallRecord(first!.id);
  assert.ok(rec, 'no call record');
  assert.is(rec!.caseNumber, first!.caseNumbers[0]);
}

test("engine shutdown during a message: the caller's line is released at once, not after the e-mail; stop() waits for the e-mail", async () => {
  const board = h.engine.board;
  const far = h.engine.networkChannels[0];
  await leaveMessage();
  let stopped = false;
  const stopping = h.engine.core.stop((ms) => board.advance(ms)).then(() => (stopped = true));
  // The event we wait for: the e-mail reached the SMTP server, whose reply is held.
  await until(() => received === 1, 20_000, false);
  await until(() => far.state === 'idle', 5000).catch(() => undefined);
  assert.is(far.state, 'idle', `the caller's line is '${far.state}' while the work after the end of the call runs`);
  assert.is(board.channel(0, 1).state, 'idle');
  assert.not.ok(stopped, 'stop() did not wait for the e-mail');
  release();
  await stopping;
  await checkOneRecord();
});

test('the watchdog ends a call during a message: the caller is released at once, the e-mail after it still goes and the call has one record', async () => {
  // Cut the call 1.5 s after the caller has finished speaking.
  const ms = (id: string) => readWavSamples(h.engine.prompts.file('zh', id)).samples.length / 8;
  const maxCallMs = Math.round(ms('mailbox_intro') + ms('beep') + ms('caller_mailbox') + 1500);
  await h.close();
  const port = (smtp.server.address() as { port: number }).port;
  h = await harness({ flowFile: join(dir, 'flow.yaml'), maxCallMs, smtp: { host: '127.0.0.1', port, from: 'noreply@12315.test' } });
  const far = h.engine.networkChannels[0];
  await leaveMessage();
  await until(() => received === 1);
  await until(() => far.state === 'idle', 5000).catch(() => undefined);
  assert.is(far.state, 'idle', `the caller's line is '${far.state}' while the work after the watchdog runs`);
  assert.is(h.engine.core.stats().active, 1, 'the call ended before its e-mail was sent');
  release();
  await drive(h.engine.board, h.engine.core.idle());
  await checkOneRecord();
  assert.is(h.ended[0].outcome, 'timeout');
});

test('the caller hangs up: the timeslot is idle while the e-mail is in flight and takes the next call; stop() waits', async () => {
  const board = h.engine.board;
  const far = h.engine.networkChannels[0];
  const line = board.channel(0, 1);
  await leaveMessage();
  await drive(board, far.hangup());
  await until(() => received === 1);
  await until(() => line.state === 'idle' && far.state === 'idle', 5000).catch(() => undefined);
  assert.is(line.state, 'idle', `the line is '${line.state}' while the work after the hang-up runs`);
  assert.is(h.engine.core.stats().active, 1, 'the call ended before its e-mail was sent');
  // The released line takes the next call at once.
  const next = new SimCaller(far, { dir: join(dir, 'callers'), callerNumber: '13800000001', tap: false });
  assert.ok(await drive(board, next.dial()), 'the released line did not answer the next caller');
  await drive(board, next.hangup());
  let stopped = false;
  const stopping = h.engine.core.stop((ms) => board.advance(ms)).then(() => (stopped = true));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.not.ok(stopped, 'stop() did not wait for the e-mail');
  release();
  await stopping;
  await checkOneRecord();
});

test.run();
