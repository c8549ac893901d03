// Board profiles (boards/*.json): loading and validation with precise messages.
// Names that come from the file (group names) live in null-prototype objects,
// so a group called `__proto__` or `toString` is a group like any other.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { boardError } from './errors.ts';
import type { BoardProfile, ChannelRole, EchoCancellerOptions, GroupProfile, R2SpanOptions, SpanProfile } from './types.ts';

export const MAX_SPANS = 128;

/** Every role a group may give its channels (see ChannelRole). */
export const CHANNEL_ROLES: ReadonlyArray<ChannelRole> = ['inbound', 'outbound', 'bothway', 'station'];
/** Roles of trunks that take calls from the network: their seizures go to the IVR. */
export const ANSWERING_ROLES: ReadonlyArray<ChannelRole> = ['inbound', 'bothway'];

const TOP_FIELDS = ['name', 'driver', 'tickMs', 'spans', 'network', 'groups', 'description'];
const E1_FIELDS = ['type', 'signalling', 'crc4', 'name', 'r2', 'echoCanceller', 'dahdiSpan', 'basechan'];
const R2_FIELDS = ['maxDnis', 'aniAfter', 'glarePriority', 'category', 'callType', 'dnisLengths'];
const T1_FIELDS = ['type', 'signalling', 'channels', 'law', 'name', 'echoCanceller', 'dahdiSpan', 'basechan'];
const ANALOG_FIELDS = ['type', 'role', 'ports', 'name', 'echoCanceller', 'law', 'dahdiSpan', 'basechan'];
const ECHO_FIELDS = ['taps', 'params'];
const GROUP_FIELDS = ['channels', 'role', 'description', 'echoCanceller'];
const NETWORK_FIELDS = ['type'];

function fail(where: string, what: string): never {
  throw boardError('BOARD_PROFILE_INVALID', `${where}: ${what}`, { where });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Refuses a field the schema does not know, naming it and the fields that exist there. */
function onlyFields(o: Record<string, unknown>, known: string[], at: string, what: string): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) fail(`${at}/${k}`, `unknown field '${k}' in ${what}; the fields are ${known.join(', ')}`);
  }
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

/**
 * The driver's echo canceller options ({ taps, params }) checked, as the
 * native board takes them: taps and [name, value, ...]. Throws BOARD_ARG, or
 * BOARD_PROFILE_INVALID with `at` when they come from a profile.
 */
export function checkEchoOptions(o: unknown, at?: string): { taps: number; params: Array<string | number> } {
  const bad = (what: string): never => {
    if (at) fail(at, what);
    throw boardError('BOARD_ARG', `echoCanceller: ${what}`);
  };
  if (!isObject(o)) return bad('must be true, false or { "taps": 1..1024, "params": { "name": value } }');
  for (const k of Object.keys(o)) if (!ECHO_FIELDS.includes(k)) bad(`unknown field '${k}'; the fields are ${ECHO_FIELDS.join(', ')}`);
  const taps = o.taps;
  if (typeof taps !== 'number' || !Number.isInteger(taps) || taps < 1 || taps > 1024) bad('taps must be an integer from 1 to 1024 (the tail in samples: 8 per ms, 512 = 64 ms)');
  const params: Array<string | number> = [];
  if (o.params !== undefined) {
    if (!isObject(o.params)) bad('params must be an object of names and integer values, e.g. { "nlp_type": 3 }');
    const entries = Object.entries(o.params as Record<string, unknown>);
    if (entries.length > 4) bad(`at most 4 params (DAHDI passes that many here), got ${entries.length}`);
    for (const [name, v] of entries) {
      if (!/^[a-z0-9_]{1,15}$/i.test(name)) bad(`param name '${name}' must be 1-15 letters, digits or _ (as the canceller module names them)`);
      if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2147483647) bad(`param '${name}' must be a 32-bit integer`);
      params.push(name, v as number);
    }
  }
  return { taps: taps as number, params };
}

