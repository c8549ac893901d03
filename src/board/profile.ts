// Board profiles (boards/*.json): loading and validation with precise messages.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { boardError } from './errors.ts';
import type { BoardProfile, SpanProfile } from './types.ts';

export const MAX_SPANS = 128;

function fail(where: string, what: string): never {
  throw boardError('BOARD_PROFILE_INVALID', `${where}: ${what}`, { where });
}

export function loadProfile(profile: string | BoardProfile): BoardProfile {
  let raw: unknown = profile;
  let where = 'profile';
  if (typeof profile === 'string') {
    where = resolve(profile);
    let text: string;
    try {
      text = readFileSync(where, 'utf8');
    } catch (e) {
      throw boardError('BOARD_PROFILE_MISSING', `${where} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, { file: where });
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      fail(where, `not valid JSON (${(e as Error).message})`);
    }
  }
  return validateProfile(raw, where);
}

export function validateProfile(raw: unknown, where = 'profile'): BoardProfile {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(where, 'must be a JSON object');
  const p = raw as Record<string, unknown>;
  const known = new Set(['name', 'driver', 'tickMs', 'spans', 'network', 'groups', 'description']);
  for (const k of Object.keys(p)) if (!known.has(k)) fail(`${where}#/${k}`, 'unknown property');
  if (typeof p.name !== 'string' || !p.name) fail(`${where}#/name`, 'must be a non-empty string');
  if (p.driver !== 'sim') {
    if (p.driver === 'dahdi' || p.driver === 'fed') fail(`${where}#/driver`, `driver '${p.driver}' is not built yet; use 'sim'`);
    fail(`${where}#/driver`, "must be 'sim'");
  }
  const tickMs = p.tickMs ?? 10;
  if (tickMs !== 5 && tickMs !== 10 && tickMs !== 20) fail(`${where}#/tickMs`, 'must be 5, 10 or 20');
  if (!Array.isArray(p.spans) || p.spans.length === 0) fail(`${where}#/spans`, 'must be a non-empty array');
  const limit = p.network ? MAX_SPANS / 2 : MAX_SPANS;
  if (p.spans.length > limit) fail(`${where}#/spans`, `at most ${limit} spans`);
  const spans: SpanProfile[] = p.spans.map((s: unknown, i: number) => {
    const at = `${where}#/spans/${i}`;
    if (!s || typeof s !== 'object') fail(at, 'must be an object');
    const o = s as Record<string, unknown>;
    if (o.type === 'analog') {
      if (o.role !== 'fxs' && o.role !== 'fxo') fail(`${at}/role`, "must be 'fxs' (station ports) or 'fxo' (exchange lines)");
      const ports = o.ports ?? 8;
      if (typeof ports !== 'number' || !Number.isInteger(ports) || ports < 1 || ports > 30) fail(`${at}/ports`, 'must be an integer from 1 to 30');
      if (o.name !== undefined && typeof o.name !== 'string') fail(`${at}/name`, 'must be a string');
      return { type: 'analog', role: o.role, ports, ...(o.name ? { name: o.name as string } : {}) };
    }
    if (o.type !== 'E1') fail(`${at}/type`, "must be 'E1' or 'analog'");
    if (o.signalling !== undefined && o.signalling !== 'cas') fail(`${at}/signalling`, "must be 'cas'");
    if (o.crc4 !== undefined && typeof o.crc4 !== 'boolean') fail(`${at}/crc4`, 'must be true or false');
    if (o.name !== undefined && typeof o.name !== 'string') fail(`${at}/name`, 'must be a string');
    return { type: 'E1', signalling: 'cas', crc4: o.crc4 !== false, ...(o.name ? { name: o.name as string } : {}) };
  });
  let network: BoardProfile['network'];
  if (p.network !== undefined) {
    const n = p.network as Record<string, unknown> | null;
    if (!n || typeof n !== 'object' || n.type !== 'loop') fail(`${where}#/network`, "must be { \"type\": \"loop\" }");
    network = { type: 'loop' };
  }
  let groups: Record<string, string> | undefined;
  if (p.groups !== undefined) {
    if (!p.groups || typeof p.groups !== 'object' || Array.isArray(p.groups)) fail(`${where}#/groups`, 'must be an object');
    groups = {};
    for (const [name, spec] of Object.entries(p.groups as Record<string, unknown>)) {
      if (typeof spec !== 'string') fail(`${where}#/groups/${name}`, 'must be a string like "0:1-15,0:17-31"');
      parseGroup(spec, spans.length, `${where}#/groups/${name}`, spans);
      groups[name] = spec;
    }
  }
  return { name: p.name, driver: 'sim', tickMs, spans, ...(network ? { network } : {}), ...(groups ? { groups } : {}) };
}

/** "0:1-15,1:17" -> [[span, timeslot or port], ...] */
export function parseGroup(spec: string, spans: number, where: string, profiles?: SpanProfile[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+):(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) fail(where, `'${part}' is not span:timeslot or span:first-last`);
    const span = Number(m[1]);
    const a = Number(m[2]);
    const b = m[3] ? Number(m[3]) : a;
    if (span >= spans) fail(where, `span ${span} does not exist (the profile has ${spans})`);
    const sp = profiles?.[span];
    if (sp?.type === 'analog') {
      const ports = sp.ports ?? 8;
      if (a < 1 || b > ports || a > b) fail(where, `ports '${part}' are outside 1-${ports}`);
      for (let p = a; p <= b; p++) out.push([span, p]);
      continue;
    }
    if (a < 1 || b > 31 || a > b) fail(where, `timeslots '${part}' are outside 1-31`);
    if (a === 16 && b === 16) fail(where, `timeslot 16 ('${part}') carries CAS signalling, not a call; bearers are 1-15 and 17-31`);
    for (let ts = a; ts <= b; ts++) {
      if (ts === 16) continue; // timeslot 16 carries CAS
      out.push([span, ts]);
    }
  }
  return out;
}
