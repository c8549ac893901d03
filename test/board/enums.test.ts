// The board's enums have one source, native/board/board_enums.def: the C
// enums are built from it and the addon exports it (addon.boardTables), which
// src/board/native.ts reads. This checks that the TypeScript API's names (the
// unions in src/board/types.ts) and the native table still list the same
// names, so neither side can grow an event, operation, reason, state or tone
// the other does not know.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addon } from '../../src/addon.ts';
import { EV, EVENT_BYTES, OP, OP_NAMES, REASONS, STATES, TABLES, TONES } from '../../src/board/native.ts';

const types = readFileSync(new URL('../../src/board/types.ts', import.meta.url), 'utf8');
const def = readFileSync(new URL('../../native/board/board_enums.def', import.meta.url), 'utf8');

// The string literals of `export type Name = 'a' | 'b' ...;` in types.ts.
function union(name: string): string[] {
  const m = new RegExp(`export type ${name} =([^;]+);`).exec(types.replace(/\/\/[^\n]*/g, ''));
  assert.ok(m, `types.ts has no union ${name}`);
  return [...m![1].matchAll(/'([^']+)'/g)].map((x) => x[1]).sort();
}

// Rows of one macro in the .def: [C name, number, JavaScript name].
function rows(macro: string): Array<[string, number, string]> {
  return [...def.matchAll(new RegExp(`^${macro}\\((\\w+),\\s*(\\d+),\\s*"([^"]+)"\\)`, 'gm'))].map((m) => [m[1], Number(m[2]), m[3]]);
}

test('the addon exports the .def table, and src/board reads it', () => {
  assert.equal((addon as Record<string, unknown>).boardTables, TABLES);
  for (const [macro, table] of [
    ['HL_EV', TABLES.events],
    ['HL_OP', TABLES.ops],
    ['HL_REASON', TABLES.reasons],
    ['HL_STATE', TABLES.states],
    ['HL_TONE', TABLES.tones],
  ] as const) {
    const r = rows(macro);
    assert.ok(r.length > 0, `${macro} rows`);
    assert.equal(Object.fromEntries(r.map(([, n, js]) => [js, n])), table, `${macro}: the addon's table is the .def's`);
  }
  assert.is(EVENT_BYTES, 96);
  assert.is(OP_NAMES[OP.sendMf], 'sendMf');
  assert.is(REASONS[TABLES.reasons['max-digits']], 'max-digits');
  assert.is(STATES[0], 'idle');
  assert.is(TONES[TABLES.tones['fax-ced']], 'fax-ced');
  assert.is(EV.done, 7, 'HL_EV_DONE');
});

test('the TypeScript unions name exactly what the native table holds', () => {
  assert.equal(union('Operation'), Object.keys(TABLES.ops).sort(), 'Operation');
  assert.equal(union('Reason'), Object.keys(TABLES.reasons).sort(), 'Reason');
  assert.equal(union('ToneName'), Object.keys(TABLES.tones).sort(), 'ToneName');
  assert.equal(union('ChannelState'), Object.keys(TABLES.states).sort(), 'ChannelState');
  // Board event types: every `type: '...'` of an event interface after "events" in types.ts.
  const evSection = types.slice(types.indexOf('export interface RingEvent'), types.indexOf('export type ChannelEvent'));
  const evTypes = [...evSection.matchAll(/^ {2}type: '([^']+)';/gm)].map((m) => m[1]).sort();
  // 'audio' (HL_EV_AUDIO) is the board's own: src/board/engine.ts hands it to
  // the channel's audio stream (stream.ts) and never dispatches it as an event.
  assert.ok('audio' in TABLES.events, 'HL_EV_AUDIO is in the table');
  assert.equal(evTypes, Object.keys(TABLES.events).filter((t) => t !== 'audio').sort(), 'BoardEvent types');
});

test.run();
