// Rolling recording (全程不间断滚动录音) started by openEngine from its
// `rolling` option and stopped by close(): the caller's trunk and the agent's
// station record in segments while the call lasts, each segment indexed once
// durable; close() leaves no unfinished file and indexes the last segments.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { channelKey, openRecordingIndex } from '../../src/recording/index.ts';
import { agentHarness, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

test("rolling: 'lines' records the inbound trunk and the station in segments; close() finishes and indexes them", async () => {
  h = await agentHarness(roster(1), { rolling: 'lines', rollingSegmentMs: 1000 });
  const e = h.engine;
  assert.ok(e.rolling, 'started');
  const keys = e.rolling!.channels.map(channelKey);
  const trunk = e.board.channel(0, 1);
  const station = e.core.switchboard!.station('1001')!;
  assert.ok(keys.includes(channelKey(trunk)) && keys.includes(channelKey(station)), `trunks and stations selected: ${keys.join(' ')}`);
  assert.ok(e.rolling!.channels.every((c) => c.role === 'station' || c.role === 'inbound' || c.role === 'bothway'), 'only lines that take calls');
  h.login('1001');
  const c = h.caller(1);
  await h.run(
    (async () => {
      await h!.toAgent(c);
      assert.ok(await h!.stations[0].waitRing(20_000), '1001 rings');
      await h!.stations[0].liftHandset();
      await h!.sleep(2500);
    })(),
  );
  await h.run(c.hangup());
  await h.run(h.stations[0].hangUp());
  await h.run(e.core.idle());
  await h.run(e.rolling!.settled());
  const during = e.recordings.index.search({ kind: 'segment' });
  assert.ok(during.some((s) => s.channel === channelKey(trunk)), 'the trunk has durable segments during the call');
  assert.ok(during.some((s) => s.channel === channelKey(station)), 'the station has durable segments');
  const dataDir = e.dataDir;
  await e.close();
  const files = readdirSync(join(dataDir, 'recordings', 'segments'), { recursive: true }).map(String);
  assert.ok(files.every((f) => !f.endsWith('.part')), `no unfinished file after close: ${files.join(' ')}`);
  const index = openRecordingIndex(dataDir);
  try {
    const wavs = files.filter((f) => f.endsWith('.wav'));
    const ids = new Set(index.search({ kind: 'segment' }).map((x) => x.id.split('/').pop()));
    assert.equal(wavs.filter((f) => !ids.has(f.split('/').pop())), [], 'every segment file is indexed');
  } finally {
    await index.close();
  }
});

test('rolling of chosen seats: the station ports of those agents only; an agent without one is refused', async () => {
  h = await agentHarness(roster(3), { rolling: { seats: ['1001', '1003'] } });
  const e = h.engine;
  const ports = ['1001', '1003'].map((id) => e.core.switchboard!.station(id)!.index);
  assert.equal(e.rolling!.channels.map((c) => c.index), ports);
  await h.close();
  const err = await agentHarness(roster(1), { rolling: { seats: ['1001', '9999'] } }).then(
    (x) => {
      h = x;
      return null;
    },
    (x: { code?: string; message: string }) => x,
  );
  assert.is(err?.code, 'CALL_NO_STATION');
  assert.match(err!.message, /9999/);
});

test('rolling is off in a stepped engine unless asked', async () => {
  h = await agentHarness(roster(1));
  assert.is(h.engine.rolling, undefined);
});

test.run();
