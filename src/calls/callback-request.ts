// "Press 1 and we will call you back": the caller left the queue for the
// callback list (he pressed the queue's callbackKey, or the queue overflowed
// to callback after its maximum wait). Here he confirms the number to call —
// his caller id, or one he keys — and the request is registered where
// agents work it: the ACD's callback list (queue log: survives a restart)
// and the case store's callback list (a consultation owing a callback, on
// the seat API's `callbacks`), linked to the call.
import type { Acd } from '../acd/acd.ts';
import type { CaseStore, CreateCaseInput } from '../cases/types.ts';
import type { PromptSet } from '../ivr/prompts.ts';
import { say } from '../ivr/say.ts';
import type { Leg } from './legs.ts';

// A number keyed for a callback: 5–20 digits (a local number without area
// code has 7–8, a mobile 11, with the trunk prefix and area code at most 12;
// 20 leaves room for an extension).
const NUMBER = /^[0-9]{5,20}$/;
const TRIES = 3;
// Time to react to a question (ms of board time): first key, then between keys.
const FIRST_KEY_MS = 8000;
const NEXT_KEY_MS = 5000;

export interface CallbackDialogCall {
  readonly id: string;
  readonly caller: Leg;
  readonly signal: AbortSignal;
  readonly callerNumber?: string;
  readonly lang: string;
  at(): number;
  addCase(number: string): void;
}

export interface CallbackRequestOptions {
  acd: Acd;
  store: CaseStore;
  prompts: PromptSet;
  /** Store requests in flight (the core's: a stepped simulation holds board time meanwhile). */
  io?: { pending: number };
}

export type CallbackResult = { registered: true; number: string; caseNumber?: string } | { registered: false };

export class CallbackRequests {
  readonly #o: CallbackRequestOptions;

  constructor(o: CallbackRequestOptions) {
    this.#o = o;
  }

  /**
   * The dialog with the caller, then the registration. The ACD's entry was
   * made when he left the queue; without a confirmed number it is dropped
   * again (nobody to call), and the caller hears that and goes on to the
   * queue's overflow (a message): nothing is lost. A caller who hangs up in
   * the middle stays on the list with his caller id.
   */
  async run(call: CallbackDialogCall, queue: string, waitMs: number): Promise<CallbackResult> {
    const number = await this.#ask(call);
    if (number === null) {
      // Hung up before confirming: the entry stays with his caller id (he did ask); none to call: dropped.
      if (!(call.signal.aborted && call.callerNumber)) this.#drop(call.id);
      if (!call.signal.aborted) await this.#play(call, ['callback_failed']);
      return { registered: false };
    }
    const acd = this.#o.acd;
    try {
      acd.callbackNumber(call.id, number);
    } catch {
      // Not in the list (a test or an operation removed it): the case below still carries the request.
    }
    let caseNumber: string | undefined;
    const input: CreateCaseInput = {
      kind: 'consultation',
      channel: 'hotline',
      answerLater: true,
      callbackNumber: number,
      callId: call.id,
      facts: `Callback request: the caller left queue '${queue}' after ${Math.round(waitMs / 1000)} s and asked to be called back on ${number}.`,
    };
    if (call.callerNumber) input.callerNumber = call.callerNumber;
    const io = this.#o.io;
    if (io) io.pending++;
    try {
      const c = await this.#o.store.createCase(input);
      caseNumber = c.number;
      call.addCase(c.number);
    } catch {
      // The ACD's list (durable in the queue log) still holds the request with its number.
    } finally {
      if (io) io.pending--;
    }
    await this.#play(call, ['callback_registered']);
    return { registered: true, number, ...(caseNumber ? { caseNumber } : {}) };
  }

  #drop(callId: string): void {
    try {
      this.#o.acd.callbackDone(callId);
    } catch {
      // Already gone.
    }
  }

  /** The number to call: the caller id confirmed with 1, or one keyed (ended by #) and confirmed. null: none. */
  async #ask(call: CallbackDialogCall): Promise<string | null> {
    let candidate = call.callerNumber && NUMBER.test(call.callerNumber) ? call.callerNumber : null;
    for (let t = 0; t < TRIES && !call.signal.aborted; t++) {
      if (candidate === null) {
        candidate = await this.#keyNumber(call);
        if (call.signal.aborted) return null;
        if (candidate === null) continue;
      }
      const key = await this.#confirm(call, candidate);
      if (key === '1') return candidate;
      // No answer to "confirm?": his own caller id stands (he asked for the callback a moment ago); a keyed one is asked again.
      if (key === null && candidate === call.callerNumber && !call.signal.aborted) return candidate;
      candidate = null;
    }
    return null;
  }

  async #keyNumber(call: CallbackDialogCall): Promise<string | null> {
    if (!(await this.#play(call, ['callback_number']))) return null;
    try {
      const r = await call.caller.channel.getDigits({ signal: call.signal, max: 20, terminators: '#', firstDigitTimeoutMs: FIRST_KEY_MS * 2, interDigitTimeoutMs: NEXT_KEY_MS });
      return NUMBER.test(r.digits) ? r.digits : null;
    } catch {
      return null;
    }
  }

  /** "We will call you back on N. To confirm press 1, for another number press 2." The key, or null. */
  async #confirm(call: CallbackDialogCall, number: string): Promise<string | null> {
    const p = this.#o.prompts;
    const has = (id: string) => p.has(call.lang, id);
    if (!(await this.#play(call, ['callback_confirm', ...say(call.lang, 'digits', number, has), 'callback_confirm_keys'], true))) return null;
    try {
      const r = await call.caller.channel.getDigits({ signal: call.signal, max: 1, firstDigitTimeoutMs: FIRST_KEY_MS });
      return r.digits === '1' || r.digits === '2' ? r.digits : null;
    } catch {
      return null;
    }
  }

  /** Plays the prompts there are (a key pressed meanwhile stops it and stays buffered when `keys`); false when the line is gone. */
  async #play(call: CallbackDialogCall, ids: string[], keys = false): Promise<boolean> {
    const p = this.#o.prompts;
    const items = ids.filter((id) => p.has(call.lang, id)).map((id) => p.item(call.lang, id));
    if (call.signal.aborted) return false;
    if (items.length === 0) return true;
    try {
      const r = await call.caller.channel.play(items, { signal: call.signal, ...(keys ? { stopOnDigits: true } : {}) });
      return r.reason !== 'hangup' && !call.signal.aborted;
    } catch {
      return false;
    }
  }
}
