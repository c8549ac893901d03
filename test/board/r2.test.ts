// China No.1 spans on the simulated board: the numbers, the caller's category
// and the call type travel as compelled MF R2 tones through the sim cable and
// the real MF receivers (no side channel), and JavaScript sees them on the
// ring event; answer, clear-back, clear-forward and a pulled cable give the
// ordinary events; the profile option is validated with clear errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { BoardEvent, BoardProfile, R2Event, RingEvent } from '../../src/board/types.ts';

const PROFILE: BoardProfile = {
  name: 'sim-china-no1',
  driver: 'sim',
  tickMs: 10,
  spans: [{ type: 'E1', signalling: 'china-no1', r2: { maxDnis: 5, aniAfter: 1 } }],
  network: { type: 'loop' },
};

test('network -> engine: ring carries ANI, DNIS, KA and KD from the MF tones; answer, clear-forward, idle', async () => {
  const board = await openBoard(PROFILE);
  try {
    const eng = board.channel(4), net = board.network!.channel(4);
    const evs: BoardEvent[] = [];
    eng.events$.subscribe((e) => evs.push(e));
    const call = net.call({ callerNumber: '01062345678', calledNumber: '12315' });
    await board.advance(3000);
    const ring = evs.find((e): e is RingEvent => e.type === 'ring');
    assert.ok(ring, `rang (events: ${evs.map((e) => e.type).join(',')})`);
    assert.is(ring!.callerNumber, '01062345678');
    assert.is(ring!.calledNumber, '12315');
    assert.is(ring!.category, 1, 'KA 1: ordinary subscriber');
    assert.is(ring!.callType, 3, 'KD 3: local call');
    assert.ok(ring!.time > 1000, `register signalling took ${ring!.time} ms of board time (compelled cycles, not a side channel)`);
    const r2 = evs.filter((e): e is R2Event => e.type === 'r2').map((e) => e.what);
    assert.equal(r2.slice(0, 2), ['seized', 'offered']);
    assert.is(eng.state, 'ringing');
    await eng.answer();
    await board.advance(300);
    assert.is((await call).reason, 'done', 'the caller saw the answer');
    assert.is(eng.state, 'connected');
    await net.hangup();
    await board.advance(300);
    assert.ok(evs.some((e) => e.type === 'hangup'), 'clear-forward reached the engine');
    assert.is(eng.state, 'idle');
    assert.is(net.state, 'idle');
  } finally {
    await board.close();
  }
});

test('engine -> network: an outgoing call is answered, then the called party clears back and the engine clears forward', async () => {
  const board = await openBoard(PROFILE);
  try {
    const eng = board.channel(9), net = board.network!.channel(9);
    let ring: RingEvent | undefined;
    net.events$.subscribe((e) => { if (e.type === 'ring') ring = e; });
    const call = eng.call({ callerNumber: '12315', calledNumber: '13800138000' });
    // The network side does not know the number's length: A3 comes as a pulse after 3 s of silence.
    await board.advance(8000);
    assert.ok(ring, 'the network side rang');
    assert.is(ring!.calledNumber, '13800138000');
    assert.is(ring!.callerNumber, '12315');
    await net.answer();
    await board.advance(300);
    assert.is((await call).reason, 'done');
    const engEvents: string[] = [];
    eng.events$.subscribe((e) => engEvents.push(e.type));
    await net.hangup();
    await board.advance(400);
    assert.ok(engEvents.includes('hangup') && engEvents.includes('idle'), engEvents.join(','));
    assert.is(eng.state, 'idle');
    assert.is(net.state, 'idle');
  } finally {
    await board.close();
  }
});

test('a pulled cable clears a China No.1 call (hangup cause alarm, r2 cause span-fault) and the line works when it is back', async () => {
  const board = await openBoard(PROFILE);
  try {
    const eng = board.channel(0), net = board.network!.channel(0);
    const evs: BoardEvent[] = [];
    eng.events$.subscribe((e) => evs.push(e));
    const call = net.call({ callerNumber: '1', calledNumber: '12315' });
    await board.advance(3000);
    await eng.answer();
    await board.advance(300);
    assert.is((await call).reason, 'done');
    board.spans[0].setCable(false);
    await board.advance(200);
    assert.ok(evs.some((e) => e.type === 'hangup' && e.cause === 'alarm'), 'hangup(alarm)');
    assert.ok(evs.some((e) => e.type === 'r2' && e.cause === 'span-fault'), 'r2 names span-fault');
    assert.is(eng.state, 'blocked');
    board.spans[0].setCable(true);
    await board.advance(300);
    assert.is(eng.state, 'idle');
    const again = net.call({ callerNumber: '2', calledNumber: '12315' });
    await board.advance(3000);
    assert.is(eng.state, 'ringing');
    await eng.answer();
    await board.advance(300);
    assert.is((await again).reason, 'done');
  } finally {
    await board.close();
  }
});

