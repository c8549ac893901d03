// The official letter (公函) of a case, for paper or PDF: the case handed to
// the departments it is dispatched to, with the facts as registered and the
// date the bureau wants the result by (the case's earliest open statutory
// deadline: mediation, verification …).
// The letter is a Chinese document whatever the console's language. Its
// words are the template below; every value from the case goes in as text
// (dom.ts), so case text typed by a caller cannot become markup.
import type { CaseRecord, Department } from '../../src/cases/types.ts';
import { h } from './dom.ts';

const KIND: Record<string, string> = { consultation: '咨询', complaint: '投诉', report: '举报', suggestion: '批评建议', mailbox: '局长信箱来信' };

/** The template: {name} is filled from the case. */
export const LETTER_TEMPLATE = {
  issuer: '12315 消费者投诉举报热线',
  title: '关于转办{kind}案件的函',
  ref: '12315 转〔{year}〕{number} 号',
  to: '{departments}：',
  toAny: '有关单位：',
  body: '我局 12315 热线于 {received} 受理{who}的{kind}（案件编号 {number}），现将有关情况转去，请依法处理，并于 {due} 前将处理结果反馈我局。',
  noDue: '规定期限',
  consumer: '消费者{name}',
  anonymous: '匿名举报人',
  contact: '联系人：工号 {agent}　联系电话：12315',
  stamp: '（盖章）',
} as const;

const fill = (s: string, v: Record<string, string>): string => s.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? '');

/** A date as the bureau writes it: 2026年3月5日 (Beijing). */
export function chineseDate(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

export function renderLetter(into: HTMLElement, c: CaseRecord, departments: readonly Department[], categoryPath: string, now: number): void {
  const T = LETTER_TEMPLATE;
  const kind = KIND[c.kind] ?? c.kind;
  const names = c.dispatches.map((d) => departments.find((x) => x.id === d.departmentId)?.name ?? d.departmentId);
  // The department answers by the case's next statutory deadline; reminders and callbacks are the hotline's own.
  const open = c.deadlines.filter((d) => d.metAt === undefined && d.kind !== 'reminder' && d.kind !== 'callback').sort((a, b) => a.dueAt - b.dueAt)[0];
  const who = c.anonymous ? T.anonymous : fill(T.consumer, { name: c.complainant?.name ?? '' });
  const person = c.anonymous ? T.anonymous : [c.complainant?.name, c.complainant?.phone, c.complainant?.address].filter(Boolean).join('　');
  const row = (head: string, text: string | undefined) => (text ? h('tr', {}, h('th', { attrs: { scope: 'row' } }, head), h('td', {}, text)) : null);
  into.replaceChildren(
    h('p', { class: 'ref' }, T.issuer),
    h('h1', {}, fill(T.title, { kind })),
    h('p', { class: 'ref' }, fill(T.ref, { year: String(new Date((c.receivedAt ?? c.createdAt) + 8 * 3_600_000).getUTCFullYear()), number: c.number })),
    h('p', {}, names.length ? fill(T.to, { departments: names.join('、') }) : T.toAny),
    h('p', { class: 'body' }, fill(T.body, { received: chineseDate(c.receivedAt ?? c.createdAt), who, kind, number: c.number, due: open ? chineseDate(open.dueAt) : T.noDue })),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        row('案件编号', c.number),
        row('分类', categoryPath),
        row('投诉（举报）人', person),
        row('被投诉（举报）单位', [c.business?.name, c.business?.address].filter(Boolean).join('　')),
        row('诉求', c.request),
        row('事实经过', c.facts),
      ),
    ),
    h('p', { class: 'sign' }, T.issuer, h('br'), chineseDate(now), h('br'), T.stamp),
    h('p', {}, fill(T.contact, { agent: c.agentId ?? '' })),
  );
}
