// The agent page: the soft phone (state indicator and selector, call
// controls, call timer, calls waiting) and the case form (caseform.ts).
// Everything an agent does is a seat message; the server decides and the
// page shows its answer: a refusal appears in the status line with its code.
import type { AgentState } from '../../src/acd/types.ts';
import type { AgentStateView, QueueView } from '../../src/seats/protocol.ts';
import { byId, clock, h, setText } from './dom.ts';
import { openCallOps } from './callops.ts';
import { openCaseForm } from './caseform.ts';
import { onLang, reasonName, stateName, t } from './i18n.ts';
import type { EventData } from './seat.ts';
import { openPhone } from './phone.ts';
import { openShell } from './shell.ts';

const ON_CALL = new Set<AgentState>(['talking', 'held']);

let agent: AgentStateView | null = null;
let agentAt = 0; // performance.now() when `agent` arrived
let callStart: number | null = null; // performance.now() at the start of the call
let queues: QueueView[] = [];
let queuesAt = 0;
/** What the call layer said last about this agent's call (offer, connected, held …). */
let call: { phase: 'offered' | 'connected' | 'held' | 'ended' | 'cancelled'; callId?: string; callerNumber?: string; queue?: string; headset?: boolean; detail?: string } | null = null;
/** Who is on the line, for this tab: a reload gets the call back from the snapshot, its caller from here. */
const CALL_KEY = 'hotline.call';
function rememberCall(): void {
  if (call?.callId) sessionStorage.setItem(CALL_KEY, JSON.stringify({ callId: call.callId, callerNumber: call.callerNumber, queue: call.queue }));
}
function recalled(callId: string): { callerNumber?: string; queue?: string } {
  try {
    const c = JSON.parse(sessionStorage.getItem(CALL_KEY) ?? 'null') as { callId?: string; callerNumber?: string; queue?: string } | null;
    return c?.callId === callId ? { callerNumber: c.callerNumber, queue: c.queue } : {};
  } catch {
    return {};
  }
}

const shell = openShell((name, data) => {
  if (name === 'snapshot') {
    const s = data as EventData<'snapshot'>;
    setAgent(s.agent);
    queues = s.queues;
    queuesAt = performance.now();
    drawQueues();
    // A seat that reconnects finds its call here (the telephone kept it while the socket was down).
    const phase = s.call ? ({ offered: 'offered', talking: 'connected', held: 'held' } as const)[s.call.state] : null;
    if (phase && call?.phase !== phase) {
      call = { ...recalled(s.call!.callId), ...call, phase, callId: s.call!.callId };
      drawCall();
    } else if (!phase && call && call.phase !== 'ended' && call.phase !== 'cancelled') {
      call = null; // it ended while the socket was down
      drawCall();
    }
  } else if (name === 'agent-state') setAgent(data as EventData<'agent-state'>);
  else if (name === 'offer') {
    const o = data as EventData<'offer'>;
    call = { phase: 'offered', callId: o.callId, callerNumber: o.callerNumber, queue: o.queue, headset: o.headset };
    rememberCall();
  } else if (name === 'offer-cancelled') call = { ...call, phase: 'cancelled', detail: (data as EventData<'offer-cancelled'>).reason };
  else if (name === 'connected') {
    const c = data as EventData<'connected'>;
    call = { ...call, phase: 'connected', callId: c.callId, callerNumber: c.callerNumber ?? call?.callerNumber };
    rememberCall();
    callStart ??= performance.now();
  } else if (name === 'held') call = { ...call, phase: 'held' };
  else if (name === 'retrieved') call = { ...call, phase: 'connected' };
  else if (name === 'ended') {
    call = { ...call, phase: 'ended', detail: (data as EventData<'ended'>).by };
    callStart = null;
  }
  if (name === 'offer' || name === 'offer-cancelled' || name === 'connected' || name === 'held' || name === 'retrieved' || name === 'ended') drawCall();
});

/** The call line: who is calling, what to do (F2 or lift the handset), or how the call ended. */
function drawCall(): void {
  const line = byId('call-info');
  line.dataset.phase = call?.phase ?? 'none';
  if (!call) return setText(line, '');
  const who = call.callerNumber ?? t('call.unknownCaller');
  const text: Record<typeof call.phase, string> = {
    offered: t(call.headset ? 'call.offerHeadset' : 'call.offerRing', { n: who, q: call.queue ?? '' }),
    connected: t('call.connected', { n: who }),
    held: t('call.held', { n: who }),
    ended: t(`call.ended.${call.detail ?? 'system'}`, { n: who }),
    cancelled: t('call.cancelled', { n: who, r: call.detail ?? '' }),
  };
  setText(line, text[call.phase]);
}

