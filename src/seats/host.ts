// Puts the seat server on a running engine: the engine's ACD and switchboard
// (the call layer owns them, on board time: src/calls/core.ts) and its
// durable queue log, the data-folder probe, the server. `hotline start`
// opens it after the engine and closes it first. Without an engine's ACD
// (a board with no call layer) it builds one over the case store's roster.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { open, type RootDatabase } from 'lmdb';
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import type { RecordingAlarm } from '../recording/index.ts';
import { Acd } from '../acd/acd.ts';
import type { AcdClock } from '../acd/clock.ts';
import { LmdbQueueLog } from '../acd/log.ts';
import type { AcdConfig } from '../acd/types.ts';
import type { Board } from '../board/types.ts';
import type { Agent } from '../cases/types.ts';
import { DEFAULT_QUEUE, rosterConfig } from '../calls/roster.ts';
import type { Switchboard } from '../calls/switchboard.ts';
import type { AgentOps } from '../calls/agent-ops.ts';
import type { OutboundCalls } from '../calls/outbound.ts';
import type { CallWaiting } from '../calls/call-waiting.ts';
import type { SeatCaseStore } from './cases.ts';
import type { DirectorySource } from './directory.ts';
import type { AdminContext, AdminStore } from './admin.ts';
import type { FlowHost } from '../ivr/flow.ts';
import type { PromptSet } from '../ivr/prompts.ts';
import type { SeatReportStore } from './report.ts';
import { startSeatServer, type ListenOptions, type SeatServer } from './server.ts';
import { SeatService } from './service.ts';
import type { RecordingIndex } from '../recording/types.ts';

/** Recording access for the server: a supervisor's team is the agents of his department in the case store. */
function recordingAccess(o: SeatHostOptions): { recordings?: { dataDir: string; index: RecordingIndex; team(id: string): Promise<string[]> } } {
  if (!o.recordingIndex) return {};
  return {
    recordings: {
      dataDir: o.dataDir,
      index: o.recordingIndex,
      async team(id) {
        const agents = await o.store.listAgents();
        const dept = agents.find((a) => a.id === id)?.departmentId;
        return dept === undefined ? [] : agents.filter((a) => a.departmentId === dept).map((a) => a.id);
      },
    },
  };
}

export { DEFAULT_QUEUE, rosterConfig };

/** A synced write to `<dir>`: the data folder takes writes (and how fast). */
export function dataProbe(dir: string): { probe: () => Promise<number>; close: () => Promise<void> } {
  mkdirSync(dir, { recursive: true });
  const db: RootDatabase<number, string> = open<number, string>({ path: dir, compression: false });
  return {
    probe: async () => {
      const t0 = performance.now();
      await db.put('probe', Date.now());
      await db.flushed;
      return performance.now() - t0;
    },
    close: () => db.close(),
  };
}

export interface SeatHost {
  acd: Acd;
  seats: SeatService;
  server: SeatServer;
  close(): Promise<void>;
}

export interface SeatHostOptions extends ListenOptions {
  board: Board;
  /** The case store's agents and password check. */
  store: SeatCaseStore & SeatReportStore & DirectorySource & { listAgents(): Promise<Agent[]>; verifyAgent(id: string, password: string): Promise<Agent | null> };
  /** The engine's clock (epoch ms, board time underneath): the ACD's now. */
  now: () => number;
  /** The recording layer's alarms (engine.recordingAlarms$): on the wallboard and in /metrics. */
  recordingAlarms?: Observable<RecordingAlarm>;
  /** The engine's calls in progress by phase (CallCore.phaseCounts), for /metrics. */
  callPhases?: () => Record<string, number>;
  dataDir: string;
  logger?: Logger;
  /** The engine's ACD, its configuration, queue log and switchboard (engine.core.acd …): seats then drive live calls. */
  /** The recording index: the server then gives each session the recordings it may hear (src/recording/http.ts). */
  recordingIndex?: RecordingIndex;
  engine?: { acd: Acd; config: AcdConfig; queueLog: LmdbQueueLog; switchboard: Switchboard; ops?: AgentOps; outbound?: OutboundCalls; callWaiting?: CallWaiting; /** Engine.linkCase: a case made at a seat reaches its call's record and recordings. */ linkCase?: (callId: string, caseNumber: string) => Promise<unknown> };
  /** The engine's flow and prompts: the admin page's flow editor checks against them and reloads it. */
  flows?: FlowHost;
  prompts?: PromptSet;
}

