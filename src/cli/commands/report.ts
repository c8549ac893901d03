// `hotline report`: statistics from the case store's counters, and beside
// them the ACD's queue figures from the durable queue log (DATA/acd/queue-log)
// when there is one: SL, ASA, abandon rate, AHT, occupancy, per queue and per
// agent (话务量 by 工号), by the same period and granularity, with 同期比.
//   hotline report --year 2025 --by agent --granularity month --compare last_year --format csv
//   hotline report --from 2025-03-01 --to 2025-03-31 --by category --format json
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbQueueLog } from '../../acd/log.ts';
import { queueReport, queueReportTable, type QueueReport } from '../../acd/report.ts';
import { choice, decimal, defineCommand, existingDir, option, refuse, runCommand, text, type Parser } from '../args.ts';
import { cliError } from '../errors.ts';
import { quietOnClosedPipe, reportCsv, reportTable } from '../../cases/format.ts';
import type { LmdbCaseStore } from '../../cases/index.ts';
import type { Period, ReportMetric } from '../../cases/types.ts';
import { dataDirOf, fail, openStore, storeFlags } from '../store-cli.ts';

export const summary = 'case statistics by day/month/year × agent/category/department/kind, with 同期比 (table, CSV, JSON)';

const METRICS: readonly ReportMetric[] = ['calls', 'cases', 'consultation', 'complaint', 'report', 'suggestion', 'mailbox', 'dispatches', 'closed'];

const pattern =
  (re: RegExp, takes: string): Parser<string> =>
  (raw, label) => {
    if (!re.test(raw)) throw cliError('CLI_BAD_VALUE', `${label} takes ${takes}, not '${raw}'`, { option: label, value: raw });
    return raw;
  };
const DATE = pattern(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date YYYY-MM-DD');

function monthEnd(y: number, m: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

const report = defineCommand({
  name: 'hotline report',
  summary:
    'Case statistics from the store: counts of calls, cases by kind, dispatches and closures per day, month, year or the whole period, broken down by agent, category, department or kind, optionally compared with last year (同期比). Name the period with --year, --month, or --from and --to.',
  options: {
    ...storeFlags,
    year: option(pattern(/^(19|20|21)\d\d$/, 'a year like 2025'), 'the calendar year', { valueName: 'YYYY' }),
    month: option(pattern(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'), 'one calendar month', { valueName: 'YYYY-MM' }),
    from: option(DATE, 'first day of the period (with --to)', { valueName: 'YYYY-MM-DD' }),
    to: option(DATE, 'last day of the period, inclusive (with --from)', { valueName: 'YYYY-MM-DD' }),
    by: option(choice(['none', 'agent', 'category', 'department', 'kind'] as const), 'break the counts down by', { default: 'none' as const }),
    granularity: option(choice(['total', 'day', 'month', 'year'] as const), 'one row per', { default: 'total' as const }),
    compare: option(text(), "compare with 'last_year' (the same days a year earlier) or FROM:TO", { valueName: 'last_year|FROM:TO' }),
    metrics: option(text(), `comma-separated subset of ${METRICS.join(', ')}`, { valueName: 'LIST' }),
    format: option(choice(['table', 'csv', 'json'] as const), 'output format (CSV starts with a UTF-8 BOM for spreadsheets)', { default: 'table' as const }),
    'queue-log': option(existingDir(), 'the ACD queue log to take the queue figures from (default: DATA/acd/queue-log when --dir is the data folder and it exists)', { valueName: 'DIR' }),
    'service-level': option(decimal({ min: 0, max: 3600, unit: 's' }), 'T of the service level: answered within T seconds ÷ answered (Asterisk)', { valueName: 'SECONDS', default: 20 }),
  },
  details:
    'Queue figures (table and JSON, not CSV) come beside the case counts when a queue log is found: per queue entered, answered, service level, ASA, abandoned, abandon rate, AHT; per agent (工号) answered (话务量), handled, AHT, occupancy (busy ÷ busy + ready), not-ready time, missed offers; with --compare, the same for the comparison period. Days are Beijing days (UTC+8).\nExit status: 0 printed, 1 the store or the queue log refused (no store, bad period), 2 a malformed command line.',
  run: async ({ values: v }) => {
    quietOnClosedPipe();
    let period: Period;
    let compareTo: 'last_year' | Period | undefined;
    let metrics: ReportMetric[] | undefined;
    try {
      const named = [v.year !== undefined && '--year', v.month !== undefined && '--month', (v.from !== undefined || v.to !== undefined) && '--from/--to'].filter(Boolean);
      if (named.length > 1) throw cliError('CLI_BAD_VALUE', `name the period one way: ${named.join(' or ')}, not both`);
      if (v.year !== undefined) period = { from: `${v.year}-01-01`, to: `${v.year}-12-31` };
      else if (v.month !== undefined) period = { from: `${v.month}-01`, to: monthEnd(Number(v.month.slice(0, 4)), Number(v.month.slice(5, 7))) };
      else if (v.from !== undefined && v.to !== undefined) period = { from: v.from, to: v.to };
      else throw cliError('CLI_MISSING_ARGUMENT', 'name the period: --year, --month, or --from and --to');
      if (v.compare === 'last_year') compareTo = 'last_year';
      else if (v.compare !== undefined) {
        const [cf, ct, extra] = v.compare.split(':');
        if (!cf || !ct || extra !== undefined) throw cliError('CLI_BAD_VALUE', `--compare takes last_year or FROM:TO (YYYY-MM-DD:YYYY-MM-DD), not '${v.compare}'`);
        compareTo = { from: DATE(cf, '--compare FROM'), to: DATE(ct, '--compare TO') };
      }
      if (v.metrics !== undefined) {
        metrics = v.metrics.split(',').filter(Boolean) as ReportMetric[];
        const badM = metrics.find((m) => !METRICS.includes(m));
        if (badM !== undefined || metrics.length === 0) throw cliError('CLI_BAD_VALUE', `--metrics takes a comma-separated subset of ${METRICS.join(', ')}; '${badM ?? ''}' is none of them`);
      }
    } catch (e) {
      return refuse('hotline report', e);
    }
    let store: LmdbCaseStore;
    try {
      store = await openStore(v, { readOnly: true });
    } catch (e) {
      return fail('hotline report', e);
    }
    try {
      const r = await store.report({ period, by: v.by, granularity: v.granularity, ...(metrics ? { metrics } : {}), ...(compareTo ? { compareTo } : {}) });
      const data = dataDirOf(v);
      const logDir = v['queue-log'] ?? (data !== undefined && existsSync(join(data, 'acd', 'queue-log', 'data.mdb')) ? join(data, 'acd', 'queue-log') : undefined);
      let queues: QueueReport | undefined;
      if (logDir !== undefined && v.format !== 'csv') {
        const log = LmdbQueueLog.openReadOnly(logDir);
        try {
          queues = queueReport((range) => log.events(range), { period, granularity: v.granularity, serviceLevelMs: v['service-level'] * 1000, ...(compareTo ? { compareTo } : {}) });
        } finally {
          await log.close();
        }
      }
      if (v.format === 'json') process.stdout.write(JSON.stringify(queues ? { ...r, queueFigures: queues } : r, null, 2) + '\n');
      else if (v.format === 'csv') process.stdout.write(reportCsv(r));
      else process.stdout.write(reportTable(r) + (queues ? `\n${queueReportTable(queues)}` : ''));
      return 0;
    } catch (e) {
      return fail('hotline report', e);
    } finally {
      await store.close();
    }
  },
});

export const run = (args: string[]): Promise<number> => runCommand(report, args);
