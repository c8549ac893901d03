// Bounded, seeded fuzz of call control over the seat socket (127.0.0.1) on
// live calls of the stepped simulated board: callers on the E1 dial the
// 12315 flow and press 0, four agents and a supervisor have simulated
// telephones on station ports and a seat socket each, two outside numbers
// answer on the exchange lines. Each step does one thing, picked by a seeded
// generator: a seat sends a call-control message (answer, hang-up, hold,
// transfer and consultation to an agent, a queue or a number, complete,
// cancel, conference, back to the IVR, dial, 执法调度, listen / whisper /
// barge, state changes during calls), valid or broken (wrong ids, wrong
// types, missing and extra fields, oversized values, messages for a call
// that has ended); or a telephone is lifted or hung up; or a caller calls,
// or hangs up; then board time moves. After every step: the message got
// one reply, a refusal has a catalog code and a sentence and changed
// nothing, and the ACD, the switchboard's stations and the calls' legs
// agree (_call-invariants.ts). At the end every telephone hangs up: every
// channel is idle again, every call that ended has its call record, the
// seats were told what the ACD did, and one more caller is answered.
//
// HL_FUZZ_SEED=N (default 12315), HL_FUZZ_STEPS=N (default 1000) and
// HL_FUZZ_STRATEGY (the queue's, default longest-idle; ring-all offers a call
// to several telephones at once) replay or widen a run; a failure prints the
// seed, the step, the last actions (HL_FUZZ_TRACE=N of them) and the state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Sfc32 } from '../../src/acd/rng.ts';
import type { AcdConfig } from '../../src/acd/types.ts';
import { SimCaller } from '../../src/calls/sim-caller.ts';
import { SimStation } from '../../src/calls/sim-station.ts';
import { allErrorRows } from '../../src/cli/catalog.ts';
import { openSeatHost, type SeatHost } from '../../src/seats/host.ts';
import { agentHarness, type AgentHarness } from '../calls/_agents.ts';
import { Client, PASSWORD, type Msg } from './_harness.ts';
import { callInvariants } from './_call-invariants.ts';

const SEED = Number(process.env.HL_FUZZ_SEED ?? 12315);
const STEPS = Number(process.env.HL_FUZZ_STEPS ?? 1000);
// Actions printed on a failure (the last ones).
const TRACE = Number(process.env.HL_FUZZ_TRACE ?? 60);
const AGENTS = ['1001', '1002', '1003', '1004'];
const SUP = '1005';
const PEOPLE = [...AGENTS, SUP];
const CALLER_SLOTS = [1, 2, 3, 4, 5, 6];
const NUMBERS = ['88001234', '0101'];
const CODES = new Set(allErrorRows().map((r) => r.code));

const CONFIG: AcdConfig = {
  agents: PEOPLE.map((id) => ({ id })),
  // The supervisor serves no queue: he is reached by transfers to him and supervises.
  queues: [{ id: 'agents', strategy: (process.env.HL_FUZZ_STRATEGY ?? 'longest-idle') as AcdConfig['queues'][number]['strategy'], members: AGENTS.map((agent) => ({ agent })), wrapUpMs: 4000, ringTimeoutMs: 8000, maxWaitMs: 120_000 }],
};

interface Seat {
  id: string;
  c: Client;
  sent: number;
  /** A reply that needs board time (a supervisor's on-hook telephone rings first). */
  pending: { text: string; settled: () => boolean } | null;
}

interface Live {
  caller: SimCaller;
  /** Dialling, listening, keying or hanging up: no other action on his line meanwhile. */
  busy: boolean;
}

