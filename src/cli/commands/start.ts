// `hotline start [--board FILE] [--flow FILE] [--data DIR] [--demo-callers N]
//                [--demo-agents M] [--record-calls on|off|mixed] [--rolling WHICH] [--recording-notice FILE] [--for SECONDS] [--stepped] [--smtp HOST:PORT] [--from ADDR]`
// Runs the hotline: the board (default: the simulated E1 board), the case store
// in ./data, the 12315 flow. Logs calls as they start and end; SIGINT/SIGTERM
// clear every call (each gets its call record) and close the files; SIGHUP
// reloads the flow (an invalid file is refused and the old flow stays).
import { runScenario, SCENARIOS, type Scenario } from '../../calls/demo.ts';
import { openEngine, type Engine, type EngineOptions } from '../../calls/engine.ts';
import { advanceHeld, SimCaller } from '../../calls/sim-caller.ts';
import { agentCall, logAgents, runDemoAgent } from '../../calls/demo-agents.ts';
import { demoAgentId } from '../../calls/roster.ts';
import { SimStation } from '../../calls/sim-station.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SmtpOptions } from '../../ivr/mail.ts';
import { describeAlarm } from '../../board/index.ts';
import { createLogger, DEFAULT_TIME_ZONE, localIso, type Logger } from '../../calls/log.ts';
import { BureauCalendar } from '../../cases/calendar.ts';
import { choice, defineCommand, duration, existingFile, flag, hostPort, int, option, refuse, runCommand, text } from '../args.ts';
import { cliError } from '../errors.ts';
import { checkRetention, recError, type RetentionRule } from '../../recording/index.ts';
import { setLongTimeout } from '../long-timer.ts';
import { openSeats, SEAT_OPTIONS, seatArgs, type SeatArgs } from '../start-seats.ts';

/** The quick start's demo password (a simulated board's empty case store only): printed at start. */
export const DEMO_PASSWORD = 'demo-12315';

export const summary = 'start the hotline engine (sim board, ./data, 12315 flow; --demo-callers N, --for SECONDS)';

