// Dialling out: a free trunk of role outbound or bothway (board profile
// groups) is seized and the number given as the called number (the sim
// delivers it with the seizure; a real exchange line gets it as DTMF or R2
// by the driver). Used by transfers and consultations to a department's
// number or an outside number, and by the agent's outbound call.
import type { Board, Channel } from '../board/types.ts';
import { CallError } from './errors.ts';

/** A number we may dial: digits (and * #), up to 20 — an E.164 number is at most 15, plus a trunk prefix. */
export const DIALLABLE = /^[0-9*#]{1,20}$/;

export interface DialOptions {
  callerNumber?: string;
  /** No answer within this long: CALL_TARGET_NO_ANSWER (default 30 s, ms of board time). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The trunks a call may be dialled out on, idle now, in board order. */
export function freeTrunks(board: Board): Channel[] {
  // Outbound-only lines first: a bothway line left free can still take a caller in.
  return [...board.byRole('outbound'), ...board.byRole('bothway')].filter((c) => c.state === 'idle');
}

/**
 * Dials `number` on a free outbound trunk; resolves with the answered
 * channel. Throws CallError CALL_NO_TRUNK (none free), CALL_TARGET_UNKNOWN
 * (not a number) or CALL_TARGET_NO_ANSWER (no answer, busy, stopped).
 */
export async function dialOut(board: Board, number: string, o: DialOptions = {}): Promise<Channel> {
  if (typeof number !== 'string' || !DIALLABLE.test(number)) throw new CallError('CALL_TARGET_UNKNOWN', `'${String(number)}' is not a telephone number`, { number });
  const ch = freeTrunks(board)[0];
  if (!ch) throw new CallError('CALL_NO_TRUNK', `no free outbound trunk to dial ${number}`, { number });
  const r = await ch.call({ calledNumber: number, timeoutMs: o.timeoutMs ?? 30_000, ...(o.callerNumber ? { callerNumber: o.callerNumber } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  if (r.reason === 'done') return ch;
  if (ch.state !== 'idle') await ch.hangup().catch(() => undefined);
  throw new CallError('CALL_TARGET_NO_ANSWER', `${number} did not answer on ${ch.name} (${r.reason})`, { number, reason: r.reason });
}
