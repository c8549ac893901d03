// `hotline cases …`: the case store from the command line.
import { createWriteStream, openSync, readFileSync, type WriteStream } from 'node:fs';
import { isHotlineError } from '../../errors.ts';
import { isoToDayKey } from '../../cases/calendar.ts';
import { flagString, localTime, parseArgs, quietOnClosedPipe, storeOptions, unknownFlag, type ParsedArgs } from '../../cases/format.ts';
import { indexCategories } from '../../cases/config.ts';
import type { BureauCalendar } from '../../cases/calendar.ts';
import { openCaseStore, validateCaseNumber, verifyStore, type LmdbCaseStore } from '../../cases/index.ts';
import type { CaseAction, CaseQuery, CaseRecord, CaseStatus, CaseKind, CreateCaseInput, CategoryNode } from '../../cases/types.ts';

export const summary = 'case store: create, show, search, export (JSON lines), backup, verify, categories';

const USAGE = `usage: hotline cases <command> [--dir DATA] [--config FILE]
  create (--data '{...}' | --file case.json)     register a case; prints it as JSON
  show NUMBER [--json]                            one case with its history and deadlines
  act NUMBER --by AGENT --data '{"type":"accept"}' apply a workflow action
  search [--caller N] [--complainant NAME] [--business NAME] [--status S] [--kind K]
         [--department ID] [--agent ID] [--category ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
         [--words TEXT] [--limit N] [--json]      newest first
  history PHONE [--limit N] [--json]              cases and calls from a number (screen pop)
  due [--within-hours H] [--department ID] [--agent ID] [--json]   due soon and overdue
  export [--out FILE]                             every case as JSON lines
  backup DIR                                      online, consistent copy of the store
  verify                                          recount indexes and counters against the cases
  migrate                                         bring a store written by an older version up to date
  check NUMBER                                    check digit and date, no lookup
  categories                                      the category tree
`;

/** Options of each subcommand besides --dir and --config. */
const OPTIONS: Record<string, readonly string[]> = {
  create: ['data', 'file'],
  show: ['json'],
  act: ['by', 'data', 'file'],
  search: ['caller', 'complainant', 'business', 'status', 'kind', 'department', 'agent', 'category', 'from', 'to', 'words', 'limit', 'json'],
  history: ['limit', 'json'],
  due: ['within-hours', 'department', 'agent', 'json'],
  export: ['out'],
  backup: [],
  verify: ['json'],
  migrate: [],
  check: [],
  categories: ['json'],
};

function fail(e: unknown): number {
  process.stderr.write(`hotline cases: ${isHotlineError(e) ? `${e.code}: ${e.message}` : (e as Error)?.stack ?? String(e)}\n`);
  if (isHotlineError(e) && Array.isArray(e.info?.errors)) {
    for (const fe of e.info.errors as Array<{ field: string; code: string; message: string }>) process.stderr.write(`  ${fe.field}: ${fe.code}: ${fe.message}\n`);
  }
  return 1;
}

function usage(msg: string): number {
  process.stderr.write(`hotline cases: CASES_USAGE: ${msg}\n${USAGE}`);
  return 2;
}

/** A usage mistake found after the store is open: printed as CASES_USAGE, exit 2. */
class UsageError extends Error {}