test('KB: a channel told to answer busy-local refuses the next call with KB2; blocking refuses with blocked; the MF trace and counters say so', async () => {
  const board = await openBoard(PROFILE);
  try {
    const eng = board.channel(2), net = board.network!.channel(2);
    const netR2: R2Event[] = [];
    net.events$.subscribe((e) => { if (e.type === 'r2') netR2.push(e); });
    eng.setR2Answer('busy-local');
    const c1 = net.call({ callerNumber: '1', calledNumber: '12315' });
    await board.advance(3000);
    assert.is((await c1).reason, 'error', 'the caller is refused');
    assert.ok(netR2.some((e) => e.what === 'failed' && e.cause === 'busy-local'), netR2.map((e) => `${e.what}:${e.cause}`).join(','));
    const info = eng.r2()!;
    assert.is(info.counters.failed['busy-local'], 1);
    assert.ok(info.trace.some((l) => /tx\s+KB-2\s+called party busy, local/.test(l)), info.trace.join('\n'));
    assert.ok(info.trace.some((l) => /rx\s+KA-1\s+ordinary/.test(l)), 'the trace names KA');
    const span = board.spans[0].r2Counters()!;
    assert.is(span.failed['busy-local'], 1, 'span counters: one refusal busy-local');
    assert.is(span.callsIn, 1);
    await board.advance(500);
    assert.is(eng.state, 'idle');
    eng.setR2Answer('free');
    eng.r2Block(true);
    await board.advance(100);
    assert.is(net.state, 'blocked', 'the far end sees the circuit blocked');
    assert.ok(netR2.some((e) => e.what === 'blocked' && e.cause === 'blocked'), 'r2 event: blocked');
    const refused = await net.call({ callerNumber: '1', calledNumber: '12315' }).then(() => null, (e: Error) => e);
    assert.match(refused?.message ?? 'no error', /which is blocked/);
    eng.r2Block(false);
    await board.advance(100);
    const c3 = net.call({ callerNumber: '1', calledNumber: '12315' });
    await board.advance(3000);
    await eng.answer();
    await board.advance(300);
    assert.is((await c3).reason, 'done', 'unblocked: calls go through');
    assert.throws(() => eng.setR2Answer('busy' as never), /setR2Answer takes 'free', 'busy-local'/);
  } finally {
    await board.close();
  }
});

test('a plain CAS channel has no China No.1 state, and its China No.1 commands are refused with the reason', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const ch = board.channel(0);
    assert.is(ch.r2(), undefined);
    assert.is(board.spans[0].r2Counters(), undefined);
    assert.throws(() => ch.r2Block(true), /not on a China No.1 span/);
  } finally {
    await board.close();
  }
});

test('KA and KD of outgoing calls: per call, else the span profile\'s default; the far end receives them through its MF receiver (ring and trace)', async () => {
  const board = await openBoard({ ...PROFILE, spans: [{ type: 'E1', signalling: 'china-no1', r2: { maxDnis: 5, aniAfter: 1, category: 4, callType: 2 } }] });
  try {
    const rings: RingEvent[] = [];
    for (const ts of [3, 5]) board.network!.channel(0, ts).events$.subscribe((e) => { if (e.type === 'ring') rings.push(e); });
    const perCall = board.channel(0, 3).call({ callerNumber: '12315', calledNumber: '13800138000', category: 5, callType: 1 });
    const byProfile = board.channel(0, 5).call({ callerNumber: '12315', calledNumber: '13800138001' });
    await board.advance(8000);
    assert.equal(rings.map((r) => [r.calledNumber, r.category, r.callType]), [['13800138000', 5, 1], ['13800138001', 4, 2]]);
    const farTrace = board.network!.channel(0, 3).r2()!.trace;
    assert.ok(farTrace.some((l) => /rx\s+KA-5\s+free of charge/.test(l)), farTrace.join('\n'));
    assert.ok(farTrace.some((l) => /rx\s+KD-1\s/.test(l)), 'KD 1 received');
    assert.ok(board.network!.channel(0, 5).r2()!.trace.some((l) => /rx\s+KA-4\s+priority/.test(l)), 'the profile default KA 4');
    for (const ts of [3, 5]) await board.network!.channel(0, ts).answer();
    await board.advance(300);
    assert.equal([(await perCall).reason, (await byProfile).reason], ['done', 'done']);
  } finally {
    await board.close();
  }
});