const startCommand = defineCommand({
  name: 'hotline start',
  summary:
    'Run the hotline: the board (default: the simulated E1 board), the case store in the data folder, the IVR flow. Logs calls as they start and end. Ctrl-C or SIGTERM clears every call (each gets its call record) and closes the files; a second Ctrl-C exits at once; SIGHUP reloads the flow (an invalid file is refused and the old flow stays).',
  options: {
    board: option(existingFile(), 'board profile (JSON)', { valueName: 'FILE', defaultText: 'boards/sim-e1x2.json, two simulated E1 spans' }),
    flow: option(existingFile(), 'IVR flow (JSON or YAML)', { valueName: 'FILE', defaultText: 'DATA/config/flow.yaml as the console saved it, else src/ivr/flows/12315.yaml' }),
    data: option(text(), 'data folder: case store, recordings, logs (made if missing)', { valueName: 'DIR', default: 'data' }),
    'demo-callers': option(int({ min: 0, max: 960 }), 'simulated callers on the network side of the board, each calling again after a pause; at most one per network line', { valueName: 'N', default: 0 }),
    'demo-agents': option(int({ min: 0, max: 64 }), 'simulated agents 8001… at the first M station ports, logged in ready: their phones ring, they answer, talk and hang up; callers who press 0 reach them', { valueName: 'M', default: 0 }),
    'announce-agent': flag('自动报工号: a caller hears the number of the agent who answers ("1001号话务员为您服务"); a flow\'s transfer node may say otherwise (announceAgent)'),
    'night-bell': option(text(), '夜铃: the station port (SPAN:PORT, an FXS port no agent has) that rings outside office hours while a caller who asked for an agent is in the night flow; lifting it connects him', { valueName: 'SPAN:PORT' }),
    'record-calls': option(choice(['on', 'off', 'stereo', 'mixed'] as const), '全程录音: every answered call is recorded in one file that follows it through queue, transfer, hold and conference, in DATA/recordings/calls (src/recording/README.md): on = stereo (caller left, agent right), mixed = one mono file of both sides (half the disk)', { valueName: 'on|off|mixed', default: 'on' }),
    rolling: option(text(), "全程不间断滚动录音 of channels in segments: 'lines' (the station ports and the trunks that take calls), 'all' (every channel of the board), 'group:NAME' (a profile group), 'channels:0:1,0:2' (board channels), 'seats:1001,1002' (the station ports of these agents) or 'none'", { valueName: 'WHICH', default: 'lines' }),
    retention: option(existingFile(), 'apply recording retention once a day (board time): a JSON array of rules as `hotline recordings retention --rules`, e.g. [{"category":"no-case","maxAgeDays":180}]; recordings of open cases are never deleted', { valueName: 'FILE', defaultText: 'no retention run' }),
    'archive-after': option(int({ min: 0, max: 36_600 }), 'once a day (board time), convert recordings older than DAYS to Ogg Opus (about 4× smaller; src/recording/README.md "Archive")', { valueName: 'DAYS', defaultText: 'no archive' }),
    'recording-notice': option(existingFile(), '"this call may be recorded" per queue: a JSON file { QUEUE or "default": { "kind": "none" | "announcement" (with "file" or "prompt") | "beep" (hz, ms, levelDbm0, everyMs) } } (src/recording/README.md)', { valueName: 'FILE' }),
    for: option(duration({ minMs: 1, maxMs: 366 * 86_400_000 }), 'stop after this long (board time): seconds, or with a unit: 90, 30s, 5m, 2h, 7d (at most 366d)', { valueName: 'DURATION', defaultText: 'run until Ctrl-C' }),
    stepped: flag('stepped time: run board time as fast as the machine allows instead of real time (simulated board only; use with --for)'),
    smtp: option(hostPort(), 'SMTP server for case results by e-mail; without it no e-mail is offered', { valueName: 'HOST:PORT' }),
    from: option(text(), 'sender address of those e-mails', { valueName: 'ADDR', default: '12315 hotline <noreply@12315.local>' }),
    'smtp-tls': flag('TLS from the first byte (SMTPS, port 465); without it STARTTLS is used whenever the server offers it'),
    'smtp-user': option(text(), 'log in to the SMTP server as USER; the password comes from the environment variable HOTLINE_SMTP_PASSWORD (never on the command line). With a user, mail is sent only over TLS', { valueName: 'USER' }),
    'smtp-ca': option(existingFile(), "PEM certificate(s) to trust for the SMTP server besides the system's, e.g. the bureau's own CA", { valueName: 'FILE' }),
    'smtp-insecure': flag("accept an SMTP certificate that does not verify (self-signed or for another name); credentials still need TLS. Prefer --smtp-ca"),
    quiet: flag('print nothing but errors'),
    'time-zone': option(text(), 'time zone of the log times (IANA name); each line carries the date and the UTC offset', { valueName: 'ZONE', default: DEFAULT_TIME_ZONE }),
    'log-format': option(choice(['pretty', 'json'] as const), "'pretty': one readable line per record; 'json': pino's JSON lines, with call id, channel and caller on every line of a call", { valueName: 'FORMAT', default: 'pretty' }),
    ...SEAT_OPTIONS,
  },
  run: async ({ values: v }) => {
    const smtpOnly = (['smtp-tls', 'smtp-user', 'smtp-ca', 'smtp-insecure'] as const).find((k) => v[k] !== undefined && v[k] !== false);
    if (smtpOnly && !v.smtp) throw cliError('CLI_MISSING_ARGUMENT', `--${smtpOnly} goes with --smtp HOST:PORT, which is missing`, { option: `--${smtpOnly}` });
    if (v['smtp-user'] !== undefined && !process.env.HOTLINE_SMTP_PASSWORD)
      throw cliError('CLI_MISSING_ARGUMENT', `--smtp-user ${v['smtp-user']} needs the password in the environment variable HOTLINE_SMTP_PASSWORD`, { option: '--smtp-user' });
    return runStart({
      board: v.board,
      flow: v.flow,
      data: v.data,
      demoCallers: v['demo-callers'],
      demoAgents: v['demo-agents'],
      announceAgent: v['announce-agent'],
      ...(v['night-bell'] !== undefined ? { nightBell: v['night-bell'] } : {}),
      recordCalls: v['record-calls'] !== 'off',
      callRecordingMode: v['record-calls'] === 'mixed' ? 'mixed' : 'stereo',
      rolling: rollingOption(v.rolling),
      ...(v['recording-notice'] !== undefined ? { recordingNotice: v['recording-notice'] } : {}),
      ...(v.retention !== undefined ? { retention: v.retention } : {}),
      ...(v['archive-after'] !== undefined ? { archiveAfterDays: v['archive-after'] } : {}),
      forSeconds: v.for === undefined ? undefined : v.for / 1000,
      stepped: v.stepped,
      smtp: v.smtp && {
        ...v.smtp,
        secure: v['smtp-tls'],
        user: v['smtp-user'],
        pass: v['smtp-user'] === undefined ? undefined : process.env.HOTLINE_SMTP_PASSWORD,
        ca: v['smtp-ca'] === undefined ? undefined : readFileSync(v['smtp-ca']),
        insecure: v['smtp-insecure'],
      },
      from: v.from,
      quiet: v.quiet,
      timeZone: v['time-zone'],
      logFormat: v['log-format'],
      seats: seatArgs(v),
    });
  },
});

