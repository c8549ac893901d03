// Bounded fuzz of flow files: the 12315 flow mutated in its structure (values
// replaced by hostile ones, keys renamed to prototype names, nodes dropped or
// added) and in its text (bytes flipped, cut, inserted), written as YAML or
// JSON and loaded. Every input is either accepted and consistent (every node
// named exists, every node has a known type, the names live in null-prototype
// objects) or refused with a catalog code and a sentence; never a raw
// TypeError or RangeError. Deterministic (seeded); 1000 inputs by default (HL_FUZZ_INPUTS, HL_FUZZ_SEED).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { HotlineError } from '../../src/errors.ts';
import { edges } from '../../src/ivr/flow-check.ts';
import { nodeSchemas } from '../../src/ivr/flow-schema.ts';
import { IVR_ERRORS } from '../../src/ivr/errors.ts';
import { DEFAULT_FLOW_FILE, loadFlow } from '../../src/ivr/flow.ts';
import type { Flow } from '../../src/ivr/flow-types.ts';
import { PromptSet } from '../../src/ivr/prompts.ts';
import { base } from './_flows.ts';

const SEED = Number(process.env.HL_FUZZ_SEED ?? 12315);
const INPUTS = Number(process.env.HL_FUZZ_INPUTS ?? 1000);

let seed = SEED;
/** Park–Miller minimal standard generator: the same inputs on every run. */
const rnd = () => (seed = (seed * 48271) % 0x7fffffff) / 0x7fffffff;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const HOSTILE: unknown[] = [
  '', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype',
  '../../../../etc/passwd', '/etc/passwd', 'zh/../../x.wav', '{{constructor}}', '{{__proto__}}', '{{callerNumber}}',
  'lawsuit', 'complaint', 'x'.repeat(5000), '\u0000', '\ud800', '{{', '}}', '([', 'Mars/Olympus', '25:00-26:00',
  0, -1, 1.5, 1e20, Number.MAX_SAFE_INTEGER, true, false, null, [], {}, [null], { type: 'play' }, ['welcome'], { '': '' },
];
const TYPES = Object.keys(nodeSchemas);

/** Paths (key lists) to every value in a JSON-like document. */
function paths(v: unknown, at: string[] = [], out: string[][] = []): string[][] {
  out.push(at);
  if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

function parentOf(doc: any, path: string[]): any {
  let o = doc;
  for (const k of path.slice(0, -1)) o = o?.[k];
  return o;
}

/** One structural mutation of the document, in place. */
function mutate(doc: any): void {
  const all = paths(doc).filter((p) => p.length > 0);
  const path = pick(all);
  const parent = parentOf(doc, path);
  const key = path[path.length - 1];
  if (!parent || typeof parent !== 'object') return;
  switch (Math.floor(rnd() * 7)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 1:
    case 2:
      parent[key] = structuredClone(pick(HOSTILE));
      break;
    case 3: {
      // Rename a key (node id, menu key, variable) to a hostile name.
      if (Array.isArray(parent)) break;
      const to = String(pick(HOSTILE)).slice(0, 80);
      Object.defineProperty(parent, to, { value: parent[key], enumerable: true, configurable: true, writable: true });
      delete parent[key];
      break;
    }
    case 4: {
      // A new node of a random type, with a few random fields.
      const id = pick(['constructor', '__proto__', 'toString', 'n1', 'x.y', 'welcome']);
      const n: Record<string, unknown> = { type: pick(TYPES) };
      for (const f of ['next', 'prompts', 'kind', 'var', 'vars', 'keys', 'cases', 'else', 'fallback', 'channel', 'recordings']) {
        if (rnd() < 0.4) n[f] = structuredClone(pick([...HOSTILE, 'goodbye', ['goodbye'], 'message']));
      }
      Object.defineProperty(doc.nodes ?? {}, id, { value: n, enumerable: true, configurable: true, writable: true });
      break;
    }
    case 5:
      // Point an edge at a hostile name.
      if (typeof parent[key] === 'string') parent[key] = pick(['constructor', '__proto__', 'toString', 'nowhere', '']);
      break;
    default:
      // A prompt list entry.
      if (Array.isArray(parent)) parent.push(pick(['constructor', '../../../../etc/passwd', 'zh/welcome.wav', 'goodbye', 'en/../zh/goodbye.wav']));
  }
}

/** One byte-level mutation of a text. */
function mutateText(text: string): string {
  const b = Buffer.from(text, 'utf8');
  const at = Math.floor(rnd() * b.length);
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return b.subarray(0, at).toString('latin1');
    case 1:
      b[at] ^= 1 << Math.floor(rnd() * 8);
      return b.toString('utf8');
    case 2:
      return text.slice(0, at) + pick(['{', '}', '[', ']', ':', '"', "'", '\n  ', '&a', '*a', '!!js/function', '\t', '- ', '#']) + text.slice(at);
    default:
      return text.slice(0, at) + text.slice(at + Math.floor(rnd() * 40));
  }
}

