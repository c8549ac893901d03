// `hotline seat [--url WS] --agent ID [ACTION [REASON]]`: a command-line seat
// for technicians testing an installation before the web console exists.
// Logs in over the seat protocol (the password from HOTLINE_SEAT_PASSWORD, or
// asked for on a terminal), carries out one action and prints the result.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { SeatClient, type SeatEvent } from '../../seats/client.ts';
import { DEFAULT_SEAT_HOST, DEFAULT_SEAT_PORT } from '../../seats/server.ts';
import { defineCommand, duration, flag, option, runCommand, text } from '../args.ts';
import { seatProtocolMarkdown } from '../../seats/protocol-doc.ts';
import { cliError } from '../errors.ts';

export const summary = 'a command-line seat: log in, show state and events, set ready / not ready / logout, answer, hold, transfer, consult, conference, print the wallboard, look up cases';

const CALL_ACTIONS = ['answer', 'hangup', 'hold', 'retrieve', 'transfer', 'consult', 'consult-complete', 'consult-cancel', 'conference', 'to-ivr', 'dial'] as const;
const ACTIONS = ['status', 'login', 'login-ready', 'ready', 'not-ready', 'wrap-up-end', 'logout', ...CALL_ACTIONS, 'wallboard', 'watch', 'case', 'history', 'kb', 'due', 'callbacks'] as const;
/** Actions that need their argument, and what it is. */
const TARGET_HELP = 'a TARGET: agent:ID, queue:ID or a NUMBER dialled on an outbound trunk';
const NEEDS: Record<string, string> = { 'not-ready': 'a REASON (临时闭席, meal, training …)', case: 'a case NUMBER', history: 'a caller\'s telephone NUMBER', kb: 'WORDS to search for', transfer: TARGET_HELP, consult: TARGET_HELP, dial: 'a TARGET: agent:ID or a NUMBER', 'to-ivr': 'a NODE of the call\'s flow (survey …)' };
type Action = (typeof ACTIONS)[number];

const seatCommand = defineCommand({
  name: 'hotline seat',
  summary: 'A command-line seat on the seat server of a running `hotline start`: logs in as an agent and carries out one action.',
  options: {
    url: option(text(), 'seat server WebSocket address, as `hotline start` printed it', { valueName: 'URL', default: `ws://${DEFAULT_SEAT_HOST}:${DEFAULT_SEAT_PORT}/seat` }),
    agent: option(text({ maxLength: 64 }), 'agent id (工号); the password comes from HOTLINE_SEAT_PASSWORD, or is asked for on a terminal', { valueName: 'ID' }),
    protocol: flag('print the seat protocol reference (docs/seat-protocol.md, generated from the schemas) and exit'),
    for: option(duration({ minMs: 1, maxMs: 86_400_000 }), 'watch/wallboard: stop after this long (90, 30s, 5m)', { valueName: 'DURATION', defaultText: 'until Ctrl-C' }),
  },
  positionals: [
    { name: 'ACTION', description: `one of ${ACTIONS.join(', ')} (default status)` },
    { name: 'ARG', description: 'not-ready: the reason (临时闭席, meal, training …); transfer/consult/dial: agent:ID, queue:ID or a NUMBER; to-ivr: the flow node; case: its number; history: the caller\'s number; kb: the words' },
  ],
  details: [
    'Actions: status prints the agent\'s state and queues; login / login-ready log in to the ACD (not ready / ready);',
    'ready; not-ready REASON; wrap-up-end; logout (of the ACD); wallboard (supervisor) prints it once, or live with --for;',
    'watch prints every event until Ctrl-C or --for.',
    'On the agent\'s call: answer (headset mode; on hook, lift the handset); hangup; hold; retrieve; transfer TARGET (blind);',
    'consult TARGET, then consult-complete, consult-cancel or conference; to-ivr NODE (人工转自动); dial TARGET (座席呼出, 呼叫班长).',
    'TARGET is agent:ID, queue:ID or a NUMBER (digits, * and #). Each prints the call id and the events that follow for a moment.',
    'Look-ups through the seat protocol (the case store\'s answers): case NUMBER; history PHONE (his cases and calls);',
    'kb WORDS (knowledge base); due (deadlines and reminders due in 48 h); callbacks (cases owing a callback).',
    'Example: HOTLINE_SEAT_PASSWORD=… hotline seat --agent 1001 not-ready 临时闭席',
    'Exit status: 0 done, 2 refused (the server\'s code is printed, e.g. SEAT_LOGIN_FAILED, ACD_STATE_REFUSED).',
  ].join('\n'),
  run: async ({ values: v, positionals }) => {
    if (v.protocol) {
      if (positionals.length) throw cliError('CLI_EXTRA_ARGUMENT', '--protocol prints the reference and takes no ACTION');
      process.stdout.write(seatProtocolMarkdown());
      return 0;
    }
    const [action = 'status', reason, ...extra] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) throw cliError('CLI_BAD_VALUE', `ACTION takes one of ${ACTIONS.join(', ')}, not '${action}'`, { value: action });
    if (NEEDS[action] && reason === undefined) throw cliError('CLI_MISSING_ARGUMENT', `${action} needs ${NEEDS[action]}`);
    if (extra.length || (reason !== undefined && !NEEDS[action])) throw cliError('CLI_EXTRA_ARGUMENT', `'${extra[0] ?? reason}' is one argument too many for ${action}`);
    if (action === 'transfer' || action === 'consult' || action === 'dial') target(reason!, action !== 'dial');
    if (v.agent === undefined) throw cliError('CLI_MISSING_ARGUMENT', '--agent ID is required (the agent id to log in as)', { option: '--agent' });
    const password = process.env.HOTLINE_SEAT_PASSWORD ?? (await askPassword(v.agent));
    return seat(v.url, v.agent, password, action as Action, reason, v.for);
  },
});

