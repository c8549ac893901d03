// Loading, validating and hot-reloading IVR flows. A flow is validated once, at
// load (STYLE: validate at the edge); the interpreter then trusts it. An invalid
// flow is refused with the file, the JSON pointer of the offending node or field
// and what is wrong, and the flow in service stays in place. Calls keep the
// Flow object they started with, so a reload never changes a call mid-way.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { IvrError } from './errors.ts';
import { flowDocSchema, NEXT_FIELDS, nodeSchemas, PROMPT_FIELDS } from './flow-schema.ts';
import type { Flow, FlowDoc, FlowNode, NodeType } from './flow-types.ts';
import { PromptSet } from './prompts.ts';

export const DEFAULT_FLOW_FILE = join(dirname(fileURLToPath(import.meta.url)), 'flows', '12315.yaml');

export interface FlowProblem {
  /** JSON pointer (RFC 6901) into the flow document. */
  pointer: string;
  message: string;
}

const Ajv = AjvModule as unknown as typeof AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
const validateDoc = ajv.compile(flowDocSchema);
const validateNode = Object.fromEntries(Object.entries(nodeSchemas).map(([t, s]) => [t, ajv.compile(s)])) as Record<NodeType, ValidateFunction>;

function esc(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

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

/** Every node a prompt field names, for the checks against the manifest. */
function promptsOf(n: FlowNode): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const rec = n as unknown as Record<string, unknown>;
  for (const f of PROMPT_FIELDS[n.type]) {
    const list = rec[f] as string[] | undefined;
    list?.forEach((p, i) => out.push([`/${f}/${i}`, p]));
  }
  if (n.type === 'say') n.parts.forEach((p, i) => 'prompt' in p && out.push([`/parts/${i}/prompt`, p.prompt]));
  if (n.type === 'consult' && n.titles) for (const [k, p] of Object.entries(n.titles)) out.push([`/titles/${esc(k)}`, p]);
  if (n.type === 'survey' && n.questions) for (const [k, p] of Object.entries(n.questions)) out.push([`/questions/${esc(k)}`, p]);
  return out;
}

/** Checks a parsed flow document; returns the problems (empty = valid). */
export function checkFlow(doc: unknown, prompts?: PromptSet): FlowProblem[] {
  if (!validateDoc(doc)) return ajvProblems(validateDoc.errors, '');
  const flow = doc as FlowDoc;
  const problems: FlowProblem[] = [];
  const ids = new Set(Object.keys(flow.nodes));
  const needNode = (pointer: string, id: string | undefined) => {
    if (id !== undefined && !ids.has(id)) problems.push({ pointer, message: `names node '${id}', which the flow does not have` });
  };
  needNode('/start', flow.start);
  if (!flow.languages.includes(flow.language)) problems.push({ pointer: '/language', message: `'${flow.language}' is not one of languages ${JSON.stringify(flow.languages)}` });
  if (prompts) {
    flow.languages.forEach((l, i) => {
      if (!prompts.languages.includes(l)) problems.push({ pointer: `/languages/${i}`, message: `the prompt manifest has no language '${l}' (it has ${prompts.languages.join(', ')})` });
    });
  }
  for (const [id, raw] of Object.entries(flow.nodes)) {
    const at = `/nodes/${esc(id)}`;
    const type = (raw as { type: NodeType }).type;
    const v = validateNode[type];
    if (!v(raw)) {
      problems.push(...ajvProblems(v.errors, at));
      continue;
    }
    const n = raw as FlowNode;
    for (const f of NEXT_FIELDS[n.type]) needNode(`${at}/${f}`, (n as unknown as Record<string, string>)[f]);
    needNode(`${at}/onHangup`, n.onHangup);
    if (n.type === 'menu') for (const [k, to] of Object.entries(n.keys)) needNode(`${at}/keys/${esc(k)}`, to);
    if (n.type === 'branch') n.cases.forEach((c, i) => needNode(`${at}/cases/${i}/next`, c.next));
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
    if (n.type === 'language' && !flow.languages.includes(n.language)) problems.push({ pointer: `${at}/language`, message: `'${n.language}' is not one of the flow's languages` });
    if (n.type === 'hours') {
      n.open.forEach((r, i) => {
        const [a, b] = r.split('-');
        if (a >= b) problems.push({ pointer: `${at}/open/${i}`, message: `the range '${r}' ends before it starts` });
      });
      try {
        new Intl.DateTimeFormat('en', { timeZone: n.timeZone ?? 'Asia/Shanghai' });
      } catch {
        problems.push({ pointer: `${at}/timeZone`, message: `'${n.timeZone}' is not an IANA time zone` });
      }
    }
    if (prompts) {
      for (const [ptr, p] of promptsOf(n)) {
        const missing = flow.languages.filter((l) => prompts.missing(l, [p]).length > 0);
        if (missing.length) problems.push({ pointer: at + ptr, message: `prompt '${p}' has no file in language ${missing.join(', ')}` });
      }
    }
  }
  return problems;
}

let versions = 0;

/** Reads, parses and validates a flow file; throws IVR_FLOW_UNREADABLE or IVR_FLOW_INVALID. */
export function loadFlow(file: string, prompts?: PromptSet): Flow {
  const path = resolve(file);
  let doc: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new IvrError('IVR_FLOW_UNREADABLE', `cannot read flow ${path}: ${(e as Error).message}`, { file: path });
  }
  const problems = checkFlow(doc, prompts);
  if (problems.length) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new IvrError('IVR_FLOW_INVALID', `flow ${path} refused: ${first.pointer || '/'} ${first.message}${more}`, { file: path, pointer: first.pointer, problems });
  }
  return { ...(doc as FlowDoc), file: path, version: ++versions, loadedAt: Date.now() };
}

/**
 * The flow in service. `reload()` swaps it only when the new file is valid;
 * calls in progress hold their own reference and are unaffected.
 */
export class FlowHost {
  #current: Flow;
  readonly #prompts: PromptSet | undefined;

  constructor(file: string, prompts?: PromptSet) {
    this.#prompts = prompts;
    this.#current = loadFlow(file, prompts);
  }

  get current(): Flow {
    return this.#current;
  }

  /**
   * Reloads from `file` (default: the current file). Throws, keeping the
   * current flow, if invalid. The prompts are read again first, so replaced
   * WAV files are checked against the new flow and played from the next call.
   */
  reload(file = this.#current.file): Flow {
    // Checked against the prompts as they are on disk now; the prompts in
    // service are swapped only with a flow that passed.
    const next = loadFlow(file, this.#prompts ? new PromptSet(this.#prompts.dir) : undefined);
    this.#prompts?.refresh();
    this.#current = next;
    return next;
  }
}
