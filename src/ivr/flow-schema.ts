// JSON schemas of a flow file (JSON Schema draft-07, checked with ajv). The
// document is checked first, then each node against the schema of its type,
// so an error points at the node (`/nodes/<id>/...`) and not at a list of
// every type it failed to be.
import type { NodeType } from './flow-types.ts';

const nodeId = { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', minLength: 1, maxLength: 64 } as const;
const prompts = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } as const;
const promptsOrEmpty = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const ms = { type: 'integer', minimum: 100, maximum: 3_600_000 } as const;
const tries = { type: 'integer', minimum: 1, maximum: 10 } as const;
const varName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' } as const;
const key = { type: 'string', pattern: '^[0-9*#A-D]$' } as const;
const base = { note: { type: 'string' }, onHangup: nodeId } as const;

function node(type: NodeType, required: string[], props: Record<string, unknown>): object {
  return {
    type: 'object',
    required: ['type', ...required],
    additionalProperties: false,
    properties: { type: { const: type }, ...base, ...props },
  };
}

export const flowDocSchema = {
  type: 'object',
  required: ['name', 'language', 'languages', 'start', 'nodes'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    language: { type: 'string', minLength: 2 },
    languages: { type: 'array', items: { type: 'string', minLength: 2 }, minItems: 1, uniqueItems: true },
    start: nodeId,
    vars: { type: 'object', propertyNames: varName, additionalProperties: { type: 'string' } },
    nodes: {
      type: 'object',
      minProperties: 1,
      propertyNames: nodeId,
      additionalProperties: {
        type: 'object',
        required: ['type'],
        properties: {
          type: {
            enum: ['play', 'menu', 'collect', 'record', 'say', 'case_lookup', 'create_case', 'consult', 'survey', 'set', 'branch', 'hours', 'language', 'transfer', 'email', 'hangup'],
          },
        },
      },
    },
  },
} as const;

const sayPart = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    prompt: { type: 'string', minLength: 1 },
    digits: { type: 'string' },
    number: { type: 'string' },
    date: { type: 'string' },
    time: { type: 'string' },
    status: { type: 'string' },
    result: { type: 'string' },
  },
} as const;

/** One text, or one per language ({ zh: …, en: … }): the caller's language is picked. */
const localText = {
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-z]{2,3}$' }, additionalProperties: { type: 'string', minLength: 1 } },
  ],
} as const;

const condition = {
  type: 'object',
  required: ['var'],
  additionalProperties: false,
  minProperties: 2,
  properties: { var: varName, eq: { type: 'string' }, ne: { type: 'string' }, in: { type: 'array', items: { type: 'string' } }, exists: { type: 'boolean' } },
} as const;

