// Per-call recordings on the sim board (issue 11): one stereo file follows a
// call through the IVR, an agent, a transfer to a second agent and back to the
// IVR, re-pointed at each change without a gap, while the same channel is in
// a rolling recording and a supervisor listens to the bridged pair. Each
// party "speaks" a tone of its own; the file is checked phase by phase by
// tone power (caller left; the other side right).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { openRecordingIndex } from '../../src/recording/index.ts';
import { startCallRecording } from '../../src/recording/call.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import { startRolling } from '../../src/recording/rolling.ts';
import { channelOf, connect, readWav, sine, tonePowerDb } from '../board/helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const T0 = Date.UTC(2026, 2, 2, 2, 0);
const HEARD = -30;
const NOT_HEARD = -50;
const PHASE = 600; // ms per call phase

test('a stereo call recording follows IVR, agent, transfer and back to the IVR in one file, beside a rolling recording and a listening supervisor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-callrec-'));
  const board = await openBoard(PROFILE);
  const index = openRecordingIndex(dir);
  const lines: string[] = [];
  const now = () => T0 + board.now();
  try {
    const rolling = startRolling({ board, select: { channels: [10] }, dataDir: dir, index, segmentMs: 60_000, now });
    const [[caller, nc], [a1, n1], [a2, n2], [sup, ns]] = await connect(board, [10, 11, 12, 13]);
    const rec = startCallRecording({ caller, callId: 'C20260302-0001', dataDir: dir, index, now, log: (l) => lines.push(l), facts: { callerNumber: '13800138000', calledNumber: '12315', direction: 'inbound', queue: 'complaints' } });
    const speak = [nc.play({ encoding: 'pcm16', data: sine(500, 4 * PHASE + 300) }), n1.play({ encoding: 'pcm16', data: sine(900, 4 * PHASE + 300) }), n2.play({ encoding: 'pcm16', data: sine(1500, 4 * PHASE + 300) }), ns.play({ encoding: 'pcm16', data: sine(2100, 4 * PHASE + 300) })];
    // 1. IVR: a prompt to the caller.
    const prompt = caller.play({ encoding: 'pcm16', data: sine(1300, PHASE - 20) });
    await board.advance(PHASE);
    await prompt;
    // 2. Agent 1 answers: bridged, the recording's other side is agent 1; a supervisor listens to the pair.
    caller.route(a1);
    rec.repoint(a1, 'A001');
    const listen = board.createConference();
    listen.join(caller, { keepRoute: true });
    listen.join(a1, { keepRoute: true });
    listen.join(sup, { mode: 'listen' });
    const supHears = ns.record(join(dir, 'sup.wav'), { maxMs: PHASE - 100 });
    await board.advance(PHASE);
    // 3. Transfer to agent 2.
    listen.close();
    caller.route(a2);
    rec.repoint(a2, 'A002');
    await board.advance(PHASE);
    // 4. Back to the IVR.
    caller.unroute();
    rec.repoint(null);
    const prompt2 = caller.play({ encoding: 'pcm16', data: sine(1300, PHASE - 20) });
    await board.advance(PHASE);
    await prompt2;
    await board.advance(400);
    await Promise.all(speak);
    const hung = nc.hangup();
    await board.advance(300);
    await hung;
    const entry = await rec.done;
    assert.ok(entry, `indexed: ${lines.join(' | ')}`);
    assert.is(entry!.kind, 'call');
    assert.is(entry!.callId, 'C20260302-0001');
    assert.equal(entry!.agents, ['A001', 'A002']);
    assert.is(entry!.queue, 'complaints');
    assert.equal(entry!.files, [entry!.id], 'one file: the transfer neither split nor ended it');
    assert.equal(index.search({ callId: 'C20260302-0001' }).map((e) => e.id), [entry!.id]);
    assert.equal(index.search({ number: '13800138000' }).map((e) => e.id), [entry!.id]);
    const s = readWav(recordingPath(dir, entry!.id)).samples;
    const left = channelOf(s, 0, 2);
    const right = channelOf(s, 1, 2);
    // Phases start ~80 ms into the file (the recording began at the answer, before the first advance).
    const at = (k: number) => [k * PHASE * 8 + 1200, (k + 1) * PHASE * 8 - 400] as const;
    const lvl = (x: Int16Array, f: number, k: number) => tonePowerDb(x, f, ...at(k));
    for (let k = 0; k < 4; k++) assert.ok(lvl(left, 500, k) > HEARD, `phase ${k + 1}: the caller on the left (${lvl(left, 500, k).toFixed(1)} dB)`);
    const expect: Array<[number, number[]]> = [
      [1300, [900, 1500]],
      [900, [1300, 1500, 2100]],
      [1500, [900, 1300]],
      [1300, [900, 1500]],
    ];
    expect.forEach(([f, nots], k) => {
      assert.ok(lvl(right, f, k) > HEARD, `phase ${k + 1}: ${f} Hz on the right (${lvl(right, f, k).toFixed(1)} dB)`);
      for (const g of nots) assert.ok(lvl(right, g, k) < NOT_HEARD, `phase ${k + 1}: ${g} Hz must not be on the right (${lvl(right, g, k).toFixed(1)} dB)`);
    });
    assert.ok(Math.abs(right.length / 8 - entry!.durationMs) <= 10, 'duration = audio: no gap');
    const sh = readWav((await supHears).file).samples;
    assert.ok(tonePowerDb(sh, 500, 400, 3600) > HEARD && tonePowerDb(sh, 900, 400, 3600) > HEARD, 'the supervisor heard the pair');
    // The rolling recording of the same channel holds the same call.
    await rolling.settled();
    const segs = index.search({ kind: 'segment' });
    assert.is(segs.length, 1);
    // (from the ring on, where the call recording starts at the answer)
    const more = segs[0].durationMs - entry!.durationMs;
    assert.ok(more >= 0 && more <= 100, `rolling ${segs[0].durationMs} ms vs call ${entry!.durationMs} ms`);
    const stopped = rolling.stop();
    await board.advance(100);
    await stopped;
    assert.throws(() => rec.repoint(caller), (e: unknown) => (e as { code?: string }).code === 'REC_CALL_INVALID');
  } finally {
    await board.close();
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
