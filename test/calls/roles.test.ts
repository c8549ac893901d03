// Channel roles from the board profile's groups: only trunks that take calls
// in reach the IVR. On the mixed board (boards/sim-mixed.json) an agent who
// lifts the handset of his FXS station is not answered by the 12315 IVR, nor
// is a seizure on an outbound-only exchange line; inbound trunks still are.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEngine, type Engine } from '../../src/calls/engine.ts';
import { drive } from '../../src/calls/sim-caller.ts';

const MIXED = join(import.meta.dirname, '..', '..', 'boards', 'sim-mixed.json');
let dir: string;
let engine: Engine;

test.before.each(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hl-roles-'));
  engine = await openEngine({ boardFile: MIXED, dataDir: join(dir, 'data'), mode: 'stepped' });
});
test.after.each(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Seizes the far end of engine channel (span, n); resolves with the call's reason ('done' = answered). */
async function seize(span: number, n: number): Promise<string> {
  const far = engine.board.network!.channel(span, n);
  const r = await drive(engine.board, far.call({ callerNumber: '13912345678', calledNumber: '12315', timeoutMs: 4000 }));
  await drive(engine.board, far.hangup().catch(() => undefined));
  await engine.board.advance(1000);
  return r.reason;
}

test('the profile gives every channel a role: stations, inbound and outbound trunks', () => {
  const b = engine.board;
  assert.is(b.byRole('station').length, 8);
  assert.ok(b.byRole('station').every((c) => c.kind === 'fxs'));
  assert.is(b.byRole('inbound').length, 32);
  assert.equal(b.byRole('outbound').map((c) => c.name), ['sim-mixed/2:fxo3', 'sim-mixed/2:fxo4']);
  assert.is(b.channel(1, 1).role, 'station');
});

test('an agent lifting the handset of an FXS station is not answered by the IVR', async () => {
  const started: string[] = [];
  engine.core.calls$.subscribe((e) => e.type === 'start' && started.push(e.call.channel));
  const reason = await seize(1, 3);
  assert.is(reason, 'timeout', 'the station was answered');
  assert.equal(started, [], `the IVR took a call on ${started.join(', ')}`);
  assert.is(engine.core.stats().started, 0);
});

test('an outbound-only exchange line is not answered; an inbound one and an E1 trunk are', async () => {
  const started: string[] = [];
  engine.core.calls$.subscribe((e) => e.type === 'start' && started.push(e.call.channel));
  assert.is(await seize(2, 4), 'timeout', 'the outbound trunk was answered');
  assert.is(await seize(2, 1), 'done', 'the inbound FXO line was not answered');
  assert.is(await seize(0, 1), 'done', 'the inbound E1 trunk was not answered');
  await drive(engine.board, engine.core.idle());
  assert.equal(started, ['sim-mixed/2:fxo1', 'sim-mixed/0:1']);
});

test.run();
