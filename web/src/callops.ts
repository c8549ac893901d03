// The agent page's call operations (issue 10's agent operations, issue 12's
// soft phone): blind transfer (F6) and consultation (F10) to an agent, a
// queue or a number; completing or cancelling the consultation; the
// conference; back to an IVR node (人工转自动); placing a call (座席呼出 to a
// number, or another agent's station) and calling the supervisor (呼叫班长).
// Every button is one seat message; the server decides (CALL_* codes on a
// refusal, shown in the status line) and its events tell the page what
// happened (consult-answered, conference, transferred, placed-…).
import { byId, clock, setText } from './dom.ts';
import { addWords, onLang, t } from './i18n.ts';
import type { EventData, Fields } from './seat.ts';
import type { Shell } from './shell.ts';

addWords(
  {
    'ops.title': '转接、咨询与会议',
    'ops.kind': '目标类型',
    'ops.kind.agent': '工号',
    'ops.kind.queue': '队列',
    'ops.kind.number': '号码',
    'ops.target': '工号、队列名或号码',
    'ops.consult': '咨询',
    'ops.complete': '完成转接',
    'ops.cancel': '取消咨询',
    'ops.conference': '三方通话',
    'ops.ivrNode': '节点',
    'ops.toIvr': '转自动',
    'ops.dial': '呼出',
    'ops.supId': '班长',
    'ops.callSup': '呼叫班长',
    'ops.needTarget': '请先填写目标',
    'ops.needSup': '请先填写班长工号',
    'ops.noDialQueue': '不能呼叫队列：请选择工号或号码',
    'ops.to.agent': '工号 {v}',
    'ops.to.queue': '队列 {v}',
    'ops.to.number': '号码 {v}',
    'ops.sent.transfer': '已转接至 {t}',
    'ops.sent.consult': '正在咨询 {t}，来电方保持中（听等待音乐）',
    'ops.sent.dial': '正在呼叫 {t}…',
    'ops.sent.toIvr': '来电方已转至自动语音（{n}）',
    'ops.ev.consultAnswered': '{t} 已接通：正在咨询，来电方保持中',
    'ops.ev.consultEnded.no-answer': '咨询未接通，已回到来电方',
    'ops.ev.consultEnded.target-hung-up': '咨询方已挂机，已回到来电方',
    'ops.ev.consultEnded.cancelled': '已取消咨询，回到来电方',
    'ops.ev.consultEnded.completed': '转接完成',
    'ops.ev.consultEnded.conference': '咨询方已加入会议',
    'ops.ev.conference': '会议中：{p} 方',
    'ops.ev.transferred.blind': '已转接至 {to}（盲转）',
    'ops.ev.transferred.consult': '已转接至 {to}（咨询后转接）',
    'ops.ev.placedConnected': '与 {to} 通话中（呼出）',
    'ops.ev.placedEnded.outbound_completed': '呼出通话已结束',
    'ops.ev.placedEnded.outbound_no_answer': '呼出无人应答',
    'ops.ev.placedEnded.outbound_abandoned': '呼出已取消',
    'ops.ev.intercom': '{from} 呼叫您（内部通话）',
    'ops.ev.callWaiting': '呼叫等待：{q} 有 {n} 通来电等待，最长 {w}',
  },
  {
    'ops.title': 'Transfer, consult, conference',
    'ops.kind': 'Target type',
    'ops.kind.agent': 'Agent',
    'ops.kind.queue': 'Queue',
    'ops.kind.number': 'Number',
    'ops.target': 'agent id, queue or number',
    'ops.consult': 'Consult',
    'ops.complete': 'Complete transfer',
    'ops.cancel': 'Cancel consult',
    'ops.conference': 'Conference',
    'ops.ivrNode': 'Node',
    'ops.toIvr': 'Back to IVR',
    'ops.dial': 'Dial',
    'ops.supId': 'Supervisor',
    'ops.callSup': 'Call supervisor',
    'ops.needTarget': 'Fill in a target first',
    'ops.needSup': 'Fill in the supervisor id first',
    'ops.noDialQueue': 'A queue cannot be dialled: choose agent or number',
    'ops.to.agent': 'agent {v}',
    'ops.to.queue': 'queue {v}',
    'ops.to.number': 'number {v}',
    'ops.sent.transfer': 'Transferred to {t}',
    'ops.sent.consult': 'Consulting {t}; the caller is on hold (music)',
    'ops.sent.dial': 'Calling {t}…',
    'ops.sent.toIvr': 'The caller is back in the IVR ({n})',
    'ops.ev.consultAnswered': '{t} answered: consulting, the caller is on hold',
    'ops.ev.consultEnded.no-answer': 'No answer: back with the caller',
    'ops.ev.consultEnded.target-hung-up': 'The consulted party hung up: back with the caller',
    'ops.ev.consultEnded.cancelled': 'Consultation cancelled: back with the caller',
    'ops.ev.consultEnded.completed': 'Transfer completed',
    'ops.ev.consultEnded.conference': 'The consulted party joined the conference',
    'ops.ev.conference': 'Conference: {p} parties',
    'ops.ev.transferred.blind': 'Transferred to {to} (blind)',
    'ops.ev.transferred.consult': 'Transferred to {to} (after consultation)',
    'ops.ev.placedConnected': 'Talking with {to} (placed call)',
    'ops.ev.placedEnded.outbound_completed': 'The placed call ended',
    'ops.ev.placedEnded.outbound_no_answer': 'No answer to the placed call',
    'ops.ev.placedEnded.outbound_abandoned': 'The placed call was given up',
    'ops.ev.intercom': '{from} is calling you (intercom)',
    'ops.ev.callWaiting': 'Call waiting: {n} in {q}, longest {w}',
  },
);