/** The rules of --retention FILE, checked (REC_RETENTION_INVALID names the problem). */
function retentionRules(file: string): RetentionRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw recError('REC_RETENTION_INVALID', `${file} is not JSON: ${(e as Error).message}`);
  }
  return checkRetention(parsed);
}

function rollingOption(v: string): NonNullable<EngineOptions['rolling']> {
  if (v === 'none' || v === 'lines' || v === 'all') return v;
  const m = /^group:(.+)$/.exec(v);
  if (m) return { group: m[1] };
  const ch = /^channels:([0-9]+:[0-9]+(?:,[0-9]+:[0-9]+)*)$/.exec(v);
  if (ch) return { channels: ch[1].split(',') };
  const seats = /^seats:([^,]+(?:,[^,]+)*)$/.exec(v);
  if (seats) return { seats: seats[1].split(',') };
  throw cliError('CLI_BAD_VALUE', `--rolling ${v}: say 'lines', 'all', 'group:NAME', 'channels:SPAN:TS,…', 'seats:AGENT,…' or 'none'`, { option: '--rolling' });
}

export const run = (args: string[]): Promise<number> => runCommand(startCommand, args);

interface StartArgs {
  board?: string;
  flow?: string;
  data: string;
  demoCallers: number;
  demoAgents: number;
  announceAgent: boolean;
  nightBell?: string;
  recordCalls: boolean;
  callRecordingMode: 'stereo' | 'mixed';
  rolling: NonNullable<EngineOptions['rolling']>;
  recordingNotice?: string;
  /** Retention rules file, run daily. */
  retention?: string;
  archiveAfterDays?: number;
  forSeconds?: number;
  stepped: boolean;
  smtp?: Omit<SmtpOptions, 'from'>;
  from: string;
  quiet: boolean;
  timeZone: string;
  logFormat: 'pretty' | 'json';
  seats: SeatArgs;
}

