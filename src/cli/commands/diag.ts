// `hotline diag spans|channels|loopback|digits|r2 --board FILE`: what a
// technician checks on a board (sim or DAHDI), like dahdi_tool / dahdi_scan
// plus what they lack: spans with alarms and counters (live with --watch),
// channel states with receive level and noise, a loopback test (tone out,
// tone back: delay and level) and DTMF / MF R2 send-and-detect through the
// loop, and China No.1's counters and MF trace (r2). `--json` prints one
// JSON object per report. A DAHDI profile runs in real time on the card's
// clock; a sim profile in board time (instantly), or with --realtime
// (diag r2) on the wall clock.
import { defineCommand, existingFile, flag, int, option, runGroup, text, type CommandGroup } from '../args.ts';
import { openBoard } from '../../board/index.ts';
import { loadProfile, parseGroup } from '../../board/profile.ts';
import type { Board, Channel } from '../../board/types.ts';
import { channelReport, digitTest, followBits, loopbackTest, pass, spanReport, type SpanReport } from '../diag.ts';
import { r2Report, r2Spans, r2Text } from '../diag-r2.ts';
import { cliError } from '../errors.ts';

export const summary = 'check a board: spans, channels, loopback and digit tests (sim or DAHDI)';

const boardOpt = option(existingFile(), 'board profile (JSON)', { valueName: 'FILE', default: 'boards/sim-e1x2.json' });
const json = flag('print JSON (one object per report)');

async function withBoard<T>(file: string, fn: (b: Board, bits: Map<number, number>) => Promise<T>, realtime = false): Promise<T> {
  const p = loadProfile(file);
  const board = await openBoard(p, { mode: p.driver === 'dahdi' || realtime ? 'realtime' : 'stepped' });
  const bits = followBits(board);
  try {
    return await fn(board, bits);
  } finally {
    await board.close();
  }
}

const out = (s: string) => process.stdout.write(s);

/** Runs `report(n)` once, or with --watch until Ctrl-C or --count reports. */
async function reports(board: Board, v: { watch?: boolean; count?: number }, report: (n: number) => Promise<void>): Promise<void> {
  let stop = false;
  const onInt = () => (stop = true);
  process.once('SIGINT', onInt);
  try {
    for (let n = 0; ; ) {
      await report(n);
      n++;
      if (!v.watch || stop || (v.count !== undefined && n >= v.count)) return;
    }
  } finally {
    process.off('SIGINT', onInt);
  }
}
// Progress of the longer tests, on stderr (stdout stays the report, JSON or text).
const progress = (s: string) => process.stderr.write(`diag: ${s}\n`);

function spanLines(board: Board, rows: SpanReport[]): string {
  const head = `${board.name} (${board.driver})\n  span  alarms        CRC-4    BPV  slips  ES  lost  driver-errors  name\n`;
  return (
    head +
    rows
      .map((r) =>
        `  ${String(r.span).padEnd(5)} ${(r.alarms.join(',') || 'OK').padEnd(12)} ${String(r.crc4Errors).padStart(6)} ${String(r.bipolarViolations).padStart(6)} ` +
        `${String(r.slips).padStart(6)} ${String(r.erroredSeconds).padStart(3)} ${String(r.lostFrames).padStart(5)} ${String(r.driverErrors).padStart(14)}  ${r.name}`,
      )
      .join('\n') +
    '\n'
  );
}

const spans = defineCommand({
  name: 'hotline diag spans',
  summary: 'Alarms (LOS, AIS, RAI, LOF) and counters (CRC-4, bipolar violations, slips, errored seconds, lost frames) of every span.',
  options: {
    board: boardOpt,
    json,
    watch: flag('repeat every --interval seconds until interrupted (or --count times)'),
    interval: option(int({ min: 1, max: 3600 }), 'seconds between reports with --watch', { valueName: 'S', default: 1 }),
    count: option(int({ min: 1, max: 1_000_000 }), 'with --watch: stop after N reports', { valueName: 'N' }),
  },
  run: async ({ values: v }) =>
    withBoard(v.board, async (board) => {
      await reports(board, v, async (n) => {
        await pass(board, n === 0 ? 2 * board.tickMs : v.interval * 1000); // a tick or two so the span state is current
        const rows = spanReport(board);
        out(v.json ? JSON.stringify({ board: board.name, driver: board.driver, time: new Date().toISOString(), spans: rows }) + '\n' : spanLines(board, rows));
      });
      return 0;
    }),
});

function pick(board: Board, spec: string | undefined): Channel[] {
  if (!spec) return [...board.channels];
  try {
    return parseGroup(spec, board.spans.length, '--channels', board.spans.map((s) => (s.kind === 'E1' ? { type: 'E1' } : s.kind === 'T1' ? { type: 'T1', channels: s.channels.length } : { type: 'analog', role: s.kind, ports: s.channels.length }))).map(([s, t]) => board.channel(s, t));
  } catch (e) {
    throw cliError('CLI_BAD_VALUE', `--channels: ${(e as Error).message}`, { option: '--channels' });
  }
}

