// `hotline cases …`: the case store from the command line, so a bureau can
// run the whole workflow before the web console exists: register, complete
// (update), accept/dispatch/close (act), search, departments, agents, the
// knowledge base, surveys and their results, backup with the recordings.
// Every subcommand but `init` opens an existing store.
import { copyFileSync, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { choice, decimal, defineCommand, flag, int, option, refuse, runGroup, text, type Command, type CommandGroup, type Options, type Parsed } from '../args.ts';
import { cliError } from '../errors.ts';
import { isHotlineError } from '../../errors.ts';
import { CaseErrors, caseError } from '../../cases/errors.ts';
import { isoToDayKey, type BureauCalendar } from '../../cases/calendar.ts';
import { indexCategories } from '../../cases/config.ts';
import { localTime, quietOnClosedPipe, storeOptions } from '../../cases/format.ts';
import { validateCaseNumber, verifyStore, type LmdbCaseStore } from '../../cases/index.ts';
import {
  CASE_KINDS,
  CASE_STATUSES,
  type AgentInput,
  type CaseAction,
  type CaseQuery,
  type CaseRecord,
  type CaseUpdate,
  type CategoryNode,
  type CreateCaseInput,
  type Department,
  type KnowledgeCategory,
  type KnowledgeEntry,
  type SurveyDefinition,
} from '../../cases/types.ts';
import { dataDirOf, dataFlags, fail, onlyFields, openStore, readJsonInput, storeFlags, type StoreFlags } from '../store-cli.ts';

export const summary = 'case store: init, create, update, act, show, search, departments, agents, kb, surveys, export, backup, verify';

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const KB_CATEGORIES: readonly KnowledgeCategory[] = ['policy', 'regulation', 'product', 'office_guide', 'address', 'faq'];

// ---- shared pieces ----

const json = { json: flag('print JSON (one object per line)') };
const caseNumber = { name: 'NUMBER', description: 'the 14-digit case number', required: true };

/** A store command: opens the store (read-only or not), runs, prints a refusal, closes. */
function storeCommand<O extends Options>(
  spec: { name: string; summary: string; options: O; positionals?: Command<O>['positionals']; details?: string; readOnly?: boolean; create?: boolean; checkRecordings?: boolean },
  body: (store: LmdbCaseStore, p: Parsed<O & typeof storeFlags>) => Promise<number>,
): Command<O & typeof storeFlags> {
  const name = `hotline cases ${spec.name}`;
  return defineCommand({
    name,
    summary: spec.summary,
    options: { ...storeFlags, ...spec.options },
    ...(spec.positionals ? { positionals: spec.positionals } : {}),
    ...(spec.details ? { details: spec.details } : {}),
    run: async (p) => {
      quietOnClosedPipe();
      let store: LmdbCaseStore;
      try {
        store = await openStore(p.values as StoreFlags, { readOnly: spec.readOnly === true, create: spec.create === true, checkRecordings: spec.checkRecordings === true });
      } catch (e) {
        return fail(name, e);
      }
      try {
        return await body(store, p);
      } catch (e) {
        // a malformed command line found late (a bad --data) is a usage error (2); the store's refusals are 1
        return isHotlineError(e) && e.code.startsWith('CLI_') ? refuse(name, e) : fail(name, e);
      } finally {
        await store.close();
      }
    },
  });
}

function out(line: string): void {
  process.stdout.write(line + '\n');
}

/** --by: a registered agent, as `create` requires for agentId; a stranger would show in the reports as an agent. */
async function agentBy(store: LmdbCaseStore, by: string | undefined, name: string): Promise<string> {
  if (by === undefined) throw cliError('CLI_MISSING_VALUE', `${name} needs --by AGENT: the registered agent who does it`);
  if (!(await store.getAgent(by))) {
    throw caseError(CaseErrors.CASE_AGENT_UNKNOWN, `--by '${by}' is not a registered agent; 'hotline cases agents list' shows them, 'hotline cases agents add' registers one`);
  }
  return by;
}

function line(cal: BureauCalendar, r: CaseRecord): string {
  const who = r.complainant?.name ?? (r.anonymous ? '(anonymous)' : '');
  const facts = (r.facts ?? '').replace(/\s+/g, ' ').slice(0, 40);
  return `${r.number}  ${localTime(cal, r.createdAt)}  ${r.kind.padEnd(12)} ${r.status.padEnd(12)} ${r.callerNumber ?? ''}  ${who}  ${r.business?.name ?? ''}  ${facts}`;
}

function printTree(nodes: CategoryNode[], depth: number): void {
  for (const n of nodes) {
    out(`${'  '.repeat(depth)}${n.id}  ${n.name}`);
    if (n.children) printTree(n.children, depth + 1);
  }
}

const date = (raw: string, label: string): string => {
  isoToDayKey(raw, label);
  return raw;
};

// ---- the cases themselves ----

const init = defineCommand({
  name: 'hotline cases init',
  summary: 'Make a new, empty case store in the --dir data folder (the only subcommand that makes one; the others refuse a folder without a store).',
  options: { ...storeFlags },
  run: async ({ values }) => {
    const { dir } = storeOptions(values.dir, values.config);
    if (existsSync(join(dir, 'data.mdb'))) {
      out(`there is already a case store in ${dir}; nothing changed`);
      return 0;
    }
    try {
      const s = await openStore(values, { create: true });
      await s.close();
    } catch (e) {
      return fail('hotline cases init', e);
    }
    out(`made a new case store in ${dir}`);
    return 0;
  },
});

const create = storeCommand(
  {
    name: 'create',
    summary: 'Register a case from JSON (fields as in CreateCaseInput: kind, channel, complainant, business, request, facts, categoryId, agentId, …); prints the stored case as JSON. Unknown fields are refused, naming the nearest valid one; recording ids must name files in DATA/recordings.',
    options: dataFlags('the case'),
    checkRecordings: true,
  },
  async (store, { values }) => {
    const rec = await store.createCase(readJsonInput(values) as CreateCaseInput);
    out(JSON.stringify(rec));
    return 0;
  },
);

const update = storeCommand(
  {
    name: 'update',
    summary: "Complete or correct a case (e.g. an IVR complaint's complainant name, heard on the recording) so it can be accepted; JSON of the fields to change: callbackNumber, complainant, business, anonymous, request, facts, categoryId, recordingIds, attachments, answerLater. Prints the case; lists any fields still missing.",
    options: { ...dataFlags('the fields to change'), by: option(text(), 'the registered agent making the change', { valueName: 'AGENT' }) },
    positionals: [caseNumber],
    checkRecordings: true,
  },
  async (store, { values, positionals }) => {
    const by = await agentBy(store, values.by, 'update');
    const rec = await store.updateCase(positionals[0], readJsonInput(values) as CaseUpdate, by);
    out(JSON.stringify(rec));
    if (rec.missingFields.length) process.stderr.write(`still missing before it can be accepted: ${rec.missingFields.join(', ')}\n`);
    return 0;
  },
);

const act = storeCommand(
  {
    name: 'act',
    summary: 'Apply a workflow action, JSON such as {"type":"accept"}, {"type":"dispatch","departments":[{"departmentId":"d1"}]}, {"type":"close","result":"agreement"}; prints the case.',
    options: { ...dataFlags('the action'), by: option(text(), 'the registered agent who acts', { valueName: 'AGENT' }) },
    positionals: [caseNumber],
  },
  async (store, { values, positionals }) => {
    const by = await agentBy(store, values.by, 'act');
    const rec = await store.transition(positionals[0], readJsonInput(values) as CaseAction, by);
    out(JSON.stringify(rec));
    return 0;
  },
);

const show = storeCommand(
  { name: 'show', summary: 'One case with its deadlines and history (times in the bureau time zone).', options: { ...json }, positionals: [caseNumber], readOnly: true },
  async (store, { values, positionals }) => {
    const rec = await store.getCase(positionals[0]);
    if (!rec) {
      throw caseError(CaseErrors.CASE_NOT_FOUND, `there is no case ${positionals[0]}`);
    }
    if (values.json) out(JSON.stringify(rec));
    else {
      out(line(store.calendar, rec));
      if (rec.missingFields.length) out(`  missing: ${rec.missingFields.join(', ')}`);
      for (const d of rec.deadlines) out(`  deadline ${d.kind}: ${localTime(store.calendar, d.dueAt)}${d.metAt ? ' (met)' : ''}`);
      for (const h of rec.history) out(`  ${localTime(store.calendar, h.at)} ${h.by}: ${h.action} ${h.from ?? '-'} → ${h.to}${h.note ? ` (${h.note})` : ''}`);
    }
    return 0;
  },
);

const search = storeCommand(
  {
    name: 'search',
    summary: 'Cases matching every condition given, newest first. --complainant and --business match names that START with the text (张 finds 张三 and 张伟); --words must all occur in the facts.',
    options: {
      caller: option(text(), 'a telephone number the case was filed under', { valueName: 'PHONE' }),
      complainant: option(text({ maxLength: 200 }), 'complainant names beginning with this text', { valueName: 'NAME' }),
      business: option(text({ maxLength: 200 }), 'business names beginning with this text', { valueName: 'NAME' }),
      status: option(choice(CASE_STATUSES), 'workflow status'),
      kind: option(choice(CASE_KINDS), 'case kind'),
      department: option(text(), 'dispatched to this department id', { valueName: 'ID' }),
      agent: option(text(), 'registered by this agent id', { valueName: 'ID' }),
      category: option(text(), 'this category or any below it', { valueName: 'ID' }),
      from: option(date, 'registered on or after this day', { valueName: 'YYYY-MM-DD' }),
      to: option(date, 'registered on or before this day', { valueName: 'YYYY-MM-DD' }),
      words: option(text({ maxLength: 200 }), 'words that must all occur in the facts', { valueName: 'TEXT' }),
      limit: option(int({ min: 1, max: 100_000 }), 'at most this many cases', { default: 100 }),
      ...json,
    },
    readOnly: true,
  },
  async (store, { values: v }) => {
    const q: CaseQuery = { limit: v.limit };
    if (v.caller !== undefined) q.callerNumber = v.caller;
    if (v.complainant !== undefined) q.complainant = v.complainant;
    if (v.business !== undefined) q.business = v.business;
    if (v.status !== undefined) q.status = v.status;
    if (v.kind !== undefined) q.kind = v.kind;
    if (v.department !== undefined) q.departmentId = v.department;
    if (v.agent !== undefined) q.agentId = v.agent;
    if (v.category !== undefined) q.categoryId = v.category;
    if (v.words !== undefined) q.words = v.words;
    if (v.from !== undefined) q.from = store.calendar.startOfDay(isoToDayKey(v.from, '--from'));
    if (v.to !== undefined) q.to = store.calendar.endOfDay(isoToDayKey(v.to, '--to')) + 1;
    const rs = await store.searchCases(q);
    for (const r of rs) out(v.json ? JSON.stringify(r) : line(store.calendar, r));
    if (!v.json) process.stderr.write(`${rs.length} case(s)\n`);
    return 0;
  },
);

const history = storeCommand(
  {
    name: 'history',
    summary: 'Cases and calls from a telephone number, newest first (the screen pop of an agent desk).',
    options: { limit: option(int({ min: 1, max: 100_000 }), 'at most this many items', { default: 50 }), ...json },
    positionals: [{ name: 'PHONE', description: 'the telephone number', required: true }],
    readOnly: true,
  },
  async (store, { values, positionals }) => {
    for (const it of await store.callerHistory(positionals[0], values.limit)) {
      if (values.json) out(JSON.stringify(it));
      else if (it.type === 'case') out(`${localTime(store.calendar, it.at)}  case ${it.number} ${it.kind} ${it.status}${it.result ? ` (${it.result})` : ''}`);
      else out(`${localTime(store.calendar, it.at)}  call ${it.callId}${it.agentId ? ` agent ${it.agentId}` : ''}${it.caseNumber ? ` case ${it.caseNumber}` : ''}`);
    }
    return 0;
  },
);

const due = storeCommand(
  {
    name: 'due',
    summary: 'Deadlines falling due soon, and overdue ones.',
    options: {
      'within-hours': option(decimal({ min: 0, max: 1_000_000, unit: 'hours' }), 'include deadlines due within this many hours', { default: 48, valueName: 'H' }),
      department: option(text(), 'only cases dispatched to this department', { valueName: 'ID' }),
      agent: option(text(), 'only cases of this agent', { valueName: 'ID' }),
      ...json,
    },
    readOnly: true,
  },
  async (store, { values: v }) => {
    const items = await store.dueItems({ withinMs: v['within-hours'] * 3_600_000, ...(v.department ? { departmentId: v.department } : {}), ...(v.agent ? { agentId: v.agent } : {}) });
    for (const it of items) {
      out(v.json ? JSON.stringify(it) : `${it.overdue ? 'OVERDUE ' : 'due     '} ${localTime(store.calendar, it.dueAt)}  ${it.number}  ${it.kind}  ${it.departmentIds.join(',')}  ${it.agentId ?? ''}`);
    }
    return 0;
  },
);

const exportCmd = storeCommand(
  { name: 'export', summary: 'Every case as JSON lines, oldest first.', options: { out: option(text(), 'write to this file instead of standard output', { valueName: 'FILE' }) }, readOnly: true },
  async (store, { values }) => {
    const file = values.out;
    // Opened here, synchronously, so a bad path is one coded line, not an
    // unhandled stream 'error' with a stack trace; a write error later
    // (disk full) is caught the same way and the export reported failed.
    let ws: WriteStream | null = null;
    let writeErr: Error | null = null;
    const outFailed = (e: Error): number => {
      process.stderr.write(`hotline cases export: CASES_EXPORT_FAILED: cannot write --out ${file}: ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}\n`);
      return 1;
    };
    if (file) {
      try {
        ws = createWriteStream(file, { fd: openSync(file, 'w') });
      } catch (e) {
        return outFailed(e as Error);
      }
      ws.on('error', (e) => {
        writeErr = e;
        ws?.emit('drain');
      });
    }
    let n = 0;
    for await (const r of store.exportCases()) {
      const t = JSON.stringify(r) + '\n';
      if (ws) {
        if (writeErr) break;
        if (!ws.write(t)) await new Promise<void>((res) => ws!.once('drain', () => res()));
      } else if (!process.stdout.write(t)) await new Promise<void>((res) => process.stdout.once('drain', () => res()));
      n++;
    }
    if (ws) {
      const w = ws;
      if (!writeErr) await new Promise<void>((res) => w.end(() => res()));
      if (writeErr) return outFailed(writeErr);
    }
    process.stderr.write(`exported ${n} case(s)\n`);
    return 0;
  },
);

const backup = storeCommand(
  {
    name: 'backup',
    summary: 'An online, consistent copy into a new or empty folder, laid out as a data folder: BACKUP/cases (the store) and BACKUP/recordings (every recording a case points to). `--dir BACKUP` then opens it like the original.',
    options: {},
    positionals: [{ name: 'BACKUP', description: 'a new or empty folder', required: true }],
  },
  async (store, { values, positionals }) => {
    const to = positionals[0];
    if (existsSync(to) && readdirSync(to).length > 0) {
      throw caseError(CaseErrors.CASE_BACKUP_FAILED, `backup folder ${to} is not empty; name a new or empty folder`);
    }
    await store.backup(join(to, 'cases'));
    const from = dataDirOf(values);
    let copied = 0;
    const missing: string[] = [];
    const seen = new Set<string>();
    for await (const r of store.exportCases()) {
      for (const id of r.recordingIds ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        // ids are checked relative paths (no '..', no leading '/'): safe to join
        const src = from !== undefined ? join(from, id) : null;
        if (!src || !existsSync(src)) {
          missing.push(`${r.number} ${id}`);
          continue;
        }
        mkdirSync(dirname(join(to, id)), { recursive: true });
        copyFileSync(src, join(to, id));
        copied++;
      }
    }
    out(`backup written to ${to}: the case store and ${copied} recording(s)`);
    if (missing.length) {
      process.stderr.write(`${missing.length} recording(s) the cases point to were not found${from === undefined ? ' (--dir names a store folder, not a data folder, so there is no recordings folder)' : ` in ${from}`}:\n`);
      for (const m of missing.slice(0, 50)) process.stderr.write(`  ${m}\n`);
    }
    return 0;
  },
);

const verify = storeCommand(
  { name: 'verify', summary: 'Recount indexes and counters from the cases and compare with what is stored (exit 1 on a mismatch).', options: { ...json }, readOnly: true },
  async (store, { values }) => {
    const r = verifyStore(store);
    out(values.json ? JSON.stringify(r) : `${r.ok ? 'ok' : 'MISMATCH'}: ${r.cases} cases, ${r.calls} calls${r.problems.map((x) => '\n  ' + x).join('')}`);
    return r.ok ? 0 : 1;
  },
);

const migrate = storeCommand(
  { name: 'migrate', summary: 'Bring a store written by an older version up to date (opening it read-write migrates it).', options: {} },
  async (store) => {
    out(`the case store in ${store.dir} is up to date`);
    return 0;
  },
);

const check = defineCommand({
  name: 'hotline cases check',
  summary: 'Check a case number (check digit and date) without looking it up.',
  options: {},
  positionals: [caseNumber],
  run: async ({ positionals }) => {
    const r = validateCaseNumber(positionals[0]);
    if (r.ok) out(`${r.number}: valid (registered ${r.date}, sequence ${r.sequence})`);
    else process.stderr.write(`hotline cases check: ${r.code}: ${r.message}\n`);
    return r.ok ? 0 : 1;
  },
});

const categories = defineCommand({
  name: 'hotline cases categories',
  summary: "The category tree (the defaults, or the `categories` of --config). The tree is configuration, not stored: change it in the --config file's \"categories\": [{ id, name, children? }].",
  options: { ...storeFlags, ...json },
  run: async ({ values }) => {
    // No store is opened, so a mistyped --dir does not matter here.
    try {
      const tree = indexCategories(storeOptions(values.dir, values.config).config?.categories).tree;
      if (values.json) out(JSON.stringify(tree));
      else printTree(tree, 0);
      return 0;
    } catch (e) {
      return fail('hotline cases categories', e);
    }
  },
});

// ---- departments, agents, knowledge base, surveys ----

const DEPARTMENT_FIELDS = ['id', 'name', 'head', 'phone', 'active'];
const AGENT_FIELDS = ['id', 'name', 'role', 'departmentId', 'password', 'active'];
const KB_FIELDS = ['id', 'category', 'title', 'text', 'promptFile', 'menuCode'];
const SURVEY_FIELDS = ['id', 'title', 'questions', 'active'];
const QUESTION_FIELDS = ['id', 'text', 'promptFile', 'choices'];

const departments: CommandGroup = {
  name: 'hotline cases departments',
  summary: 'Departments cases are dispatched to (执法调度).',
  commands: {
    list: storeCommand({ name: 'departments list', summary: 'Every department.', options: { ...json }, readOnly: true }, async (store, { values }) => {
      for (const d of await store.listDepartments()) out(values.json ? JSON.stringify(d) : `${d.id}  ${d.name}${d.head ? `  负责人 ${d.head}` : ''}${d.phone ? `  ${d.phone}` : ''}`);
      return 0;
    }),
    add: storeCommand(
      { name: 'departments add', summary: `Add or replace a department: JSON { ${DEPARTMENT_FIELDS.join(', ')} } (id and name required).`, options: dataFlags('the department') },
      async (store, { values }) => {
        const d = onlyFields(readJsonInput(values), DEPARTMENT_FIELDS, 'the department') as unknown as Department;
        await store.putDepartment(d);
        out(`department ${d.id} stored`);
        return 0;
      },
    ),
  },
};

const agents: CommandGroup = {
  name: 'hotline cases agents',
  summary: 'Agents (坐席): who registers and handles cases; --by of update and act must name one.',
  commands: {
    list: storeCommand({ name: 'agents list', summary: 'Every agent (without password hashes).', options: { ...json }, readOnly: true }, async (store, { values }) => {
      for (const a of await store.listAgents()) out(values.json ? JSON.stringify(a) : `${a.id}  ${a.name}  ${a.role}${a.departmentId ? `  ${a.departmentId}` : ''}`);
      return 0;
    }),
    add: storeCommand(
      {
        name: 'agents add',
        summary: `Add or replace an agent: JSON { ${AGENT_FIELDS.join(', ')} }; role is agent, supervisor or admin; the password (at least 6 characters) is stored as a scrypt hash (left out when replacing an agent: his stays); "active": false deactivates him (no login, not in the roster at the next start; agents are never deleted). Prefer --file (and delete it after) to --data, which other users can see in the process list.`,
        options: dataFlags('the agent'),
      },
      async (store, { values }) => {
        const a = await store.putAgent(onlyFields(readJsonInput(values), AGENT_FIELDS, 'the agent') as unknown as AgentInput);
        out(`agent ${a.id} stored`);
        return 0;
      },
    ),
  },
};

const kb: CommandGroup = {
  name: 'hotline cases kb',
  summary: 'The knowledge base agents read and the IVR plays (by menu code).',
  commands: {
    list: storeCommand(
      { name: 'kb list', summary: 'Knowledge entries, optionally of one category.', options: { category: option(choice(KB_CATEGORIES), 'only this category'), ...json }, readOnly: true },
      async (store, { values }) => {
        for (const e of await store.listKnowledge(values.category)) out(values.json ? JSON.stringify(e) : `${e.id}  ${e.category}  ${e.menuCode ? `[${e.menuCode}] ` : ''}${e.title}`);
        return 0;
      },
    ),
    show: storeCommand(
      { name: 'kb show', summary: 'One knowledge entry in full.', options: { ...json }, positionals: [{ name: 'ID', description: 'the entry id', required: true }], readOnly: true },
      async (store, { values, positionals }) => {
        const e = await store.getKnowledge(positionals[0]);
        if (!e) throw cliError('CLI_BAD_VALUE', `there is no knowledge entry '${positionals[0]}'; 'hotline cases kb list' shows them`);
        out(values.json ? JSON.stringify(e) : `${e.id}  ${e.category}${e.menuCode ? `  menu ${e.menuCode}` : ''}${e.promptFile ? `  prompt ${e.promptFile}` : ''}\n${e.title}\n\n${e.text}`);
        return 0;
      },
    ),
    put: storeCommand(
      { name: 'kb put', summary: `Add or replace an entry: JSON { ${KB_FIELDS.join(', ')} }; category is one of ${KB_CATEGORIES.join(', ')}; menuCode (1-8 keypad digits) must be free.`, options: dataFlags('the entry') },
      async (store, { values }) => {
        const e = await store.putKnowledge(onlyFields(readJsonInput(values), KB_FIELDS, 'the knowledge entry') as unknown as KnowledgeEntry);
        out(`knowledge entry ${e.id} stored`);
        return 0;
      },
    ),
  },
};

const surveys: CommandGroup = {
  name: 'hotline cases surveys',
  summary: 'Keypad satisfaction surveys (回访) and their results.',
  commands: {
    list: storeCommand({ name: 'surveys list', summary: 'Every survey.', options: { ...json }, readOnly: true }, async (store, { values }) => {
      for (const s of await store.listSurveys()) out(values.json ? JSON.stringify(s) : `${s.id}  ${s.active ? 'active  ' : 'inactive'}  ${s.title}  (${s.questions.length} question(s))`);
      return 0;
    }),
    put: storeCommand(
      {
        name: 'surveys put',
        summary: `Add or replace a survey: JSON { ${SURVEY_FIELDS.join(', ')} }, each question { ${QUESTION_FIELDS.join(', ')} } with choices keyed by one keypad key, e.g. {"1":"满意","2":"不满意"}.`,
        options: dataFlags('the survey'),
      },
      async (store, { values }) => {
        const s = onlyFields(readJsonInput(values), SURVEY_FIELDS, 'the survey');
        if (Array.isArray(s.questions)) s.questions.forEach((q, i) => onlyFields(q, QUESTION_FIELDS, `question ${i + 1}`));
        await store.putSurvey(s as unknown as SurveyDefinition);
        out(`survey ${String(s.id)} stored`);
        return 0;
      },
    ),
    results: storeCommand(
      {
        name: 'surveys results',
        summary: 'How callers answered: per question, each choice with its count and share; --answers lists the individual answers too.',
        options: { answers: flag('list each answer (time, call, case, keys)'), limit: option(int({ min: 1, max: 100_000 }), 'at most this many answers with --answers', { default: 1000 }), ...json },
        positionals: [{ name: 'ID', description: 'the survey id', required: true }],
        readOnly: true,
      },
      async (store, { values, positionals }) => {
        const s = await store.getSurvey(positionals[0]);
        if (!s) {
          throw caseError(CaseErrors.CASE_SURVEY_UNKNOWN, `there is no survey '${positionals[0]}'; 'hotline cases surveys list' shows them`);
        }
        const t = await store.surveyTally(s.id);
        const answers = values.answers ? await store.listSurveyAnswers(s.id, values.limit) : [];
        if (values.json) {
          out(JSON.stringify({ survey: s, tally: t, ...(values.answers ? { answers } : {}) }));
          return 0;
        }
        out(`${s.id}  ${s.title}: ${t.responses} response(s)`);
        for (const q of s.questions) {
          out(`  ${q.id}  ${q.text}`);
          const counts = t.counts[q.id] ?? {};
          const n = Object.values(counts).reduce((a, b) => a + b, 0);
          for (const [key, label] of Object.entries(q.choices)) {
            const c = counts[key] ?? 0;
            out(`    ${key}  ${label}: ${c}${n > 0 ? ` (${((100 * c) / n).toFixed(1)} %)` : ''}`);
          }
        }
        for (const a of answers) {
          out(`  ${localTime(store.calendar, a.at)}${a.callId ? `  call ${a.callId}` : ''}${a.caseNumber ? `  case ${a.caseNumber}` : ''}  ${Object.entries(a.answers).map(([q, k]) => `${q}=${k}`).join(' ')}`);
        }
        return 0;
      },
    ),
  },
};

const group: CommandGroup = {
  name: 'hotline cases',
  summary: 'The case store: register and complete cases, run the workflow, search, and keep departments, agents, the knowledge base and surveys. Every subcommand but init needs an existing store in --dir.',
  commands: {
    init,
    create,
    update,
    act,
    show,
    search,
    history,
    due,
    departments,
    agents,
    kb,
    surveys,
    categories,
    export: exportCmd,
    backup,
    verify,
    migrate,
    check,
  },
  details: 'Exit status: 0 done, 1 the store refused (the message says why, one line per field), 2 a malformed command line.',
};

export function run(args: string[]): Promise<number> {
  quietOnClosedPipe();
  return runGroup(group, args);
}
