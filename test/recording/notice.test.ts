// "This call may be recorded" per queue (issue 11): a beep mixed into the
// bridge (the caller hears it over the agent) and repeated; an announcement
// played to the caller; nothing for a queue set to none; a configuration
// with a faulty field refused with REC_NOTICE_INVALID naming it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { buildWav } from '../../src/dsp/wav.ts';
import { checkNoticeConfig, recordingNotice } from '../../src/recording/notice.ts';
import { connect, readWav, sine, tonePowerDb } from '../board/helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const HEARD = -40;
const NOT_HEARD = -55;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
};

test('beep over the bridge every second, an announcement, and nothing for none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-notice-'));
  const board = await openBoard(PROFILE);
  try {
    const pcm = sine(600, 500);
    const prompt = join(dir, 'may-be-recorded.wav');
    writeFileSync(prompt, buildWav('pcm16', 1, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)));
    const config = checkNoticeConfig({ complaints: { kind: 'beep', everyMs: 1000 }, info: { kind: 'announcement', file: prompt }, default: { kind: 'none' } });
    const [[caller, nc], [agent, na], [c2, n2], [c3, n3]] = await connect(board, [50, 51, 52, 53]);
    caller.route(agent);
    await board.advance(20);
    const heard = nc.record(join(dir, 'caller.wav'), { maxMs: 2600 });
    const talk = na.play({ encoding: 'pcm16', data: sine(900, 2800) });
    const beeps = recordingNotice(board, caller, 'complaints', config);
    const h2 = n2.record(join(dir, 'info.wav'), { maxMs: 900 });
    const h3 = n3.record(join(dir, 'none.wav'), { maxMs: 900 });
    const ann = recordingNotice(board, c2, 'info', config);
    const none = recordingNotice(board, c3, 'other', config);
    await board.advance(2900);
    await Promise.all([beeps.played, ann.played, none.played, talk]);
    beeps.stop();
    const x = readWav((await heard).file).samples;
    // Beeps at 0, 1 and 2 s (400 ms each, a tick or two after the start).
    for (const at of [0, 1000, 2000]) {
      const from = (at + 60) * 8;
      assert.ok(tonePowerDb(x, 1400, from, from + 2400) > HEARD, `a beep at ${at} ms (${tonePowerDb(x, 1400, from, from + 2400).toFixed(1)} dB)`);
      assert.ok(tonePowerDb(x, 900, from, from + 2400) > HEARD, `the agent is heard with the beep at ${at} ms`);
      const gap = (at + 550) * 8;
      if (gap + 2800 <= x.length)
        assert.ok(tonePowerDb(x, 1400, gap, gap + 2800) < NOT_HEARD, `no beep between ${at + 550} and ${at + 900} ms`);
    }
    const a = readWav((await h2).file).samples;
    assert.ok(tonePowerDb(a, 600, 400, 3600) > HEARD, 'the announcement is heard');
    const z = readWav((await h3).file).samples;
    assert.ok(tonePowerDb(z, 1400, 400, 6000) < NOT_HEARD && tonePowerDb(z, 600, 400, 6000) < NOT_HEARD, 'none: nothing');
  } finally {
    await board.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a faulty notice configuration is refused, naming the field', () => {
  assert.match(codeOf(() => checkNoticeConfig({ q: { kind: 'chime' } })), /^REC_NOTICE_INVALID: .*q\.kind must be none, announcement or beep/);
  assert.match(codeOf(() => checkNoticeConfig({ q: { kind: 'announcement' } })), /^REC_NOTICE_INVALID: .*needs exactly one of file/);
  assert.match(codeOf(() => checkNoticeConfig({ q: { kind: 'beep', hz: 5000 } })), /^REC_NOTICE_INVALID: .*q\.hz must be a number from 300 to 3400/);
  assert.match(codeOf(() => checkNoticeConfig({ q: { kind: 'beep', everyMs: 10 } })), /^REC_NOTICE_INVALID: .*everyMs/);
  assert.match(codeOf(() => checkNoticeConfig({ q: { kind: 'beep', colour: 1 } })), /^REC_NOTICE_INVALID: .*unknown field 'colour'/);
  assert.match(codeOf(() => checkNoticeConfig([])), /^REC_NOTICE_INVALID/);
});

test.run();
