// A flow as text (the console's flow editor): parsed as the loader parses a
// file (JSON, or YAML with warnings refused), checked by the loader's own
// checks (checkFlow: schema, meaning, prompts), each problem with the line
// its JSON pointer names in the text, and the flow as a list of nodes with
// where each leads, for a reader.
import { LineCounter, parseDocument, isNode, type Node as YamlNode } from 'yaml';
import { checkFlow, readYaml, type FlowProblem } from './flow.ts';
import { edges } from './flow-check.ts';
import type { FlowDoc, FlowNodeView, TextProblem } from './flow-types.ts';
import type { PromptSet } from './prompts.ts';

export type FlowFormat = 'yaml' | 'json';

export type { FlowNodeView, TextProblem };

export interface TextCheck {
  /** IVR_FLOW_UNREADABLE (the text does not parse) or IVR_FLOW_INVALID when there are problems. */
  code?: 'IVR_FLOW_UNREADABLE' | 'IVR_FLOW_INVALID';
  problems: TextProblem[];
  warnings: TextProblem[];
  flow?: FlowDoc;
}

const unesc = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

/** The line (1-based) a JSON pointer names in the text, or of its nearest parent that exists. */
export function lineOf(text: string, pointer: string): number | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, logLevel: 'silent' });
  const path = pointer === '' ? [] : pointer.slice(1).split('/').map(unesc);
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = n === 0 ? doc.contents : (doc.getIn(keys, true) as unknown);
    if (isNode(node) && (node as YamlNode).range) return lc.linePos((node as YamlNode).range![0]).line;
  }
  return undefined;
}

/** Parses and checks a flow text; never throws (a parse failure is one problem at the line the parser names). */
export function checkFlowText(text: string, format: FlowFormat, prompts?: PromptSet): TextCheck {
  let doc: unknown;
  try {
    doc = format === 'json' ? JSON.parse(text) : readYaml(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /line (\d+)/i.exec(msg) ?? /at line (\d+)/i.exec(msg);
    return { code: 'IVR_FLOW_UNREADABLE', problems: [{ pointer: '', message: msg, ...(m ? { line: Number(m[1]) } : {}) }], warnings: [] };
  }
  const r = checkFlow(doc, prompts);
  const withLine = (p: FlowProblem): TextProblem => {
    const line = lineOf(text, p.pointer);
    return line === undefined ? { ...p } : { ...p, line };
  };
  return { ...(r.problems.length ? { code: 'IVR_FLOW_INVALID' as const } : {}), problems: r.problems.map(withLine), warnings: r.warnings.map(withLine), ...(r.flow && !r.problems.length ? { flow: r.flow } : {}) };
}

/** The nodes of a checked flow in a reader's order: from start, breadth first, then any not reached. */
export function flowNodes(flow: FlowDoc): FlowNodeView[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = [flow.start];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id) || !Object.hasOwn(flow.nodes, id)) continue;
    seen.add(id);
    order.push(id);
    for (const [, to] of edges(flow.nodes[id], '')) queue.push(to);
  }
  for (const id of Object.keys(flow.nodes)) if (!seen.has(id)) order.push(id);
  return order.map((id) => {
    const n = flow.nodes[id];
    return { id, type: n.type, ...(n.note ? { note: n.note } : {}), to: edges(n, '').map(([ptr, to]) => [ptr.slice(1), to] as [string, string]) };
  });
}
