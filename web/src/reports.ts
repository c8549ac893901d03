// The reports page (统计报表): `hotline report`'s case statistics and queue
// figures for a period over the seat's `report` message, with 同期比 (the
// same days last year) or 环比 (the period before), as charts (Chart.js,
// bundled) and tables, exported as CSV (the command's own) or an Excel
// workbook (write-excel-file, bundled). Supervisors and admins see every
// row; an agent his own figures (the server decides; the page only says so).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import writeXlsxFile from 'write-excel-file/browser';
import type { Period } from '../../src/cases/types.ts';
import { byId, h, setText } from './dom.ts';
import { currentLang, onLang, t } from './i18n.ts';
import './reports-words.ts';
import { answeredSeries, caseSeries, csvText, previousPeriod, queueGrid, reportCsv, reportGrid, thisMonth, type Grid, type ReportReply, type Series } from './reports-data.ts';
import type { Fields } from './seat.ts';
import { openShell } from './shell.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

let last: ReportReply | null = null;
const charts = new Map<string, Chart>();

const shell = openShell(() => {});

/** A column id of the command's queue tables in the page's language (the id itself when there is no word for it). */
function colName(id: string): string {
  const k = `col.${id}`;
  const s = t(k);
  return s === k ? id : s;
}

function fillTable(head: HTMLElement, body: HTMLElement, headings: string[], rows: string[][], numericFrom: number): void {
  head.replaceChildren(...headings.map((x, i) => h('th', { class: i >= numericFrom ? 'num' : '', attrs: { scope: 'col' } }, x)));
  body.replaceChildren(
    ...(rows.length
      ? rows.map((cells) => h('tr', {}, ...cells.map((c, i) => (i === 0 ? h('th', { attrs: { scope: 'row' } }, c) : h('td', { class: i >= numericFrom ? 'num' : '' }, c)))))
      : [h('tr', {}, h('td', { attrs: { colspan: String(headings.length) } }, t('rep.none')))]),
  );
}

/** A bar chart of this period against the compared one; the canvas's label says the same in words (screen readers, tests). */
function drawChart(id: string, title: string, s: Series): void {
  const canvas = byId<HTMLCanvasElement>(id);
  const datasets = [{ label: t('rep.current'), data: s.current, backgroundColor: '#0b57a4' }];
  if (s.previous) datasets.push({ label: t('rep.previous'), data: s.previous, backgroundColor: '#8a96a3' });
  const words = s.labels.map((l, i) => `${l} ${s.current[i]}${s.previous ? ` / ${s.previous[i]}` : ''}`).join('; ');
  canvas.setAttribute('aria-label', `${title}: ${words || t('rep.none')}`);
  let chart = charts.get(id);
  if (!chart) {
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: s.labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: false }, legend: { position: 'bottom' } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    charts.set(id, chart);
  } else {
    chart.data.labels = s.labels;
    chart.data.datasets = datasets;
    chart.update();
  }
  setText(byId(`${id}-title`), title);
}

function draw(): void {
  if (!last) return;
  const metric = byId<HTMLSelectElement>('rep-metric').value;
  const grid = reportGrid(last.cases);
  fillTable(byId('case-head'), byId('case-rows'), currentLang() === 'zh' ? grid.headings : grid.columns, grid.rows.map((x) => x.cells), 3);
  drawChart('chart-cases', t('rep.chartCases', { m: t(`metric.${metric}`), by: t(`rep.by.${last.cases.query.by ?? 'none'}`) }), caseSeries(last.cases, metric));
  byId('rep-no-log').hidden = last.queues !== null;
  const q = last.queues ? queueGrid(last.queues) : { queues: { columns: [], rows: [] }, agents: { columns: [], rows: [] } };
  fillTable(byId('queue-head'), byId('queue-rows'), q.queues.columns.map(colName), q.queues.rows, 2);
  fillTable(byId('agent-head'), byId('agent-rows'), q.agents.columns.map(colName), q.agents.rows, 2);
  drawChart('chart-agents', t('rep.chartAgents'), last.queues ? answeredSeries(last.queues) : { labels: [], current: [], previous: null });
  const p = last.cases.query.period;
  const cp = last.cases.comparePeriod;
  setText(byId('rep-periods'), `${t('rep.done', { from: p.from, to: p.to })}${cp ? ` · ${t('rep.comparedWith', { from: cp.from, to: cp.to })}` : ''}`);
}