function readJson(p: ParsedArgs): unknown {
  const inline = flagString(p, 'data');
  const file = flagString(p, 'file');
  let text = inline;
  if (text === undefined && file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (text === undefined) throw new UsageError('give the data with --data \'{...}\' or --file FILE');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the JSON ${file !== undefined && inline === undefined ? `in ${file} ` : 'of --data '}does not parse: ${(e as Error).message}`);
  }
}

function limitFlag(p: ParsedArgs, dflt: number): number {
  const v = flagString(p, 'limit');
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 100_000) throw new UsageError(`--limit takes a whole number from 1 to 100000; got '${v}'`);
  return n;
}

function line(cal: BureauCalendar, r: CaseRecord): string {
  const who = r.complainant?.name ?? (r.anonymous ? '(anonymous)' : '');
  const facts = (r.facts ?? '').replace(/\s+/g, ' ').slice(0, 40);
  return `${r.number}  ${localTime(cal, r.createdAt)}  ${r.kind.padEnd(12)} ${r.status.padEnd(12)} ${r.callerNumber ?? ''}  ${who}  ${r.business?.name ?? ''}  ${facts}`;
}

function dayStart(store: LmdbCaseStore, iso: string): number {
  return store.calendar.startOfDay(isoToDayKey(iso, '--from'));
}

function printTree(nodes: CategoryNode[], depth: number): void {
  for (const n of nodes) {
    process.stdout.write(`${'  '.repeat(depth)}${n.id}  ${n.name}\n`);
    if (n.children) printTree(n.children, depth + 1);
  }
}

export async function run(args: string[]): Promise<number> {
  quietOnClosedPipe();
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE);
    return sub ? 0 : 2;
  }
  const known = ['create', 'show', 'act', 'search', 'history', 'due', 'export', 'backup', 'verify', 'check', 'categories', 'migrate'];
  if (!known.includes(sub)) return usage(`there is no subcommand '${sub}'`);
  const p = parseArgs(rest, ['json']);
  const asJson = p.flags.get('json') === true;
  const unknown = unknownFlag(p, ['dir', 'config', ...OPTIONS[sub]]);
  if (unknown) return usage(`${sub}: ${unknown}`);

  if (sub === 'check') {
    const n = p.positional[0];
    if (!n) return usage('check needs a case number');
    const r = validateCaseNumber(n);
    if (r.ok) process.stdout.write(`${r.number}: valid (registered ${r.date}, sequence ${r.sequence})\n`);
    else process.stderr.write(`hotline cases: ${r.code}: ${r.message}\n`);
    return r.ok ? 0 : 1;
  }

  if (sub === 'categories') {
    // The tree is configuration (--config, or the defaults), not stored: no
    // store is opened, so a mistyped --dir does not get an empty store made in it.
    try {
      const tree = indexCategories(storeOptions(p).config?.categories).tree;
      if (asJson) process.stdout.write(JSON.stringify(tree) + '\n');
      else printTree(tree, 0);
      return 0;
    } catch (e) {
      return fail(e);
    }
  }

  let store: LmdbCaseStore;
  try {
    const readOnly = ['show', 'search', 'history', 'due', 'export', 'verify'].includes(sub);
    store = await openCaseStore({ ...storeOptions(p), readOnly });
  } catch (e) {
    return fail(e);
  }
  try {
    switch (sub) {
      case 'create': {
        const rec = await store.createCase(readJson(p) as CreateCaseInput);
        process.stdout.write(JSON.stringify(rec) + '\n');
        return 0;
      }
      case 'show': {
        const n = p.positional[0];
        if (!n) return usage('show needs a case number');
        const rec = await store.getCase(n);
        if (!rec) {
          process.stderr.write(`hotline cases: CASE_NOT_FOUND: there is no case ${n}\n`);
          return 1;
        }
        if (asJson) process.stdout.write(JSON.stringify(rec) + '\n');
        else {
          process.stdout.write(line(store.calendar, rec) + '\n');
          for (const d of rec.deadlines) process.stdout.write(`  deadline ${d.kind}: ${localTime(store.calendar, d.dueAt)}${d.metAt ? ' (met)' : ''}\n`);
          for (const h of rec.history) process.stdout.write(`  ${localTime(store.calendar, h.at)} ${h.by}: ${h.action} ${h.from ?? '-'} → ${h.to}${h.note ? ` (${h.note})` : ''}\n`);
        }
        return 0;
      }
      case 'act': {
        const n = p.positional[0];
        const by = flagString(p, 'by');
        if (!n || !by) return usage('act needs a case number and --by AGENT');
        const rec = await store.transition(n, readJson(p) as CaseAction, by);
        process.stdout.write(JSON.stringify(rec) + '\n');
        return 0;
      }
      case 'search': {
        const q: CaseQuery = {};
        const s = (k: string): string | undefined => flagString(p, k);
        if (s('caller')) q.callerNumber = s('caller');
        if (s('complainant')) q.complainant = s('complainant');
        if (s('business')) q.business = s('business');
        if (s('status')) q.status = s('status') as CaseStatus;
        if (s('kind')) q.kind = s('kind') as CaseKind;
        if (s('department')) q.departmentId = s('department');
        if (s('agent')) q.agentId = s('agent');
        if (s('category')) q.categoryId = s('category');
        if (s('words')) q.words = s('words');
        if (s('from')) q.from = dayStart(store, s('from')!);
        if (s('to')) q.to = store.calendar.endOfDay(isoToDayKey(s('to')!, '--to')) + 1;
        if (s('limit')) q.limit = limitFlag(p, 100);
        const rs = await store.searchCases(q);
        for (const r of rs) process.stdout.write((asJson ? JSON.stringify(r) : line(store.calendar, r)) + '\n');
        if (!asJson) process.stderr.write(`${rs.length} case(s)\n`);
        return 0;
      }
      case 'history': {
        const phone = p.positional[0];
        if (!phone) return usage('history needs a telephone number');
        const items = await store.callerHistory(phone, limitFlag(p, 50));
        for (const it of items) {
          if (asJson) process.stdout.write(JSON.stringify(it) + '\n');
          else if (it.type === 'case') process.stdout.write(`${localTime(store.calendar, it.at)}  case ${it.number} ${it.kind} ${it.status}${it.result ? ` (${it.result})` : ''}\n`);
          else process.stdout.write(`${localTime(store.calendar, it.at)}  call ${it.callId}${it.agentId ? ` agent ${it.agentId}` : ''}${it.caseNumber ? ` case ${it.caseNumber}` : ''}\n`);
        }
        return 0;
      }
      case 'due': {
        const hours = Number(flagString(p, 'within-hours') ?? 48);
        if (!Number.isFinite(hours) || hours < 0) return usage('--within-hours takes a number of hours');
        const items = await store.dueItems({ withinMs: hours * 3_600_000, ...(flagString(p, 'department') ? { departmentId: flagString(p, 'department') } : {}), ...(flagString(p, 'agent') ? { agentId: flagString(p, 'agent') } : {}) });
        for (const it of items) {
          process.stdout.write(asJson ? JSON.stringify(it) + '\n' : `${it.overdue ? 'OVERDUE ' : 'due     '} ${localTime(store.calendar, it.dueAt)}  ${it.number}  ${it.kind}  ${it.departmentIds.join(',')}  ${it.agentId ?? ''}\n`);
        }
        return 0;
      }
      case 'export': {
        const out = flagString(p, 'out');
        // Opened here, synchronously, so a bad path is one coded line, not an
        // unhandled stream 'error' with a stack trace; a write error later
        // (disk full) is caught the same way and the export reported failed.
        let ws: WriteStream | null = null;
        let writeErr: Error | null = null;
        const outFailed = (e: Error): number => {
          process.stderr.write(`hotline cases: CASES_EXPORT_FAILED: cannot write --out ${out}: ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}\n`);
          return 1;
        };
        if (out) {
          try {
            ws = createWriteStream(out, { fd: openSync(out, 'w') });
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
          const text = JSON.stringify(r) + '\n';
          if (ws) {
            if (writeErr) break;
            if (!ws.write(text)) await new Promise<void>((res) => ws!.once('drain', () => res()));
          } else if (!process.stdout.write(text)) await new Promise<void>((res) => process.stdout.once('drain', () => res()));
          n++;
        }
        if (ws) {
          const w = ws;
          if (!writeErr) await new Promise<void>((res) => w.end(() => res()));
          if (writeErr) return outFailed(writeErr);
        }
        process.stderr.write(`exported ${n} case(s)\n`);
        return 0;
      }
      case 'backup': {
        const dir = p.positional[0];
        if (!dir) return usage('backup needs a folder to write the copy into');
        await store.backup(dir);
        process.stdout.write(`backup written to ${dir}\n`);
        return 0;
      }
      case 'verify': {
        const r = verifyStore(store);
        process.stdout.write(asJson ? JSON.stringify(r) + '\n' : `${r.ok ? 'ok' : 'MISMATCH'}: ${r.cases} cases, ${r.calls} calls${r.problems.map((x) => '\n  ' + x).join('')}\n`);
        return r.ok ? 0 : 1;
      }
      case 'migrate': {
        // Opening read-write has already migrated it (maintenance.ts).
        process.stdout.write(`the case store in ${storeOptions(p).dir} is up to date\n`);
        return 0;
      }
    }
    return 2;
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    return fail(e);
  } finally {
    await store.close();
  }
}
