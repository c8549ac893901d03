// 执法调度: from a report case (举报), the agent in conversation with the
// caller calls the department that must act (its phone, in the case store's
// directory) and, once its leader answers, holds a three-way call with the
// caller while the case is dispatched to that department (the store's
// workflow: dispatch, or a note when the department has it already; either
// names the call). The call itself is an ordinary consultation of a number
// turned into a conference (agent-ops.ts): the leader leaving brings the call
// back to two; the caller held meanwhile hears music.
import type { CaseStatus, CaseStore } from '../cases/types.ts';
import type { AgentOps } from './agent-ops.ts';
import { CallError } from './errors.ts';
import type { Logger } from './log.ts';
import { DIALLABLE } from './outside.ts';

export interface DispatchCallRequest {
  caseNumber: string;
  departmentId: string;
}

/** How the dispatch call went: a three-way call and the case's status after it, or no answer (the agent is back with the caller). */
export type DispatchCallOutcome = { conference: true; caseStatus: CaseStatus } | { conference: false; reason: string };

export interface DispatchCallStarted {
  callId: string;
  /** The number dialled (the department's phone). */
  number: string;
  done: Promise<DispatchCallOutcome>;
}

/** Checks the case and the department, then dials the department's phone as a consultation of the agent's call. */
export async function startDispatchCall(o: { ops: AgentOps; store: CaseStore; logger: Logger }, agentId: string, req: DispatchCallRequest): Promise<DispatchCallStarted> {
  const caseNumber = typeof req?.caseNumber === 'string' ? req.caseNumber : '';
  const rec = caseNumber ? await o.store.getCase(caseNumber) : null;
  if (!rec) throw new CallError('CALL_CASE_UNKNOWN', `no case numbered '${caseNumber}'`, { caseNumber });
  if (rec.kind !== 'report' || (rec.status !== 'accepted' && rec.status !== 'dispatched')) {
    throw new CallError('CALL_CASE_NOT_DISPATCHABLE', `case ${caseNumber} is a ${rec.kind} in status ${rec.status}`, { caseNumber, kind: rec.kind, status: rec.status });
  }
  const dept = (await o.store.listDepartments()).find((d) => d.id === req.departmentId);
  if (!dept) throw new CallError('CALL_TARGET_UNKNOWN', `'${String(req.departmentId)}' is not a department of the directory`, { departmentId: req.departmentId });
  if (!dept.phone || !DIALLABLE.test(dept.phone)) throw new CallError('CALL_DEPARTMENT_NO_PHONE', `department '${dept.id}' (${dept.name}) has no phone number to dial`, { departmentId: dept.id });
  const { callId, answered } = o.ops.consult(agentId, { number: dept.phone });
  const done = answered.then(async (ok): Promise<DispatchCallOutcome> => {
    if (!ok) return { conference: false, reason: 'no answer' };
    try {
      o.ops.conference(agentId);
    } catch (e) {
      // The agent cancelled or hung up in the same instant: no three-way call, nothing dispatched.
      return { conference: false, reason: (e as Error).message };
    }
    const note = `执法调度: three-way call ${callId} with ${dept.name}${dept.head ? ` (${dept.head})` : ''} on ${dept.phone}`;
    try {
      const cur = await o.store.getCase(caseNumber);
      const has = cur?.dispatches.some((d) => d.departmentId === dept.id);
      const after = await o.store.transition(caseNumber, has ? { type: 'note', text: note } : { type: 'dispatch', departments: [{ departmentId: dept.id }], note }, agentId);
      return { conference: true, caseStatus: after.status };
    } catch (e) {
      // The three-way call goes on; the agent dispatches from the case form (the store's code is in the log).
      o.logger.warn({ err: e, caseNumber, callId }, `call ${callId}: 执法调度 of case ${caseNumber} not written: ${(e as Error).message}`);
      return { conference: true, caseStatus: rec.status };
    }
  });
  return { callId, number: dept.phone, done };
}
