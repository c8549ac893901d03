// Disk full under a per-call recording (issue 11: "recording resumes when
// space returns, the gap is visible in the index"): a write of the call's file
// fails with ENOSPC (the LD_PRELOAD shim of the power-cut test, as in
// diskfull.test.ts for rolling segments). The call goes on; the recording
// tries again after retryMs into the next part of the same recording
// (CALLID.2.wav), and its one index entry lists both parts and the gap. The
// far end says 700 Hz for 2.5 s, then 1100 Hz: placed on the call's time line
// by the index (parts and gap), each tone is where it was said.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exportRecording } from '../../src/recording/export.ts';
import { openRecordingIndex } from '../../src/recording/index.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import { verifyIndex } from '../../src/recording/maintain.ts';
import type { RecordingEntry } from '../../src/recording/types.ts';
import { channelOf, readWav, tonePowerDb } from '../board/helpers.ts';
import { buildShim } from '../board/powercut/build-shim.ts';

const root = mkdtempSync(join(tmpdir(), 'hl-calldiskfull-'));
const CHILD = new URL('./calldiskfull/child.ts', import.meta.url).pathname;
const shim = buildShim(root);

// Write 1 under calls/ is the first file's header (no audio kept: the
// recording resumes into CALLID.wav itself); 3 and 5 are audio chunks (the
// prefix is kept, the rest goes to CALLID.2.wav).
for (const nth of [1, 3, 5]) test(`ENOSPC on write ${nth} of a call recording: the call goes on, recording resumes in the same entry, the gap is in the index`, async () => {
  const dir = join(root, `data${nth}`);
  mkdirSync(dir);
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dir], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, LD_PRELOAD: shim, HL_SHIM_DIR: dir, HL_SHIM_FAIL: `write:calls:ENOSPC:${nth}` },
  });
  assert.is(r.status, 0, `child failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { entry: RecordingEntry | null; lines: string[]; states: string[]; start: number; files: string[]; alarms: Array<{ raised: boolean; code: string; callId?: string }> };
  const e = out.entry;
  assert.ok(e, `indexed: ${out.lines.join(' | ')}`);
  assert.ok(out.states.every((s) => s === 'connected'), 'the call went on');
  assert.is(out.lines.filter((l) => l.includes('ALARM HL_EREC_DISKFULL')).length, 1, `one alarm line: ${out.lines.join(' | ')}`);
  assert.ok(out.lines.some((l) => l.includes('recording again')), 'a line when it resumes');
  assert.equal(out.alarms, [
    { raised: true, code: 'HL_EREC_DISKFULL', callId: 'C20260302-0042' },
    { raised: false, code: 'HL_EREC_DISKFULL', callId: 'C20260302-0042' },
  ], 'an alarm event raised at once, cleared when it records again');
  assert.ok(!out.files.some((f) => f.endsWith('.part')), `no unfinished file left: ${out.files}`);
  assert.is(e!.gaps.length, 1, JSON.stringify(e!.gaps));
  const gap = e!.gaps[0];
  assert.is(gap.reason, 'HL_EREC_DISKFULL');
  assert.ok(gap.ms >= 1000 && gap.ms <= 1700, `a gap of ${gap.ms} ms for a retry after 1000 ms`);
  assert.ok(gap.at >= e!.start && gap.at < e!.start + 1000);
  // Audio + gap = the call: nothing else is missing.
  assert.ok(Math.abs(e!.durationMs + gap.ms - (e!.end - e!.start)) <= 30, `${e!.durationMs} + ${gap.ms} vs ${e!.end - e!.start}`);
  const parts = e!.files.map((f) => channelOf(readWav(recordingPath(dir, f)).samples, 0, 2));
  assert.is(parts.length, nth === 1 ? 1 : 2, `${e!.files}`);
  // The resumed audio is the last part; its first sample is at gap.at + gap.ms.
  const resumed = parts[parts.length - 1];
  const off = (callMs: number) => Math.round((callMs - (gap.at + gap.ms - out.start)) * 8);
  assert.ok(tonePowerDb(resumed, 700, off(2100), off(2400)) > -30, 'the first tone before the change, where the index puts it');
  assert.ok(tonePowerDb(resumed, 1100, off(2100), off(2400)) < -50);
  assert.ok(tonePowerDb(resumed, 1100, off(2700), off(3500)) > -30, 'the second tone after it');
  assert.ok(tonePowerDb(resumed, 700, off(2700), off(3500)) < -50);
  // Verify, search and export see one recording of all its parts.
  const index = openRecordingIndex(dir);
  try {
    assert.equal(verifyIndex(dir, index).problems, []);
    assert.equal(index.search({ callId: 'C20260302-0042' }).map((x) => x.files), [e!.files]);
    const joined = join(dir, 'joined.wav');
    await exportRecording(dir, index, e!.id, joined);
    assert.is(readWav(joined).samples.length / 2, Math.round(e!.durationMs * 8));
  } finally {
    await index.close();
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
