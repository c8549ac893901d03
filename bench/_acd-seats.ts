// The seat half of `hotline bench acd`: N seat sockets (agents, who log in to
// the ACD ready, and supervisors with live wallboards) on the real seat
// server during a busy hour driven through the ACD (bench/_acd-seats-server.ts,
// a child process). Measures server event → client received (the server
// stamps each event as it leaves, the client as its frame arrives, both on
// performance.timeOrigin + now), the memory each seat costs the server
// (heap and RSS after a GC, before and after the seats connect), and the
// calls the ACD carried meanwhile. The clients share this process: under
// load their own lag counts in the latency (an upper bound for the server).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface SeatBenchOptions {
  agents: number;
  supervisors: number;
  /** Wall time of the measured busy hour slice. */
  durationMs: number;
  /** ACD clock speed-up (1: real time). */
  speed: number;
  occupancy: number;
  ahtMs: number;
  seed: number;
  progress: (line: string) => void;
}

export interface SeatBenchResult {
  seats: number;
  seat_events: number;
  seat_event_p50_ms: number | null;
  seat_event_p99_ms: number | null;
  seat_event_max_ms: number | null;
  /** Events the server sent that no client saw (must be 0). */
  seat_events_lost: number;
  /** agent-state (an agent's own seat) apart from wallboard (supervisors). */
  seat_event_p99_ms_by_event: Record<string, { events: number; p99: number | null }>;
  seat_heap_per_seat_kb: number;
  seat_rss_per_seat_kb: number;
  busy_hour_calls_in_progress_at_start: number;
  busy_hour_calls_arrived: number;
  busy_hour_calls_connected: number;
  busy_hour_calls_ended: number;
  busy_hour_acd_calls_per_s: number;
}

type FromChild = { port?: number; memory?: { heapUsed: number; rss: number }; progress?: Record<string, number>; done?: Record<string, number>; stamps?: [string | null, number, string, number][] };

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function seatBench(o: SeatBenchOptions): Promise<SeatBenchResult> {
  const child = fork(join(import.meta.dirname, '_acd-seats-server.ts'), [o.agents, o.supervisors, o.durationMs, o.speed, o.occupancy, o.ahtMs, o.seed].map(String), {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: FromChild[] = [];
  let wake: (() => void) | null = null;
  child.on('message', (m: FromChild) => {
    if (m.progress) o.progress(`acd bench seats: ${JSON.stringify(m.progress)}`);
    else inbox.push(m);
    wake?.();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const next = async <K extends keyof FromChild>(key: K, ms = 600_000): Promise<NonNullable<FromChild[K]>> => {
    const end = Date.now() + ms;
    for (;;) {
      const i = inbox.findIndex((m) => m[key] !== undefined);
      if (i >= 0) return inbox.splice(i, 1)[0][key]!;
      if (child.exitCode !== null || Date.now() > end) throw new Error(`seat bench server: no ${key} (exit ${child.exitCode})`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 1000);
      });
    }
  };
  const sockets: WebSocket[] = [];
  try {
    const port = await next('port');
    child.send('memory');
    const base = await next('memory');
    // Received events: `${agentId}#${seq}` → arrival time.
    const got = new Map<string, number>();
    const ids = [...Array.from({ length: o.agents }, (_, i) => `a${1001 + i}`), ...Array.from({ length: o.supervisors }, (_, i) => `s${1 + i}`)];
    let connected = 0;
    // Connect in groups of 50: a burst of 500 handshakes is not what is measured.
    for (let g = 0; g < ids.length; g += 50) {
      await Promise.all(
        ids.slice(g, g + 50).map(
          (id) =>
            new Promise<void>((resolve, reject) => {
              const ws = new WebSocket(`ws://127.0.0.1:${port}/seat`);
              sockets.push(ws);
              let step = 0;
              ws.on('message', (data: Buffer) => {
                const t = performance.timeOrigin + performance.now();
                // An event starts {"type":"event","seq":N: read the seq from the head and leave
                // the body (a 500-seat wallboard is tens of KB) unparsed, so the clients'
                // own work adds as little as it can to what is measured.
                const head = /^\{"type":"event","seq":(\d+)/.exec(data.toString('latin1', 0, 40));
                if (head) {
                  got.set(`${id}#${head[1]}`, t);
                  return;
                }
                const m = JSON.parse(data.toString());
                if (m.type === 'reply' && !m.ok) reject(new Error(`${id}: ${m.code} ${m.message}`));
                else if (m.type === 'reply' && ++step === 2) {
                  connected++;
                  resolve();
                }
              });
              ws.once('error', reject);
              ws.once('open', () => {
                ws.send(JSON.stringify({ id: 'l', type: 'login', agentId: id, password: 'bench' }));
                ws.send(JSON.stringify(id.startsWith('s') ? { id: 'w', type: 'wallboard', live: true } : { id: 'r', type: 'acd-login', ready: true }));
              });
            }),
        ),
      );
      o.progress(`acd bench seats: ${connected} of ${ids.length} seats logged in`);
    }
    child.send('memory');
    const full = await next('memory');
    child.send('start');
    const done = await next('done', o.durationMs + 600_000);
    const startAt = done.from;
    // Let the last frames arrive.
    await new Promise((r) => setTimeout(r, 500));
    child.send('stamps');
    const stamps = await next('stamps');
    const lat: number[] = [];
    const byEvent = new Map<string, number[]>();
    let lost = 0;
    for (const [agentId, seq, event, t] of stamps) {
      if (t < startAt || agentId === null) continue;
      const r = got.get(`${agentId}#${seq}`);
      if (r === undefined) lost++;
      else {
        lat.push(r - t);
        if (!byEvent.has(event)) byEvent.set(event, []);
        byEvent.get(event)!.push(r - t);
      }
    }
    lat.sort((a, b) => a - b);
    for (const l of byEvent.values()) l.sort((a, b) => a - b);
    const r3 = (x: number | null) => (x === null ? null : Number(x.toFixed(3)));
    return {
      seats: connected,
      seat_events: lat.length,
      seat_event_p50_ms: r3(quantile(lat, 0.5)),
      seat_event_p99_ms: r3(quantile(lat, 0.99)),
      seat_event_max_ms: r3(lat.length ? lat[lat.length - 1] : null),
      seat_events_lost: lost,
      seat_event_p99_ms_by_event: Object.fromEntries([...byEvent].map(([e, l]) => [e, { events: l.length, p99: r3(quantile(l, 0.99)) }])),
      seat_heap_per_seat_kb: Math.round((full.heapUsed - base.heapUsed) / ids.length / 102.4) / 10,
      seat_rss_per_seat_kb: Math.round((full.rss - base.rss) / ids.length / 102.4) / 10,
      busy_hour_calls_in_progress_at_start: done.preloaded,
      busy_hour_calls_arrived: done.arrived,
      busy_hour_calls_connected: done.connected,
      busy_hour_calls_ended: done.ended,
      busy_hour_acd_calls_per_s: Number((done.arrived / (o.durationMs / 1000)).toFixed(3)),
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    if (child.exitCode === null) child.send('stop');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill();
  }
}