async function runStart(a: StartArgs): Promise<number> {
  // A log piped into `head` that closes early must not crash the engine.
  process.stdout.on('error', () => {});
  let logger: Logger;
  try {
    logger = createLogger({ timeZone: a.timeZone, format: a.logFormat, level: a.quiet ? 'silent' : 'info' });
  } catch (e) {
    return refuse('hotline start', e);
  }
  const log = (line: string) => logger.info(line);
  // Demo agents work office hours (the 12315 flow's `agent` node): outside
  // them the engine's clock runs from the next working morning, and says so.
  const shift = a.demoAgents > 0 ? officeClockShift(new BureauCalendar(), Date.now()) : 0;
  if (shift) log(`hotline: demo: outside office hours now; the engine's clock runs from ${localIso(Date.now() + shift, a.timeZone)} so callers who press 0 reach the demo agents`);
  let engine: Engine;
  try {
    engine = await openEngine({
      boardFile: a.board,
      demoRoster: { password: DEMO_PASSWORD },
      flowFile: a.flow,
      dataDir: a.data,
      mode: a.stepped ? 'stepped' : 'realtime',
      smtp: a.smtp ? { ...a.smtp, from: a.from } : undefined,
      demoAgents: a.demoAgents,
      announceAgent: a.announceAgent,
      ...(a.nightBell !== undefined ? { nightBell: a.nightBell } : {}),
      recordCalls: a.recordCalls,
      callRecordingMode: a.callRecordingMode,
      rolling: a.rolling,
      ...(a.recordingNotice !== undefined ? { recordingNotice: a.recordingNotice } : {}),
      ...(a.retention !== undefined ? { retention: { everyMs: DAY_MS, rules: retentionRules(a.retention) } } : {}),
      ...(a.archiveAfterDays !== undefined ? { archive: { everyMs: DAY_MS, olderThanDays: a.archiveAfterDays } } : {}),
      ...(shift ? (a.stepped ? { epochAtZero: Date.now() + shift } : { wallClock: () => Date.now() + shift }) : {}),
      logger,
    });
  } catch (e) {
    const err = e as { code?: string; message: string };
    process.stderr.write(`hotline start: ${err.code ?? 'ERROR'}: ${err.message}\n`);
    return 1;
  }
  const { board, core, flows } = engine;
  // One simulated caller per network line: more would wait for a free line
  // for ever, so the number is refused rather than cut.
  if (a.demoCallers > engine.networkChannels.length) {
    const n = engine.networkChannels.length;
    await engine.close();
    const has = n === 0 ? 'has no network side (no simulated far end), so no simulated callers' : `has ${n} network lines, so at most ${n} simulated callers`;
    return refuse('hotline start', cliError('CLI_BAD_VALUE', `--demo-callers ${a.demoCallers}: the board '${board.name}' ${has}`, { option: '--demo-callers', max: n }));
  }
  // The seat server opens after the engine and closes before it.
  let seats: Awaited<ReturnType<typeof openSeats>>;
  try {
    seats = await openSeats(engine, a.seats, log);
  } catch (e) {
    await engine.close();
    return refuse('hotline start', e);
  }
  if (engine.demoRosterAdded) log(`hotline: demo roster added to the empty case store: agents 1001 and 1002, supervisor 2001, admin 9001, password ${DEMO_PASSWORD}; log in on the console or with: HOTLINE_SEAT_PASSWORD=${DEMO_PASSWORD} hotline seat --agent 1001 login-ready (change them on the admin page or with hotline cases agents add)`);
  log(`hotline: board '${board.name}' (${board.mode}), ${board.channels.length} channels; flow '${flows.current.name}' v${flows.current.version} from ${flows.current.file}; data ${engine.dataDir}`);
  if (a.demoCallers === 0 && engine.networkChannels.length > 0) log(`hotline: waiting for calls on ${board.channels.length} lines; to watch simulated callers and agents use: npm start -- --demo-callers 4 --demo-agents 2   (Ctrl-C stops)`);
  // A technician sees a pulled cable or a far-end fault with what to check.
  board.events$.subscribe((e) => e.type === 'alarm' && log(`hotline: ${describeAlarm(e)}`));
  // Each call logs its start and end lines itself, through its child logger (src/calls/call.ts).

  let stopping = false;
  let stopResolve!: () => void;
  const stopped = new Promise<void>((r) => (stopResolve = r));
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`hotline: stopping (${why}): clearing ${core.stats().active} calls`);
    stopResolve();
  };
  // A second Ctrl-C while calls are being cleared exits at once: the recorder
  // rewrites WAV headers about every second and the store acknowledges only
  // what is durable, so at most the last second of audio is lost.
  const onSig = (sig: NodeJS.Signals) => {
    if (!stopping) return stop(sig);
    log(`hotline: ${sig} again: exiting now without waiting for ${core.stats().active} calls`);
    process.exit(130);
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  const onHup = () => {
    try {
      const f = flows.reload();
      log(`hotline: flow reloaded: '${f.name}' v${f.version}`);
    } catch (e) {
      log(`hotline: ${(e as { code?: string }).code}: ${(e as Error).message}; the running flow stays`);
    }
  };
  process.on('SIGHUP', onHup);

  // Simulated agents at their stations (the phone end of their FXS ports), logged in ready.
  const demos: Promise<void>[] = [];
  const stations: SimStation[] = [];
  const unlogAgents = core.acd && core.switchboard && a.demoAgents > 0 ? logAgents(core.switchboard, core.acd, log) : () => {};
  for (let i = 0; i < a.demoAgents && core.acd && core.switchboard && board.network; i++) {
    const id = demoAgentId(i);
    const port = core.switchboard.station(id)!;
    const st = new SimStation(board.network.channel(port.span.index, port.timeslot), { dir: join(engine.dataDir, 'demo'), tap: false, name: id });
    stations.push(st);
    core.acd.login(id, { ready: true });
    log(`demo agent ${id} at ${port.name}: ready`);
    demos.push(runDemoAgent(st, { prompts: engine.prompts, random: Math.random, stopping: () => stopping }).catch((e) => log(`demo agent ${id}: ${(e as Error).message}`)));
  }

  // Simulated callers on the network side, each calling again after a pause.
  const made: string[] = [];
  core.calls$.subscribe(({ type, call }) => type === 'end' && made.push(...call.caseNumbers));
  const net = engine.networkChannels;
  for (let i = 0; i < a.demoCallers; i++) {
    const ch = net[i];
    demos.push(
      (async () => {
        for (let n = 0; !stopping; n++) {
          const s: Scenario = SCENARIOS[(i + n) % SCENARIOS.length];
          const caller = new SimCaller(ch, { dir: join(engine.dataDir, 'demo'), callerNumber: `1390000${String(1000 + i).slice(-4)}`, tap: false });
          try {
            // With demo agents, every other call asks for a person (menu 0).
            if (a.demoAgents > 0 && (i + n) % 2 === 0) await agentCall(caller, engine.prompts);
            else await runScenario(caller, s, { prompts: engine.prompts, knownCases: () => made.slice(-20), random: Math.random });
          } catch (e) {
            if (!stopping) log(`demo caller ${i}: ${(e as Error).message}`);
          }
          if (!stopping) await sleepBoard(engine, 2000 + Math.random() * 3000);
        }
      })(),
    );
  }

  const endAt = a.forSeconds !== undefined ? board.now() + a.forSeconds * 1000 : Infinity;
  if (board.mode === 'stepped') {
    // Stepped: run board time as fast as the machine allows.
    // Board time stands still while the engine awaits its store.
    while (!stopping && board.now() < endAt) await advanceHeld(board, 100, () => core.busy());
    if (!stopping) stop(`--for ${a.forSeconds}`);
  } else if (Number.isFinite(endAt)) {
    const t = setLongTimeout(() => stop(`--for ${a.forSeconds}`), a.forSeconds! * 1000);
    await stopped;
    t.clear();
  }
  await stopped;
  await seats?.close();
  // Clear every call now (each gets its call record), then let the demo
  // callers see their lines drop.
  const stepped = board.mode === 'stepped';
  await core.stop(stepped ? (ms) => board.advance(ms) : undefined);
  let demosDone = false;
  void Promise.all(demos).then(() => (demosDone = true));
  if (stepped) for (let i = 0; i < 100 && !demosDone; i++) await board.advance(100);
  else await Promise.race([Promise.all(demos), new Promise((r) => setTimeout(r, 3000))]);
  const st = core.stats();
  unlogAgents();
  for (const x of stations) x.close();
  await engine.close();
  process.off('SIGINT', onSig);
  process.off('SIGTERM', onSig);
  process.off('SIGHUP', onHup);
  log(`hotline: stopped; ${st.started} calls taken, ${core.stats().ended} ended with a call record`);
  return 0;
}