/** A loaded flow is consistent: what the interpreter trusts holds. */
function consistent(f: Flow): void {
  assert.is(Object.getPrototypeOf(f.nodes), null, 'nodes not in a null-prototype object');
  const ids = new Set(Object.keys(f.nodes));
  assert.ok(ids.has(f.start), `start '${f.start}' is not a node`);
  for (const id of ids) {
    const n = f.nodes[id];
    assert.ok(TYPES.includes(n.type), `node ${id} has type ${String(n.type)}`);
    for (const [ptr, to] of edges(n, `/nodes/${id}`)) assert.ok(ids.has(to), `${ptr} names '${to}', which is not a node`);
    if (n.type === 'menu') assert.is(Object.getPrototypeOf(n.keys), null);
  }
  for (const w of f.warnings) assert.ok(w.pointer.startsWith('/nodes/') && w.message.length > 10, JSON.stringify(w));
}

const prompts = new PromptSet();
const dir = mkdtempSync(join(tmpdir(), 'hl-flow-fuzz-'));
const text = readFileSync(DEFAULT_FLOW_FILE, 'utf8');

test(`${INPUTS} mutated flows (seed ${SEED}): accepted and consistent, or refused with a catalog code and a sentence`, () => {
  const tally = new Map<string, number>();
  for (let i = 0; i < INPUTS; i++) {
    const json = rnd() < 0.5;
    let body: string;
    if (rnd() < 0.7) {
      const doc = structuredClone(base);
      for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) mutate(doc);
      body = json ? JSON.stringify(doc) : stringify(doc);
    } else {
      body = json ? JSON.stringify(base) : text;
      for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) body = mutateText(body);
    }
    const file = join(dir, `f${i}.${json ? 'json' : 'yaml'}`);
    writeFileSync(file, body);
    let outcome: string;
    try {
      consistent(loadFlow(file, prompts));
      outcome = 'accepted';
    } catch (e) {
      if ((e as { name?: string }).name === 'Assertion') throw new Error(`input ${i} (${file}) was accepted but is not consistent: ${(e as Error).message}`);
      const err = e as HotlineError;
      assert.ok(e instanceof HotlineError, `input ${i} (${file}): a raw ${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack}`);
      assert.ok(Object.hasOwn(IVR_ERRORS, err.code), `input ${i}: code ${err.code} is not in the IVR catalog`);
      assert.ok(err.message.length > 20 && err.message.includes(file), `input ${i}: no sentence naming the file: ${err.message}`);
      if (err.code === 'IVR_FLOW_INVALID') {
        const problems = (err.info as { problems: Array<{ pointer: string; message: string }> }).problems;
        assert.ok(problems.length > 0, `input ${i}: refused without a problem`);
        for (const p of problems) {
          assert.ok(p.pointer === '' || p.pointer.startsWith('/'), `input ${i}: pointer '${p.pointer}'`);
          assert.ok(typeof p.message === 'string' && p.message.length > 5, `input ${i}: problem without a reason at ${p.pointer}`);
        }
      }
      outcome = err.code;
    }
    tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
    rmSync(file);
  }
  const summary = [...tally].map(([k, v]) => `${k} ${v}`).join(', ');
  process.stdout.write(`  flow fuzz: ${summary}\n`);
  assert.ok((tally.get('accepted') ?? 0) > 0 && (tally.get('IVR_FLOW_INVALID') ?? 0) > 0 && (tally.get('IVR_FLOW_UNREADABLE') ?? 0) > 0, `one outcome never seen: ${summary}`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