test('the called number\'s length per call by its prefix (dnisLengths): A3 as soon as the number is whole; no matching prefix: A3p after 3 s', async () => {
  const board = await openBoard({ ...PROFILE, spans: [{ type: 'E1', signalling: 'china-no1', r2: { aniAfter: 1, dnisLengths: { '12315': 5, '1': 11, '0': 12 } } }] });
  try {
    const cases: Array<[number, string]> = [[1, '12315'], [2, '13800138000'], [3, '075512345678'], [4, '9123']];
    const rings = new Map<number, RingEvent>();
    for (const [ts] of cases) board.channel(0, ts).events$.subscribe((e) => { if (e.type === 'ring') rings.set(ts, e); });
    const t0 = board.now();
    for (const [ts, dnis] of cases) void board.network!.channel(0, ts).call({ callerNumber: '02012345678', calledNumber: dnis });
    await board.advance(8000);
    for (const [ts, dnis] of cases) {
      const ring = rings.get(ts);
      assert.is(ring?.calledNumber, dnis, `0:${ts} rang with ${dnis}`);
      const trace = board.channel(0, ts).r2()!.trace;
      const a3 = trace.filter((l) => /tx\s+A-3/.test(l));
      assert.equal(a3.length, 1, trace.join('\n'));
      if (ts === 4) assert.match(a3[0], /A-3p/, 'no prefix matches and maxDnis is 0: the length is not known, A3 pulsed');
      else assert.not.match(a3[0], /A-3p/, `${dnis}: A3 at once`);
    }
    // The 5-digit number is offered well before the pulsed one, which waits 3 s of silence.
    assert.ok(rings.get(4)!.time - rings.get(1)!.time > 2500, `${rings.get(1)!.time - t0} vs ${rings.get(4)!.time - t0} ms`);
  } finally {
    await board.close();
  }
});

test('KA / KD / numbers refused with BOARD_R2_CALL and a sentence; nothing is sent and the line stays idle', async () => {
  const board = await openBoard(PROFILE);
  const plain = await openBoard('boards/sim-e1x2.json');
  try {
    const ch = board.channel(7);
    const refused = async (c: typeof ch, o: Parameters<typeof ch.call>[0], want: RegExp) => {
      const e = await c.call(o).then(() => null, (x: { code?: string; message: string }) => x);
      assert.ok(e, `accepted ${JSON.stringify(o)}`);
      assert.is(e!.code, 'BOARD_R2_CALL', e!.message);
      assert.match(e!.message, want);
    };
    await refused(ch, { calledNumber: '12315', category: 0 }, /category \(KA, the caller's category\) must be an integer from 1 to 15, got 0/);
    await refused(ch, { calledNumber: '12315', callType: 16 }, /callType \(KD, the call type\) must be an integer from 1 to 15, got 16/);
    await refused(ch, { calledNumber: '12315', category: 1.5 }, /from 1 to 15, got 1.5/);
    await refused(ch, { calledNumber: '123#' }, /calledNumber .* must be 1 to 24 digits 0-9, got "123#"/);
    await refused(ch, { calledNumber: '' }, /calledNumber .* must be 1 to 24 digits 0-9/);
    await refused(ch, { calledNumber: '12315', callerNumber: '*1' }, /callerNumber .* must be digits 0-9/);
    await refused(plain.channel(1), { calledNumber: '12315', category: 2 }, /category .* goes only on a China No.1 span; .* runs plain CAS/);
    await board.advance(100);
    assert.is(ch.state, 'idle');
    assert.is(ch.r2()!.counters.callsOut, 0, 'nothing was sent');
  } finally {
    await board.close();
    await plain.close();
  }
});

test('profile: China No.1 options are checked with a sentence saying where and what', async () => {
  const bad = async (span: Record<string, unknown>, want: RegExp) => {
    const p = { ...PROFILE, spans: [span] } as unknown as BoardProfile;
    try {
      await openBoard(p);
      assert.unreachable(`accepted ${JSON.stringify(span)}`);
    } catch (e) {
      const err = e as { code?: string; message: string };
      assert.is(err.code, 'BOARD_PROFILE_INVALID', err.message);
      assert.match(err.message, want);
    }
  };
  await bad({ type: 'E1', signalling: 'china-no.1' }, /spans\/0\/signalling.*'china-no1'/);
  await bad({ type: 'E1', signalling: 'cas', r2: { maxDnis: 5 } }, /spans\/0\/r2.*china-no1/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { maxDnis: 30 } }, /maxDnis.*0 to 24/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { aniAfter: 0 } }, /aniAfter.*-1 \(never\) or at least 1/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { glarePriority: 'yes' } }, /glarePriority.*true or false/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { maxDnls: 5 } }, /maxDnls/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { category: 16 } }, /r2\/category.*1 to 15 \(KA/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { callType: 0 } }, /r2\/callType.*1 to 15 \(KD/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { dnisLengths: { '1a': 11 } } }, /dnisLengths\/1a.*1 to 8 digits/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { dnisLengths: { '12315': 4 } } }, /dnisLengths\/12315.*from 5 .* to 24/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { dnisLengths: [5] } }, /dnisLengths.*object of prefix: length/);
  await bad({ type: 'E1', signalling: 'china-no1', r2: { dnisLengths: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`${i}`, 5])) } }, /at most 8 prefixes, got 9/);
});

test.run();