const channels = defineCommand({
  name: 'hotline diag channels',
  summary: 'State, role and line signalling of every channel; receive level and noise floor (dBm0) of the channels in a call.',
  options: {
    board: boardOpt,
    json,
    channels: option(text(), 'which channels, as a profile group: "0:1-15,0:17-31"', { valueName: 'LIST' }),
    ms: option(int({ min: 100, max: 60_000 }), 'how long to measure the levels, ms', { valueName: 'MS', default: 1000 }),
  },
  run: async ({ values: v }) =>
    withBoard(v.board, async (board, bits) => {
      const list = pick(board, v.channels);
      progress(`measuring ${list.length} channels for ${v.ms} ms`);
      const rows = await channelReport(board, list, v.ms, bits);
      if (v.json) out(JSON.stringify({ board: board.name, driver: board.driver, channels: rows }) + '\n');
      else {
        out(`${board.name} (${board.driver})\n  channel              state        role      rx ABCD  level dBm0  noise dBm0\n`);
        for (const r of rows) out(`  ${r.channel.padEnd(20)} ${r.state.padEnd(12)} ${r.role.padEnd(9)} ${r.rxAbcd.padEnd(7)} ${String(r.levelDbm0).padStart(10)}  ${String(r.noiseDbm0).padStart(10)}\n`);
      }
      return 0;
    }),
});

/** A test call from the far end we control, which then loops the line. */
async function looped(board: Board, spec: string): Promise<{ ch: Channel; done: () => Promise<void> }> {
  const net = board.network;
  if (!net) throw cliError('CLI_DIAG_NO_FAR_END', `${board.name} (${board.driver}) has no far end to loop`, { board: board.name });
  const [ch] = pick(board, spec);
  if (ch.state !== 'idle') throw cliError('CLI_DIAG_CHANNEL_BUSY', `${ch.name} is ${ch.state}`, { channel: ch.name });
  const far = net.channel(ch.span.index, ch.timeslot);
  progress(`calling ${ch.name} from the far end`);
  const placed = far.call({ timeoutMs: 5000 });
  await pass(board, 6 * board.tickMs);
  await ch.answer();
  await pass(board, 6 * board.tickMs);
  const r = await placed;
  if (r.reason !== 'done') throw cliError('CLI_DIAG_NO_FAR_END', `the test call to ${ch.name} ended with ${r.reason}`, { channel: ch.name });
  far.loopback(true);
  progress(`the far end loops ${ch.name}`);
  return {
    ch,
    done: async () => {
      far.loopback(false);
      await ch.hangup();
      await pass(board, 10 * board.tickMs);
    },
  };
}

const chanOpt = option(text(), 'the channel to test, span:timeslot (e.g. 0:1)', { valueName: 'S:T', default: '0:1' });

const loopback = defineCommand({
  name: 'hotline diag loopback',
  summary: 'Tone out, tone back: 500 ms of 1004 Hz at -10 dBm0 on a channel whose far end loops the line; prints the delay and the level back (ok within 3 dB).',
  options: { board: boardOpt, json, channel: chanOpt },
  run: async ({ values: v }) =>
    withBoard(v.board, async (board) => {
      const { ch, done } = await looped(board, v.channel);
      progress('sending the test tone');
      const r = await loopbackTest(board, ch);
      await done();
      out(v.json ? JSON.stringify(r) + '\n' : `${r.channel}: sent ${r.sentDbm0} dBm0, back ${r.receivedDbm0} dBm0 (loss ${r.lossDb} dB) after ${r.delayMs} ms: ${r.ok ? 'OK' : 'FAIL'}\n`);
      return r.ok ? 0 : 1;
    }),
});

const digits = defineCommand({
  name: 'hotline diag digits',
  summary: 'Send every DTMF key (or, with --mf, the 15 MF R2 forward codes) on a channel whose far end loops the line, and detect them on their way back.',
  options: { board: boardOpt, json, channel: chanOpt, mf: flag('MF R2 forward codes 1-15 instead of DTMF') },
  run: async ({ values: v }) =>
    withBoard(v.board, async (board) => {
      const { ch, done } = await looped(board, v.channel);
      progress(`sending ${v.mf ? 'MF R2 codes' : 'DTMF keys'}`);
      const r = await digitTest(board, ch, v.mf ? 'mf' : 'dtmf');
      await done();
      out(v.json ? JSON.stringify(r) + '\n' : `${r.channel}: ${r.kind} sent ${r.sent}, detected ${r.detected || '(nothing)'}: ${r.ok ? 'OK' : 'FAIL'}\n`);
      return r.ok ? 0 : 1;
    }),
});

