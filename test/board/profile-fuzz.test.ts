// Bounded fuzz of board profiles: random and mutated JSON (from the shipped
// profiles) given to the validator. Each input is either accepted and valid
// (validating the result again gives the same profile, every group resolves,
// roles are one per channel and fit the port) or refused with a code of the
// board catalog and a sentence saying where; never a raw TypeError. A few
// accepted profiles are opened as boards to check group() and byRole().
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BoardErrors, openBoard, validateProfile, type BoardProfile } from '../../src/board/index.ts';
import { channelRoles, groupChannels, parseGroup } from '../../src/board/profile.ts';
import { HotlineError } from '../../src/errors.ts';

const BUDGET_MS = Number(process.env.HL_FUZZ_MS ?? 3000);
const seeds = ['sim-e1x2.json', 'sim-mixed.json'].map((f) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'boards', f), 'utf8')));

let state = Number(process.env.HL_FUZZ_SEED ?? 9315);
const rnd = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const NAMES = ['__proto__', 'constructor', 'toString', '', 'inbound', 'agents', 'type', 'role', 'channels', 'ports', 'crc4', 'x'];
const STRINGS = ['0:1-15', '0:1-31', '0:16', '1:1-8', '2:1-4', '0:1-10,0:5-12', '', ',', '9:1', '0:0', '0:31-1', '0:1-999999999', 'E1', 'analog', 'fxs', 'fxo', 'cas', 'sim', 'loop', 'inbound', 'station', 'outbound', 'bothway', '\u0000', '💥'];

function randomValue(depth: number): unknown {
  switch (Math.floor(rnd() * (depth > 2 ? 6 : 8))) {
    case 0: return null;
    case 1: return pick([true, false]);
    case 2: return pick([0, 1, -1, 5, 8, 10, 20, 30, 31, 64, 129, 1e9, 0.5, -0]);
    case 3: return pick(STRINGS);
    case 4: return pick(NAMES);
    case 5: return rnd() < 0.5 ? [] : {};
    case 6: return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 4); i > 0; i--) o[pick(NAMES)] = randomValue(depth + 1);
      return o;
    }
  }
}

/** Replaces, deletes or adds one thing somewhere in the tree. */
function mutate(x: unknown): unknown {
  if (x === null || typeof x !== 'object' || rnd() < 0.2) return randomValue(0);
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o);
  const r = rnd();
  if (r < 0.15 && keys.length) delete o[pick(keys)];
  else if (r < 0.3) o[Array.isArray(o) ? String(keys.length) : pick(NAMES)] = randomValue(1);
  else if (keys.length) {
    const k = pick(keys);
    o[k] = mutate(o[k]);
  }
  return o;
}

function checkAccepted(p: BoardProfile): void {
  assert.is(JSON.stringify(validateProfile(JSON.parse(JSON.stringify(p)))), JSON.stringify(p), 'validating an accepted profile again changed it');
  const roles = channelRoles(p);
  for (const [name, g] of Object.entries(p.groups ?? {})) {
    const list = parseGroup(groupChannels(g), p.spans.length, name, p.spans);
    assert.ok(list.length > 0, `group '${name}' is empty`);
    assert.is(new Set(list.map(([s, t]) => `${s}:${t}`)).size, list.length, `group '${name}' lists a channel twice`);
  }
  for (const [key, { role }] of roles) {
    const sp = p.spans[Number(key.split(':')[0])];
    const fxs = sp.type === 'analog' && sp.role === 'fxs';
    assert.is(role === 'station', fxs, `channel ${key} has role ${role}`);
  }
}

function checkRefused(e: unknown, input: string): void {
  if (!(e instanceof HotlineError)) throw new Error(`a raw ${(e as Error)?.name}: ${(e as Error)?.message} for ${input}`);
  assert.ok(Object.hasOwn(BoardErrors, e.code), `code ${e.code} is not in the board catalog (${input})`);
  assert.ok(e.message.startsWith(BoardErrors[e.code as keyof typeof BoardErrors]), `no catalog sentence: ${e.message}`);
  assert.ok(e.message.length > BoardErrors[e.code as keyof typeof BoardErrors].length + 8, `the message does not say where: ${e.message}`);
}

test(`random and mutated profiles for ${BUDGET_MS} ms: accepted and valid, or refused with a catalog code`, async () => {
  const until = Date.now() + BUDGET_MS;
  let accepted = 0;
  let refused = 0;
  let opened = 0;
  for (let i = 0; Date.now() < until; i++) {
    let raw: unknown = structuredClone(pick(seeds));
    if (i % 10 === 0) raw = randomValue(0);
    else for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) raw = mutate(raw);
    const input = JSON.stringify(raw) ?? String(raw);
    let p: BoardProfile;
    try {
      p = validateProfile(JSON.parse(input ?? 'null'), 'fuzz.json');
    } catch (e) {
      checkRefused(e, input);
      refused++;
      continue;
    }
    accepted++;
    checkAccepted(p);
    // Opening a native board costs milliseconds: a few of them.
    if (opened < 15 && i % 7 === 0) {
      opened++;
      const board = await openBoard(p);
      try {
        for (const name of Object.keys(p.groups ?? {})) assert.ok(board.group(name).length > 0);
        const stations = board.byRole('station');
        assert.ok(stations.every((c) => c.kind === 'fxs'), 'a station that is not an FXS port');
      } finally {
        await board.close();
      }
    }
  }
  process.stdout.write(`profile fuzz: ${accepted} accepted, ${refused} refused, ${opened} boards opened\n`);
  assert.ok(accepted > 20 && refused > 100, `too narrow: ${accepted} accepted, ${refused} refused`);
});

test.run();
