// Simulated agents for `hotline start --demo-agents M`: each sits at a
// simulated station (the phone end of his FXS port), answers when it rings
// after one to three seconds, greets the caller, talks, hangs up and goes
// through wrap-up; and the caller script that asks for an agent (menu 0),
// waits with music on hold, speaks his complaint and listens until the
// agent ends the call. The log shows each step (offer, answer, end, wrap-up).
import { filter, firstValueFrom, map, merge, take, timer } from 'rxjs';
import type { Acd } from '../acd/acd.ts';
import type { PromptSet } from '../ivr/prompts.ts';
import type { SimCaller } from './sim-caller.ts';
import type { SimStation } from './sim-station.ts';
import type { Switchboard } from './switchboard.ts';

export interface DemoAgentContext {
  prompts: PromptSet;
  random: () => number;
  stopping: () => boolean;
}

function sleep(st: SimStation, ms: number): Promise<void> {
  return new Promise((r) => st.phone.board.scheduler.schedule(() => r(), ms));
}

/** One agent's day: answer every call his phone rings with, talk 8–20 s, hang up; until stopping. */
export async function runDemoAgent(st: SimStation, ctx: DemoAgentContext): Promise<void> {
  const p = ctx.prompts;
  while (!ctx.stopping()) {
    if (!(await st.waitRing(5000))) continue;
    await sleep(st, 1000 + ctx.random() * 2000);
    if (!st.ringing) continue; // the caller gave up, or the offer moved on
    await st.liftHandset();
    await sleep(st, 300);
    // "Office hours …": the agent's words, real speech samples.
    if (st.offHook) await st.speak(p.file('zh', 'kb_office')).catch(() => undefined);
    const talk = 8000 + ctx.random() * 12_000;
    await firstValueFrom(merge(timer(talk, st.phone.board.scheduler), st.phone.events$.pipe(filter((e) => e.type === 'hangup'))).pipe(take(1)));
    if (st.offHook && !ctx.stopping()) await st.speak(p.file('zh', 'goodbye')).catch(() => undefined);
    await st.hangUp();
  }
}

/** The caller who presses 0: waits for an agent (music on hold), speaks, listens until the line clears (≤ 2 min). */
export async function agentCall(c: SimCaller, prompts: PromptSet): Promise<boolean> {
  if (!(await c.dial())) {
    await c.hangup();
    return false;
  }
  try {
    if ((await c.hear({ expect: ['welcome', 'main_menu', 'lang_offer'] })).hungUp) return true;
    await c.press('0');
    const cleared = firstValueFrom(merge(c.ch.events$.pipe(filter((e) => e.type === 'hangup'), map(() => true)), timer(120_000, c.ch.board.scheduler).pipe(map(() => false))).pipe(take(1)));
    let done = false;
    void cleared.then(() => (done = true));
    // Speak now and then while waiting and talking: the agent hears it once bridged.
    while (!done && c.connected) {
      await c.speak(prompts.file('zh', 'caller_complaint')).catch(() => undefined);
      await firstValueFrom(merge(timer(4000, c.ch.board.scheduler), c.ch.events$.pipe(filter((e) => e.type === 'hangup'))).pipe(take(1)));
    }
  } finally {
    await c.hangup();
  }
  return true;
}

/** One readable log line per step an agent's telephone and state go through. */
export function logAgents(sb: Switchboard, acd: Acd, log: (line: string) => void): () => void {
  const sub = sb.events$.subscribe((e) => {
    if (e.type === 'offer') log(`agent ${e.agentId}: call ${e.callId} from ${e.callerNumber ?? '(no caller id)'} ${e.headset ? 'zip tone (headset)' : 'rings'}`);
    else if (e.type === 'connected') log(`agent ${e.agentId}: talking with ${e.callerNumber ?? 'the caller'} (call ${e.callId})`);
    else if (e.type === 'ended') log(`agent ${e.agentId}: call ${e.callId} ended by the ${e.by}`);
    else if (e.type === 'offer-cancelled') log(`agent ${e.agentId}: offer of call ${e.callId} ended (${e.reason})`);
    else log(`agent ${e.agentId}: call ${e.callId} ${e.type}`);
  });
  const off = acd.onDecision((d) => {
    if (d.type === 'agent-state' && (d.state === 'workingAfterCall' || d.state === 'notReady' || d.state === 'ready')) {
      log(`agent ${d.agentId}: ${d.state === 'workingAfterCall' ? 'wrap-up' : d.state === 'ready' ? 'ready' : `not ready (${d.reason ?? ''})`}`);
    }
    if (d.type === 'overflow') log(`call ${d.callId}: left the queue ${d.queue} (${d.reason})`);
  });
  return () => {
    sub.unsubscribe();
    off();
  };
}
