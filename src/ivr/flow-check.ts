// What a flow means, checked after its schema (flow-schema.ts) passed: every
// node named exists, every variable a template or branch reads is one the
// call carries or a node sets, a case is created only of a kind the store
// knows, and every node can be reached. Names in a flow come from a file, so
// they are held in null-prototype objects and Sets: a node, key or variable
// named `constructor` or `__proto__` is an ordinary name here and never finds
// Object.prototype.
import { CASE_KINDS, INTAKE_CHANNELS } from '../cases/types.ts';
import type { FlowDoc, FlowNode } from './flow-types.ts';
import { NEXT_FIELDS } from './flow-schema.ts';

export interface FlowProblem {
  /** JSON pointer (RFC 6901) into the flow document. */
  pointer: string;
  message: string;
}

/** Variables every call carries from its start (set by the call core and the interpreter). */
export const CALL_VARS: readonly string[] = ['callerNumber', 'calledNumber', 'callId', 'lang', 'mail.enabled'];

/** Variables a case_lookup node sets on success (interpreter.ts). */
export const CASE_LOOKUP_VARS: readonly string[] = [
  'case.number',
  'case.kind',
  'case.status',
  'case.result',
  'case.createdAt',
  'case.date',
  'case.email',
  'case.statusText',
  'case.resultText',
];

/** `{{name}}` in a text: the variable read (the interpreter fills with the same pattern). */
export const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

export function esc(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A deep copy in which every object has no prototype (arrays stay arrays). */
export function nullProto<T>(v: T): T {
  if (Array.isArray(v)) return v.map(nullProto) as T;
  if (v === null || typeof v !== 'object') return v;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(v)) out[k] = nullProto((v as Record<string, unknown>)[k]);
  return out as T;
}

/** Node ids a node leads to, with the pointer of the field naming each. */
export function edges(n: FlowNode, at: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const rec = n as unknown as Record<string, unknown>;
  for (const f of NEXT_FIELDS[n.type]) if (typeof rec[f] === 'string') out.push([`${at}/${f}`, rec[f] as string]);
  if (n.onHangup !== undefined) out.push([`${at}/onHangup`, n.onHangup]);
  if (n.type === 'menu') for (const k of Object.keys(n.keys)) out.push([`${at}/keys/${esc(k)}`, n.keys[k]]);
  if (n.type === 'branch') n.cases.forEach((c, i) => out.push([`${at}/cases/${i}/next`, c.next]));
  return out;
}

/** Text fields of a node that are templates, with their pointers. */
function templates(n: FlowNode, at: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const local = (f: string, t: string | Record<string, string>) => {
    if (typeof t === 'string') out.push([`${at}/${f}`, t]);
    else for (const l of Object.keys(t)) out.push([`${at}/${f}/${esc(l)}`, t[l]]);
  };
  switch (n.type) {
    case 'set':
      for (const k of Object.keys(n.vars)) out.push([`${at}/vars/${esc(k)}`, n.vars[k]]);
      break;
    case 'case_lookup':
      out.push([`${at}/number`, n.number]);
      break;
    case 'create_case':
      out.push([`${at}/kind`, n.kind]);
      for (const f of ['callbackNumber', 'replyWanted', 'facts'] as const) if (n[f] !== undefined) out.push([`${at}/${f}`, n[f]!]);
      break;
    case 'say':
      n.parts.forEach((p, i) => {
        const [k, v] = Object.entries(p)[0] as [string, string];
        if (k !== 'prompt') out.push([`${at}/parts/${i}/${k}`, v]);
      });
      break;
    case 'email':
      out.push([`${at}/to`, n.to]);
      local('subject', n.subject);
      local('text', n.text);
      break;
    default:
  }
  return out;
}

/** Variables a node stores into the call. */
function writes(n: FlowNode): string[] {
  switch (n.type) {
    case 'set':
      return Object.keys(n.vars);
    case 'collect':
    case 'record':
    case 'create_case':
      return [n.var];
    case 'case_lookup':
      return [...CASE_LOOKUP_VARS];
    case 'transfer':
      return ['queue'];
    case 'survey':
      return ['survey'];
    default:
      return [];
  }
}

const KINDS = new Set<string>(CASE_KINDS);


// Fields an hours node once had for a calendar of its own.
const CALENDAR_FIELDS = ['timeZone', 'days', 'holidays', 'workingDays'] as const;

/**
 * The checks after the schema. `flow` is a schema-valid document held in
 * null-prototype objects. Returns problems (the flow is refused) and
 * warnings (it loads; the warnings are printed).
 */