/** A China No.1 test call from the far end we control to `ch`, answered on ring and cleared by the far end: resolves with how it ended. */
function r2TestCall(board: Board, ch: Channel, callerNumber: string, calledNumber: string): Promise<string> {
  const net = board.network;
  if (!net) throw cliError('CLI_DIAG_NO_FAR_END', `${board.name} (${board.driver}) has no far end to call ${ch.name} from`, { board: board.name });
  if (!ch.r2()) throw cliError('CLI_BAD_VALUE', `--call: ${ch.name} is not on a China No.1 span`, { option: '--call' });
  if (ch.state !== 'idle') throw cliError('CLI_DIAG_CHANNEL_BUSY', `${ch.name} is ${ch.state}`, { channel: ch.name });
  const far = net.channel(ch.span.index, ch.timeslot);
  const sub = ch.events$.subscribe((e) => e.type === 'ring' && void ch.answer().catch(() => undefined));
  let cause = '';
  const farSub = far.events$.subscribe((e) => e.type === 'r2' && e.what === 'failed' && (cause = e.cause));
  progress(`calling ${ch.name} from the far end over China No.1 (${callerNumber} -> ${calledNumber})`);
  return far
    .call({ callerNumber, calledNumber })
    .then(async (r) => {
      if (r.reason === 'done') await far.hangup();
      return r.reason === 'done' ? 'answered' : `${r.reason}${cause ? ` (${cause})` : ''}`;
    }, (e: Error) => `refused (${e.message})`)
    .finally(() => {
      sub.unsubscribe();
      farSub.unsubscribe();
    });
}

const r2 = defineCommand({
  name: 'hotline diag r2',
  summary: 'China No.1 (MFC R2): each span\'s counters and, per channel, state, last cause, numbers, KA/KD and the MF trace (time, direction, code, meaning), live on a running board; --call places a test call from the far end.',
  options: {
    board: boardOpt,
    json,
    channels: option(text(), 'which channels to show (default: those in use or with a trace), as a profile group: "0:1-15"', { valueName: 'LIST' }),
    call: option(text(), 'sim / userspace DAHDI: a test call from the far end to this channel (answered, then cleared forward)', { valueName: 'S:T' }),
    caller: option(text(), 'calling number (ANI) of the test call', { valueName: 'NUMBER', default: '01062345678' }),
    called: option(text(), 'called number (DNIS) of the test call', { valueName: 'NUMBER', default: '12315' }),
    realtime: flag('run a sim board on the wall clock (a DAHDI board always does)'),
    watch: flag('repeat every --interval seconds (new trace lines only) until interrupted (or --count times)'),
    interval: option(int({ min: 1, max: 3600 }), 'seconds between reports with --watch', { valueName: 'S', default: 1 }),
    count: option(int({ min: 1, max: 1_000_000 }), 'with --watch: stop after N reports', { valueName: 'N' }),
  },
  run: async ({ values: v }) =>
    withBoard(
      v.board,
      async (board) => {
        if (r2Spans(board).length === 0) throw cliError('CLI_DIAG_NO_R2', `${board.name} has no span with "signalling": "china-no1"`, { board: board.name });
        for (const [name, num] of [['--caller', v.caller], ['--called', v.called]] as const) {
          if (!/^\d{1,24}$/.test(num)) throw cliError('CLI_BAD_VALUE', `${name} takes 1 to 24 digits 0-9 (MF R2 carries no other signs), got ${JSON.stringify(num)}`, { option: name });
        }
        const target = v.call === undefined ? undefined : pick(board, v.call)[0];
        const shown = v.channels !== undefined ? pick(board, v.channels) : target ? [target] : undefined;
        let outcome: string | undefined;
        const call = target ? r2TestCall(board, target, v.caller, v.called).then((o) => (outcome = o)) : undefined;
        const seen = new Map<number, number>();
        await reports(board, v, async (n) => {
          if (v.watch) await pass(board, n === 0 ? 2 * board.tickMs : v.interval * 1000);
          else if (!target) await pass(board, 2 * board.tickMs);
          // One report after the test call: until it ended and the circuit is idle again (release guard), 60 s at most.
          else for (let t = 0; t < 600 && (outcome === undefined || target.state !== 'idle'); t++) await pass(board, 100);
          const rep = r2Report(board, shown, seen);
          const head = { board: board.name, driver: board.driver, time: new Date().toISOString() };
          const callRep = target ? { call: { channel: target.name, outcome: outcome ?? 'in progress' } } : {};
          out(v.json ? JSON.stringify({ ...head, ...callRep, ...rep }) + '\n' : `${board.name} (${board.driver})${target ? `, test call to ${target.name}: ${outcome ?? 'in progress'}` : ''}\n${r2Text(rep)}`);
        });
        if (call && outcome === undefined) await Promise.race([call, pass(board, 1000)]);
        return target && outcome !== 'answered' ? 1 : 0;
      },
      v.realtime,
    ),
});

const group: CommandGroup = {
  name: 'hotline diag',
  summary: 'Check a board for a technician: spans (alarms, counters, --watch), channels (state, level, noise), loopback (tone out, tone back), digits (DTMF / MF R2 through a loop) and r2 (China No.1 counters and MF trace, live). Works on the sim and on DAHDI; --json for each.',
  commands: { spans, channels, loopback, digits, r2 },
  details: 'Exit status: 0 done (tests passed), 1 a test failed, 2 refused (bad option, no far end, busy channel).',
};

export const run = (args: string[]): Promise<number> => runGroup(group, args);
