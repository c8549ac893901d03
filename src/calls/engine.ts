// Assembles a running hotline: board, case store, prompts, flow, call core.
// Shared by `hotline start`, the end-to-end tests and the IVR benchmark.
import { dirname, join, resolve } from 'node:path';
import { Subject, type Observable } from 'rxjs';
import { fileURLToPath } from 'node:url';
import type { Board, Channel } from '../board/types.ts';
import type { CalendarConfig, CaseStore, CaseStoreConfig } from '../cases/types.ts';
import type { BureauCalendar } from '../cases/calendar.ts';
import { DEFAULT_FLOW_FILE, FlowHost } from '../ivr/flow.ts';
import { createMailer, type Mailer, type SmtpOptions } from '../ivr/mail.ts';
import { PromptSet } from '../ivr/prompts.ts';
import { scanRecordings } from '../ivr/recordings.ts';
import type { IvrServices } from '../ivr/interpreter.ts';
import { seedDefaults } from '../ivr/seed.ts';
import { LmdbQueueLog } from '../acd/log.ts';
import { CallbackList } from '../acd/callbacks.ts';
import type { AcdConfig } from '../acd/types.ts';
import type { PhaseLimits } from './call.ts';
import { CallCore } from './core.ts';
import { CallError } from './errors.ts';
import { DEMO_ROSTER, rosterConfig, withDemoAgents } from './roster.ts';
import { applyAcdOverlay, readAcdOverlay, readCalendarFile, savedFlowFile } from './console-config.ts';
import { mapStations, readStationsFile, STATIONS_FILE, stationPort } from './stations.ts';
import { lockDataDir } from './datadir.ts';
import { catchUnhandled } from './isolate.ts';
import { createLogger, silentLogger, type Logger } from './log.ts';
import { ANSWERING_ROLES, openBoard } from '../board/index.ts';
import { openCaseStore } from '../cases/index.ts';
import { linkCaseToCall, loadNoticeConfig, type NoticeConfig, openRecordingLayer, scheduleArchive, scheduleRetention, startCallRecording, startRolling, type CallRecording, type RecordingAlarm, type RollingRecorder, type RecordingLayer, type RetentionRule } from '../recording/index.ts';

// Two simulated E1 spans (60 trunks) and 8 FXS station ports for the agents' telephones.
/**
 * China No.1: each failed setup (or a call cleared by a fault) is logged
 * with its cause and the channel's MF trace, what a technician lays beside
 * the far end's log. The trace is the one the tick published with the
 * failure (signalling/r2_board.cc), so this works in real time.
 */
function logR2Failures(board: Board, logger: Logger): { unsubscribe(): void } {
  return board.events$.subscribe((e) => {
    if (e.type !== 'r2' || e.what !== 'failed') return;
    const ch = board.channels[e.channel];
    const trace = ch?.r2()?.trace ?? [];
    // One line per record (readable logs): the trace's lines joined by ' | ', their padding squeezed.
    const flat = trace.map((l) => l.trim().replace(/\s+/g, ' ')).join(' | ');
    logger.warn({ event: 'r2_failed', channel: ch?.name, cause: e.cause, trace }, `China No.1 on ${ch?.name ?? e.channel}: setup failed or call cleared, cause ${e.cause}; MF trace: ${flat}`);
  });
}

export const DEFAULT_BOARD_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'boards', 'sim-hotline.json');

// Abandoned calls and callback requests older than this are not put back on the
// callback list at start (a week: a caller not called back by then has moved on).
const CALLBACK_KEEP_MS = 7 * 86_400_000;

