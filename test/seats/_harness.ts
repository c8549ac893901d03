// A seat server on 127.0.0.1 (port chosen by the system) over a real case
// store, a real LMDB queue log, a real stepped simulated board and an ACD on
// virtual time; ws clients that collect replies and events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Acd } from '../../src/acd/acd.ts';
import { VirtualClock } from '../../src/acd/clock.ts';
import { LmdbQueueLog } from '../../src/acd/log.ts';
import { openBoard } from '../../src/board/index.ts';
import type { Board } from '../../src/board/types.ts';
import { openCaseStore } from '../../src/cases/index.ts';
import { DEFAULT_FLOW_FILE, FlowHost } from '../../src/ivr/flow.ts';
import { PromptSet } from '../../src/ivr/prompts.ts';
import type { LmdbCaseStore } from '../../src/cases/store.ts';
import { dataProbe, rosterConfig } from '../../src/seats/host.ts';
import { startSeatServer, type SeatServer } from '../../src/seats/server.ts';
import { SeatService, type SeatServiceOptions } from '../../src/seats/service.ts';

export const PASSWORD = 'secret-12315';

export interface Rig {
  dir: string;
  store: LmdbCaseStore;
  board: Board;
  clock: VirtualClock;
  acd: Acd;
  log: LmdbQueueLog;
  seats: SeatService;
  server: SeatServer;
  /** Wall clock of sessions and the limiter (tests move it). */
  wall: { t: number };
  close(): Promise<void>;
}

export async function rig(opts: Partial<SeatServiceOptions> & { tickSampleMs?: number; probeFails?: boolean; caseNow?: () => number; withAdmin?: boolean; tls?: { cert: string; key: string } } = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'seats-'));
  // caseNow: the case store's clock (cases registered on chosen days, for reports).
  const store = await openCaseStore({ dir: join(dir, 'cases'), ...(opts.caseNow ? { config: { now: opts.caseNow } } : {}) });
  await store.putAgent({ id: '1001', name: '话务员一', role: 'agent', password: PASSWORD });
  await store.putAgent({ id: '1002', name: '话务员二', role: 'agent', password: PASSWORD });
  await store.putAgent({ id: '2001', name: '班长', role: 'supervisor', password: PASSWORD });
  await store.putAgent({ id: '9001', name: '管理员', role: 'admin', password: PASSWORD });
  const config = rosterConfig(await store.listAgents());
  const clock = new VirtualClock(Date.UTC(2026, 11, 2, 2, 0, 0));
  const log = LmdbQueueLog.open(join(dir, 'queue-log'));
  const acd = new Acd(clock, { ...config, disconnectGraceMs: 30_000 }, log);
  const wall = { t: 1_000_000 };
  // withAdmin: the admin-* messages over this store, the temp folder as the data folder, the 12315 flow.
  const admin = opts.withAdmin ? { admin: { store, dataDir: dir, acdConfig: opts.acdConfig ?? config, flows: new FlowHost(DEFAULT_FLOW_FILE, new PromptSet()), prompts: new PromptSet() } } : {};
  const seats = new SeatService({ acd, acdConfig: config, acdNow: () => clock.now(), verifyAgent: (i, p) => store.verifyAgent(i, p), queueLog: log, now: () => wall.t, cases: store, directory: store, ...admin, ...opts });
  const board = await openBoard(new URL('../../boards/sim-e1x2.json', import.meta.url).pathname, { mode: 'stepped', baseDir: dir });
  const probe = dataProbe(join(dir, 'probe'));
  const server = await startSeatServer({
    port: 0,
    seats,
    board,
    probe: opts.probeFails ? () => Promise.reject(new Error('EROFS: read-only file system')) : probe.probe,
    tickSampleMs: opts.tickSampleMs,
    ...(opts.tls ? { host: '127.0.0.1', tls: opts.tls } : {}),
  });
  return {
    dir, store, board, clock, acd, log, seats, server, wall,
    async close() {
      await server.close();
      await acd.settled().catch(() => {});
      await probe.close();
      await log.close();
      await board.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Msg {
  type: 'reply' | 'event';
  id?: string | null;
  ok?: boolean;
  code?: string;
  message?: string;
  result?: any;
  seq?: number;
  event?: string;
  data?: any;
  retryAfterMs?: number;
}

/** A ws client that keeps every message and waits for the ones it asks for (bounded: 5 s). */
export class Client {
  readonly got: Msg[] = [];
  private waiters: (() => void)[] = [];
  private n = 0;
  closed: { code: number } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.got.push(JSON.parse(d.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code) => {
      this.closed = { code };
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }

  /** The first message `find` picks out, awaited up to `ms` of real time (a loaded machine answers late; no test waits for a message that must not come). */
  async until<T>(find: () => T | undefined, what: string, ms = 20_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = find();
      if (v !== undefined) return v;
      if (this.closed || Date.now() > end) throw new Error(`no ${what} (closed: ${JSON.stringify(this.closed)}; got ${JSON.stringify(this.got.slice(-3))})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, end - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Sends a message with a fresh id and waits for its reply. */
  async ask(type: string, fields: Record<string, unknown> = {}): Promise<Msg> {
    const id = `r${++this.n}`;
    this.ws.send(JSON.stringify({ id, type, ...fields }));
    return this.until(() => this.got.find((m) => m.type === 'reply' && m.id === id), `reply to ${type}`);
  }

  sendRaw(data: string): void {
    this.ws.send(data);
  }

  events(name?: string): Msg[] {
    return this.got.filter((m) => m.type === 'event' && (!name || m.event === name));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => {
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}

export async function loggedIn(r: Rig, agentId: string): Promise<Client> {
  const c = await Client.open(r.server.seatUrl);
  const rep = await c.ask('login', { agentId, password: PASSWORD });
  if (!rep.ok) throw new Error(`login ${agentId}: ${rep.code}`);
  await c.until(() => c.events('snapshot')[0], 'snapshot');
  return c;
}
