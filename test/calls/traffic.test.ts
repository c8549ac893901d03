// 60 channels, one simulated hour of Poisson call arrivals at about 80 %
// occupancy (48 Erlang offered, scripted callers walking random branches):
// every call placed has exactly one call record, and no call is left active.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario, SCENARIOS } from '../../src/calls/demo.ts';
import { advanceHeld, drive, SimCaller } from '../../src/calls/sim-caller.ts';
import { harness } from '../ivr/_harness.ts';

const HOUR_MS = Number(process.env.HL_TRAFFIC_MS ?? 3_600_000);

test('one hour of Poisson traffic on 60 channels: one call record per call placed', async () => {
  const h = await harness({ maxCallMs: 10 * 60_000 });
  try {
    const board = h.engine.board;
    const net = h.engine.networkChannels.slice(0, 60);
    const idle = new Set(net.map((c) => c.index));
    let seed = 12315;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    const made: string[] = [];
    h.engine.core.calls$.subscribe(({ type, call }) => type === 'end' && made.push(...call.caseNumbers));
    // Scripted calls hold about 40 s: 48 Erlang ≈ 1.2 arrivals per second.
    const meanGapMs = 40_000 / 48;
    let placed = 0;
    let blocked = 0;
    const running: Promise<void>[] = [];
    const t0 = board.now();
    let nextAt = t0;
    let busySum = 0;
    let samples = 0;
    while (board.now() - t0 < HOUR_MS) {
      while (nextAt <= board.now()) {
        nextAt += -Math.log(1 - random()) * meanGapMs;
        const free = [...idle];
        if (free.length === 0) {
          blocked++;
          continue;
        }
        const pick = free[Math.floor(random() * free.length)];
        const ch = net.find((c) => c.index === pick)!;
        idle.delete(ch.index);
        const caller = new SimCaller(ch, { dir: join(h.dir, 'callers'), callerNumber: `1391234${String(placed % 10000).padStart(4, '0')}`, tap: false, listen: 'timed', prompts: h.engine.prompts });
        const s = SCENARIOS[Math.floor(random() * SCENARIOS.length)];
        placed++;
        running.push(
          runScenario(caller, s, { prompts: h.engine.prompts, knownCases: () => made.slice(-20), random })
            .then((answered) => assert.ok(answered, `call on ${ch.name} not answered`))
            .finally(() => idle.add(ch.index)),
        );
      }
      await advanceHeld(board, 100, () => h.engine.core.busy());
      busySum += 60 - idle.size;
      samples++;
    }
    // Let the calls in progress finish (callers and engine), time still moving.
    await drive(board, Promise.all(running), 15 * 60_000, 100, () => h.engine.core.busy());
    await drive(board, h.engine.core.idle(), 60_000, 100, () => h.engine.core.busy() || h.engine.core.writing());
    const occupancy = busySum / samples / 60;
    const ids = h.ended.map((c) => c.id);
    assert.is(new Set(ids).size, ids.length, 'a call ended twice');
    assert.is(ids.length, placed, `${placed} calls placed, ${ids.length} ended`);
    let missing = 0;
    for (const id of ids) if (!(await h.engine.store.getCallRecord(id))) missing++;
    assert.is(missing, 0, `${missing} calls without a call record`);
    assert.is(h.engine.core.stats().active, 0);
    assert.ok(occupancy > 0.6 && occupancy < 0.95, `occupancy ${(occupancy * 100).toFixed(0)} % is not near 80 %`);
    process.stdout.write(`traffic: ${placed} calls placed, ${blocked} blocked, occupancy ${(occupancy * 100).toFixed(0)} %, ${h.ended.filter((c) => c.caseNumbers.length).length} cases\n`);
  } finally {
    await h.close();
  }
});

test.run();
