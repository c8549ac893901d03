// Read-only views over the ACD's runtime model (model.ts): the snapshots the
// seats and the wallboard read, a queue's status, and the questions dispatch
// asks (is the queue empty, who may take this call, how long is the wait).
// Pure functions of the maps and records the Acd class passes in; nothing
// here changes state or reads a clock.
import type { AgentRt, CallRt, Member, QueueRt } from './model.ts';
import type { AgentState } from './types.ts';

// Before a queue has finished any call, the estimated wait assumes a 3-minute
// handle time (a typical 12315 call).
const DEFAULT_HANDLE_MS = 180_000;

export interface AgentSnapshot {
  id: string;
  state: AgentState;
  since: number;
  reason?: string;
  pendingNotReady?: string;
  pendingLogout?: boolean;
  callId?: string;
  /** The queue of his call (the wallboard's seat card). */
  callQueue?: string;
  /** The caller's number on his call, when the caller id gave one. */
  callerNumber?: string;
  misses: number;
  calls: number;
  connected: boolean;
}

export interface QueueStatus {
  id: string;
  waiting: number;
  longestWaitMs: number;
  members: number;
  loggedIn: number;
  ready: number;
}

/** What an agent's seat and the wallboard show of him. */
export function agentSnapshot(a: AgentRt): AgentSnapshot {
  const s: AgentSnapshot = { id: a.id, state: a.state, since: a.since, misses: a.misses, calls: a.calls, connected: a.connected };
  if (a.reason !== undefined) s.reason = a.reason;
  if (a.pendingNotReady !== undefined) s.pendingNotReady = a.pendingNotReady;
  if (a.pendingLogout) s.pendingLogout = true;
  const call = a.call ?? null;
  if (call) {
    s.callId = call.id;
    s.callQueue = call.queue.id;
    if (call.callerNumber) s.callerNumber = call.callerNumber;
  }
  return s;
}

/** A queue's waiting calls, longest wait and members logged in and ready at `now`. */
export function queueStatus(q: QueueRt, now: number): QueueStatus {
  let longest = 0;
  for (const c of q.waiting) longest = Math.max(longest, now - c.enteredAt);
  let loggedIn = 0;
  let ready = 0;
  for (const m of q.members) {
    if (m.agent.state !== 'loggedOut') loggedIn++;
    if (m.agent.state === 'ready') ready++;
  }
  return { id: q.id, waiting: q.waiting.length, longestWaitMs: longest, members: q.members.length, loggedIn, ready };
}

/** null, or why the queue counts as empty for its members able to take its calls. */
export function emptiness(q: QueueRt): 'none-logged-in' | 'none-ready' | null {
  let loggedIn = false;
  for (const m of q.members) {
    if (!m.eligible) continue;
    const s = m.agent.state;
    if (s !== 'loggedOut' && s !== 'notReady') return null;
    if (s === 'notReady') loggedIn = true;
  }
  return loggedIn ? 'none-ready' : 'none-logged-in';
}

/** Position × the queue's mean handle time ÷ members able to serve (logged in, not not-ready). */
export function estimatedWait(q: QueueRt, position: number): number {
  const aht = q.handleN ? q.handleSum / q.handleN : DEFAULT_HANDLE_MS;
  let serving = 0;
  for (const m of q.members) if (m.eligible && m.agent.state !== 'loggedOut' && m.agent.state !== 'notReady') serving++;
  return Math.round((position * aht) / Math.max(1, serving));
}

function allowedPenalty(c: CallRt, now: number): number {
  const cfg = c.queue.cfg;
  if (!cfg.penaltySteps) return Infinity;
  let max = cfg.startPenalty ?? 0;
  const waited = now - c.enteredAt;
  for (const s of cfg.penaltySteps) if (waited >= s.afterMs && s.maxPenalty > max) max = s.maxPenalty;
  return max;
}

/** Ready members able to take the call, lowest penalty group only, in member order. */
export function candidates(c: CallRt, now: number, exclude: AgentRt[] | null, stationTaken: (agentId: string) => boolean): Member[] {
  const allowed = allowedPenalty(c, now);
  let low = Infinity;
  const out: Member[] = [];
  for (const m of c.queue.members) {
    if (m.agent.state !== 'ready' || !m.eligible || m.penalty > allowed || stationTaken(m.agent.id)) continue;
    if (exclude && exclude.includes(m.agent)) continue;
    if (m.penalty < low) {
      low = m.penalty;
      out.length = 0;
    }
    if (m.penalty === low) out.push(m);
  }
  return out;
}
