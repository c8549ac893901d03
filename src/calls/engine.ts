// Assembles a running hotline: board, case store, prompts, flow, call core.
// Shared by `hotline start`, the end-to-end tests and the IVR benchmark.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Board, Channel } from '../board/types.ts';
import type { CaseStore, CaseStoreConfig } from '../cases/types.ts';
import { DEFAULT_FLOW_FILE, FlowHost } from '../ivr/flow.ts';
import { createMailer, type Mailer, type SmtpOptions } from '../ivr/mail.ts';
import { PromptSet } from '../ivr/prompts.ts';
import { scanRecordings } from '../ivr/recordings.ts';
import { seedDefaults } from '../ivr/seed.ts';
import { CallCore } from './core.ts';
import { openBoard } from '../board/index.ts';
import { openCaseStore } from '../cases/index.ts';

export const DEFAULT_BOARD_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'boards', 'sim-e1x2.json');

export interface EngineOptions {
  boardFile?: string;
  flowFile?: string;
  dataDir?: string;
  mode?: 'stepped' | 'realtime';
  smtp?: SmtpOptions;
  /** Epoch ms at board time 0 (tests pin office hours). */
  epochAtZero?: number;
  maxCallMs?: number;
  log?: (line: string) => void;
  /** Prompt folder with its manifest.json (default: the repository's prompts/). */
  promptsDir?: string;
  /** Extra case-store configuration (tests). */
  storeConfig?: CaseStoreConfig;
}

export interface Engine {
  board: Board;
  store: CaseStore;
  prompts: PromptSet;
  flows: FlowHost;
  core: CallCore;
  mailer?: Mailer;
  dataDir: string;
  /** Channels of the network side (simulated callers), when the profile has one. */
  networkChannels: ReadonlyArray<Channel>;
  close(): Promise<void>;
}

export async function openEngine(o: EngineOptions = {}): Promise<Engine> {
  const dataDir = resolve(o.dataDir ?? 'data');
  mkdirSync(dataDir, { recursive: true });
  const prompts = new PromptSet(o.promptsDir ? resolve(o.promptsDir) : undefined);
  // The flow is checked before anything is opened: a bad file costs nothing.
  const flows = new FlowHost(o.flowFile ?? DEFAULT_FLOW_FILE, prompts, { warn: o.log });
  // The store keeps time by the board clock (case numbers, deadlines, call
  // records), so a stepped simulation is dated by its own calendar.
  let clock: () => number = () => Date.now();
  const store = await openCaseStore({ dir: join(dataDir, 'cases'), config: { now: () => clock(), ...o.storeConfig } });
  let board: Board;
  try {
    await scanRecordings({ dataDir, store, log: o.log }); // a crash's unfinished takes and orphans, before calls come
    board = await openBoard(resolve(o.boardFile ?? DEFAULT_BOARD_FILE), { mode: o.mode ?? 'realtime', baseDir: dataDir });
  } catch (e) {
    await store.close();
    throw e;
  }
  await seedDefaults(store);
  const mailer = o.smtp ? createMailer(o.smtp) : undefined;
  const core = new CallCore({
    board,
    flows,
    store,
    services: { prompts, mailer, dataDir },
    epochAtZero: o.epochAtZero,
    maxCallMs: o.maxCallMs,
    log: o.log,
  }).start();
  clock = () => core.now();
  let closed = false;
  return {
    board,
    store,
    prompts,
    flows,
    core,
    mailer,
    dataDir,
    networkChannels: board.network?.channels ?? [],
    async close() {
      if (closed) return;
      closed = true;
      const stepped = board.mode === 'stepped';
      if (!core.stopped) await core.stop(stepped ? (ms) => board.advance(ms) : undefined);
      mailer?.close();
      await board.close();
      await store.close();
    },
  };
}