/** The echo canceller switch of a span or group: absent, true, false or the driver's options. */
function echoOption(o: Record<string, unknown>, at: string): { echoCanceller?: boolean | EchoCancellerOptions } {
  if (o.echoCanceller === undefined) return {};
  if (typeof o.echoCanceller === 'boolean') return { echoCanceller: o.echoCanceller };
  if (!isObject(o.echoCanceller))
    fail(`${at}/echoCanceller`, 'must be true (cancel the echo of our prompts: analog lines, E1 through a far 2-wire hybrid), false (fax and data lines) or { "taps": N } (the card\'s canceller)');
  checkEchoOptions(o.echoCanceller, `${at}/echoCanceller`);
  return { echoCanceller: o.echoCanceller as unknown as EchoCancellerOptions };
}

/** dahdiSpan and basechan of a span, checked. */
function dahdiFields(s: Record<string, unknown>, at: string): { dahdiSpan?: number; basechan?: number } {
  const dahdi: { dahdiSpan?: number; basechan?: number } = {};
  if (s.dahdiSpan !== undefined) {
    if (typeof s.dahdiSpan !== 'number' || !Number.isInteger(s.dahdiSpan) || s.dahdiSpan < 1 || s.dahdiSpan > 128) fail(`${at}/dahdiSpan`, 'must be a DAHDI span number from 1 to 128 (as dahdi_scan lists them)');
    dahdi.dahdiSpan = s.dahdiSpan;
  }
  if (s.basechan !== undefined) {
    if (typeof s.basechan !== 'number' || !Number.isInteger(s.basechan) || s.basechan < 1 || s.basechan > 4066) fail(`${at}/basechan`, "must be the DAHDI channel number of the span's first channel, from 1 to 4066 (dahdi_scan's basechan)");
    dahdi.basechan = s.basechan;
  }
  return dahdi;
}

function lawField(s: Record<string, unknown>, at: string): { law?: 'alaw' | 'mulaw' } {
  if (s.law === undefined) return {};
  if (s.law !== 'alaw' && s.law !== 'mulaw') fail(`${at}/law`, "must be 'alaw' (G.711 A-law: Europe, China) or 'mulaw' (G.711 mu-law: North America, Japan)");
  return { law: s.law };
}

function validateSpan(s: unknown, at: string): SpanProfile {
  if (!isObject(s)) fail(at, 'a span must be an object like { "type": "E1" } or { "type": "analog", "role": "fxs", "ports": 8 }');
  if (s.name !== undefined && typeof s.name !== 'string') fail(`${at}/name`, 'must be a string');
  const name = { ...(typeof s.name === 'string' && s.name ? { name: s.name } : {}), ...echoOption(s, at) };
  if (s.type === 'analog') {
    onlyFields(s, ANALOG_FIELDS, at, 'an analog span');
    if (s.role !== 'fxs' && s.role !== 'fxo') fail(`${at}/role`, "must be 'fxs' (station ports) or 'fxo' (exchange lines)");
    const ports = s.ports ?? 8;
    if (typeof ports !== 'number' || !Number.isInteger(ports) || ports < 1 || ports > 30) fail(`${at}/ports`, 'must be an integer from 1 to 30');
    return { type: 'analog', role: s.role, ports, ...name, ...lawField(s, at), ...dahdiFields(s, at) };
  }
  if (s.type === 'T1') {
    onlyFields(s, T1_FIELDS, at, 'a T1 span');
    if (s.signalling !== undefined && s.signalling !== 'cas') fail(`${at}/signalling`, "must be 'cas' (China No.1 is an E1 signalling)");
    const channels = s.channels ?? 24;
    if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || channels > 24) fail(`${at}/channels`, 'must be an integer from 1 to 24 (a T1 carries 24)');
    return { type: 'T1', signalling: 'cas', channels, ...name, ...lawField(s, at), ...dahdiFields(s, at) };
  }
  if (s.type !== 'E1') fail(`${at}/type`, "must be 'E1', 'T1' or 'analog'");
  onlyFields(s, E1_FIELDS, at, 'an E1 span');
  if (s.signalling !== undefined && s.signalling !== 'cas' && s.signalling !== 'china-no1') {
    fail(`${at}/signalling`, "must be 'cas' (plain CAS line states) or 'china-no1' (China No.1, MFC R2 China variant)");
  }
  if (s.crc4 !== undefined && typeof s.crc4 !== 'boolean') fail(`${at}/crc4`, 'must be true or false');
  const signalling = s.signalling === 'china-no1' ? 'china-no1' : 'cas';
  if (s.r2 !== undefined && signalling !== 'china-no1') fail(`${at}/r2`, "China No.1 options need \"signalling\": \"china-no1\" on this span");
  const r2 = s.r2 === undefined ? {} : { r2: validateR2(s.r2, `${at}/r2`) };
  const dahdi = dahdiFields(s, at);
  return { type: 'E1', signalling, crc4: s.crc4 !== false, ...r2, ...name, ...dahdi };
}

