// `hotline start [--board FILE] [--flow FILE] [--data DIR] [--demo-callers N]
//                [--for SECONDS] [--stepped] [--smtp HOST:PORT] [--from ADDR]`
// Runs the hotline: the board (default: the simulated E1 board), the case store
// in ./data, the 12315 flow. Logs calls as they start and end; SIGINT/SIGTERM
// clear every call (each gets its call record) and close the files; SIGHUP
// reloads the flow (an invalid file is refused and the old flow stays).
import { runScenario, SCENARIOS, type Scenario } from '../../calls/demo.ts';
import { openEngine, type Engine } from '../../calls/engine.ts';
import { advanceHeld, SimCaller } from '../../calls/sim-caller.ts';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../calls/log.ts';

export const summary = 'start the hotline engine (sim board, ./data, 12315 flow; --demo-callers N, --for SECONDS)';

interface StartArgs {
  board?: string;
  flow?: string;
  data: string;
  demoCallers: number;
  forSeconds?: number;
  stepped: boolean;
  smtp?: { host: string; port: number };
  from: string;
  quiet: boolean;
}

function usage(msg: string): number {
  process.stderr.write(`hotline start: CALL_BAD_OPTION: ${msg}\nusage: hotline start [--board FILE] [--flow FILE] [--data DIR] [--demo-callers N] [--for SECONDS] [--stepped] [--smtp HOST:PORT] [--from ADDR] [--quiet]\n`);
  return 2;
}

function parse(args: string[]): StartArgs | string {
  const a: StartArgs = { data: 'data', demoCallers: 0, stepped: false, from: '12315 hotline <noreply@12315.local>', quiet: false };
  for (let i = 0; i < args.length; i++) {
    const k = args[i];
    const v = args[i + 1];
    const need = () => {
      if (v === undefined || v.startsWith('--')) throw new Error(`${k} needs a value`);
      i++;
      return v;
    };
    try {
      switch (k) {
        case '--board': a.board = need(); break;
        case '--flow': a.flow = need(); break;
        case '--data': a.data = need(); break;
        case '--demo-callers': {
          const n = Number(need());
          if (!Number.isInteger(n) || n < 0 || n > 960) return `--demo-callers takes a whole number 0–960, not '${v}'`;
          a.demoCallers = n;
          break;
        }
        case '--for': {
          const n = Number(need());
          if (!Number.isFinite(n) || n <= 0) return `--for takes a positive number of seconds, not '${v}'`;
          a.forSeconds = n;
          break;
        }
        case '--stepped': a.stepped = true; break;
        case '--quiet': a.quiet = true; break;
        case '--smtp': {
          const m = /^([^:]+):(\d{1,5})$/.exec(need());
          if (!m) return `--smtp takes HOST:PORT, not '${v}'`;
          a.smtp = { host: m[1], port: Number(m[2]) };
          break;
        }
        case '--from': a.from = need(); break;
        default: return `unknown option '${k}'`;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  return a;
}

export async function run(args: string[]): Promise<number> {
  const a = parse(args);
  if (typeof a === 'string') return usage(a);
  // A log piped into `head` that closes early must not crash the engine.
  process.stdout.on('error', () => {});
  // Log times in the bureau's zone (HOTLINE_TIME_ZONE, default Asia/Shanghai);
  // HOTLINE_LOG_FORMAT=json for pino's JSON lines (a log collector).
  let logger: Logger;
  try {
    logger = createLogger({ timeZone: process.env.HOTLINE_TIME_ZONE || undefined, format: process.env.HOTLINE_LOG_FORMAT === 'json' ? 'json' : 'pretty', level: a.quiet ? 'silent' : 'info' });
  } catch (e) {
    return usage(`HOTLINE_TIME_ZONE: ${(e as Error).message}`);
  }
  const log = (line: string) => logger.info(line);
  let engine: Engine;
  try {
    engine = await openEngine({
      boardFile: a.board,
      flowFile: a.flow,
      dataDir: a.data,
      mode: a.stepped ? 'stepped' : 'realtime',
      smtp: a.smtp ? { ...a.smtp, from: a.from } : undefined,
      logger,
    });
  } catch (e) {
    const err = e as { code?: string; message: string };
    process.stderr.write(`hotline start: ${err.code ?? 'ERROR'}: ${err.message}\n`);
    return 1;
  }
  const { board, core, flows } = engine;
  log(`hotline: board '${board.name}' (${board.mode}), ${board.channels.length} channels; flow '${flows.current.name}' v${flows.current.version} from ${flows.current.file}; data ${engine.dataDir}`);
  if (a.demoCallers === 0 && engine.networkChannels.length > 0) log(`hotline: waiting for calls on ${board.channels.length} lines; to watch simulated callers use: npm start -- --demo-callers 4   (Ctrl-C stops)`);
  // Each call logs its start and end lines itself (src/calls/call.ts).

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

  // Simulated callers on the network side, each calling again after a pause.
  const demos: Promise<void>[] = [];
  const made: string[] = [];
  core.calls$.subscribe(({ type, call }) => type === 'end' && made.push(...call.caseNumbers));
  const net = engine.networkChannels;
  if (a.demoCallers > 0 && net.length === 0) log('hotline: the board has no network side; --demo-callers ignored');
  for (let i = 0; i < Math.min(a.demoCallers, net.length); i++) {
    const ch = net[i];
    demos.push(
      (async () => {
        for (let n = 0; !stopping; n++) {
          const s: Scenario = SCENARIOS[(i + n) % SCENARIOS.length];
          const caller = new SimCaller(ch, { dir: join(engine.dataDir, 'demo'), callerNumber: `1390000${String(1000 + i).slice(-4)}`, tap: false });
          try {
            await runScenario(caller, s, { prompts: engine.prompts, knownCases: () => made.slice(-20), random: Math.random });
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
    const t = setTimeout(() => stop(`--for ${a.forSeconds}`), a.forSeconds! * 1000);
    await stopped;
    clearTimeout(t);
  }
  await stopped;
  // Clear every call now (each gets its call record), then let the demo
  // callers see their lines drop.
  const stepped = board.mode === 'stepped';
  await core.stop(stepped ? (ms) => board.advance(ms) : undefined);
  let demosDone = false;
  void Promise.all(demos).then(() => (demosDone = true));
  if (stepped) for (let i = 0; i < 100 && !demosDone; i++) await board.advance(100);
  else await Promise.race([Promise.all(demos), new Promise((r) => setTimeout(r, 3000))]);
  const st = core.stats();
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
