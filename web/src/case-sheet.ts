// The case form (受理单) on paper: one A4 page a case file keeps, with the
// case's number, the times (received, registered, closed), the caller, kind,
// category, what he asks and the facts, the handling (every step of the
// history, the departments, the result and answer) and the deadlines. Like
// the letter (case-letter.ts) it is a Chinese document whatever the
// console's language, and every value from the case goes in as text
// (dom.ts): case text typed by a caller cannot become markup.
import type { CaseRecord, Department } from '../../src/cases/types.ts';
import { chineseDate } from './case-letter.ts';
import { h } from './dom.ts';
import { zhWord } from './i18n.ts';

/** 2026-03-05 14:30 (Beijing). */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const word = (group: string, id: string | undefined): string => (id ? zhWord(`${group}.${id}`).replace(`${group}.`, '') : '');

export function renderCaseSheet(into: HTMLElement, c: CaseRecord, departments: readonly Department[], categoryPath: string, now: number): void {
  const dept = (id: string) => departments.find((d) => d.id === id)?.name ?? id;
  const person = c.anonymous ? '匿名' : [c.complainant?.name, c.complainant?.phone, c.complainant?.address].filter(Boolean).join('　');
  const cell = (head: string, text: string | undefined, field: string, wide = false) => [
    h('th', { attrs: { scope: 'row' } }, head),
    h('td', { attrs: { 'data-field': field, ...(wide ? { colspan: '3' } : {}) } }, text ?? ''),
  ];
  const row = (...cells: ReturnType<typeof cell>[]) => h('tr', {}, ...cells.flat());
  into.replaceChildren(
    h('p', { class: 'ref' }, '12315 消费者投诉举报热线'),
    h('h1', {}, '受 理 单'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        row(cell('案件编号', c.number, 'number'), cell('类别', word('kind', c.kind), 'kind')),
        row(cell('受理时间', beijingTime(c.receivedAt ?? c.createdAt), 'receivedAt'), cell('登记时间', beijingTime(c.createdAt), 'createdAt')),
        row(cell('来电号码', c.callerNumber ?? '', 'callerNumber'), cell('回电号码', c.callbackNumber ?? '', 'callbackNumber')),
        row(cell('投诉（举报）人', person, 'complainant', true)),
        row(cell('被投诉（举报）单位', [c.business?.name, c.business?.address].filter(Boolean).join('　'), 'business', true)),
        row(cell('分类', categoryPath, 'category'), cell('受理座席', c.agentId ?? '', 'agentId')),
        row(cell('诉求', c.request, 'request', true)),
        row(cell('事实经过', c.facts, 'facts', true)),
        row(cell('承办部门', c.dispatches.map((d) => `${dept(d.departmentId)}${d.personInCharge ? `（${d.personInCharge}）` : ''}`).join('、'), 'departments', true)),
        row(cell('时限', c.deadlines.map((d) => `${word('deadline', d.kind)} ${beijingTime(d.dueAt)}${d.metAt ? '（已完成）' : ''}`).join('；'), 'deadlines', true)),
        row(cell('办理情况', c.history.map((e) => `${beijingTime(e.at)} ${e.by} ${word('action', e.action)}${e.note ? `：${e.note}` : ''}`).join('\n'), 'handling', true)),
        row(cell('状态', `${word('status', c.status)}${c.result ? `（${word('result', c.result)}）` : ''}`, 'status'), cell('办结时间', c.closedAt ? beijingTime(c.closedAt) : '', 'closedAt')),
        row(cell('答复内容', c.answer ?? c.notAcceptedReason, 'answer', true)),
      ),
    ),
    h('p', { class: 'sign' }, `打印时间：${chineseDate(now)}　经办人（签字）：＿＿＿＿＿＿`),
  );
}
