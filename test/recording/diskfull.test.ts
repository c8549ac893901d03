// Disk full while recording (issue 11): a write of a rolling segment fails
// with ENOSPC (injected by the LD_PRELOAD shim of the power-cut test). At
// once an alarm is raised and a log line written; the call goes on; the
// recording is armed again after retryMs and, the space being back, records
// again: the alarm clears and the first segment after it carries the gap in
// the index. Segments finished before the failure stay indexed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordingEntry } from '../../src/recording/types.ts';
import { buildShim } from '../board/powercut/build-shim.ts';

const root = mkdtempSync(join(tmpdir(), 'hl-diskfull-'));
const CHILD = new URL('./diskfull/child.ts', import.meta.url).pathname;

const shim = buildShim(root);

// The 12th write under segments/ is the header of a new segment file (none of
// it kept); the 14th is audio inside a segment (its prefix is kept, indexed).
for (const nth of [12, 14]) test(`ENOSPC on write ${nth} of the segments: alarm and log line at once, the call goes on, recording resumes, the gap is in the index`, () => {
  const dir = join(root, `data${nth}`);
  mkdirSync(dir);
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dir], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, LD_PRELOAD: shim, HL_SHIM_DIR: dir, HL_SHIM_FAIL: `write:segments:ENOSPC:${nth}` },
  });
  assert.is(r.status, 0, `child failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    alarms: Array<{ raised: boolean; code: string; channel: string; at: number; boardMs: number }>;
    lines: string[];
    segments: RecordingEntry[];
    states: string[];
    T0: number;
  };
  assert.equal(out.alarms.map((a) => [a.raised, a.code, a.channel]), [
    [true, 'HL_EREC_DISKFULL', '0:1'],
    [false, 'HL_EREC_DISKFULL', '0:1'],
  ], 'one alarm raised, then cleared');
  const raised = out.lines.filter((l) => l.includes('ALARM HL_EREC_DISKFULL'));
  assert.is(raised.length, 1, `one alarm log line: ${out.lines.join(' | ')}`);
  assert.ok(out.lines.some((l) => l.includes('alarm cleared')), 'a log line when it clears');
  assert.ok(out.states.every((s) => s === 'connected'), `the call went on: ${out.states.join(',')}`);
  const failedAt = out.alarms[0].at;
  const before = out.segments.filter((s) => s.end <= failedAt);
  const after = out.segments.filter((s) => s.start > failedAt);
  assert.ok(before.length >= 1, 'segments finished before the failure stay indexed');
  assert.ok(after.length >= 2, `recording resumed: ${after.length} segments after the failure`);
  const gap = after[0].gaps[0];
  assert.ok(gap, 'the first segment after the failure carries the gap');
  assert.is(gap.reason, 'HL_EREC_DISKFULL');
  // The audio lost starts where the last durable segment ends (the failing segment's kept prefix, or the one before).
  assert.is(gap.at, Math.max(...out.segments.filter((s) => s.start < failedAt).map((s) => s.end)));
  assert.ok(gap.ms >= 1000 && gap.ms <= 1600, `gap of ${gap.ms} ms for a retry after 1000 ms`);
  assert.is(after[0].start, gap.at + gap.ms, 'the gap ends where the recording starts again');
  assert.ok(out.segments.every((s, i) => i === 0 || s.start >= out.segments[i - 1].end), 'segments in order, no overlap');
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