function setAgent(v: AgentStateView | null): void {
  const wasOnCall = agent !== null && ON_CALL.has(agent.state);
  agent = v;
  agentAt = performance.now();
  if (v && ON_CALL.has(v.state)) {
    // The call began when the first call state began (talking → held → talking is one call);
    // a later view of the same state may only move that start earlier (the server's clock wins).
    const since = agentAt - v.timeInStateMs;
    callStart = !wasOnCall || callStart === null ? since : Math.min(callStart, since);
  } else callStart = null;
  drawState();
}

function drawState(): void {
  const badge = byId('state-badge');
  badge.dataset.state = agent?.state ?? 'none';
  setText(badge, stateName(agent?.state ?? null));
  const reason = agent?.reason ? ` · ${reasonName(agent.reason)}` : '';
  setText(byId('state-reason'), reason);
  setText(byId('state-pending'), agent?.pendingNotReady ? t('phone.pending', { r: reasonName(agent.pendingNotReady) }) : '');
  tick();
}

/** Time in state, call timer and waits grow between server messages. */
function tick(): void {
  const now = performance.now();
  setText(byId('state-since'), agent ? t('phone.since', { t: clock(agent.timeInStateMs + now - agentAt) }) : '');
  setText(byId('call-timer'), callStart === null ? '0:00' : clock(now - callStart));
  for (const li of byId('waiting').querySelectorAll<HTMLElement>('li[data-queue]')) {
    const q = queues.find((x) => x.queue === li.dataset.queue);
    if (q) setText(li, t('phone.waitingLine', { q: q.queue, n: q.waiting, w: clock(q.waiting > 0 ? q.longestWaitMs + now - queuesAt : 0) }));
  }
}

function drawQueues(): void {
  const list = byId('waiting');
  list.replaceChildren(...(queues.length ? queues.map((q) => h('li', { attrs: { 'data-queue': q.queue }, class: q.waiting > 0 ? 'alert' : '' })) : [h('li', {}, t('phone.noQueues'))]));
  byId('waiting-box').dataset.waiting = String(queues.reduce((n, q) => n + q.waiting, 0));
  tick();
}

if (shell) {
  const { seat, report } = shell;
  const act = async (fn: () => Promise<Parameters<typeof report>[0]>) => report(await fn());
  const reasonOf = () => {
    const sel = byId<HTMLSelectElement>('reason').value;
    return sel === 'other' ? byId<HTMLInputElement>('reason-other').value.trim() : sel;
  };
  const ops: Record<string, () => void> = {
    'acd-login': () => act(() => seat.request('acd-login', {})),
    'acd-logout': () => act(() => seat.request('acd-logout', {})),
    ready: () => act(() => seat.request('ready', {})),
    'not-ready': () => act(() => seat.request('not-ready', { reason: reasonOf() })),
    'wrap-up-end': () => act(() => seat.request('wrap-up-end', {})),
    answer: () => act(() => seat.request('answer', {})),
    hangup: () => act(() => seat.request('hangup', {})),
    hold: () => act(() => (agent?.state === 'held' || call?.phase === 'held' ? seat.request('retrieve', {}) : seat.request('hold', {}))),
  };
  const callOps = openCallOps(shell);
  for (const [id, fn] of Object.entries(ops)) byId(id).addEventListener('click', fn);
  byId<HTMLSelectElement>('reason').addEventListener('change', (e) => {
    const other = byId<HTMLInputElement>('reason-other');
    other.hidden = (e.target as HTMLSelectElement).value !== 'other';
    if (!other.hidden) other.focus();
  });
  // Function keys, as on the desk soft phones agents know; F5 (reload) stays the browser's.
  const KEYS: Record<string, string> = { F2: 'answer', F3: 'hangup', F4: 'hold', F6: 'transfer', F7: 'ready', F8: 'not-ready', F9: 'wrap-up-end' };
  document.addEventListener('keydown', (e) => {
    const op = KEYS[e.key];
    if (!op || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    if (op === 'transfer' && document.activeElement !== byId('transfer-to')) byId('transfer-to').focus();
    else if (op === 'transfer') callOps.transfer();
    else ops[op]();
  });

  onLang(() => {
    drawState();
    drawQueues();
    drawCall();
  });
  openCaseForm(shell);
  openPhone(shell);
  // Agents have no wallboard: the snapshot carries their queues' waiting calls.
  setInterval(() => seat.online && void seat.request('snapshot', {}), 3000);
  setInterval(tick, 1000);
}

