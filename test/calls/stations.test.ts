// Which telephone is whose: the roster's `station`, then DATA/stations.json,
// then the i-th agent on the i-th free station port; every mistake refused
// with its CALL_STATION_* code and a sentence naming the agent or port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { Board } from '../../src/board/types.ts';
import { withDemoAgents } from '../../src/calls/roster.ts';
import { mapStations, readStationsFile } from '../../src/calls/stations.ts';
import { openEngine } from '../../src/calls/engine.ts';
import { MIXED, roster } from './_agents.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-stations-'));
let board: Board;
test.before(async () => {
  board = await openBoard(MIXED);
});
test.after(async () => {
  await board.close();
  rmSync(dir, { recursive: true, force: true });
});

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    const err = e as { code?: string; message: string };
    assert.ok(err.message.length > 10, 'a sentence comes with the code');
    return err.code ?? `no code: ${err.message}`;
  }
  return 'no error';
}

const agents = (...ids: string[]) => ids.map((id) => ({ id }));

test('default: the i-th agent gets the i-th station port; the roster and the file place agents first', () => {
  const { stations, unplaced } = mapStations(board, agents('1001', '1002', '1003'));
  assert.equal([...stations].map(([a, ch]) => [a, ch.timeslot]), [['1001', 1], ['1002', 2], ['1003', 3]]);
  assert.equal(unplaced, []);
  const m = mapStations(board, [{ id: '1001' }, { id: '1002', station: '1:1' }, { id: '1003' }], { '1003': '1:8' });
  assert.equal([...m.stations].map(([a, ch]) => [a, ch.timeslot]).sort(), [['1001', 2], ['1002', 1], ['1003', 8]]);
});

test('more agents than ports: the rest are listed as unplaced', () => {
  const ids = Array.from({ length: 10 }, (_, i) => String(2001 + i));
  const { stations, unplaced } = mapStations(board, agents(...ids));
  assert.is(stations.size, 8);
  assert.equal(unplaced, ['2009', '2010']);
});

test('refusals: bad spec, unknown port, a trunk as a telephone, two agents on one phone, a stranger in the file', () => {
  assert.is(code(() => mapStations(board, [{ id: '1', station: 'fxs1' }])), 'CALL_STATION_INVALID');
  assert.is(code(() => mapStations(board, [{ id: '1', station: '1:9' }])), 'CALL_STATION_UNKNOWN');
  assert.is(code(() => mapStations(board, [{ id: '1', station: '0:5' }])), 'CALL_STATION_NOT_STATION');
  assert.is(code(() => mapStations(board, [{ id: '1', station: '2:1' }])), 'CALL_STATION_NOT_STATION', 'an FXO exchange line');
  assert.is(code(() => mapStations(board, [{ id: '1', station: '1:2' }, { id: '2', station: '1:2' }])), 'CALL_STATION_SHARED');
  assert.is(code(() => mapStations(board, agents('1'), { '7': '1:1' })), 'CALL_STATION_AGENT_UNKNOWN');
  assert.is(code(() => withDemoAgents(roster(1), 9, board.byRole('station'))), 'CALL_NO_STATION');
});

test('stations.json: read when present, refused when malformed', () => {
  assert.equal(readStationsFile(join(dir, 'missing.json')), {});
  const ok = join(dir, 'ok.json');
  writeFileSync(ok, JSON.stringify({ stations: { '1001': '1:4' } }));
  assert.equal({ ...readStationsFile(ok) }, { '1001': '1:4' });
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ "stations": ');
  assert.is(code(() => readStationsFile(bad)), 'CALL_STATIONS_FILE_INVALID');
  writeFileSync(bad, JSON.stringify({ stations: { '1001': 4 } }));
  assert.is(code(() => readStationsFile(bad)), 'CALL_STATIONS_FILE_INVALID');
  writeFileSync(bad, JSON.stringify([]));
  assert.is(code(() => readStationsFile(bad)), 'CALL_STATIONS_FILE_INVALID');
});

test('the engine refuses to start on a bad stations file, naming it, and leaves the data folder unlocked', async () => {
  const data = join(dir, 'data');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'stations.json'), JSON.stringify({ stations: { '1001': '0:1' } }));
  let err: { code?: string; message: string } | undefined;
  try {
    await openEngine({ boardFile: MIXED, dataDir: data, mode: 'stepped', acd: roster(2) });
  } catch (e) {
    err = e as { code?: string; message: string };
  }
  assert.is(err?.code, 'CALL_STATION_NOT_STATION');
  // A second try with the file fixed opens (the lock was released).
  writeFileSync(join(data, 'stations.json'), JSON.stringify({ stations: { '1001': '1:5' } }));
  const e = await openEngine({ boardFile: MIXED, dataDir: data, mode: 'stepped', acd: roster(2) });
  try {
    assert.is(e.core.switchboard!.station('1001')!.timeslot, 5);
    assert.is(e.core.switchboard!.station('1002')!.timeslot, 1);
  } finally {
    await e.close();
  }
});

test.run();