function query(): Fields<'report'> {
  const period: Period = { from: byId<HTMLInputElement>('rep-from').value, to: byId<HTMLInputElement>('rep-to').value };
  const by = byId<HTMLSelectElement>('rep-by').value as NonNullable<Fields<'report'>['by']>;
  const granularity = byId<HTMLSelectElement>('rep-gran').value as NonNullable<Fields<'report'>['granularity']>;
  const cmp = byId<HTMLSelectElement>('rep-compare').value;
  const q: Fields<'report'> = { period, by, granularity };
  if (cmp === 'last_year') q.compareTo = 'last_year';
  else if (cmp === 'previous' && period.from && period.to) q.compareTo = previousPeriod(period);
  return q;
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { attrs: { href: url, download: name } });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  shell?.say(t('rep.exported', { f: name }));
}

const fileBase = (): string => (last ? `hotline-report-${last.cases.query.period.from}-${last.cases.query.period.to}` : 'hotline-report');

/** A cell for Excel: counts and decimals as numbers (sums work), the rest ('50.0%', 'new', '—', names) as text. */
function cell(s: string): string | number {
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

async function exportXlsx(): Promise<void> {
  if (!last) return shell?.say(t('rep.notYet'), true);
  const grid = reportGrid(last.cases);
  const sheet = (g: Grid | { columns: string[]; rows: string[][] }, name: string) => ({ data: [g.columns, ...g.rows.map((r) => r.map(cell))], sheet: name });
  const sheets = [sheet({ columns: grid.headings, rows: grid.rows.map((x) => x.cells) }, t('rep.cases'))];
  if (last.queues) {
    const q = queueGrid(last.queues);
    sheets.push(sheet({ columns: q.queues.columns.map(colName), rows: q.queues.rows }, t('rep.queues')), sheet({ columns: q.agents.columns.map(colName), rows: q.agents.rows }, t('rep.agents')));
  }
  download(`${fileBase()}.xlsx`, await writeXlsxFile(sheets).toBlob());
}

if (shell) {
  const { seat, session, say, report } = shell;
  const own = session.role === 'agent';
  byId('nav-supervisor').hidden = own;
  byId('rep-own').hidden = !own;
  if (own) {
    byId<HTMLSelectElement>('rep-by').value = 'agent';
    byId<HTMLSelectElement>('rep-by').disabled = true;
  }
  const m = thisMonth(Date.now());
  byId<HTMLInputElement>('rep-from').value = m.from;
  byId<HTMLInputElement>('rep-to').value = m.to;
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.color = '#1b1f24';

  const run = async () => {
    const button = byId<HTMLButtonElement>('rep-run');
    button.disabled = true;
    say(t('rep.busy'));
    try {
      const r = await seat.request('report', query());
      if (!r.ok) return report(r);
      last = r.result as ReportReply;
      say('');
      draw();
    } finally {
      button.disabled = false;
    }
  };
  byId<HTMLFormElement>('report-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  byId('rep-metric').addEventListener('change', draw);
  byId('rep-csv').addEventListener('click', () => {
    if (!last) return say(t('rep.notYet'), true);
    download(`${fileBase()}.csv`, new Blob([reportCsv(last.cases)], { type: 'text/csv;charset=utf-8' }));
  });
  byId('rep-queue-csv').addEventListener('click', () => {
    if (!last?.queues) return say(t(last ? 'rep.noQueueLog' : 'rep.notYet'), true);
    const q = queueGrid(last.queues);
    // One file, two tables: queues, a blank line, agents (as the command prints them).
    download(`${fileBase()}-calls.csv`, new Blob([csvText([q.queues.columns, ...q.queues.rows, [], q.agents.columns, ...q.agents.rows])], { type: 'text/csv;charset=utf-8' }));
  });
  byId('rep-xlsx').addEventListener('click', () => void exportXlsx());
  onLang(draw);
  // The first figures as soon as the seat is up (this month, so far).
  let first = true;
  shell.onOnline(() => {
    if (first) void run();
    first = false;
  });
}
