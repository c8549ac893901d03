// The server side of the seat bench (bench/_acd-seats.ts forks it, so the
// clients' work does not run on the server's event loop): the real seat
// server on 127.0.0.1 with the real ACD (agents in one queue, supervisors
// outside it) on a clock running at `speed` × real time, and a busy hour of
// Poisson calls with exponential handle times driven through the ACD. Each
// server event is stamped (performance.timeOrigin + now, ms, the same clock
// as the clients' process) as it leaves. Talks to the parent over IPC:
//   → { port }            listening
//   ← memory              → { memory: { heapUsed, rss } } after a GC
//   ← start               → progress …, then { done: { from, preloaded, arrived, connected, ended } }
//   ← stamps              → { stamps: [agentId, seq, event, t][] }
import { performance } from 'node:perf_hooks';
import { Acd } from '../src/acd/acd.ts';
import type { AcdClock } from '../src/acd/clock.ts';
import { exponential, Sfc32 } from '../src/acd/rng.ts';
import type { AcdConfig } from '../src/acd/types.ts';
import { startSeatServer } from '../src/seats/server.ts';
import { SeatService } from '../src/seats/service.ts';

const [agents, supervisors, durationMs, speed, occupancy, ahtMs, seed] = process.argv.slice(2).map(Number);
const send = (m: unknown) => process.send!(m);
const wall = () => performance.timeOrigin + performance.now();

// Board-free ACD time: epoch ms advancing `speed` times faster than the wall.
const t0 = Date.now();
const p0 = performance.now();
const clock: AcdClock = {
  now: () => t0 + (performance.now() - p0) * speed,
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms / speed));
    return { cancel: () => clearTimeout(t) };
  },
};

const agentIds = Array.from({ length: agents }, (_, i) => `a${1001 + i}`);
const supIds = Array.from({ length: supervisors }, (_, i) => `s${1 + i}`);
const config: AcdConfig = { agents: [...agentIds, ...supIds].map((id) => ({ id })), queues: [{ id: 'agents', strategy: 'longest-idle', members: agentIds.map((agent) => ({ agent })) }] };
const acd = new Acd(clock, config);
const stamps: [string | null, number, string, number][] = [];
const seats = new SeatService({
  acd,
  acdConfig: config,
  acdNow: clock.now,
  // Logins are not what is measured: no scrypt for 500 bench seats (the real store's check is tested elsewhere).
  verifyAgent: async (id) => (id.startsWith('a') || id.startsWith('s') ? { id, name: id, role: id.startsWith('s') ? 'supervisor' : 'agent' } : null),
  maxLoginFailures: 1_000_000,
  onEventSent: (agentId, seq, event) => stamps.push([agentId, seq, event, wall()]),
});
const server = await startSeatServer({ port: 0, seats, board: { mode: 'stepped', stats: () => ({ ticks: 0 }), spans: [] } as never, probe: async () => 0 });
send({ port: Number(new URL(server.url).port) });

const rng = new Sfc32(seed);
let connected = 0;
let ended = 0;
let running = true;
acd.onDecision((d) => {
  if (d.type !== 'offer') return;
  acd.answered(d.callId, d.agentId);
  connected++;
  const id = d.callId;
  clock.setTimer(exponential(rng, ahtMs), () => {
    acd.agentHangup(id);
    ended++;
  });
});

function start(): void {
  const erlangs = occupancy * agents;
  const arrivalMean = ahtMs / erlangs;
  // Steady state from the start: as many calls in progress as the offered load in erlangs
  // (the mean number being served; handle times are memoryless). Their burst of offers
  // is left to settle for a second before the measured slice begins.
  const preloaded = Math.round(erlangs);
  for (let i = 0; i < preloaded; i++) acd.enter(`pre${i}`, 'agents');
  setTimeout(() => {
    const from = wall();
    const base = { connected, ended };
    const end = clock.now() + durationMs * speed;
    let arrived = 0;
    const arrive = (): void => {
      if (!running) return;
      acd.enter(`c${arrived++}`, 'agents');
      const next = exponential(rng, arrivalMean);
      if (clock.now() + next < end) clock.setTimer(next, arrive);
    };
    clock.setTimer(exponential(rng, arrivalMean), arrive);
    const tick = setInterval(() => send({ progress: { arrived, connected: connected - base.connected, ended: ended - base.ended, events: stamps.length } }), 5000);
    setTimeout(() => {
      running = false;
      clearInterval(tick);
      send({ done: { from, preloaded, arrived, connected: connected - base.connected, ended: ended - base.ended } });
    }, durationMs);
  }, 1000);
}

process.on('message', async (m: string) => {
  if (m === 'memory') {
    for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
    const u = process.memoryUsage();
    send({ memory: { heapUsed: u.heapUsed, rss: u.rss } });
  } else if (m === 'start') start();
  else if (m === 'stamps') send({ stamps });
  else if (m === 'stop') {
    await server.close();
    process.exit(0);
  }
});
