// The seat messages of the agent's and supervisor's operations (transfer,
// consultation, conference, back to the IVR, listen/whisper/barge) on the
// call layer's AgentOps, and its events to the seats concerned. Role and
// roster checks are the service's; the call layer answers with CALL_* codes.
import type { AgentOps, OpsEvent, OpTarget } from '../calls/agent-ops.ts';
import type { OutboundCalls, PlacedEvent, PlaceTarget } from '../calls/outbound.ts';
import type { CallWaitingEvent } from '../calls/call-waiting.ts';
import { CallError } from '../calls/errors.ts';
import type { ClientMessage } from './protocol.ts';

export const OPS_TYPES = ['transfer', 'consult', 'consult-complete', 'consult-cancel', 'conference', 'to-ivr', 'supervise', 'supervise-leave', 'dial', 'dispatch-call'] as const;
export type OpsType = (typeof OPS_TYPES)[number];
type OpsMessage = Extract<ClientMessage, { type: OpsType }>;

export function isOpsMessage(m: ClientMessage): m is OpsMessage {
  return (OPS_TYPES as readonly string[]).includes(m.type);
}

/** Runs one operation for `self`; returns the reply's result. */
export async function runOp(ops: AgentOps | undefined, out: OutboundCalls | undefined, self: string, m: OpsMessage): Promise<unknown> {
  if (m.type === 'dial') {
    if (!out) throw new CallError('CALL_CONTROL_UNAVAILABLE', 'this seat server has no call layer behind it');
    const to = m.to;
    const target: PlaceTarget | null = to.agent !== undefined && to.number === undefined && to.callback === undefined ? { agent: to.agent } : to.number !== undefined && to.agent === undefined ? { number: to.number, ...(to.callback ? { callback: to.callback } : {}) } : null;
    if (!target) throw new CallError('CALL_TARGET_UNKNOWN', 'dial names either a number (with an optional callback) or an agent', {});
    return { callId: out.place(self, target).callId };
  }
  if (!ops) throw new CallError('CALL_CONTROL_UNAVAILABLE', 'this seat server has no call layer behind it');
  switch (m.type) {
    case 'transfer':
      return ops.transfer(self, m.to as OpTarget);
    case 'consult':
      return { callId: ops.consult(self, m.to as OpTarget).callId };
    case 'consult-complete':
      return ops.complete(self);
    case 'consult-cancel':
      return ops.cancel(self);
    case 'conference':
      return ops.conference(self);
    case 'to-ivr':
      return ops.toIvr(self, m.node);
    case 'supervise':
      return ops.supervise(self, m.agentId, m.mode);
    case 'supervise-leave':
      return ops.leave(self);
    case 'dispatch-call': {
      const r = await ops.dispatchCall(self, { caseNumber: m.caseNumber, departmentId: m.departmentId });
      return { callId: r.callId, number: r.number };
    }
  }
}

/** Who gets an operation's event, and its data (the event name is the type). */
export function opsEventFor(e: OpsEvent | PlacedEvent | CallWaitingEvent): { to: string[]; data: Record<string, unknown> } {
  switch (e.type) {
    case 'call-waiting':
      return { to: [e.agentId], data: { queue: e.queue, waiting: e.waiting, longestWaitMs: e.longestWaitMs } };
    case 'placed-connected':
      return { to: [e.agentId], data: { callId: e.callId, to: e.to } };
    case 'placed-ended':
      return { to: [e.agentId], data: { callId: e.callId, outcome: e.outcome } };
    case 'intercom':
      return { to: [e.agentId], data: { callId: e.callId, from: e.from } };
    case 'consult-answered':
      return { to: [e.agentId], data: { callId: e.callId, target: e.target } };
    case 'consult-ended':
      return { to: [e.agentId], data: { callId: e.callId, reason: e.reason } };
    case 'conference':
      return { to: [e.agentId], data: { callId: e.callId, parties: e.parties } };
    case 'transferred':
      return { to: [e.agentId], data: { callId: e.callId, to: e.to, kind: e.kind } };
    case 'supervising':
      return { to: [e.supervisorId], data: { callId: e.callId, agentId: e.agentId, supervisorId: e.supervisorId, mode: e.mode } };
    case 'supervise-ended':
      return { to: [e.supervisorId], data: { callId: e.callId, agentId: e.agentId, supervisorId: e.supervisorId, reason: e.reason } };
  }
}