function validateR2(r: unknown, at: string): R2SpanOptions {
  if (!isObject(r)) fail(at, 'must be an object like { "maxDnis": 5, "aniAfter": 1, "glarePriority": false }');
  onlyFields(r, R2_FIELDS, at, 'China No.1 options');
  const int = (v: unknown, min: number, max: number, field: string, what: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${at}/${field}`, `must be an integer from ${min} to ${max} (${what})`);
    return v;
  };
  const maxDnis = int(r.maxDnis, 0, 24, 'maxDnis', 'called digits before group B; 0 = not known, A3 is pulsed after 3 s');
  const aniAfter = int(r.aniAfter, -1, 24, 'aniAfter', "called digits before asking the caller's number; -1 = never");
  if (aniAfter === 0) fail(`${at}/aniAfter`, "must be -1 (never) or at least 1: the caller's number is asked in answer to a called digit (A6)");
  if (r.glarePriority !== undefined && typeof r.glarePriority !== 'boolean') fail(`${at}/glarePriority`, 'must be true or false');
  const category = int(r.category, 1, 15, 'category', "KA, the caller's category on outgoing calls: 1 ordinary subscriber, 4 priority, 5 free of charge");
  const callType = int(r.callType, 1, 15, 'callType', 'KD, the call type on outgoing calls: 3 local call, 1 or 2 toll');
  const dnisLengths = validateDnisLengths(r.dnisLengths, `${at}/dnisLengths`);
  return {
    ...(dnisLengths !== undefined ? { dnisLengths } : {}),
    ...(category !== undefined ? { category } : {}),
    ...(callType !== undefined ? { callType } : {}),
    ...(maxDnis !== undefined ? { maxDnis } : {}),
    ...(aniAfter !== undefined ? { aniAfter } : {}),
    ...(r.glarePriority !== undefined ? { glarePriority: r.glarePriority as boolean } : {}),
  };
}

/** { "12315": 5, "1": 11, "0": 12 }: a called number's length by its first digits (at most 8 prefixes of 1-8 digits). */
function validateDnisLengths(v: unknown, at: string): Record<string, number> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) fail(at, 'must be an object of prefix: length, like { "12315": 5, "1": 11, "0": 12 }');
  const entries = Object.entries(v);
  if (entries.length > 8) fail(at, `holds at most 8 prefixes, got ${entries.length}`);
  for (const [prefix, len] of entries) {
    if (!/^[0-9]{1,8}$/.test(prefix)) fail(`${at}/${prefix}`, 'a prefix is 1 to 8 digits 0-9');
    if (typeof len !== 'number' || !Number.isInteger(len) || len < prefix.length || len > 24) fail(`${at}/${prefix}`, `must be an integer from ${prefix.length} (the prefix's own digits) to 24: the called number's length`);
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

/** A group: "0:1-15,0:17-31" (channels only) or { "channels": "...", "role": "inbound" }. */
function validateGroup(spec: unknown, at: string, spans: SpanProfile[]): string | GroupProfile {
  if (typeof spec === 'string') {
    parseGroup(spec, spans.length, at, spans);
    return spec;
  }
  if (!isObject(spec)) fail(at, 'must be a string like "0:1-15,0:17-31" or an object like { "channels": "0:1-15", "role": "inbound" }');
  onlyFields(spec, GROUP_FIELDS, at, 'a group');
  if (typeof spec.channels !== 'string') fail(`${at}/channels`, 'must be a string like "0:1-15,0:17-31"');
  const out: GroupProfile = { channels: spec.channels };
  if (spec.role !== undefined) {
    if (typeof spec.role !== 'string' || !(CHANNEL_ROLES as string[]).includes(spec.role)) fail(`${at}/role`, `must be one of ${CHANNEL_ROLES.join(', ')}`);
    out.role = spec.role as ChannelRole;
  }
  if (spec.description !== undefined) {
    if (typeof spec.description !== 'string') fail(`${at}/description`, 'must be a string');
    out.description = spec.description;
  }
  Object.assign(out, echoOption(spec, at));
  const list = parseGroup(spec.channels, spans.length, `${at}/channels`, spans);
  if (out.role) {
    for (const [s, ts] of list) {
      const kind = spans[s].type === 'analog' ? (spans[s] as { role: 'fxs' | 'fxo' }).role : 'e1';
      if (out.role === 'station' && kind !== 'fxs') fail(`${at}/role`, `role 'station' is for FXS station ports, but ${s}:${ts} is ${kind === 'e1' ? `an ${spans[s].type} timeslot` : 'an FXO exchange line'}; give it a trunk role (inbound, outbound, bothway)`);
      if (out.role !== 'station' && kind === 'fxs') fail(`${at}/role`, `role '${out.role}' is for trunks, but ${s}:${ts} is an FXS station port (an agent's telephone); give it role 'station'`);
    }
  }
  return out;
}

export function validateProfile(raw: unknown, where = 'profile'): BoardProfile {
  if (!isObject(raw)) fail(where, 'must be a JSON object');
  const p = raw;
  for (const k of Object.keys(p)) if (!TOP_FIELDS.includes(k)) fail(`${where}#/${k}`, `unknown field '${k}'; the fields of a profile are ${TOP_FIELDS.join(', ')}`);
  if (typeof p.name !== 'string' || !p.name) fail(`${where}#/name`, 'must be a non-empty string');
  if (p.driver !== 'sim' && p.driver !== 'dahdi') {
    if (p.driver === 'fed') fail(`${where}#/driver`, "driver 'fed' is not built yet; use 'sim' or 'dahdi'");
    fail(`${where}#/driver`, "must be 'sim' or 'dahdi'");
  }
  if (p.description !== undefined && typeof p.description !== 'string') fail(`${where}#/description`, 'must be a string');
  const tickMs = p.tickMs ?? 10;
  if (tickMs !== 5 && tickMs !== 10 && tickMs !== 20) fail(`${where}#/tickMs`, 'must be 5, 10 or 20');
  if (!Array.isArray(p.spans) || p.spans.length === 0) fail(`${where}#/spans`, 'must be a non-empty array');
  const limit = p.network ? MAX_SPANS / 2 : MAX_SPANS;
  if (p.spans.length > limit) fail(`${where}#/spans`, `at most ${limit} spans`);
  const spans: SpanProfile[] = p.spans.map((s: unknown, i: number) => validateSpan(s, `${where}#/spans/${i}`));
  let network: BoardProfile['network'];
  if (p.network !== undefined) {
    const n = p.network;
    if (!isObject(n) || n.type !== 'loop') fail(`${where}#/network`, 'must be { "type": "loop" }');
    onlyFields(n, NETWORK_FIELDS, `${where}#/network`, 'network');
    network = { type: 'loop' };
  }
  let groups: Record<string, string | GroupProfile> | undefined;
  if (p.groups !== undefined) {
    if (!isObject(p.groups)) fail(`${where}#/groups`, 'must be an object');
    // Null prototype: a group named __proto__ is stored, not taken for the prototype.
    groups = Object.create(null) as Record<string, string | GroupProfile>;
    for (const [name, spec] of Object.entries(p.groups)) {
      const at = `${where}#/groups/${name}`;
      if (!name) fail(at, 'a group needs a non-empty name');
      groups[name] = validateGroup(spec, at, spans);
    }
  }
  if (p.driver === 'dahdi') {
    if (network) fail(`${where}#/network`, "a simulated network side is for the sim driver; a DAHDI board's far end is the line on its card");
    dahdiChannels(spans, where);
  } else {
    spans.forEach((s, i) => {
      if (s.dahdiSpan !== undefined || s.basechan !== undefined) fail(`${where}#/spans/${i}`, "dahdiSpan and basechan are for driver 'dahdi'");
    });
  }
  const profile: BoardProfile = { name: p.name, driver: p.driver, tickMs, spans, ...(network ? { network } : {}), ...(groups ? { groups } : {}) };
  channelRoles(profile, where);
  echoCancellers(profile, where);
  return profile;
}

/** DAHDI channels of a span: E1 31 (timeslot 16 included), T1 its channels, analog its ports. */
export function spanWidth(s: SpanProfile): number {
  return s.type === 'E1' ? 31 : s.type === 'T1' ? (s.channels ?? 24) : (s.ports ?? 8);
}

/** Bearers (E1), channels (T1) or ports (analog) of a span, numbered 1..n on the board. */
export function spanChannels(s: SpanProfile): number {
  return s.type === 'E1' ? 30 : spanWidth(s);
}

// driver.h / dahdi.h: hl_dahdi_kind and hl_dahdi_law.
const DAHDI_KIND = { E1: 0, T1: 1, fxs: 2, fxo: 3 } as const;

/**
 * The DAHDI layout of a DAHDI profile's spans, flattened [span, basechan,
 * kind, channels, law, ...] as the native board takes it. Defaults: span
 * i+1; basechan (span - 1) * width + 1, the numbering system.conf gives a
 * card whose spans are all alike (E1 31 channels, T1 24, analog its ports;
 * give basechan where they differ); law A-law, mu-law on T1. Refuses
 * overlaps.
 */
export function dahdiChannels(spans: SpanProfile[], where = 'profile'): number[] {
  const out: number[] = [];
  const seen = new Map<number, number>();
  spans.forEach((s, i) => {
    const span = s.dahdiSpan ?? i + 1;
    const width = spanWidth(s);
    // A card numbers every channel of a span, used or not: a T1 takes 24.
    const base = s.basechan ?? (span - 1) * (s.type === 'T1' ? 24 : width) + 1;
    for (const [j, other] of seen) {
      const ob = out[5 * j + 1];
      const ow = spanWidth(spans[j]);
      // An analog card is one DAHDI span of FXS and FXO modules: port groups may share it.
      const slices = s.type === 'analog' && spans[j].type === 'analog';
      if (other === span && !slices) fail(`${where}#/spans/${i}/dahdiSpan`, `DAHDI span ${span} is already profile span ${j}`);
      if (base < ob + ow && ob < base + width) fail(`${where}#/spans/${i}/basechan`, `channels ${base}-${base + width - 1} overlap profile span ${j}'s ${ob}-${ob + ow - 1}`);
    }
    seen.set(i, span);
    const kind = s.type === 'analog' ? DAHDI_KIND[s.role] : DAHDI_KIND[s.type];
    const law = s.type === 'E1' ? 0 : (s.law ?? (s.type === 'T1' ? 'mulaw' : 'alaw')) === 'mulaw' ? 1 : 0;
    out.push(span, base, kind, width, law);
  });
  return out;
}

/**
 * The channels ("span:timeslot" or "span:port") whose line echo canceller the
 * profile turns on: their span's `echoCanceller`, unless a group that lists
 * them says otherwise. Two groups giving one channel different values are
 * refused (BOARD_PROFILE_INVALID).
 */
export function echoCancellers(profile: BoardProfile, where = 'profile'): Map<string, true | EchoCancellerOptions> {
  const byGroup = new Map<string, { on: boolean | EchoCancellerOptions; group: string }>();
  const groups = profile.groups;
  if (groups) {
    for (const name of Object.keys(groups)) {
      const g = groups[name];
      if (typeof g === 'string' || g.echoCanceller === undefined) continue;
      for (const [s, ts] of parseGroup(g.channels, profile.spans.length, `${where}#/groups/${name}/channels`, profile.spans)) {
        const key = `${s}:${ts}`;
        const had = byGroup.get(key);
        if (had && JSON.stringify(had.on) !== JSON.stringify(g.echoCanceller))
          fail(`${where}#/groups/${name}/echoCanceller`, `channel ${key} has echoCanceller ${JSON.stringify(had.on)} from group '${had.group}' and ${JSON.stringify(g.echoCanceller)} from group '${name}'; give it one value`);
        byGroup.set(key, { on: g.echoCanceller, group: name });
      }
    }
  }
  const on = new Map<string, true | EchoCancellerOptions>();
  profile.spans.forEach((sp, s) => {
    const count = spanWidth(sp);
    for (let ts = 1; ts <= count; ts++) {
      if (sp.type === 'E1' && ts === 16) continue; // CAS, not a bearer
      const key = `${s}:${ts}`;
      const v = byGroup.get(key)?.on ?? sp.echoCanceller ?? false;
      if (v !== false) on.set(key, v);
    }
  });
  return on;
}

/** "span:timeslot" or "span:port" -> its group's role, for channels some group gives one. */
export type RoleMap = Map<string, { role: ChannelRole; group: string }>;

/**
 * The roles the profile's groups give. A channel may be in several plain
 * groups, but in one role group only (BOARD_PROFILE_INVALID otherwise).
 */
export function channelRoles(profile: BoardProfile, where = 'profile'): RoleMap {
  const roles: RoleMap = new Map();
  const groups = profile.groups;
  if (!groups) return roles;
  for (const name of Object.keys(groups)) {
    const g = groups[name];
    if (typeof g === 'string' || !g.role) continue;
    for (const [s, ts] of parseGroup(g.channels, profile.spans.length, `${where}#/groups/${name}/channels`, profile.spans)) {
      const key = `${s}:${ts}`;
      const had = roles.get(key);
      if (had && had.group !== name) fail(`${where}#/groups/${name}`, `channel ${key} is already in group '${had.group}' with role '${had.role}'; a channel has one role, so list it in one of the two groups only`);
      roles.set(key, { role: g.role, group: name });
    }
  }
  return roles;
}

/** The role of a channel that no group names: trunks take calls both ways, FXS ports are stations. */
export function defaultRole(kind: 'e1' | 'fxs' | 'fxo'): ChannelRole {
  return kind === 'fxs' ? 'station' : 'bothway';
}

/** The channel list of a group, whichever form it has. */
export function groupChannels(g: string | GroupProfile): string {
  return typeof g === 'string' ? g : g.channels;
}

/** "0:1-15,1:17" -> [[span, timeslot or port], ...]; each channel at most once. */
export function parseGroup(spec: string, spans: number, where: string, profiles?: SpanProfile[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const seen = new Set<string>();
  const add = (span: number, n: number, part: string) => {
    const key = `${span}:${n}`;
    if (seen.has(key)) fail(where, `channel ${key} is listed twice ('${part}' overlaps an earlier entry); list each channel once`);
    seen.add(key);
    out.push([span, n]);
  };
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.every((x) => !x)) fail(where, 'the group lists no channel; write span:timeslot or span:first-last, e.g. "0:1-15,0:17-31"');
  for (const part of parts) {
    if (!part) fail(where, `an empty entry between commas in '${spec}'; remove the extra comma`);
    const m = /^(\d{1,6}):(\d{1,6})(?:-(\d{1,6}))?$/.exec(part);
    if (!m) fail(where, `'${part}' is not span:timeslot or span:first-last`);
    const span = Number(m[1]);
    const a = Number(m[2]);
    const b = m[3] ? Number(m[3]) : a;
    if (span >= spans) fail(where, `span ${span} does not exist (the profile has ${spans})`);
    const sp = profiles?.[span];
    if (sp?.type === 'analog' || sp?.type === 'T1') {
      const n = spanWidth(sp);
      const what = sp.type === 'T1' ? 'channels' : 'ports';
      if (a < 1 || b > n || a > b) fail(where, `${what} '${part}' are outside 1-${n}`);
      for (let p = a; p <= b; p++) add(span, p, part);
      continue;
    }
    if (a < 1 || b > 31 || a > b) fail(where, `timeslots '${part}' are outside 1-31`);
    if (a === 16 && b === 16) fail(where, `timeslot 16 ('${part}') carries CAS signalling, not a call; bearers are 1-15 and 17-31`);
    for (let ts = a; ts <= b; ts++) {
      if (ts === 16) continue; // timeslot 16 carries CAS
      add(span, ts, part);
    }
  }
  return out;
}
