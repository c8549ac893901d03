// After kill -9 of a real engine process, the next start repairs and tidies
// the recording folder before taking calls (src/ivr/recordings.ts): takes
// left as NAME.part get a header matching the audio on disk (the header of
// a take is rewritten every 500 ms: it may lag what reached the disk) and their final
// name; takes no case refers to move to recordings/orphans/ (kept, not
// deleted); a take a case refers to stays; every action is logged.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEngine } from '../../src/calls/engine.ts';
import { readWav } from '../board/helpers.ts';

const ALAW_HEADER = 58;

test('kill -9 mid-recording, then start: unfinished takes repaired and named, orphans moved, the referenced take kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-scan-'));
  try {
    const dataDir = join(dir, 'data');
    const child = new URL('./startup-scan-child.ts', import.meta.url).pathname;
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, dataDir], { encoding: 'utf8', timeout: 60000 });
    assert.is(r.signal, 'SIGKILL', `the engine should die by SIGKILL (status ${r.status}: ${r.stderr})`);
    const recs = join(dataDir, 'recordings');
    // What the crash left: two unfinished takes; a header never claims more than is on disk.
    const early = readFileSync(join(recs, 'early.wav.part'));
    assert.ok(early.readUInt32LE(ALAW_HEADER - 4) <= early.length - ALAW_HEADER, `the header of the take killed early says ${early.readUInt32LE(ALAW_HEADER - 4)} bytes`);
    assert.ok(early.length - ALAW_HEADER >= 2400, `yet ${early.length - ALAW_HEADER} bytes of audio are on disk`);
    assert.ok(existsSync(join(recs, 'long.wav.part')));

    const lines: string[] = [];
    const engine = await openEngine({ dataDir, mode: 'stepped', log: (l) => lines.push(l) });
    try {
      assert.equal(readdirSync(recs).sort(), ['kept.wav', 'orphans'], 'only the take a case refers to stays');
      assert.equal(readdirSync(join(recs, 'orphans')).sort(), ['early.wav', 'lonely.wav', 'long.wav']);
      const e = readWav(join(recs, 'orphans', 'early.wav'));
      assert.ok(e.samples.length >= 2400, `the early take keeps its audio: ${e.samples.length} samples`);
      const l = readWav(join(recs, 'orphans', 'long.wav'));
      assert.ok(l.samples.length >= 1.5 * 8000, `the long take keeps its audio: ${l.samples.length} samples`);
      assert.is(readWav(join(recs, 'orphans', 'lonely.wav')).samples.length, 8000);
      assert.is(readWav(join(recs, 'kept.wav')).samples.length, 8000);
      const log = lines.join('\n');
      for (const name of ['early.wav.part', 'long.wav.part']) assert.match(log, new RegExp(`finished ${name.replace('.', '\\.')}`));
      for (const name of ['early.wav', 'long.wav', 'lonely.wav']) assert.match(log, new RegExp(`moved ${name.replace('.', '\\.')} to orphans/`));
      assert.match(log, /start-up scan: 2 unfinished finished, 0 repaired, 3 moved to orphans\//);
    } finally {
      await engine.close();
    }
    // A second start finds nothing to do.
    const again: string[] = [];
    const e2 = await openEngine({ dataDir, mode: 'stepped', log: (l) => again.push(l) });
    await e2.close();
    assert.equal(again.filter((l) => l.startsWith('recordings:')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
