// The supervisor's operations on a seat card of the wallboard: listen (监听),
// whisper (to the agent only), barge (强插), leave, and calling the agent's
// station (呼叫话务员). The supervisor's own telephone joins the call: the
// server rings it first when it is on hook, so a reply may take until he
// lifts it. Refusals (CALL_NOT_CONNECTED, CALL_STATION_BUSY …) appear in the
// status line with their code; the `supervising` event marks the card.
import { h } from './dom.ts';
import { addWords, t } from './i18n.ts';
import type { EventData } from './seat.ts';
import type { Shell } from './shell.ts';

addWords(
  {
    'sv.listen': '监听',
    'sv.whisper': '密语',
    'sv.barge': '强插',
    'sv.leave': '退出监听',
    'sv.call': '呼叫',
    'sv.ringing': '您的话机振铃中，请拿起话机…',
    'sv.on.listen': '正在监听 {a}',
    'sv.on.whisper': '正在对 {a} 密语（来电方听不到）',
    'sv.on.barge': '已强插 {a} 的通话',
    'sv.left': '已退出 {a} 的通话',
    'sv.calling': '正在呼叫 {a}…',
    'sv.caller': '来电 {n}',
    'sv.queue': '队列 {q}',
  },
  {
    'sv.listen': 'Listen',
    'sv.whisper': 'Whisper',
    'sv.barge': 'Barge',
    'sv.leave': 'Leave',
    'sv.call': 'Call',
    'sv.ringing': 'Your phone is ringing: lift the handset…',
    'sv.on.listen': 'Listening to {a}',
    'sv.on.whisper': 'Whispering to {a} (the caller does not hear)',
    'sv.on.barge': 'Barged into {a}\'s call',
    'sv.left': 'Left {a}\'s call',
    'sv.calling': 'Calling {a}…',
    'sv.caller': 'caller {n}',
    'sv.queue': 'queue {q}',
  },
);

type Mode = 'listen' | 'whisper' | 'barge';

export interface Supervise {
  /** The buttons of one seat card. */
  actions(agentId: string): HTMLElement;
}

export function openSupervise(shell: Shell, cardOf: (agentId: string) => HTMLElement | undefined): Supervise {
  const { seat, report, say } = shell;
  /** The agent whose call this supervisor is in, and how. */
  let on: { agentId: string; mode: string } | null = null;
  const mark = () => {
    for (const el of document.querySelectorAll<HTMLElement>('.seat-card[data-supervised]')) delete el.dataset.supervised;
    const el = on && cardOf(on.agentId);
    if (el && on) el.dataset.supervised = on.mode;
  };
  shell.onEvent('supervising', (d) => {
    const x = d as EventData<'supervising'>;
    on = { agentId: x.agentId, mode: x.mode };
    mark();
    say(t(`sv.on.${x.mode}`, { a: x.agentId }));
  });
  // The supervised call ended: the card shows the agent's next call without the mark.
  shell.onEvent('wallboard', (d) => {
    const w = d as EventData<'wallboard'>;
    if (on && !w.agents.some((a) => a.agentId === on!.agentId && a.callId)) {
      on = null;
      mark();
    }
  });

  const supervise = async (agentId: string, mode: Mode) => {
    say(t('sv.ringing'));
    // An on-hook phone rings first: the reply comes once he lifts it (the server gives up after 30 s).
    const r = await seat.request('supervise', { agentId, mode }, 35_000);
    if (!r.ok) report(r);
  };
  const leave = async (agentId: string) => {
    const r = await seat.request('supervise-leave', {});
    report(r, t('sv.left', { a: agentId }));
    if (r.ok) {
      on = null;
      mark();
    }
  };
  const call = async (agentId: string) => {
    say(t('sv.calling', { a: agentId }));
    report(await seat.request('dial', { to: { agent: agentId } }), t('sv.calling', { a: agentId }));
  };
  return {
    actions(agentId) {
      const b = (cls: string, key: string, fn: () => void) => h('button', { class: cls, attrs: { type: 'button', 'aria-label': `${t(key)} ${agentId}` }, on: { click: fn } }, t(key));
      const el = h(
        'div',
        { class: 'seat-actions supervise' },
        b('sv-listen', 'sv.listen', () => void supervise(agentId, 'listen')),
        b('sv-whisper', 'sv.whisper', () => void supervise(agentId, 'whisper')),
        b('sv-barge', 'sv.barge', () => void supervise(agentId, 'barge')),
        b('sv-leave', 'sv.leave', () => void leave(agentId)),
        b('sv-call', 'sv.call', () => void call(agentId)),
      );
      queueMicrotask(mark);
      return el;
    },
  };
}

/** The caller and queue of a seat's call, for its card ('' when he has none). */
export function callLine(a: { callerNumber?: string; callQueue?: string; callId?: string }): string {
  if (!a.callId) return '';
  return [a.callerNumber ? t('sv.caller', { n: a.callerNumber }) : t('sv.caller', { n: '—' }), a.callQueue ? t('sv.queue', { q: a.callQueue }) : ''].filter(Boolean).join(' · ');
}