/** What the admin-* messages change: the store, the data folder, the ACD configuration, the flow. */
function adminContext(o: SeatHostOptions, acdConfig: AcdConfig): { admin?: AdminContext } {
  // The LMDB case store (the engine's) has what the admin pages change; a store without it serves no admin-* message.
  const st = o.store as unknown as Partial<AdminStore>;
  if (!st.env || !st.calendar || typeof st.write !== 'function') return {};
  return { admin: { store: o.store as unknown as AdminStore, dataDir: o.dataDir, acdConfig, ...(o.flows ? { flows: o.flows } : {}), ...(o.prompts ? { prompts: o.prompts } : {}) } };
}

export async function openSeatHost(o: SeatHostOptions): Promise<SeatHost> {
  if (o.engine) return hostOn(o, o.engine);
  const config = rosterConfig(await o.store.listAgents());
  // Epoch ms on board time: queue log times are real dates ("today"), timers run on the board's clock.
  const clock: AcdClock = {
    now: o.now,
    setTimer(ms, fn) {
      const sub = o.board.scheduler.schedule(fn, Math.max(0, ms));
      return { cancel: () => sub.unsubscribe() };
    },
  };
  const log = LmdbQueueLog.open(join(o.dataDir, 'acd', 'queue-log'));
  const probe = dataProbe(join(o.dataDir, 'seats', 'probe'));
  const acd = new Acd(clock, config, log);
  const seats = new SeatService({ acd, acdConfig: config, acdNow: o.now, verifyAgent: (id, pw) => o.store.verifyAgent(id, pw), cases: o.store, directory: o.store, queueLog: log, logger: o.logger, ...adminContext(o, config), ...(o.recordingAlarms ? { recordingAlarms: o.recordingAlarms } : {}) });
  let server: SeatServer;
  try {
    server = await startSeatServer({ ...o, seats, board: o.board, probe: probe.probe, ...recordingAccess(o) });
  } catch (e) {
    seats.close();
    await probe.close();
    await log.close();
    throw e;
  }
  return {
    acd,
    seats,
    server,
    async close() {
      await server.close();
      await acd.settled().catch(() => {});
      await probe.close();
      await log.close();
    },
  };
}

/** The seat server on the engine's ACD: the engine closes the ACD and its log, the host only its own parts. */
async function hostOn(o: SeatHostOptions, e: NonNullable<SeatHostOptions['engine']>): Promise<SeatHost> {
  const probe = dataProbe(join(o.dataDir, 'seats', 'probe'));
  const seats = new SeatService({ acd: e.acd, acdConfig: e.config, acdNow: o.now, verifyAgent: (id, pw) => o.store.verifyAgent(id, pw), cases: o.store, directory: o.store, queueLog: e.queueLog, logger: o.logger, ...adminContext(o, e.config), ...(o.recordingAlarms ? { recordingAlarms: o.recordingAlarms } : {}), switchboard: e.switchboard, ...(e.ops ? { ops: e.ops } : {}), ...(e.outbound ? { outbound: e.outbound } : {}), ...(e.callWaiting ? { callWaiting: e.callWaiting } : {}), ...(e.linkCase ? { linkCase: e.linkCase } : {}) });
  let server: SeatServer;
  try {
    server = await startSeatServer({ ...o, seats, board: o.board, probe: probe.probe, ...recordingAccess(o) });
  } catch (err) {
    seats.close();
    await probe.close();
    throw err;
  }
  return {
    acd: e.acd,
    seats,
    server,
    async close() {
      await server.close();
      await probe.close();
    },
  };
}