export const run = (args: string[]): Promise<number> => runCommand(seatCommand, args);

const out = (line: string) => process.stdout.write(`${line}\n`);

function stateLine(a: { agentId: string; state: string; reason?: string; pendingNotReady?: string; timeInStateMs: number; seatConnected?: boolean } | null): string {
  if (!a) return 'not in the ACD roster (no agent state)';
  return `${a.agentId} ${a.state}${a.reason ? ` (${a.reason})` : ''} for ${Math.round(a.timeInStateMs / 1000)} s${a.pendingNotReady ? `; not ready (${a.pendingNotReady}) after the call` : ''}`;
}

function caseLine(c: { number: string; kind: string; status: string; result?: string; agentId?: string; complainant?: string | { name: string } }): string {
  const who = typeof c.complainant === 'string' ? c.complainant : c.complainant?.name;
  return `case ${c.number} ${c.kind} ${c.status}${c.result ? ` (${c.result})` : ''}${who ? `, ${who}` : ''}${c.agentId ? `, agent ${c.agentId}` : ''}`;
}

function printEvent(e: SeatEvent, gap: boolean): void {
  if (gap) out(`! events missed before #${e.seq}`);
  if (e.event === 'agent-state') out(`#${e.seq} state: ${stateLine(e.data)}`);
  else if (e.event === 'wallboard') printWallboard(e.data, `#${e.seq} `);
  else if (e.event === 'snapshot') out(`#${e.seq} snapshot: ${stateLine(e.data.agent)}; queues ${e.data.queues.map((q: any) => `${q.queue} ${q.waiting} waiting, longest ${Math.round(q.longestWaitMs / 1000)} s`).join('; ') || 'none'}`);
  else out(`#${e.seq} ${e.event}: ${JSON.stringify(e.data)}`);
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)} %`;
}

function printWallboard(w: any, prefix = ''): void {
  const c = w.counts;
  out(`${prefix}wallboard: ${c.loggedIn} logged in, ${c.ready} ready, ${c.talking} on calls, ${c.notReady} not ready, ${c.wrapUp} in wrap-up`);
  for (const q of w.queues) out(`  queue ${q.queue}: ${q.waiting} waiting, longest ${Math.round(q.longestWaitMs / 1000)} s; today SL(${w.serviceLevelMs / 1000} s) ${pct(q.serviceLevelToday)}, abandoned ${pct(q.abandonRateToday)}`);
  for (const a of w.agents) out(`  ${stateLine(a)}${a.seatConnected ? '' : ', no seat'}`);
}

async function seat(url: string, agentId: string, password: string, action: Action, reason: string | undefined, forMs: number | undefined): Promise<number> {
  const watching = action === 'watch' || (action === 'wallboard' && forMs !== undefined);
  // A call operation prints the events that follow it (connected, held, transferred …).
  const echo = watching || (CALL_ACTIONS as readonly string[]).includes(action);
  let sent = false;
  const client = await SeatClient.connect(url, (e, gap) => {
    if (watching || e.event === 'snapshot' || (echo && sent)) printEvent(e, gap);
  });
  try {
    const who = await client.call('login', { agentId, password });
    out(`logged in as ${who.agentId} (${who.role}); session until ${new Date(who.expiresAt).toISOString()}`);
    let a: any;
    switch (action) {
      case 'status':
        // The snapshot event printed it.
        await client.call('ping');
        return 0;
      case 'login':
      case 'login-ready':
        a = await client.call('acd-login', { ready: action === 'login-ready' });
        break;
      case 'ready':
        a = await client.call('ready');
        break;
      case 'not-ready':
        a = await client.call('not-ready', { reason });
        break;
      case 'wrap-up-end':
        a = await client.call('wrap-up-end');
        break;
      case 'logout':
        a = await client.call('acd-logout');
        break;
      case 'wallboard':
        printWallboard(await client.call('wallboard', { live: forMs !== undefined }));
        break;
      case 'watch':
        break;
      case 'answer':
      case 'hangup':
      case 'hold':
      case 'retrieve':
      case 'consult-complete':
      case 'consult-cancel':
      case 'conference':
        sent = true;
        await callAction(client, action, {});
        break;
      case 'transfer':
      case 'consult':
        sent = true;
        await callAction(client, action, { to: target(reason!, true) });
        break;
      case 'dial':
        sent = true;
        await callAction(client, action, { to: target(reason!, false) });
        break;
      case 'to-ivr':
        sent = true;
        await callAction(client, action, { node: reason });
        break;
      case 'case': {
        const c = await client.call('case-get', { number: reason });
        out(`${caseLine(c)}; received ${new Date(c.receivedAt).toISOString()}`);
        for (const h of c.history) out(`  ${new Date(h.at).toISOString()} ${h.by} ${h.action}${h.note ? `: ${h.note}` : ''}`);
        for (const d of c.deadlines) out(`  deadline ${d.kind} ${new Date(d.dueAt).toISOString()}${d.metAt ? ' (met)' : ''}`);
        break;
      }
      case 'history': {
        const h = await client.call('caller-history', { callerNumber: reason });
        if (!h.items.length) out(`no cases or calls for ${reason}`);
        for (const i of h.items) out(i.type === 'case' ? `${new Date(i.at).toISOString()} case ${i.number} ${i.kind} ${i.status}${i.result ? ` ${i.result}` : ''}` : `${new Date(i.at).toISOString()} call ${i.callId}${i.agentId ? ` agent ${i.agentId}` : ''}${i.outcome ? ` ${i.outcome}` : ''}${i.caseNumber ? ` case ${i.caseNumber}` : ''}`);
        out(`open cases: ${h.openCases.map((c: any) => c.number).join(', ') || 'none'}`);
        break;
      }
      case 'kb': {
        const r = await client.call('kb-search', { words: reason });
        if (!r.entries.length) out(`nothing in the knowledge base for ${reason}`);
        for (const e of r.entries) out(`[${e.id}] ${e.title} (${e.category})\n  ${e.text}`);
        break;
      }
      case 'due': {
        const r = await client.call('due');
        if (!r.items.length) out('nothing due in the next 48 h');
        for (const d of r.items) out(`${new Date(d.dueAt).toISOString()} ${d.overdue ? 'OVERDUE ' : ''}${d.kind} case ${d.number}${d.agentId ? ` (${d.agentId})` : ''}`);
        break;
      }
      case 'callbacks': {
        const r = await client.call('callbacks');
        if (!r.cases.length) out('no callbacks owed');
        for (const c of r.cases) out(caseLine(c));
        break;
      }
    }
    if (a) out(`now: ${stateLine(a)}`);
    if (watching) await until(forMs);
    return 0;
  } finally {
    await client.close();
  }
}

/** agent:ID, queue:ID or digits → the protocol's target; anything else is refused here, before a login. */
export function target(arg: string, queues: boolean): { agent: string } | { queue: string } | { number: string } {
  const m = /^(agent|queue):(.+)$/.exec(arg);
  if (m && (m[1] === 'agent' || queues)) return m[1] === 'agent' ? { agent: m[2] } : { queue: m[2] };
  if (/^[0-9*#]{1,20}$/.test(arg)) return { number: arg };
  throw cliError('CLI_BAD_VALUE', `'${arg}' is not a target: give agent:ID${queues ? ', queue:ID' : ''} or a number (digits, * and #, up to 20)`, { value: arg });
}

/** Sends a call operation; prints its result and the call events that follow within a moment (connected, held, transferred …). */
async function callAction(client: SeatClient, type: string, body: Record<string, unknown>): Promise<void> {
  const r = await client.call(type as never, body as never);
  out(`${type}: ${r && typeof r === 'object' ? Object.entries(r).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : 'done'}`);
  await new Promise((res) => setTimeout(res, 300));
}

/** Until --for has passed, or Ctrl-C. */
function until(ms: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      clearTimeout(t);
      resolve();
    };
    const t = ms === undefined ? undefined : setTimeout(done, ms);
    process.on('SIGINT', done);
  });
}

/** Reads the password from a terminal without echo; refuses when stdin is not one. */
async function askPassword(agentId: string): Promise<string> {
  if (!process.stdin.isTTY) throw cliError('CLI_MISSING_ARGUMENT', `no password for ${agentId}: set HOTLINE_SEAT_PASSWORD, or run on a terminal to be asked`);
  let muted = false;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output: sink, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(`password for ${agentId}: `, resolve));
  muted = true;
  const pw = await answer;
  rl.close();
  process.stderr.write('\n');
  return pw;
}
