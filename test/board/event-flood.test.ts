// JavaScript stops draining while a board keeps making events: the event ring
// fills. Every request's promise still settles (completions have reserved
// room), each dropped ordinary event is counted in stats().eventsDropped and
// reported by 'overrun' events of what 'events', and delivered + dropped
// digits equal what a board that was drained all along delivered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, type DoneInfo } from '../../src/board/engine.ts';
import { nativeBoardClass } from '../../src/board/native.ts';
import type { BoardEvent } from '../../src/board/types.ts';

const KEYS = '0123456789*#ABCD'.repeat(4).slice(0, 63);
const PAIRS = 30;

function open(events?: number) {
  const Native = nativeBoardClass();
  const native = new Native(2, 10, [1, 0], events);
  const engine = new Engine(native, 10, 'stepped');
  const evs: BoardEvent[] = [];
  engine.setDispatch((ev) => evs.push(ev));
  const tick = (n: number) => {
    for (let i = 0; i < n; i++) {
      native.step(1, false);
      engine.drainAll(false);
    }
  };
  return { native, engine, evs, tick };
}

// 30 calls (span 1 -> span 0), answered; then on each: get-digits for 23 keys
// on the engine side while the network side sends 63 keys (100 ms each).
function start(b: ReturnType<typeof open>): Array<Promise<DoneInfo>> {
  const { native, engine, tick } = b;
  const calls = Array.from({ length: PAIRS }, (_, i) => engine.request('call', (req) => native.call(30 + i, req, 5000, '', '')));
  tick(5);
  for (let i = 0; i < PAIRS; i++) native.answer(i);
  tick(5);
  const ops: Array<Promise<DoneInfo>> = [...calls];
  for (let i = 0; i < PAIRS; i++) {
    ops.push(engine.request('getDigits', (req) => native.getDigits(i, req, 23, 0, 20000, 20000, false)));
    ops.push(engine.request('sendDigits', (req) => native.sendDigits(30 + i, req, KEYS, 50, 50, -10)));
  }
  return ops;
}

async function settled(ps: Array<Promise<DoneInfo>>): Promise<DoneInfo[]> {
  const pending = Symbol('pending');
  const out: DoneInfo[] = [];
  for (const p of ps) {
    const r = await Promise.race([p, new Promise<typeof pending>((res) => setImmediate(() => res(pending)))]);
    assert.ok(r !== pending, 'a request never settled');
    out.push(r as DoneInfo);
  }
  return out;
}

test('a full event ring drops ordinary events (counted and reported), never completions', async () => {
  // Reference: drained after every tick.
  const ref = open();
  const refOps = start(ref);
  ref.tick(800);
  await settled(refOps);
  const refDigits = ref.evs.filter((e) => e.type === 'digit').length;
  assert.is(refDigits, PAIRS * KEYS.length, 'every key detected once on the drained board');
  assert.is(ref.native.stats().eventsDropped, 0);
  ref.engine.close();

  // The smallest ring (2 x 7 slots per channel = 1,024 here), not drained for 8 s.
  const b = open(16);
  assert.is(b.native.stats().eventsCapacity, 1024);
  const ops = start(b);
  b.native.step(800, false);
  b.tick(20);
  const done = await settled(ops);
  const st = b.native.stats();
  assert.ok(st.eventsDropped > 0, 'the ring overflowed');
  assert.is(st.completionsLost, 0);
  for (const d of done.slice(PAIRS)) {
    if (d.op === 'getDigits') assert.equal([d.reason, d.text.length], ['max-digits', 23], 'get-digits ended on its 23rd key');
    else assert.is(d.reason, 'done', 'send-digits finished');
  }
  const digits = b.evs.filter((e) => e.type === 'digit').length;
  assert.is(digits + st.eventsDropped, refDigits, `${digits} delivered + ${st.eventsDropped} dropped`);
  const reported = b.evs.reduce((n, e) => n + (e.type === 'overrun' && e.what === 'events' ? e.count : 0), 0);
  assert.is(reported, st.eventsDropped, "the 'overrun' events add up to the drop count");
  b.engine.close();
});

test.run();