export interface EngineOptions {
  boardFile?: string;
  flowFile?: string;
  dataDir?: string;
  mode?: 'stepped' | 'realtime';
  smtp?: SmtpOptions;
  /** Stepped mode: epoch ms at board time 0 (tests pin office hours). */
  epochAtZero?: number;
  /** Real-time mode: the wall clock (default Date.now; tests inject a stepped one). */
  wallClock?: () => number;
  maxCallMs?: number;
  /** Watchdog per call phase (call.ts DEFAULT_PHASE_LIMITS). */
  phaseLimits?: PhaseLimits;
  /**
   * The ACD roster and queues (default: the case store's agents and
   * supervisors, one queue `agents`, longest-idle); false: no ACD (a transfer
   * node plays its busy prompt). Stations: the roster's `station` fields,
   * DATA/stations.json, then the i-th agent on the i-th station port.
   */
  acd?: AcdConfig | false;
  /** 自动报工号 by default (a flow's transfer node may say otherwise). Default false. */
  announceAgent?: boolean;
  /** 呼叫等待提示 tone in the ear of agents on a call (core option acd.callWaitingTone). */
  callWaitingTone?: boolean;
  /** 夜铃: the station port "SPAN:PORT" that rings outside office hours (flow hours nodes with nightBell); not an agent's. */
  nightBell?: string;
  /** Demo agents 8001… on the first station ports, added to the roster (hotline start --demo-agents). */
  demoAgents?: number;
  /** pino logger of the engine (default: silent, or readable lines to `log`). */
  logger?: Logger;
  /** Readable log lines (tests): used when no `logger` is given. */
  log?: (line: string) => void;
  /** Prompt folder with its manifest.json (default: the repository's prompts/). */
  promptsDir?: string;
  /** Extra case-store configuration (tests). */
  storeConfig?: CaseStoreConfig;
  /** The bureau's working calendar (time zone, holidays, make-up days): set
   * once, used by the case deadlines and the flow's office hours alike. */
  calendar?: CalendarConfig;
  /** Each step of every call (hotline call). */
  trace?: IvrServices['trace'];
  /** Recording retention run every `everyMs` of board time (src/recording/README.md); off when absent. */
  retention?: { everyMs: number; rules?: RetentionRule[] };
  /** The Opus archive of recordings older than `olderThanDays` (default 90), run every `everyMs` of board time (src/recording/archive.ts); off when absent. */
  archive?: { everyMs: number; olderThanDays?: number; bitrate?: number };
  /**
   * 全程录音: every answered inbound call is recorded, one stereo file
   * following it through IVR, queue, agent, hold, transfer and conference
   * (src/recording/call.ts). Default: on in real time (`hotline start`), off
   * in stepped engines (tests ask for it).
   */
  recordCalls?: boolean;
  /** The quick start: on a case store with no agent, add DEMO_ROSTER (1001, 1002, 2001, 9001) with this password before the ACD's roster is read. */
  demoRoster?: { password: string };
  /** The per-call recording's layout: 'stereo' (default: caller left, agents right) or 'mixed' (one mono file of both sides, half the size). */
  callRecordingMode?: 'stereo' | 'mixed';
  /**
   * 全程不间断滚动录音 (src/recording/rolling.ts): 'lines' = the station ports
   * and the trunks that take calls (inbound, bothway), 'all' = every channel
   * of the board, { group } = a profile group, { channels } = board channels
   * (index or "span:timeslot"), { seats } = the station ports of these agents
   * (CALL_NO_STATION for an agent without one), 'none'. Default: 'lines' in
   * real time (`hotline start`), 'none' in stepped engines.
   */
  rolling?: 'none' | 'lines' | 'all' | { group: string } | { channels: Array<number | string> } | { seats: string[] };
  /** Length of a rolling segment, ms (default 15 min). */
  rollingSegmentMs?: number;
  /**
   * "This call may be recorded" per queue (src/recording/notice.ts): a JSON
   * file (`hotline start --recording-notice FILE`) or the object, `{ QUEUE |
   * default: { kind: 'none' | 'announcement' | 'beep', … } }`; checked before
   * anything opens (REC_NOTICE_INVALID). Default: none.
   */
  recordingNotice?: string | NoticeConfig;
}

