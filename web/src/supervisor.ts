// The supervisor page: the live wallboard (counts, queues, every seat with
// its state and time in state) and, on a seat's card, force not ready and
// force logout. The server pushes a wallboard on every agent change and once
// a second; cards are updated in place (a control being used keeps focus).
import type { Wallboard } from '../../src/seats/protocol.ts';
import { byId, clock, h, setText } from './dom.ts';
import { onLang, reasonName, stateName, t } from './i18n.ts';
import { openShell } from './shell.ts';
import { callLine, openSupervise } from './supervise.ts';

const REASONS = ['临时闭席', 'meal', 'training', 'meeting'];

let board: Wallboard | null = null;
let boardAt = 0;
const cards = new Map<string, HTMLElement>();

const shell = openShell((name, data) => {
  if (name === 'wallboard') {
    board = data as Wallboard;
    boardAt = performance.now();
    draw();
  } else if (name === 'snapshot') {
    // After login or a resume: ask for the wallboard and its live updates again.
    void shell?.seat.request('wallboard', { live: true }).then((r) => {
      if (r.ok) {
        board = r.result as Wallboard;
        boardAt = performance.now();
        draw();
      } else shell.report(r);
    });
  }
});

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)} %`;
}

function draw(): void {
  if (!board) return;
  const c = board.counts;
  for (const [k, v] of Object.entries(c)) setText(byId(`count-${k}`), String(v));
  drawAlarms(board);
  drawQueues(board);
  drawSeats(board);
  setText(byId('updated'), t('sup.updated', { t: new Date().toLocaleTimeString() }));
}

/** Recordings stopped by a failure (disk full, I/O): a red banner over the wallboard until they record again. */
function drawAlarms(b: Wallboard): void {
  const box = byId('rec-alarms');
  const list = b.recordingAlarms ?? [];
  box.hidden = list.length === 0;
  setText(byId('rec-alarm-title'), list.length ? t('sup.recAlarm', { n: list.length }) : '');
  byId('rec-alarm-list').replaceChildren(...list.map((a) => h('li', { attrs: { 'data-channel': a.channel } }, `${a.channel}${a.callId ? ` (${a.callId})` : ''}: ${a.code} ${a.message} · ${new Date(a.at).toLocaleTimeString()}`)));
}

function drawQueues(b: Wallboard): void {
  setText(byId('sl-head'), t('sup.sl', { s: Math.round(b.serviceLevelMs / 1000) }));
  const now = performance.now();
  byId('queue-rows').replaceChildren(
    ...b.queues.map((q) =>
      h(
        'tr',
        { class: q.waiting > 0 ? 'alert' : '' },
        h('th', { attrs: { scope: 'row' } }, q.queue),
        h('td', {}, q.waiting),
        h('td', {}, clock(q.waiting > 0 ? q.longestWaitMs + now - boardAt : 0)),
        h('td', {}, `${q.loggedIn} / ${q.ready}`),
        h('td', {}, pct(q.serviceLevelToday)),
        h('td', {}, pct(q.abandonRateToday)),
        h('td', {}, `${q.answeredToday} / ${q.abandonedToday}`),
      ),
    ),
  );
}

function card(agentId: string): HTMLElement {
  let el = cards.get(agentId);
  if (el) return el;
  const reason = h('select', { class: 'force-reason', attrs: { 'aria-label': `${t('phone.reason')} ${agentId}` } }, ...REASONS.map((r) => h('option', { attrs: { value: r } }, t(`reason.${r}`))));
  const force = async (type: 'force-not-ready' | 'force-logout') => {
    if (!shell) return;
    const r = type === 'force-not-ready' ? await shell.seat.request(type, { agentId, reason: reason.value }) : await shell.seat.request(type, { agentId });
    shell.report(r, t('sup.done', { a: agentId, s: stateName((r.result as { state?: never } | undefined)?.state ?? null) }));
  };
  el = h(
    'li',
    { class: 'seat-card', attrs: { 'data-agent': agentId } },
    h('div', { class: 'seat-head' }, h('span', { class: 'seat-id' }, agentId), h('span', { class: 'seat-state' })),
    h('div', { class: 'seat-detail' }, h('span', { class: 'seat-reason' }), ' ', h('span', { class: 'seat-time' }), ' ', h('span', { class: 'seat-conn' })),
    h('div', { class: 'seat-call' }),
    h(
      'div',
      { class: 'seat-actions' },
      reason,
      h('button', { class: 'force-not-ready', attrs: { type: 'button' }, on: { click: () => void force('force-not-ready') } }, t('sup.forceNotReady')),
      h('button', { class: 'force-logout', attrs: { type: 'button' }, on: { click: () => void force('force-logout') } }, t('sup.forceLogout')),
    ),
    supervise?.actions(agentId),
  );
  cards.set(agentId, el);
  return el;
}

function drawSeats(b: Wallboard): void {
  const list = byId('seats');
  const now = performance.now();
  const seen = new Set<string>();
  b.agents.forEach((a, i) => {
    seen.add(a.agentId);
    const el = card(a.agentId);
    el.dataset.state = a.state;
    setText(el.querySelector('.seat-state')!, stateName(a.state));
    setText(el.querySelector('.seat-reason')!, reasonName(a.reason ?? a.pendingNotReady ?? ''));
    setText(el.querySelector('.seat-time')!, clock(a.timeInStateMs + now - boardAt));
    setText(el.querySelector('.seat-conn')!, a.seatConnected || a.state === 'loggedOut' ? '' : t('sup.seatOff'));
    setText(el.querySelector('.seat-call')!, callLine(a));
    if (list.children[i] !== el) list.insertBefore(el, list.children[i] ?? null);
  });
  for (const [id, el] of cards)
    if (!seen.has(id)) {
      el.remove();
      cards.delete(id);
    }
}

const supervise = shell ? openSupervise(shell, (id) => cards.get(id)) : null;

if (shell) {
  onLang(() => {
    // Words on the cards follow the language: rebuild them once.
    for (const el of cards.values()) el.remove();
    cards.clear();
    draw();
  });
  setInterval(() => {
    if (!board) return;
    const now = performance.now();
    for (const a of board.agents) {
      const el = cards.get(a.agentId);
      if (el) setText(el.querySelector('.seat-time')!, clock(a.timeInStateMs + now - boardAt));
    }
  }, 1000);
}