function sleepBoard(engine: Engine, ms: number): Promise<void> {
  return new Promise((resolve) => engine.board.scheduler.schedule(() => resolve(), ms));
}

const DAY_MS = 86_400_000;

// The demo's office spans (bureau time, minutes), inside the 12315 flow's open
// hours (08:30–12:00, 13:30–17:30) with room for a demo run, and where the
// engine's clock starts when it has to move: 10:00 and 14:30.
const DEMO_SPANS: ReadonlyArray<readonly [number, number]> = [[9 * 60, 11 * 60], [14 * 60, 16 * 60 + 30]];
const DEMO_STARTS = [10 * 60, 14 * 60 + 30];

/** 0 inside the demo's office spans of a working day (bureau time); else ms to the next span's start (10:00 or 14:30 of a working day). */
export function officeClockShift(cal: BureauCalendar, now: number): number {
  const off = cal.offsetAt(now);
  const local = now + off;
  const minute = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  if (cal.isWorkingDay(cal.dayKey(now)) && DEMO_SPANS.some(([from, to]) => minute >= from && minute < to)) return 0;
  const midnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  for (let d = 0; d < 60; d++) {
    for (const start of DEMO_STARTS) {
      const t = midnight + d * DAY_MS + start * 60_000 - off;
      if (t > now && cal.isWorkingDay(cal.dayKey(t))) return t - now;
    }
  }
  return 0;
}