export interface Engine {
  board: Board;
  store: CaseStore;
  prompts: PromptSet;
  flows: FlowHost;
  core: CallCore;
  mailer?: Mailer;
  dataDir: string;
  /** The engine's logger (calls log through children of it). */
  logger: Logger;
  /** Channels of the network side (simulated callers), when the profile has one; the far ends of station ports (the agents' phones) are not among them. */
  networkChannels: ReadonlyArray<Channel>;
  /** The telephones on the far side of the station ports (simulated stations), when the profile has a network side. */
  phoneChannels: ReadonlyArray<Channel>;
  /** The one working calendar (the case store's), which the flow's hours follow too. */
  calendar: BureauCalendar;
  /** The recording index (DATA/recordings-index) and the IVR's hook into it. */
  recordings: RecordingLayer;
  /** The rolling recording of channels (option `rolling`), when on. */
  rolling?: RollingRecorder;
  /** Recording write failures (disk full, I/O error: raised at once) and their end (cleared), of the rolling recording and of every call's recording; each also has its log line. */
  recordingAlarms$: Observable<RecordingAlarm>;
  /** True when this start added the quick start's DEMO_ROSTER to an empty case store. */
  demoRosterAdded: boolean;
  /** The ACD's durable queue log (DATA/acd/queue-log), when an ACD runs. */
  queueLog?: LmdbQueueLog;
  /**
   * A case made for call `callId` outside its flow (an agent's case-create at
   * his seat with the call's id): its call record and its recordings' index
   * entries list it (recordings search by case finds them). False: no call
   * of that id (the case keeps its callId all the same).
   */
  linkCase(callId: string, caseNumber: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function openEngine(o: EngineOptions = {}): Promise<Engine> {
  const dataDir = resolve(o.dataDir ?? 'data');
  const prompts = new PromptSet(o.promptsDir ? resolve(o.promptsDir) : undefined);
  // The flow is checked before anything is opened: a bad file costs nothing.
  const flows = new FlowHost(o.flowFile ?? savedFlowFile(dataDir) ?? DEFAULT_FLOW_FILE, prompts, { warn: o.log });
  const notice = o.recordingNotice === undefined ? undefined : loadNoticeConfig(o.recordingNotice);
  // One engine per data folder (CALL_DATA_LOCKED names the other one).
  const unlock = lockDataDir(dataDir);
  try {
    return await assemble({ ...o, ...(notice ? { recordingNotice: notice } : {}) }, dataDir, prompts, flows, unlock);
  } catch (e) {
    unlock();
    throw e;
  }
}

async function assemble(o: EngineOptions, dataDir: string, prompts: PromptSet, flows: FlowHost, unlock: () => void): Promise<Engine> {
  // The store keeps the call core's time (case numbers, deadlines, call
  // records): the wall clock in real time, and in a stepped simulation the
  // simulated calendar its board time moves.
  let clock: () => number = () => Date.now();
  const store = await openCaseStore({ dir: join(dataDir, 'cases'), config: { now: () => clock(), ...o.storeConfig }, calendar: o.calendar ?? readCalendarFile(dataDir) });
  let board: Board;
  let recordings: RecordingLayer | undefined;
  try {
    // A crash's unfinished takes and orphans, before calls come; then the
    // recording index follows the disk (src/recording).
    const scanLog = (line: string) => (o.logger ? o.logger.info(line) : o.log?.(line));
    const scan = await scanRecordings({ dataDir, store, log: scanLog });
    recordings = await openRecordingLayer({ dataDir, store, log: scanLog, recovered: scan.recovered });
    board = await openBoard(resolve(o.boardFile ?? DEFAULT_BOARD_FILE), { mode: o.mode ?? 'realtime', baseDir: dataDir });
  } catch (e) {
    await recordings?.close();
    await store.close();
    throw e;
  }
  await seedDefaults(store);
  const mailer = o.smtp ? createMailer(o.smtp) : undefined;
  const logger = o.logger ?? (o.log ? createLogger({ write: (line) => o.log!(line.trimEnd()) }) : silentLogger());
  // While the engine runs, an error thrown by any subscriber is logged, not fatal.
  const releaseUnhandled = catchUnhandled(logger);
  // The ACD and who sits at which telephone (refused with CALL_STATION_* before any call is taken).
  let queueLog: LmdbQueueLog | undefined;
  // A start refused after this point closes what is open, in reverse.
  const undo = async () => {
    await queueLog?.close();
    releaseUnhandled();
    await board.close();
    await recordings!.close();
    await store.close();
  };
  let acd: ConstructorParameters<typeof CallCore>[0]['acd'];
  let demoRosterAdded = false;
  if (o.acd !== false) {
    try {
      if (o.demoRoster && board.driver === 'sim' && (await store.listAgents()).length === 0) {
        for (const a of DEMO_ROSTER) await store.putAgent({ ...a, password: o.demoRoster.password });
        demoRosterAdded = true;
      }
      const config = withDemoAgents(applyAcdOverlay(o.acd ?? rosterConfig(await store.listAgents()), readAcdOverlay(dataDir)), o.demoAgents ?? 0, board.byRole('station'));
      const { stations, unplaced } = mapStations(board, config.agents, readStationsFile(join(dataDir, STATIONS_FILE)));
      if (unplaced.length && stations.size > 0) logger.warn(`hotline: ${unplaced.length} agents have no station port (the board has ${board.byRole('station').length}): ${unplaced.slice(0, 10).join(', ')}${unplaced.length > 10 ? ' …' : ''}; their offers fail (CALL_NO_STATION)`);
      queueLog = LmdbQueueLog.open(join(dataDir, 'acd', 'queue-log'));
      // The callback list as the last run left it (abandoned calls, callback requests of the last CALLBACK_KEEP_MS).
      const since = (o.mode === 'stepped' && o.epochAtZero !== undefined ? o.epochAtZero : Date.now()) - CALLBACK_KEEP_MS;
      const callbacks = CallbackList.fromLog(queueLog.events({ from: since }));
      if (callbacks.size) logger.info(`hotline: ${callbacks.size} calls on the callback list from the queue log`);
      acd = { config: { ...config, callbacks }, stations, log: queueLog, ...(o.announceAgent !== undefined ? { announceAgent: o.announceAgent } : {}), ...(o.callWaitingTone !== undefined ? { callWaitingTone: o.callWaitingTone } : {}), ...(typeof o.recordingNotice === 'object' ? { recordingNotice: o.recordingNotice } : {}) };
    } catch (e) {
      await undo();
      throw e;
    }
  }
  const recordingAlarms = new Subject<RecordingAlarm>();
  // Per-call recordings in flight: the engine closes the index only after they are indexed.
  const recordingsLive = new Set<CallRecording>();
  const recorder = (r: Parameters<NonNullable<ConstructorParameters<typeof CallCore>[0]['recorder']>>[0]): CallRecording => {
    const rec = startCallRecording({ ...r, mode: o.callRecordingMode ?? 'stereo', dataDir, index: recordings!.index, now: () => core.now(), log: (line) => logger.warn(line), onAlarm: (a) => recordingAlarms.next(a) });
    recordingsLive.add(rec);
    void rec.done.finally(() => recordingsLive.delete(rec));
    return rec;
  };
  let nightBell: Channel | undefined;
  let core: CallCore;
  try {
    if (o.nightBell !== undefined) nightBell = stationPort(board, o.nightBell, 'the night bell');
    core = new CallCore({
      board,
      flows,
      store,
      services: { prompts, mailer, dataDir, calendar: store.calendar, trace: o.trace, recorded: recordings.hook },
      epochAtZero: o.epochAtZero,
      wallClock: o.wallClock,
      maxCallMs: o.maxCallMs,
      phaseLimits: o.phaseLimits,
      acd,
      logger,
      ...((o.recordCalls ?? (o.mode ?? 'realtime') === 'realtime') ? { recorder } : {}),
      ...(nightBell ? { nightBell } : {}),
    }).start();
  } catch (e) {
    await undo();
    throw e;
  }
  clock = () => core.now();
  const r2Log = logR2Failures(board, logger);
  const retention = o.retention
    ? scheduleRetention({ dataDir, index: recordings.index, store, scheduler: board.scheduler, everyMs: o.retention.everyMs, now: () => core.now(), log: (line) => logger.info(line), ...(o.retention.rules ? { rules: o.retention.rules } : {}) })
    : undefined;
  const archive = o.archive
    ? scheduleArchive({ dataDir, index: recordings.index, scheduler: board.scheduler, everyMs: o.archive.everyMs, now: () => core.now(), log: (line) => logger.info(line), ...(o.archive.olderThanDays !== undefined ? { olderThanDays: o.archive.olderThanDays } : {}), ...(o.archive.bitrate !== undefined ? { bitrate: o.archive.bitrate } : {}) })
    : undefined;
  let rolling: RollingRecorder | undefined;
  const rollSel = o.rolling ?? ((o.mode ?? 'realtime') === 'realtime' ? 'lines' : 'none');
  if (rollSel !== 'none') {
    try {
      const seatPort = (id: string) => {
        const ch = acd?.stations.get(id);
        if (!ch) throw new CallError('CALL_NO_STATION', `--rolling seats: agent '${id}' has no station port`, { agentId: id });
        return ch.index;
      };
      const select = rollSel === 'all' ? { all: true as const } : rollSel === 'lines' ? { channels: board.byRole('station', ...ANSWERING_ROLES).map((c) => c.index) } : 'seats' in rollSel ? { channels: rollSel.seats.map(seatPort) } : rollSel;
      rolling = startRolling({ board, select, dataDir, index: recordings.index, now: () => core.now(), log: (line) => logger.warn(line), ...(o.rollingSegmentMs !== undefined ? { segmentMs: o.rollingSegmentMs } : {}) });
      rolling.alarms$.subscribe((a) => recordingAlarms.next(a));
      logger.info(`recordings: rolling recording of ${rolling.channels.length} channels (${typeof rollSel === 'string' ? rollSel : JSON.stringify(rollSel)})`);
    } catch (e) {
      retention?.unsubscribe();
      r2Log.unsubscribe();
      await archive?.stop();
      await core.stop(board.mode === 'stepped' ? (ms) => board.advance(ms) : undefined);
      await queueLog?.close();
      await board.close();
      await recordings.close();
      await store.close();
      releaseUnhandled();
      throw e;
    }
  }
  let closed = false;
  return {
    board,
    store,
    prompts,
    flows,
    core,
    mailer,
    dataDir,
    logger,
    networkChannels: (board.network?.channels ?? []).filter((ch) => board.channel(ch.span.index, ch.timeslot).role !== 'station'),
    phoneChannels: (board.network?.channels ?? []).filter((ch) => board.channel(ch.span.index, ch.timeslot).role === 'station'),
    calendar: store.calendar,
    recordings,
    rolling,
    recordingAlarms$: recordingAlarms.asObservable(),
    queueLog,
    demoRosterAdded,
    async linkCase(callId, caseNumber) {
      const known = await core.addCase(callId, caseNumber);
      const index = recordings.index;
      const link = () => linkCaseToCall(index, callId, caseNumber).catch((e) => logger.warn({ err: e }, `recordings: index: case ${caseNumber} not linked to call ${callId}: ${(e as Error).message}`));
      // The call's recording still running is noted (Call.addCase); one being indexed right now gets it once indexed.
      const running = [...recordingsLive].find((r) => r.id.endsWith(`/${callId}.wav`));
      if (running) void running.done.then(link);
      const changed = await link();
      return known || (changed !== undefined && changed.length > 0);
    },
    async close() {
      if (closed) return;
      closed = true;
      const stepped = board.mode === 'stepped';
      retention?.unsubscribe();
      r2Log.unsubscribe();
      await archive?.stop();
      if (!core.stopped) await core.stop(stepped ? (ms) => board.advance(ms) : undefined);
      mailer?.close();
      await core.acd?.settled().catch(() => {});
      // The calls are cleared: their recordings end on the idle channels, and
      // the rolling taps are stopped; both are final and indexed before the
      // index closes (bounded: 5 s of board or wall time).
      let rollingDone = rolling === undefined;
      const rollingStopped = rolling
        ?.stop()
        .catch((e) => logger.warn({ err: e }, `recordings: rolling recording not stopped cleanly: ${(e as Error).message}`))
        .finally(() => (rollingDone = true));
      for (let i = 0; (recordingsLive.size > 0 || !rollingDone) && i < 250; i++) {
        if (stepped) await board.advance(20);
        else await new Promise((r) => setTimeout(r, 20));
      }
      // Their index writes take wall time, which a stepped board's 5 s do not give (a loaded disk): up to 10 s more.
      let wall: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([rollingStopped, ...[...recordingsLive].map((r) => r.done)]), new Promise((r) => (wall = setTimeout(r, 10_000)))]);
      clearTimeout(wall);
      await queueLog?.close();
      await board.close();
      await recordings.close();
      await store.close();
      recordingAlarms.complete();
      releaseUnhandled();
      unlock();
    },
  };
}
