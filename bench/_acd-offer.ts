// offer_latency_p99_ms of `hotline bench acd`: an agent becomes ready (返回,
// or the end of his wrap-up) while a call waits → his station rings. Real
// time, on the simulated board (boards/sim-mixed.json: one E1 span of
// trunks, 8 FXS station ports) with the whole engine: simulated callers
// seize trunks and a one-node flow hands each call straight to the queue;
// the agents' simulated stations are the phone ends of their FXS ports.
// Measured from the ACD call that makes the agent ready to the `ring` event
// his telephone sees (ACD decision, switchboard, the port's ring command
// applied by the next tick, the sim cable, the event back to JavaScript):
// what a technician would see between pressing ready and the bell.
// Each agent, in turn: waits until a call waits and his port is idle, waits
// a random 20–120 ms (so the ready falls anywhere in a 10 ms tick), becomes
// ready, hears the ring, lifts, hangs up after 100 ms into a long wrap-up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom } from 'rxjs';
import { Sfc32 } from '../src/acd/rng.ts';
import type { AcdConfig } from '../src/acd/types.ts';
import { openEngine } from '../src/calls/engine.ts';
import { SimCaller } from '../src/calls/sim-caller.ts';
import { SimStation } from '../src/calls/sim-station.ts';

const MIXED = new URL('../boards/sim-mixed.json', import.meta.url).pathname;

// Every call goes straight to the queue (the bench's own flow: the 12315
// flow's menu and office hours are not what is measured, and real time may
// be night in Beijing).
const FLOW = `name: bench-offer
language: zh
languages: [zh]
start: queue
nodes:
  queue: { type: transfer, queue: agents, busy: [lines_busy], overflow: bye }
  bye: { type: hangup, prompts: [goodbye] }
`;

export interface OfferLatencyResult {
  offer_samples: number;
  offer_latency_p50_ms: number | null;
  offer_latency_p99_ms: number | null;
  offer_latency_max_ms: number | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pct = (s: number[], p: number): number | null => (s.length ? Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2)) : null);

export async function offerLatency(o: { samples: number; agents: number; seed: number; progress: (line: string) => void }): Promise<OfferLatencyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-acd-offer-'));
  const flowFile = join(dir, 'flow.yaml');
  writeFileSync(flowFile, FLOW);
  const ids = Array.from({ length: o.agents }, (_, i) => String(1001 + i));
  // A wrap-up longer than the run: only the bench makes an agent ready.
  const acd: AcdConfig = { agents: ids.map((id) => ({ id })), queues: [{ id: 'agents', strategy: 'longest-idle', members: ids.map((agent) => ({ agent })), wrapUpMs: 3_600_000 }] };
  const engine = await openEngine({ boardFile: MIXED, flowFile, dataDir: join(dir, 'data'), mode: 'realtime', acd, recordCalls: false, rolling: 'none' });
  const core = engine.core;
  const rng = new Sfc32(o.seed);
  const latencies: number[] = [];
  let stop = false;
  // Samples begun (the agents measure side by side).
  let taken = 0;
  try {
    const callers = engine.networkChannels.filter((ch) => ch.span.index === 0).slice(0, o.agents + 2);
    const callerLoops = callers.map(async (ch, i) => {
      for (let n = 0; !stop; n++) {
        const c = new SimCaller(ch, { dir: join(dir, 'callers'), callerNumber: `1390000${String(i).padStart(4, '0')}`, tap: false });
        if (await c.dial()) await firstValueFrom(ch.events$.pipe(filter((e) => e.type === 'hangup' || e.type === 'idle')));
        await c.hangup();
      }
    });
    for (const id of ids) core.acd!.login(id, { ready: false });
    const started = performance.now();
    const deadline = started + 60_000 + o.samples * 2000;
    const agentLoops = ids.map(async (id, i) => {
      const st = new SimStation(engine.phoneChannels[i], { dir: join(dir, 'stations'), tap: false });
      try {
        while (!stop && taken < o.samples && performance.now() < deadline) {
          if (core.acd!.queue('agents').waiting === 0 || st.phone.state !== 'idle') {
            await sleep(5);
            continue;
          }
          await sleep(20 + rng.next() * 100);
          if (core.acd!.queue('agents').waiting === 0 || st.phone.state !== 'idle' || taken >= o.samples) continue;
          taken++;
          let rangAt = 0;
          const rang = firstValueFrom(st.phone.events$.pipe(filter((e) => e.type === 'ring'))).then(() => (rangAt = performance.now()));
          const t0 = performance.now();
          core.acd!.setReady(id);
          const ok = await Promise.race([rang.then(() => true), sleep(2000).then(() => false)]);
          if (!ok) {
            o.progress(`acd bench: offer latency: agent ${id} ready with a call waiting, no ring within 2 s (state ${core.acd!.agent(id).state})`);
            if (core.acd!.agent(id).state === 'ready') core.acd!.setNotReady(id, 'bench');
            taken--;
            continue;
          }
          latencies.push(rangAt - t0);
          if (latencies.length % 50 === 0) o.progress(`acd bench: offer latency: ${latencies.length} of ${o.samples} samples`);
          await st.liftHandset();
          await sleep(100);
          await st.hangUp();
          while (!stop && st.phone.state !== 'idle') await sleep(5);
        }
      } finally {
        st.close();
      }
    });
    await Promise.all(agentLoops);
    stop = true;
    await core.stop();
    await Promise.race([Promise.all(callerLoops), sleep(5000)]);
  } finally {
    stop = true;
    await engine.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  const s = latencies.sort((a, b) => a - b);
  return { offer_samples: s.length, offer_latency_p50_ms: pct(s, 50), offer_latency_p99_ms: pct(s, 99), offer_latency_max_ms: s.length ? Number(s[s.length - 1].toFixed(2)) : null };
}
