// Rolling recording of channels on the sim board (issue 11): a selected
// channel records every call in gapless segments, each indexed (kind
// 'segment') once durable; an idle channel leaves no file; a channel outside
// the selection is not recorded. The caller's tone, spanning the segment
// boundaries, is whole when the indexed segments are joined.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { openRecordingIndex } from '../../src/recording/index.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import { selectChannels, startRolling } from '../../src/recording/rolling.ts';
import { channelOf, connect, readWav, sine, tonePowerDb } from '../board/helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const T0 = Date.UTC(2026, 2, 2, 2, 0);

test('selected channels record each call in gapless, indexed segments; idle and unselected channels make no file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-rolling-'));
  const board = await openBoard(PROFILE);
  const index = openRecordingIndex(dir);
  const lines: string[] = [];
  try {
    const rolling = startRolling({ board, select: { channels: ['0:1', '0:2'] }, dataDir: dir, index, segmentMs: 400, now: () => T0 + board.now(), log: (l) => lines.push(l) });
    assert.equal(rolling.channels.map((c) => c.index), [0, 1]);
    await board.advance(200);
    const [[, n0], [, n3]] = await connect(board, [0, 3]);
    const talk = n0.play({ encoding: 'pcm16', data: sine(1000, 1500) });
    const other = n3.play({ encoding: 'pcm16', data: sine(700, 1500) });
    await board.advance(1600);
    await Promise.all([talk, other]);
    const hung = n0.hangup();
    await board.advance(300);
    await hung;
    await rolling.settled();
    const segs = index.search({ kind: 'segment' });
    assert.ok(segs.length >= 4, `${segs.length} segments for a call of about 1.7 s in 400 ms segments`);
    assert.ok(segs.every((s) => s.channel === '0:1'), 'only the called, selected channel');
    for (let i = 0; i + 1 < segs.length; i++) {
      assert.is(segs[i].durationMs, 400, `segment ${i + 1}: ${segs[i].durationMs} ms`);
      assert.is(segs[i + 1].start, segs[i].end, `segment ${i + 2} starts where ${i + 1} ends`);
    }
    const parts = segs.map((s) => channelOf(readWav(recordingPath(dir, s.id)).samples, 0, 2));
    const joined = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    // The tone over each boundary: power in a window astride it equals the power inside a segment.
    const inside = tonePowerDb(joined, 1000, 800, 2400);
    for (const at of [3200, 6400, 9600]) {
      const astride = tonePowerDb(joined, 1000, at - 800, at + 800);
      assert.ok(Math.abs(astride - inside) < 0.5, `the tone over the boundary at ${at / 8} ms: ${astride.toFixed(2)} dB vs ${inside.toFixed(2)} dB inside`);
    }
    assert.is(index.search({ kind: 'segment', from: T0 + 900, to: T0 + 1000 }).length, 1, 'found by time');
    const left = readdirSync(join(dir, 'recordings', 'segments'), { recursive: true }).map(String);
    assert.ok(left.every((f) => !f.endsWith('.part')), `no unfinished file: ${left.join(' ')}`);
    assert.not.ok(left.some((f) => f.includes('0-2-')), 'the idle selected channel made no file');
    assert.ok(left.some((f) => f.includes('0-1-')), 'the called channel has files');
    // A second call on the same channel is recorded again (the tap re-armed).
    const [[, n0b]] = await connect(board, [0]);
    const t2 = n0b.play({ encoding: 'pcm16', data: sine(1000, 300) });
    await board.advance(500);
    await t2;
    const stopped = rolling.stop();
    await board.advance(200);
    await stopped;
    const after = index.search({ kind: 'segment' });
    assert.ok(after.length > segs.length, 'the second call is recorded too');
    assert.ok(existsSync(recordingPath(dir, after[after.length - 1].id)));
    assert.equal(lines.filter((l) => l.includes('ALARM')), []);
  } finally {
    await board.close();
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('selection by group, list and all', async () => {
  const board = await openBoard(PROFILE);
  try {
    assert.is(selectChannels(board, { all: true }).length, board.channels.length);
    assert.equal(selectChannels(board, { channels: [3, '1:17'] }).map((c) => c.index), [3, 45]);
    assert.throws(() => selectChannels(board, { channels: ['x'] }), (e: unknown) => (e as { code?: string }).code === 'REC_SELECTION_INVALID');
  } finally {
    await board.close();
  }
});

test.run();
