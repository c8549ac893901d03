// Loading, validating and hot-reloading IVR flows. A flow is validated once, at
// load (STYLE: validate at the edge); the interpreter then trusts it. An invalid
// flow is refused with every problem, each with the file, the JSON pointer of
// the offending node or field and what is wrong, and the flow in service stays
// in place. A loaded flow is held in null-prototype objects (flow-check.ts). Calls keep the
// Flow object they started with, so a reload never changes a call mid-way.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { IvrError } from './errors.ts';
import { checkMeaning, esc, nullProto, type FlowProblem } from './flow-check.ts';
import { flowDocSchema, nodeSchemas, PROMPT_FIELDS } from './flow-schema.ts';
import type { Flow, FlowDoc, FlowNode } from './flow-types.ts';
import { PromptSet } from './prompts.ts';

export type { FlowProblem } from './flow-check.ts';

export const DEFAULT_FLOW_FILE = join(dirname(fileURLToPath(import.meta.url)), 'flows', '12315.yaml');

const Ajv = AjvModule as unknown as typeof AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
const validateDoc = ajv.compile(flowDocSchema);
const validateNode = new Map<string, ValidateFunction>(Object.entries(nodeSchemas).map(([t, s]) => [t, ajv.compile(s)]));

function ajvProblems(errors: ErrorObject[] | null | undefined, prefix: string): FlowProblem[] {
  return (errors ?? []).map((e) => {
    let msg = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') msg = `has an unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    else if (e.keyword === 'required') msg = `lacks the required field '${(e.params as { missingProperty: string }).missingProperty}'`;
    else if (e.keyword === 'enum') msg = `${msg}: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    else if (e.keyword === 'const') msg = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    return { pointer: prefix + e.instancePath, message: msg };
  });
}

/** Every prompt a node names, with its pointer, for the checks against the prompts. */
function promptsOf(n: FlowNode): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const rec = n as unknown as Record<string, unknown>;
  for (const f of PROMPT_FIELDS[n.type]) {
    const list = rec[f] as string[] | undefined;
    list?.forEach((p, i) => out.push([`/${f}/${i}`, p]));
  }
  if (n.type === 'say') n.parts.forEach((p, i) => 'prompt' in p && out.push([`/parts/${i}/prompt`, p.prompt]));
  if (n.type === 'consult' && n.titles) for (const k of Object.keys(n.titles)) out.push([`/titles/${esc(k)}`, n.titles[k]]);
  if (n.type === 'survey' && n.questions) for (const k of Object.keys(n.questions)) out.push([`/questions/${esc(k)}`, n.questions[k]]);
  return out;
}

export interface FlowCheck {
  /** The flow is refused when there is any. */
  problems: FlowProblem[];
  /** Printed; the flow still loads (an unreachable node). */
  warnings: FlowProblem[];
  /** The document in null-prototype objects, when the schema passed. */
  flow?: FlowDoc;
}

/** Checks a parsed flow document: every problem, not only the first. */
export function checkFlow(doc: unknown, prompts?: PromptSet): FlowCheck {
  const problems: FlowProblem[] = validateDoc(doc) ? [] : ajvProblems(validateDoc.errors, '');
  // Each node against its type's schema, even when the document failed, so
  // one refusal lists the problems of every node too.
  const nodes = (doc as { nodes?: unknown } | null)?.nodes;
  if (nodes !== null && typeof nodes === 'object' && !Array.isArray(nodes)) {
    for (const id of Object.keys(nodes)) {
      const n = (nodes as Record<string, unknown>)[id] as { type?: unknown } | null;
      const v = typeof n?.type === 'string' ? validateNode.get(n.type) : undefined;
      if (v && !v(n)) problems.push(...ajvProblems(v.errors, `/nodes/${esc(id)}`));
    }
  }
  if (problems.length) return { problems, warnings: [] };
  const raw = doc as FlowDoc;
  const flow = nullProto(raw);
  if (!flow.languages.includes(flow.language)) problems.push({ pointer: '/language', message: `'${flow.language}' is not one of languages ${JSON.stringify(flow.languages)}` });
  if (prompts) {
    flow.languages.forEach((l, i) => {
      if (!prompts.languages.includes(l)) problems.push({ pointer: `/languages/${i}`, message: `the prompt manifest has no language '${l}' (it has ${prompts.languages.join(', ')})` });
    });
  }
  const meaning = checkMeaning(flow);
  problems.push(...meaning.problems);
  if (prompts) {
    for (const id of Object.keys(flow.nodes)) {
      for (const [ptr, p] of promptsOf(flow.nodes[id])) {
        const why = prompts.problem(flow.languages, p);
        if (why) problems.push({ pointer: `/nodes/${esc(id)}${ptr}`, message: why });
      }
    }
  }
  return { problems, warnings: meaning.warnings, flow };
}

/** Problems one per line, each `file#pointer: reason` (RFC 6901 pointer as a URI fragment). */
export function describeProblems(file: string, problems: FlowProblem[]): string {
  return problems.map((p) => `  ${file}#${p.pointer}: ${p.message}`).join('\n');
}

/**
 * YAML to plain data. A warning (an unknown tag such as `!!js/function`) is
 * refused like an error: it is a typo or a foreign file, and the library
 * would otherwise print it to the engine's stderr.
 */
export function readYaml(text: string): unknown {
  const d = parseDocument(text, { prettyErrors: true, logLevel: 'silent' });
  const faults = [...d.errors, ...d.warnings];
  if (faults.length) throw new Error(faults.map((f) => f.message.split('\n')[0]).join('; '));
  return d.toJS({ maxAliasCount: 100 });
}

let versions = 0;

/** Reads, parses and validates a flow file; throws IVR_FLOW_UNREADABLE or IVR_FLOW_INVALID (naming every problem). */
export function loadFlow(file: string, prompts?: PromptSet): Flow {
  const path = resolve(file);
  let doc: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    doc = path.endsWith('.json') ? JSON.parse(text) : readYaml(text);
  } catch (e) {
    throw new IvrError('IVR_FLOW_UNREADABLE', `cannot read flow ${path}: ${(e as Error).message}`, { file: path });
  }
  const { problems, warnings, flow } = checkFlow(doc, prompts);
  if (problems.length || !flow) {
    const n = problems.length;
    throw new IvrError('IVR_FLOW_INVALID', `flow ${path} refused, ${n} problem${n === 1 ? '' : 's'}:\n${describeProblems(path, problems)}`, {
      file: path,
      pointer: problems[0]?.pointer,
      problems,
    });
  }
  return Object.assign(flow, { file: path, version: ++versions, loadedAt: Date.now(), warnings });
}

/** One line per warning, for a log: `IVR_FLOW_UNREACHABLE: file#pointer: reason`. */
export function warningLines(flow: Flow): string[] {
  return flow.warnings.map((w) => `IVR_FLOW_UNREACHABLE: ${flow.file}#${w.pointer}: ${w.message}`);
}

/**
 * The flow in service. `reload()` swaps it only when the new file is valid;
 * calls in progress hold their own reference and are unaffected. Warnings
 * (unreachable nodes) go to `warn` at every load.
 */
export class FlowHost {
  #current: Flow;
  readonly #prompts: PromptSet | undefined;
  readonly #warn: ((line: string) => void) | undefined;

  constructor(file: string, prompts?: PromptSet, o: { warn?: (line: string) => void } = {}) {
    this.#prompts = prompts;
    this.#warn = o.warn;
    this.#current = loadFlow(file, prompts);
    for (const w of warningLines(this.#current)) this.#warn?.(w);
  }

  get current(): Flow {
    return this.#current;
  }

  /**
   * Reloads from `file` (default: the current file). Throws, keeping the
   * current flow and prompts, if the flow is invalid or a prompt is missing
   * or malformed (IVR_PROMPT_BAD_WAV, IVR_PROMPT_MANIFEST). The prompts are
   * read and parsed again first, so replaced WAV files are checked against
   * the new flow and played from the next call.
   */
  reload(file = this.#current.file): Flow {
    // Checked against the prompts as they are on disk now; the prompts in
    // service are swapped only with a flow that passed.
    const fresh = this.#prompts ? new PromptSet(this.#prompts.dir) : undefined;
    const next = loadFlow(file, fresh);
    if (fresh) this.#prompts!.adopt(fresh);
    this.#current = next;
    for (const w of warningLines(next)) this.#warn?.(w);
    return next;
  }
}