type Target = Fields<'transfer'>['to'];
type Kind = 'agent' | 'queue' | 'number';
/** What the operations panel shows: none, consulting, conference, placed (a call this seat placed). */
export type OpsPhase = 'none' | 'consulting' | 'conference' | 'placed';

const SUP_KEY = 'hotline.supervisorId';

function targetText(to: Target): string {
  const [k, v] = Object.entries(to)[0] ?? ['agent', ''];
  return t(`ops.to.${k}`, { v: String(v) });
}

/** agent:1002 / queue:x / external:N (the `transferred` event's form) in words. */
function toText(to: string): string {
  const [k, ...rest] = to.split(':');
  const v = rest.join(':');
  return k === 'external' ? t('ops.to.number', { v }) : k === 'agent' || k === 'queue' ? t(`ops.to.${k}`, { v }) : to;
}

export interface CallOps {
  /** F6: blind transfer to the target (focus the target field first when empty). */
  transfer(): void;
  /** F10: consult the target. */
  consult(): void;
}

export function openCallOps(shell: Shell): CallOps {
  const { seat, report, say } = shell;
  const panel = byId('ops');
  const input = byId<HTMLInputElement>('transfer-to');
  const kind = byId<HTMLSelectElement>('ops-kind');
  const sup = byId<HTMLInputElement>('sup-id');
  sup.value = localStorage.getItem(SUP_KEY) ?? '';
  sup.addEventListener('change', () => localStorage.setItem(SUP_KEY, sup.value.trim()));
  let last: () => string = () => '';
  const info = (fn: () => string, fromEvent = true) => {
    if (fromEvent) events++;
    last = fn;
    setText(byId('ops-info'), fn());
  };
  onLang(() => setText(byId('ops-info'), last()));
  const phase = (p: OpsPhase) => (panel.dataset.phase = p);

  // A number typed into the target field is a number; letters and digits otherwise name an agent or queue by the select.
  const target = (): Target | null => {
    const v = input.value.trim();
    if (!v) {
      say(t('ops.needTarget'), true);
      input.focus();
      return null;
    }
    return { [kind.value as Kind]: v } as Target;
  };
  // An event can overtake the reply (a headset answers a consultation at once): the later word wins.
  let events = 0;
  const run = async (p: Promise<Parameters<typeof report>[0]>, ok: () => string, next?: OpsPhase) => {
    const before = events;
    const r = await p;
    report(r);
    if (r.ok && events === before) {
      info(ok, false);
      if (next) phase(next);
    }
  };

  const ops = {
    transfer() {
      const to = target();
      if (to) void run(seat.request('transfer', { to }), () => t('ops.sent.transfer', { t: targetText(to) }), 'none');
    },
    consult() {
      const to = target();
      if (to) void run(seat.request('consult', { to }), () => t('ops.sent.consult', { t: targetText(to) }), 'consulting');
    },
  };
  const buttons: Record<string, () => void> = {
    transfer: ops.transfer,
    consult: ops.consult,
    'consult-complete': () => void run(seat.request('consult-complete', {}), () => t('ops.ev.consultEnded.completed'), 'none'),
    'consult-cancel': () => void run(seat.request('consult-cancel', {}), () => t('ops.ev.consultEnded.cancelled'), 'none'),
    conference: () => void run(seat.request('conference', {}), () => '', 'conference'),
    'to-ivr': () => {
      const node = byId<HTMLInputElement>('ivr-node').value.trim();
      if (!node) return byId('ivr-node').focus();
      void run(seat.request('to-ivr', { node }), () => t('ops.sent.toIvr', { n: node }), 'none');
    },
    dial: () => {
      const to = target();
      if (!to) return;
      if ('queue' in to) return say(t('ops.noDialQueue'), true);
      void run(seat.request('dial', { to }), () => t('ops.sent.dial', { t: targetText(to) }), 'placed');
    },
    'call-sup': () => {
      const id = sup.value.trim();
      if (!id) {
        say(t('ops.needSup'), true);
        return sup.focus();
      }
      localStorage.setItem(SUP_KEY, id);
      void run(seat.request('dial', { to: { agent: id } }), () => t('ops.sent.dial', { t: targetText({ agent: id }) }), 'placed');
    },
  };
  for (const [id, fn] of Object.entries(buttons)) byId(id).addEventListener('click', fn);
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'F10' || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    if (!input.value.trim()) input.focus();
    else ops.consult();
  });

  shell.onEvent('consult-answered', (d) => {
    const x = d as EventData<'consult-answered'>;
    phase('consulting');
    info(() => t('ops.ev.consultAnswered', { t: targetText(x.target as Target) }));
  });
  shell.onEvent('consult-ended', (d) => {
    const x = d as EventData<'consult-ended'>;
    if (x.reason !== 'conference') phase('none');
    info(() => t(`ops.ev.consultEnded.${x.reason}`));
  });
  shell.onEvent('conference', (d) => {
    const x = d as EventData<'conference'>;
    phase('conference');
    info(() => t('ops.ev.conference', { p: x.parties }));
  });
  shell.onEvent('transferred', (d) => {
    const x = d as EventData<'transferred'>;
    phase('none');
    info(() => t(`ops.ev.transferred.${x.kind}`, { to: toText(x.to) }));
  });
  shell.onEvent('placed-connected', (d) => {
    const x = d as EventData<'placed-connected'>;
    phase('placed');
    info(() => t('ops.ev.placedConnected', { to: toText(x.to) }));
  });
  shell.onEvent('placed-ended', (d) => {
    const x = d as EventData<'placed-ended'>;
    phase('none');
    info(() => t(`ops.ev.placedEnded.${x.outcome}`));
  });
  shell.onEvent('intercom', (d) => {
    const x = d as EventData<'intercom'>;
    info(() => t('ops.ev.intercom', { from: x.from }));
  });
  shell.onEvent('call-waiting', (d) => {
    const x = d as EventData<'call-waiting'>;
    info(() => t('ops.ev.callWaiting', { q: x.queue, n: x.waiting, w: clock(x.longestWaitMs) }));
  });
  // A call that ended (caller gone) ends any consultation or conference the panel showed.
  shell.onEvent('ended', () => panel.dataset.phase !== 'placed' && phase('none'));
  return ops;
}