export const nodeSchemas: Record<NodeType, object> = {
  play: node('play', ['prompts', 'next'], { prompts, interruptible: { type: 'boolean' }, next: nodeId }),
  menu: node('menu', ['prompts', 'keys', 'fallback'], {
    prompts,
    keys: { type: 'object', minProperties: 1, propertyNames: key, additionalProperties: nodeId },
    invalid: promptsOrEmpty,
    noInput: promptsOrEmpty,
    tries,
    timeoutMs: ms,
    fallback: nodeId,
  }),
  collect: node('collect', ['prompts', 'var', 'maxLength', 'next', 'fallback'], {
    prompts,
    var: varName,
    minLength: { type: 'integer', minimum: 1, maximum: 40 },
    maxLength: { type: 'integer', minimum: 1, maximum: 40 },
    terminator: { type: 'string', pattern: '^[*#]$' },
    firstDigitTimeoutMs: ms,
    interDigitTimeoutMs: ms,
    validate: { type: 'string', minLength: 1 },
    invalid: promptsOrEmpty,
    noInput: promptsOrEmpty,
    tries,
    next: nodeId,
    fallback: nodeId,
  }),
  record: node('record', ['prompts', 'var', 'next'], {
    prompts,
    var: varName,
    beep: { type: 'boolean' },
    maxMs: { type: 'integer', minimum: 1000, maximum: 600_000 },
    silenceMs: { type: 'integer', minimum: 500, maximum: 60_000 },
    confirm: { type: 'boolean' },
    noInput: promptsOrEmpty,
    fallback: nodeId,
    next: nodeId,
  }),
  say: node('say', ['parts', 'next'], { parts: { type: 'array', items: sayPart, minItems: 1 }, next: nodeId }),
  case_lookup: node('case_lookup', ['number', 'found', 'notFound'], { number: { type: 'string', minLength: 1 }, found: nodeId, notFound: nodeId }),
  create_case: node('create_case', ['kind', 'channel', 'recordings', 'var', 'next', 'error'], {
    kind: { type: 'string', minLength: 1 },
    channel: { enum: ["ivr", "mailbox"] },
    recordings: { type: 'array', items: varName },
    callbackNumber: { type: 'string' },
    replyWanted: { type: 'string' },
    facts: { type: 'string' },
    var: varName,
    next: nodeId,
    error: nodeId,
  }),
  consult: node('consult', ['intro', 'next', 'fallback'], {
    intro: prompts,
    titles: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
    empty: promptsOrEmpty,
    invalid: promptsOrEmpty,
    tries,
    timeoutMs: ms,
    next: nodeId,
    fallback: nodeId,
  }),
  survey: node('survey', ['survey', 'next'], {
    survey: { type: 'string', minLength: 1 },
    intro: promptsOrEmpty,
    thanks: promptsOrEmpty,
    none: promptsOrEmpty,
    questions: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
    invalid: promptsOrEmpty,
    tries,
    timeoutMs: ms,
    next: nodeId,
  }),
  set: node('set', ['vars', 'next'], { vars: { type: 'object', minProperties: 1, propertyNames: varName, additionalProperties: { type: 'string' } }, next: nodeId }),
  branch: node('branch', ['cases', 'else'], {
    cases: { type: 'array', minItems: 1, items: { type: 'object', required: ['if', 'next'], additionalProperties: false, properties: { if: condition, next: nodeId } } },
    else: nodeId,
  }),
  // timeZone, days, holidays and workingDays pass the schema only so the flow
  // check can say where the calendar lives now (the case store's).
  hours: node('hours', ['open', 'openNext', 'closedNext'], {
    timeZone: { type: 'string', minLength: 1 },
    days: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, uniqueItems: true },
    open: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$' } },
    holidays: { type: 'array', items: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
    workingDays: { type: 'array', items: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
    openNext: nodeId,
    closedNext: nodeId,
    nightBell: { type: 'boolean' },
  }),
  language: node('language', ['language', 'next'], { language: { type: 'string', minLength: 2 }, next: nodeId }),
  transfer: node('transfer', ['queue', 'busy', 'overflow'], { queue: { type: 'string', minLength: 1 }, busy: prompts, overflow: nodeId, afterAgent: nodeId, announceAgent: { type: 'boolean' }, priority: { type: 'integer', minimum: 0, maximum: 9 } }),
  email: node('email', ['to', 'subject', 'text', 'sent', 'failed'], {
    to: { type: 'string', minLength: 1 },
    subject: localText,
    text: localText,
    sent: nodeId,
    failed: nodeId,
  }),
  hangup: node('hangup', [], { prompts: promptsOrEmpty }),
};

/** Fields of each node type that name another node. */
export const NEXT_FIELDS: Record<NodeType, string[]> = {
  play: ['next'],
  menu: ['fallback'],
  collect: ['next', 'fallback'],
  record: ['next', 'fallback'],
  say: ['next'],
  case_lookup: ['found', 'notFound'],
  create_case: ['next', 'error'],
  consult: ['next', 'fallback'],
  survey: ['next'],
  set: ['next'],
  branch: ['else'],
  hours: ['openNext', 'closedNext'],
  language: ['next'],
  transfer: ['overflow', 'afterAgent'],
  email: ['sent', 'failed'],
  hangup: [],
};

/** Fields of each node type that hold prompt lists. */
export const PROMPT_FIELDS: Record<NodeType, string[]> = {
  play: ['prompts'],
  menu: ['prompts', 'invalid', 'noInput'],
  collect: ['prompts', 'invalid', 'noInput'],
  record: ['prompts', 'noInput'],
  say: [],
  case_lookup: [],
  create_case: [],
  consult: ['intro', 'empty', 'invalid'],
  survey: ['intro', 'thanks', 'none', 'invalid'],
  set: [],
  branch: [],
  hours: [],
  language: [],
  transfer: ['busy'],
  email: [],
  hangup: ['prompts'],
};
