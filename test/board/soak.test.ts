// One hour of board time, stepped: 60 engine channels answer calls that 60
// simulated callers on the network side place and drop at random (seeded),
// with prompts, DTMF as audio, get-digits, recordings and hang-ups from both
// ends at every stage. At the end no channel is left stuck and every call
// placed was seen exactly once. Caller think times run on board.scheduler.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timer } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { Channel } from '../../src/board/types.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const HOUR = 3600 * 1000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a one-hour stepped run of 60 channels with calls coming and going leaves no channel stuck', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-board-soak-'));
  const board = await openBoard(PROFILE);
  const net = board.network!;
  const rand = rng(12315);
  const exp = (mean: number) => -Math.log(1 - rand()) * mean;
  let placed = 0;
  let rings = 0;
  let answered = 0;
  let digitsOk = 0;
  let stopping = false;
  const prompt = { encoding: 'alaw' as const, data: new Uint8Array(8000).fill(0xd5) };
  try {
    // Engine side: a tiny IVR per channel.
    for (const ch of board.channels) {
      ch.events$.subscribe((e) => {
        if (e.type !== 'ring') return;
        rings++;
        void serve(ch).catch((err) => {
          // Commands on a line that the far end already cleared are expected races; anything else is a failure.
          if (err?.code !== 'BOARD_NOT_CONNECTED' && err?.code !== 'BOARD_STATE') throw err;
        });
      });
    }
    async function serve(ch: Channel): Promise<void> {
      await ch.answer();
      const p = await ch.play([prompt, prompt], { stopOnDigits: true });
      if (p.reason === 'hangup') return;
      const d = await ch.getDigits({ max: 3, firstDigitTimeoutMs: 4000, interDigitTimeoutMs: 2000 });
      if (d.reason === 'hangup') return;
      if (d.digits === '123') digitsOk++;
      if (rand() < 0.3) {
        const r = await ch.record(join(dir, `c${ch.index}.wav`), { maxMs: 3000, stopOnDigits: '#' });
        if (r.reason === 'hangup') return;
      }
      if (ch.state === 'connected') await ch.hangup();
    }
    // Network side: callers with exponential think times; some hang up early.
    for (const caller of net.channels) {
      const next = () => {
        if (stopping) return;
        timer(exp(20000), board.scheduler).subscribe(() => void place());
      };
      const place = async () => {
        if (stopping || caller.state !== 'idle') return next();
        placed++;
        const r = await caller.call({ timeoutMs: 10000 });
        if (r.reason === 'done') {
          answered++;
          const early = rand() < 0.25;
          if (early) {
            timer(exp(1500), board.scheduler).subscribe(() => {
              if (caller.state === 'connected') void caller.hangup();
            });
          } else {
            timer(300 + rand() * 1500, board.scheduler).subscribe(() => {
              if (caller.state === 'connected') void caller.sendDigits('123').catch(() => {});
            });
            timer(15000, board.scheduler).subscribe(() => {
              if (caller.state === 'connected') void caller.hangup();
            });
          }
        }
        const sub = caller.events$.subscribe((e) => {
          if (e.type === 'idle') {
            sub.unsubscribe();
            next();
          }
        });
        if (caller.state === 'idle') {
          sub.unsubscribe();
          next();
        }
      };
      next();
    }
    await board.advance(HOUR);
    stopping = true;
    console.log(`soak: ${placed} calls placed, ${answered} answered, ${digitsOk} with digits 123`);
    await board.advance(30000);
    const stuck = [...board.channels, ...net.channels].filter((c) => c.state !== 'idle').map((c) => `${c.name}=${c.state}`);
    assert.equal(stuck, [], `channels left busy: ${stuck.join(', ')}`);
    assert.is(rings, placed, 'every call placed rang exactly once on the engine side');
    assert.ok(placed > 3000, `only ${placed} calls in an hour`);
    assert.ok(answered === placed, `${placed - answered} calls were not answered`);
    assert.ok(digitsOk > placed * 0.5, `digits arrived right in ${digitsOk} of ${placed} calls`);
    const st = board.stats();
    assert.is(st.eventsDropped, 0);
    assert.ok(st.ticks >= (HOUR + 30000) / 10, `ticks ${st.ticks}`);
  } finally {
    await board.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