export function checkMeaning(flow: FlowDoc): { problems: FlowProblem[]; warnings: FlowProblem[] } {
  const problems: FlowProblem[] = [];
  const warnings: FlowProblem[] = [];
  const ids = new Set(Object.keys(flow.nodes));
  const needNode = (pointer: string, id: string) => {
    if (!ids.has(id)) problems.push({ pointer, message: `names node '${id}', which the flow does not have` });
  };
  needNode('/start', flow.start);

  // Who writes which variable, and what a literal `set` writes (for kinds).
  const known = new Set<string>([...CALL_VARS, ...Object.keys(flow.vars ?? {})]);
  const recorded = new Set<string>();
  const literal = new Map<string, Array<[string, string]>>();
  const computed = new Map<string, string>();
  for (const k of Object.keys(flow.vars ?? {})) literal.set(k, [[`/vars/${esc(k)}`, flow.vars![k]]]);
  for (const id of ids) {
    const n = flow.nodes[id];
    const at = `/nodes/${esc(id)}`;
    for (const w of writes(n)) known.add(w);
    if (n.type === 'record') recorded.add(n.var);
    if (n.type === 'set') {
      for (const k of Object.keys(n.vars)) {
        const v = n.vars[k];
        if (v.search(TEMPLATE) >= 0 || v.includes('{{')) computed.set(k, `${at}/vars/${esc(k)}`);
        else literal.set(k, [...(literal.get(k) ?? []), [`${at}/vars/${esc(k)}`, v]]);
      }
    } else for (const w of writes(n)) computed.set(w, at);
  }
  const knownList = () => [...known].sort().join(', ');
  const needVar = (pointer: string, name: string, how: string) => {
    if (!known.has(name)) problems.push({ pointer, message: `${how} '${name}', a variable the call does not carry and no node sets (known: ${knownList()})` });
  };

  for (const id of ids) {
    const n = flow.nodes[id];
    const at = `/nodes/${esc(id)}`;
    for (const [ptr, to] of edges(n, at)) needNode(ptr, to);
    for (const [ptr, text] of templates(n, at)) {
      for (const m of text.matchAll(TEMPLATE)) needVar(ptr, m[1], `reads {{${m[1]}}}:`);
    }
    if (n.type === 'branch') n.cases.forEach((c, i) => needVar(`${at}/cases/${i}/if/var`, c.if.var, 'tests'));
    if (n.type === 'collect') {
      if ((n.minLength ?? 1) > n.maxLength) problems.push({ pointer: `${at}/minLength`, message: `minLength ${n.minLength} exceeds maxLength ${n.maxLength}` });
      if (n.validate && n.validate !== 'case_number') {
        try {
          new RegExp(n.validate);
        } catch (e) {
          problems.push({ pointer: `${at}/validate`, message: `is neither 'case_number' nor a valid regular expression: ${(e as Error).message}` });
        }
      }
    }
    if (n.type === 'create_case') {
      if (!(INTAKE_CHANNELS as readonly string[]).includes(n.channel)) problems.push({ pointer: `${at}/channel`, message: `'${n.channel}' is not an intake channel of the case store (${INTAKE_CHANNELS.join(', ')})` });
      n.recordings.forEach((r, i) => {
        if (!recorded.has(r)) problems.push({ pointer: `${at}/recordings/${i}`, message: `names variable '${r}', which no record node sets` });
      });
      checkKind(n.kind, `${at}/kind`, literal, computed, problems);
    }
    if (n.type === 'language' && !flow.languages.includes(n.language)) problems.push({ pointer: `${at}/language`, message: `'${n.language}' is not one of the flow's languages` });
    if (n.type === 'hours') {
      n.open.forEach((r, i) => {
        const [a, b] = r.split('-');
        if (a >= b) problems.push({ pointer: `${at}/open/${i}`, message: `the range '${r}' ends before it starts` });
      });
      // One calendar: office hours follow the case store's working days, so
      // a second list here would disagree with the deadlines.
      for (const k of CALENDAR_FIELDS) {
        if (Object.hasOwn(n, k))
          problems.push({ pointer: `${at}/${k}`, message: `the hours node follows the bureau's working calendar (the case store's: time zone, State Council holidays and make-up days; set calendar.timeZone / holidays / workingWeekends in the cases configuration); remove '${k}'` });
      }
    }
  }

  // Reachability from the start (every edge, hang-up paths included).
  if (ids.has(flow.start)) {
    const seen = new Set<string>([flow.start]);
    const queue = [flow.start];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const [, to] of edges(flow.nodes[id], '')) {
        if (ids.has(to) && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    for (const id of ids) {
      if (!seen.has(id)) warnings.push({ pointer: `/nodes/${esc(id)}`, message: `node '${id}' cannot be reached from start '${flow.start}': no node leads to it` });
    }
  }
  return { problems, warnings };
}

/**
 * A create_case kind is a kind the store knows, or `{{v}}` where every value
 * the flow can give `v` is one (only `set` nodes and flow vars with literal
 * values can: digits keyed by the caller could be anything).
 */
function checkKind(kind: string, pointer: string, literal: Map<string, Array<[string, string]>>, computed: Map<string, string>, problems: FlowProblem[]): void {
  const kinds = CASE_KINDS.join(', ');
  const m = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/.exec(kind);
  if (!m) {
    if (!KINDS.has(kind)) problems.push({ pointer, message: `'${kind}' is not a case kind the store knows (${kinds})` });
    return;
  }
  const name = m[1];
  const from = computed.get(name) ?? (literal.has(name) || !CALL_VARS.includes(name) ? undefined : 'the call');
  if (from !== undefined) problems.push({ pointer, message: `takes the kind from '${name}', which ${from} sets to a value the flow cannot check; set it to one of ${kinds}` });
  for (const [ptr, v] of literal.get(name) ?? []) {
    if (!KINDS.has(v)) problems.push({ pointer: ptr, message: `sets '${name}' to '${v}', which ${pointer} uses as the case kind; the store knows ${kinds}` });
  }
}
