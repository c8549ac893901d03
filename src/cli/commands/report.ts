// `hotline report`: statistics from the case store's counters.
//   hotline report --year 2025 --by agent --granularity month --compare last_year --format csv
//   hotline report --from 2025-03-01 --to 2025-03-31 --by category --format json
import { isHotlineError } from '../../errors.ts';
import { openCaseStore } from '../../cases/index.ts';
import { flagString, parseArgs, quietOnClosedPipe, reportCsv, reportTable, storeOptions, unknownFlag } from '../../cases/format.ts';
import type { Granularity, Period, ReportDimension, ReportMetric } from '../../cases/types.ts';

export const summary = 'case statistics by day/month/year × agent/category/department/kind, with 同期比 (table, CSV, JSON)';

const USAGE = `usage: hotline report [--dir DATA] [--config FILE]
         (--year YYYY | --month YYYY-MM | --from YYYY-MM-DD --to YYYY-MM-DD)
         [--by none|agent|category|department|kind] [--granularity total|day|month|year]
         [--compare last_year|YYYY-MM-DD:YYYY-MM-DD] [--metrics calls,cases,complaint,...]
         [--format table|csv|json]
`;

function usage(msg: string): number {
  process.stderr.write(`hotline report: REPORT_USAGE: ${msg}\n${USAGE}`);
  return 2;
}

function monthEnd(y: number, m: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

export async function run(args: string[]): Promise<number> {
  quietOnClosedPipe();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const p = parseArgs(args);
  const unknown = unknownFlag(p, ['dir', 'config', 'year', 'month', 'from', 'to', 'by', 'granularity', 'compare', 'metrics', 'format']);
  if (unknown) return usage(unknown);
  let period: Period;
  const year = flagString(p, 'year');
  const month = flagString(p, 'month');
  const from = flagString(p, 'from');
  const to = flagString(p, 'to');
  const named = [year !== undefined && '--year', month !== undefined && '--month', (from !== undefined || to !== undefined) && '--from/--to'].filter(Boolean);
  if (named.length > 1) return usage(`name the period one way: ${named.join(' or ')}, not both`);
  if (year !== undefined) {
    if (!/^\d{4}$/.test(year)) return usage(`--year takes a year like 2025; got '${year}'`);
    period = { from: `${year}-01-01`, to: `${year}-12-31` };
  } else if (month !== undefined) {
    const m = /^(\d{4})-(\d{2})$/.exec(month);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return usage(`--month takes YYYY-MM; got '${month}'`);
    period = { from: `${month}-01`, to: monthEnd(Number(m[1]), Number(m[2])) };
  } else if (from !== undefined && to !== undefined) period = { from, to };
  else return usage('name the period: --year, --month, or --from and --to');

  const format = flagString(p, 'format') ?? 'table';
  if (!['table', 'csv', 'json'].includes(format)) return usage(`--format is table, csv or json; got '${format}'`);
  const compare = flagString(p, 'compare');
  let compareTo: 'last_year' | Period | undefined;
  if (compare === 'last_year') compareTo = 'last_year';
  else if (compare !== undefined) {
    const [cf, ct] = compare.split(':');
    if (!cf || !ct) return usage(`--compare is last_year or FROM:TO; got '${compare}'`);
    compareTo = { from: cf, to: ct };
  }
  const metrics = flagString(p, 'metrics')?.split(',').filter(Boolean) as ReportMetric[] | undefined;

  let store;
  try {
    store = await openCaseStore({ ...storeOptions(p), readOnly: true });
  } catch (e) {
    process.stderr.write(`hotline report: ${isHotlineError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
    return 1;
  }
  try {
    const r = await store.report({
      period,
      by: (flagString(p, 'by') ?? 'none') as ReportDimension,
      granularity: (flagString(p, 'granularity') ?? 'total') as Granularity,
      ...(metrics ? { metrics } : {}),
      ...(compareTo ? { compareTo } : {}),
    });
    if (format === 'json') process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else if (format === 'csv') process.stdout.write(reportCsv(r));
    else process.stdout.write(reportTable(r));
    return 0;
  } catch (e) {
    process.stderr.write(`hotline report: ${isHotlineError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