test(`live calls, random and malformed call control from several seats: one reply each, nothing drifts from the board (seed ${SEED}, ${STEPS} steps)`, async () => {
  const t0 = performance.now();
  const rng = new Sfc32(SEED);
  const r = () => rng.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const trace: string[] = [];
  const note = (s: string) => {
    trace.push(s);
    if (trace.length > TRACE) trace.shift();
  };
  let step = -1;
  const h: AgentHarness = await agentHarness(CONFIG);
  const e = h.engine;
  const store = e.store;
  let host: SeatHost | undefined;
  // The state at a failure: each agent's ACD state, station and telephone, each call's phase and legs.
  const dump = (): string[] => {
    const sb = e.core.switchboard!;
    const acd = e.core.acd!;
    return [
      `board ${e.board.now()} ms`,
      ...PEOPLE.map((id, i) => {
        const a = acd.agent(id);
        return `${id}: ${a.state}${a.reason ? ` (${a.reason})` : ''}${a.callId ? ` call ${a.callId}` : ''}; station ${sb.station(id)?.state} ${JSON.stringify(sb.callOf(id))}${acd.stationTaken(id) ? ' taken' : ''}; phone ${h.stations[i].phone.state}`;
      }),
      ...e.core.activeCalls.map((c) => `call ${c.id}: ${c.phase} [${c.phases.map((p) => p.phase).join(' ')}] legs ${c.legs.map((l) => `${l.kind}${l.agentId ? `:${l.agentId}` : ''}@${l.channel.name}/${l.channel.state}${l.gone ? '(gone)' : ''}`).join(', ')}`),
      `queue ${JSON.stringify(acd.queue('agents'))}`,
    ];
  };
  const bgErrors: unknown[] = [];
  const bg = (what: string, p: Promise<unknown>) => void p.catch((err) => bgErrors.push(new Error(`${what}: ${(err as Error)?.message ?? err}`)));
  try {
    for (const id of AGENTS) await store.putAgent({ id, name: `话务员${id}`, role: 'agent', password: PASSWORD });
    await store.putAgent({ id: SUP, name: '班长', role: 'supervisor', password: PASSWORD });
    await store.putDepartment({ id: 'zf', name: '执法大队', head: '王队长', phone: NUMBERS[1] });
    const report = await store.createCase({ kind: 'report', channel: 'hotline', anonymous: true, business: { name: '黑作坊', address: '某村' }, facts: '无证生产食品', agentId: '1001' });
    await store.transition(report.number, { type: 'accept' }, '1001');
    const sb = e.core.switchboard!;
    const acd = e.core.acd!;
    const ops = e.core.ops!;
    const outbound = e.core.outbound!;
    // The supervisor's on-hook telephone rings before his `supervise` is answered: its end is watched here, so
    // the fuzz waits for that reply exactly when the server has it (board time decides, not the machine's speed).
    let superviseOpen = 0;
    const watchedOps = new Proxy(ops, {
      get(t, k) {
        if (k === 'supervise') {
          return (...a: Parameters<typeof ops.supervise>) => {
            superviseOpen++;
            const p = t.supervise(...a);
            void p.then(() => superviseOpen--, () => superviseOpen--);
            return p;
          };
        }
        const v = Reflect.get(t, k, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    host = await openSeatHost({ host: '127.0.0.1', port: 0, board: e.board, store, now: () => e.core.now(), dataDir: e.dataDir, engine: { acd, config: sb.acdConfig, queueLog: e.queueLog!, switchboard: sb, ops: watchedOps, outbound, ...(e.core.callWaiting ? { callWaiting: e.core.callWaiting } : {}) } });
    const seats = new Map<string, Seat>();
    for (const id of PEOPLE) {
      const c = await Client.open(host.server.seatUrl);
      const rep = await c.ask('login', { agentId: id, password: PASSWORD });
      assert.ok(rep.ok, `login ${id}: ${rep.code}`);
      seats.set(id, { id, c, sent: 1, pending: null });
    }
    const anon: Seat = { id: 'anonymous', c: await Client.open(host.server.seatUrl), sent: 0, pending: null };
    h.login(...PEOPLE);
    const phones = new Map(PEOPLE.map((id, i) => [id, h.stations[i]] as const));
    const outside = [3, 4].map((p) => new SimStation(e.board.network!.channel(2, p), { dir: `${h.dir}/outside`, tap: false }));
    const phoneBusy = new Set<SimStation>();
    // When each telephone last went on or off hook (board ms): a port needs most of a second to see a hang-up.
    const hookAt = new Map<SimStation, number>();
    const onHook = (id: string) => {
      const p = phones.get(id)!;
      return !phoneBusy.has(p) && !p.offHook && !p.ringing && e.board.now() - (hookAt.get(p) ?? 0) >= 2000;
    };
    const callers = new Map<number, Live>();
    const ended = new Set<string>();
    const started = new Set<string>();
    const placedEnded = new Set<string>();
    outbound.events$.subscribe((x) => x.type === 'placed-ended' && placedEnded.add(x.callId));
    let nCaller = 0;
    let sent = 0;
    let refused = 0;
    let applied = 0;
    const codes = new Map<string, number>();
    const accepted = new Map<string, number>();
    /** Steps × calls in each phase: how deep the run went. */
    const phasesSeen = new Map<string, number>();

    const replies = (s: Seat) => s.c.got.filter((m) => m.type === 'reply');
    // Agent states, the stations' calls and the calls' phases: what a refused message must leave as it was.
    const picture = () =>
      JSON.stringify([
        PEOPLE.map((id) => {
          const a = acd.agent(id);
          return [a.state, a.reason, a.callId, sb.callOf(id), outbound.of(id), ops.inOperation(id)];
        }),
        // A call that ended leaves the list once its record is written, in real time: not a change.
        e.core.activeCalls.filter((c) => c.phase !== 'ended').map((c) => [c.id, c.phase, c.legs.filter((l) => !l.gone).length]),
        acd.queue('agents').waiting,
      ]);

    const checkReply = (s: Seat, rep: Msg, text: string) => {
      assert.is(rep.type, 'reply');
      if (rep.ok) {
        applied++;
        const t = /"type":"([a-z-]+)"/.exec(text)?.[1] ?? '?';
        accepted.set(t, (accepted.get(t) ?? 0) + 1);
        return;
      }
      refused++;
      const code = String(rep.code);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      assert.ok(CODES.has(code), `${s.id}: ${text.slice(0, 120)} → code ${code} is not in the error catalog`);
      assert.is.not(code, 'SEAT_INTERNAL', `${s.id}: ${text.slice(0, 120)} failed inside the server: ${rep.message}`);
      assert.ok(typeof rep.message === 'string' && /\p{L}{2,}/u.test(rep.message), `${s.id}: ${text.slice(0, 120)} → ${code} without a sentence: ${JSON.stringify(rep.message)}`);
    };

    // ---- what a seat sends --------------------------------------------------------------------------------
    // Every call id seen (from the calls' start, on board time: the same list in every replay), ended or not.
    const someCallId = () => pick([...started, 'x', '../etc/passwd']);
    const ready = () => PEOPLE.filter((id) => acd.agent(id).state === 'ready').concat(SUP);
    // A target that may well be taken: a ready agent, the queue, a number that answers.
    const goodTarget = (): unknown => pick<() => unknown>([() => ({ agent: pick(ready()) }), () => ({ queue: 'agents' }), () => ({ number: pick(NUMBERS) })])();
    const target = (): unknown =>
      pick<() => unknown>([
        () => ({ agent: pick([...PEOPLE, 'ghost', '../1001']) }),
        () => ({ agent: pick(PEOPLE.filter((id) => acd.agent(id).state === 'ready').concat(SUP)) }),
        () => ({ agent: pick(PEOPLE.filter((id) => acd.agent(id).state === 'ready').concat(SUP)) }),
        () => ({ queue: pick(['agents', 'agents', 'agents', 'nope', 'x'.repeat(65)]) }),
        () => ({ number: pick([...NUMBERS, ...NUMBERS, '12a', '1'.repeat(21), '', '+86']) }),
        () => ({}),
        () => ({ agent: '1002', queue: 'agents' }),
        () => pick([5, null, 'agents', [1], { agent: 7 }]),
      ])();
    const fields = (type: string, self: string, good: boolean): Record<string, unknown> => {
      switch (type) {
        case 'transfer':
        case 'consult':
          return { to: good ? goodTarget() : target() };
        case 'to-ivr':
          return { node: pick(['survey', 'survey', 'goodbye', 'main', 'agent_queue', 'nope', '__proto__', 'constructor', 'x'.repeat(64), 'x'.repeat(65), 7]) };
        case 'dial':
          return {
            to: pick<() => unknown>([
              () => ({ number: pick(NUMBERS) }),
              () => ({ number: pick(NUMBERS), callback: pick([...acd.callbacks().map((c) => c.callId), 'ghost']) }),
              () => ({ agent: pick(PEOPLE.filter((x) => x !== self)) }),
              () => ({ agent: pick([self, 'ghost']) }),
              () => ({ agent: '1002', number: NUMBERS[0] }),
              () => ({ callback: 'x' }),
              () => ({}),
            ])(),
          };
        case 'supervise':
          return { agentId: pick([...AGENTS, ...AGENTS, SUP, 'ghost', '']), mode: pick(['listen', 'whisper', 'barge', 'listen', 'spy', 3]) };
        case 'dispatch-call':
          return { caseNumber: pick([report.number, report.number, `${report.number.slice(0, -1)}0`, 'x'.repeat(33), '']), departmentId: pick(['zf', 'zf', 'archive', 'ghost']) };
        case 'not-ready':
          return { reason: pick(['meal', '临时闭席', 'training', 'x'.repeat(65), '']) };
        case 'force-not-ready':
          return { agentId: pick([...AGENTS, 'ghost']), reason: pick(['meal', 'training']) };
        case 'force-logout':
          return { agentId: pick([...AGENTS, SUP, 'ghost']) };
        case 'acd-login':
          return r() < 0.7 ? { ready: r() < 0.8 } : {};
        default:
          return {};
      }
    };
    const ANY = ['answer', 'hangup', 'hold', 'retrieve', 'transfer', 'consult', 'consult-complete', 'consult-cancel', 'conference', 'to-ivr', 'dial', 'dispatch-call', 'supervise', 'supervise-leave', 'acd-login', 'acd-logout', 'ready', 'not-ready', 'wrap-up-end', 'force-not-ready', 'force-logout', 'snapshot', 'wallboard', 'ping'];
    // Half the time a message that fits where the sender is, so the fuzz gets deep into calls.
    const fitting = (self: string): string => {
      const c = sb.callOf(self);
      const phase = c ? e.core.activeCalls.find((x) => x.id === c.callId)?.phase : undefined;
      if (self === SUP && r() < 0.7) return pick(['supervise', 'supervise', 'supervise', 'supervise-leave', 'force-not-ready', 'force-logout', 'wallboard']);
      if (c?.state === 'offered') return pick(['answer', 'answer', 'answer', 'hangup', 'hold', 'acd-logout', 'not-ready']);
      if (phase === 'consulting') return pick(['consult-complete', 'consult-cancel', 'conference', 'conference', 'hangup', 'hold', 'transfer', 'consult']);
      if (phase === 'conference') return pick(['consult', 'hangup', 'consult-complete', 'dispatch-call', 'transfer']);
      if (c) return pick(['hold', 'retrieve', 'retrieve', 'transfer', 'transfer', 'consult', 'consult', 'consult', 'dispatch-call', 'to-ivr', 'hangup', 'not-ready', 'acd-logout', 'dial', 'answer', 'consult-complete']);
      if (outbound.of(self)) return pick(['hangup', 'hangup', 'dial', 'hold', 'transfer']);
      const st = acd.agent(self).state;
      if (st === 'loggedOut') return pick(['acd-login', 'acd-login', 'dial', 'ready']);
      if (st === 'workingAfterCall') return pick(['wrap-up-end', 'wrap-up-end', 'ready', 'not-ready', 'acd-logout']);
      if (st === 'notReady') return pick(['ready', 'ready', 'ready', 'dial', 'acd-logout']);
      return pick(['dial', 'ready', 'not-ready', 'acd-logout', 'answer', 'hangup', 'retrieve', 'ping']);
    };
    const junk = (): unknown => pick([() => r(), () => 'x'.repeat(Math.floor(r() * 3000)), () => null, () => [1, 2], () => ({}), () => true, () => -1e308, () => '\u0000'])();
    const message = (s: Seat): string => {
      const fit = s !== anon && r() < 0.65;
      const type = fit ? fitting(s.id) : pick(ANY);
      const m: Record<string, unknown> = { id: `f${step}`, type, ...fields(type, s.id, fit && r() < 0.7) };
      const roll = r();
      if (roll < 0.8) return JSON.stringify(m);
      switch (Math.floor(r() * 7)) {
        case 0: {
          const keys = Object.keys(m);
          delete m[pick(keys)];
          break;
        }
        case 1:
          m[pick(Object.keys(m))] = junk();
          break;
        case 2:
          // A message for a call (maybe one that ended): call control names no call id, so the field is refused.
          m.callId = someCallId();
          break;
        case 3:
          m.id = pick(['x'.repeat(65), '', 7]);
          break;
        case 4:
          return JSON.stringify(m).slice(0, Math.floor(r() * 30));
        case 5:
          return JSON.stringify([m]);
        default:
          m.type = pick(['Answer', 'hang-up', '__proto__', 'toString', 'transfer ', '']);
      }
      return JSON.stringify(m);
    };

    /** Sends one message; waits for its reply unless the server needs board time for it first. */
    const send = async (s: Seat): Promise<void> => {
      const text = message(s);
      note(`${step} ${s.id} → ${text.slice(0, 160)}`);
      const before = picture();
      const openBefore = superviseOpen;
      s.sent++;
      sent++;
      s.c.sendRaw(text);
      if (text.includes('"type":"supervise"')) {
        // Held by the server only while the supervisor's telephone rings.
        await new Promise((res) => setTimeout(res, 0));
        await s.c.until(() => (replies(s).length >= s.sent || superviseOpen > openBefore ? true : undefined), `reply or ring for ${text.slice(0, 80)}`);
        await new Promise((res) => setImmediate(res));
        // Still open: his telephone rings (board time decides the reply); else the reply is on its way now.
        if (superviseOpen > openBefore) {
          s.pending = { text, settled: () => superviseOpen === openBefore };
          note(`${step} ${s.id}: supervise rings his telephone first`);
          return;
        }
      }
      const rep = await s.c.until(() => replies(s)[s.sent - 1], `reply to ${text.slice(0, 80)}`);
      note(`${step} ${s.id} ← ${JSON.stringify(rep).slice(0, 200)}`);
      checkReply(s, rep, text);
      if (!rep.ok) assert.is(picture(), before, `${s.id}: the refused ${text.slice(0, 120)} (${rep.code}) changed the state`);
      else if (s === anon) assert.ok(/"type":"ping"/.test(text), `a socket that never logged in had ${text.slice(0, 80)} accepted`);
      else postcondition(s.id, text, rep);
    };

    // What an accepted operation must have done at once.
    const postcondition = (self: string, text: string, rep: Msg) => {
      let m: { type?: string } = {};
      try {
        m = JSON.parse(text);
      } catch {}
      const c = sb.callOf(self);
      const state = acd.agent(self).state;
      const call = (id: string) => e.core.activeCalls.find((x) => x.id === id);
      switch (m.type) {
        case 'answer':
          assert.equal([c?.callId, c?.state, state], [rep.result.callId, 'talking', 'talking'], `${self}: answer accepted`);
          break;
        case 'hold':
          assert.equal([c?.state, state], ['held', 'held'], `${self}: hold accepted`);
          break;
        case 'retrieve':
          assert.equal([c?.state, state], ['talking', 'talking'], `${self}: retrieve accepted`);
          break;
        case 'hangup':
        case 'transfer':
        case 'to-ivr':
        case 'consult-complete':
          assert.ok(c?.callId !== rep.result.callId, `${self}: ${m.type} accepted, yet his station is still on call ${rep.result.callId}`);
          assert.ok(!['talking', 'held'].includes(state) || acd.agent(self).callId !== rep.result.callId, `${self}: ${m.type} accepted, yet he is ${state} on it`);
          break;
        case 'consult':
          assert.is(call(rep.result.callId)?.phase, 'consulting', `${self}: consult accepted`);
          break;
        case 'conference':
          assert.is(call(rep.result.callId)?.phase, 'conference', `${self}: conference accepted`);
          break;
      }
    };

    const settlePending = async () => {
      for (const s of [...seats.values()]) {
        if (!s.pending || !s.pending.settled()) continue;
        const rep = await s.c.until(() => replies(s)[s.sent - 1], `reply to ${s.pending.text.slice(0, 80)}`);
        note(`${step} ${s.id} ← (after the ring) ${JSON.stringify(rep).slice(0, 200)}`);
        checkReply(s, rep, s.pending.text);
        s.pending = null;
      }
    };

    // ---- telephones and callers ---------------------------------------------------------------------------
    const phoneAct = (p: SimStation, name: string, outsideLine: boolean) => {
      if (phoneBusy.has(p)) return;
      let act: Promise<unknown> | null = null;
      if (p.ringing) act = r() < 0.8 ? p.liftHandset() : null;
      else if (p.offHook) act = r() < 0.5 ? p.hangUp() : null;
      else if (!outsideLine && p.phone.state === 'idle') act = r() < 0.5 ? p.liftHandset() : null;
      if (!act) return;
      note(`${step} ${name}: ${p.ringing ? 'lifts the ringing handset' : p.offHook ? 'hangs up' : 'lifts the handset'}`);
      phoneBusy.add(p);
      bg(name, act.finally(() => phoneBusy.delete(p)).then(() => hookAt.set(p, e.board.now())));
    };
    const call = (ts: number) => {
      const caller = new SimCaller(e.board.network!.channel(0, ts), { dir: `${h.dir}/callers`, callerNumber: `1391234${String(++nCaller).padStart(4, '0')}`, tap: false, listen: 'timed', prompts: e.prompts });
      const live: Live = { caller, busy: true };
      callers.set(ts, live);
      note(`${step} caller ${caller.o.callerNumber} dials on 0:${ts}`);
      bg(
        `caller on 0:${ts}`,
        (async () => {
          try {
            if (!(await caller.dial())) return;
            await caller.hear({ expect: ['welcome', 'main_menu'] });
            if (caller.connected && r() < 0.9) await caller.press('0');
          } finally {
            live.busy = false;
          }
        })(),
      );
    };
    const hangUpCaller = (ts: number, live: Live) => {
      live.busy = true;
      note(`${step} caller ${live.caller.o.callerNumber} on 0:${ts} hangs up`);
      bg(`caller hang-up on 0:${ts}`, live.caller.hangup().then(() => callers.delete(ts)));
    };

    const check = (when: string) => {
      if (bgErrors.length) throw bgErrors[0];
      assert.is(e.core.stopped, false, 'the engine stopped');
      const broken = callInvariants(e, onHook);
      assert.equal(broken, [], `${when}: ${broken.join('; ')}`);
    };

    // ---- the run -------------------------------------------------------------------------------------------
    e.core.calls$.subscribe((x) => (x.type === 'end' ? ended : started).add(x.call.id));
    const seatList = [...seats.values()];
    const taken = new Set<string>();
    for (step = 0; step < STEPS; step++) {
      await settlePending();
      const roll = r();
      if (roll < 0.7) {
        // Seats with a call (or a call to supervise) speak more often: the fuzz gets deep into calls.
        const talking = AGENTS.some((id) => sb.callOf(id));
        const weighted = seatList.filter((s) => !s.pending).flatMap((s) => Array<Seat>(s.id === SUP ? (talking ? 3 : 1) : sb.callOf(s.id) || outbound.of(s.id) ? 6 : 1).fill(s));
        await send(r() < 0.05 || weighted.length === 0 ? anon : pick(weighted));
      } else if (roll < 0.85) {
        const i = Math.floor(r() * (PEOPLE.length + outside.length));
        if (i < PEOPLE.length) phoneAct(phones.get(PEOPLE[i])!, `phone ${PEOPLE[i]}`, false);
        else phoneAct(outside[i - PEOPLE.length], `outside ${NUMBERS[i - PEOPLE.length]}`, true);
      } else {
        const free = CALLER_SLOTS.filter((ts) => !callers.has(ts));
        const idle = [...callers.entries()].filter(([, l]) => !l.busy);
        const x = r();
        if (free.length && x < 0.5) call(pick(free));
        else if (idle.length && x > 0.75) hangUpCaller(...pick(idle));
      }
      // Most ringing telephones are answered within a few steps.
      for (const [id, p] of phones) if (p.ringing && r() < 0.3) phoneAct(p, `phone ${id}`, false);
      for (const [i, p] of outside.entries()) if (p.ringing && r() < 0.3) phoneAct(p, `outside ${NUMBERS[i]}`, true);
      const dt = pick([40, 40, 100, 250, 500, 1000, 2500]);
      note(`${step} +${dt} ms`);
      await h.advance(dt);
      // A caller the IVR or an operation hung up leaves his slot once his line is idle.
      for (const [ts, l] of callers) if (!l.busy && l.caller.ch.state === 'idle') callers.delete(ts);
      for (const id of PEOPLE) {
        const t = acd.stationTaken(id);
        if (t !== taken.has(id)) note(`${step} ${id}'s station ${t ? 'taken by an operation' : 'free again'}`);
        if (t) taken.add(id);
        else taken.delete(id);
      }
      check(`after step ${step} (+${dt} ms)`);
      // (A call that ended stays listed until its record is written, in real time: not counted.)
      for (const c of e.core.activeCalls) if (c.phase !== 'ended') phasesSeen.set(c.phase, (phasesSeen.get(c.phase) ?? 0) + 1);
    }

    // ---- the end: everybody hangs up ------------------------------------------------------------------------
    step = STEPS;
    note('end: every caller and telephone hangs up');
    for (const [ts, l] of callers) if (!l.busy) hangUpCaller(ts, l);
    const quiet = () => [...callers.values()].every((l) => !l.busy) && phoneBusy.size === 0;
    for (let i = 0; i < 600 && !quiet(); i++) await h.advance(50);
    for (const p of [...phones.values(), ...outside]) if (p.offHook || p.ringing) phoneAct(p, 'phone', false);
    for (let i = 0; i < 1200; i++) {
      await settlePending();
      for (const p of [...phones.values(), ...outside]) if (p.offHook && !phoneBusy.has(p)) {
        phoneBusy.add(p);
        bg('final hang-up', p.hangUp().finally(() => phoneBusy.delete(p)).then(() => hookAt.set(p, e.board.now())));
      }
      for (const [ts, l] of callers) if (!l.busy && l.caller.ch.state !== 'idle') hangUpCaller(ts, l);
      const channels = [0, 1, 2].flatMap((span) => e.board.spans[span].channels);
      if (e.core.activeCalls.length === 0 && channels.every((ch) => ch.state === 'idle') && PEOPLE.every((id) => !outbound.of(id)) && quiet() && seatList.every((s) => !s.pending)) break;
      await h.advance(100);
    }
    await h.run(e.core.idle());
    check('at the end');
    assert.equal(e.core.activeCalls.map((c) => c.id), [], 'no call left');
    for (const span of [0, 1, 2]) for (const ch of e.board.spans[span].channels) assert.is(ch.state, 'idle', `${ch.name} left seized after every call ended`);
    for (const id of PEOPLE) {
      assert.is(sb.callOf(id), null, `${id} has no call`);
      assert.not.ok(acd.stationTaken(id), `${id}'s station is still held by an operation`);
      assert.ok(['loggedOut', 'notReady', 'ready', 'workingAfterCall'].includes(acd.agent(id).state), `${id} is ${acd.agent(id).state} after every call ended`);
    }
    assert.is(acd.activeCalls, 0, 'the ACD holds no call');
    assert.is(acd.queue('agents').waiting, 0);
    for (const s of seatList) assert.is(s.pending, null, `${s.id}'s ${s.pending?.text} never got a reply`);
    // One reply per message, on every socket, and the seats' events in order with the ACD's last word.
    for (const s of [...seatList, anon]) {
      assert.is(replies(s).length, s.sent, `${s.id}: replies`);
      const evs = s.c.events();
      assert.equal(evs.map((x) => x.seq), evs.map((_, i) => i + 1), `${s.id}: event seq`);
      const last = s.c.events('agent-state').at(-1);
      if (last && s !== anon) assert.is(last.data.state, acd.agent(s.id).state, `${s.id}: the last agent-state his seat got`);
    }
    // Every call that ended has its call record (inbound and placed).
    await outbound.settled();
    for (const id of [...ended, ...placedEnded]) assert.ok(await store.getCallRecord(id), `call ${id} ended without a call record`);

    // Still running: every seat answers, and a new caller reaches an agent who answers from his seat.
    for (const s of [...seatList, anon]) assert.ok((await s.c.ask('ping')).ok, `${s.id}'s socket still answers`);
    const s1 = seats.get('1001')!;
    if (acd.agent('1001').state === 'workingAfterCall') acd.endWrapUp('1001');
    if (acd.agent('1001').state === 'loggedOut') acd.login('1001', { ready: true });
    else if (acd.agent('1001').state !== 'ready') acd.setReady('1001');
    for (const id of AGENTS.slice(1)) if (acd.agent(id).state === 'ready') acd.setNotReady(id, 'meal');
    const last = new SimCaller(e.board.network!.channel(0, 9), { dir: `${h.dir}/callers`, tap: false, listen: 'timed', prompts: e.prompts });
    const a1 = phones.get('1001')!;
    await h.run(
      (async () => {
        await a1.liftHandset();
        assert.ok(await last.dial(), 'the IVR answers after the fuzz');
        await last.hear({ expect: ['welcome', 'main_menu'] });
        await last.press('0');
      })(),
      60_000,
    );
    for (let i = 0; i < 200 && sb.callOf('1001')?.state !== 'offered'; i++) await h.advance(100);
    assert.is(sb.callOf('1001')?.state, 'offered', 'a new caller is offered to 1001 after the fuzz');
    const ans = await s1.c.ask('answer');
    assert.ok(ans.ok, `answer after the fuzz: ${ans.code} ${ans.message}`);
    assert.is(acd.agent('1001').state, 'talking');
    await h.run(last.hangup());
    await h.run(a1.hangUp());
    await h.run(e.core.idle());
    assert.ok(await store.getCallRecord(ans.result.callId), 'the last call has its record');
    assert.equal(acd.check(), []);

    // The run went deep: many messages accepted and refused, calls answered, operations done.
    console.log(`fuzz-calls seed ${SEED}: ${sent} messages (${applied} accepted, ${refused} refused), ${ended.size} calls ended, ${placedEnded.size} placed; phases ${JSON.stringify(Object.fromEntries(phasesSeen))}; accepted ${JSON.stringify(Object.fromEntries(accepted))}; refused ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}`);
    console.log(`fuzz-calls: ${(performance.now() - t0) / 1000} s`);
    assert.ok(applied >= 40 && refused >= 40, `accepted ${applied}, refused ${refused}`);
    assert.ok(ended.size >= 10, `${ended.size} calls ended`);
    if (STEPS >= 800) {
      // Deep enough to mean something: operations were accepted and calls were held and consulted (the default seed conferences too).
      for (const p of ['talking', 'held', 'consulting']) assert.ok(phasesSeen.has(p), `no call reached phase ${p}: raise HL_FUZZ_STEPS`);
      for (const t of ['answer', 'hold', 'transfer', 'consult', 'hangup', 'dial']) assert.ok(accepted.has(t), `no ${t} was accepted: raise HL_FUZZ_STEPS`);
    }
    for (const s of [...seatList, anon]) await s.c.close();
  } catch (err) {
    const where = `fuzz-calls: seed ${SEED}, step ${step} of ${STEPS} (replay: HL_FUZZ_SEED=${SEED} HL_FUZZ_STEPS=${STEPS}${process.env.HL_FUZZ_STRATEGY ? ` HL_FUZZ_STRATEGY=${process.env.HL_FUZZ_STRATEGY}` : ''} node --import tsx test/seats/fuzz-calls.test.ts)`;
    console.error(`${where}\nlast actions:\n  ${trace.join('\n  ')}\nnow:\n  ${dump().join('\n  ')}`);
    if (err instanceof Error) err.message = `${where}: ${err.message}`;
    throw err;
  } finally {
    await host?.close();
    await h.close();
  }
});

test.run();
