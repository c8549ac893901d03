// `hotline recordings` through a child process on a real data folder: repair
// (with the start-up scan) builds the index, search by each key, export,
// verify catching a truncated and a missing file, retention with legal hold,
// and a folder with no data refused without making anything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavFile } from '../../src/dsp/wav.ts';
import { data, T0 } from './_fixture.ts';

const root = join(import.meta.dirname, '..', '..');
const DAY = 86_400_000;

function hotline(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [join(root, 'src/cli/bin.js'), 'recordings', ...args], { cwd: root, env: { ...process.env, HOTLINE_DATA: '/nonexistent-hotline-data' } }, (e, out, err) => {
      res({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

test('repair, search by each key, export, verify, retention with legal hold', async () => {
  const d = await data();
  try {
    d.take('recordings/k1-1.wav', 3, T0 - 400 * DAY);
    d.take('recordings/k2-1.wav', 2, T0 - 300 * DAY);
    d.take('recordings/k3-1.wav', 1, T0 - 3000 * DAY);
    d.take('recordings/k4-1.wav', 1, T0 - 1 * DAY);
    const open = await d.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13800138000', recordingIds: ['recordings/k1-1.wav'], callId: 'k1', facts: 'x' });
    await d.store.putAgent({ id: 'a7', name: '王', role: 'agent', password: 'pw-123456' });
    await d.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13900000000', recordingIds: ['recordings/k3-1.wav', 'recordings/k4-1.wav'], callId: 'k3', facts: 'y', agentId: 'a7' });
    await d.store.close();
    const dir = ['--dir', d.dir];

    const rep = await hotline('repair', ...dir);
    assert.is(rep.code, 0, rep.err);
    assert.match(rep.out, /moved k2-1.wav to orphans\//);
    assert.match(rep.out, /4 added, 0 updated, 0 dropped, 0 not indexed; 4 indexed/);

    const ids = async (...a: string[]) => {
      const r = await hotline('search', ...dir, '--json', ...a);
      assert.is(r.code, 0, r.err);
      return r.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).id as string);
    };
    assert.equal(await ids(), ['recordings/k3-1.wav', 'recordings/k1-1.wav', 'recordings/orphans/k2-1.wav', 'recordings/k4-1.wav']);
    assert.equal(await ids('--case', open.number), ['recordings/k1-1.wav']);
    assert.equal(await ids('--number', '13900000000'), ['recordings/k3-1.wav', 'recordings/k4-1.wav']);
    assert.equal(await ids('--call', 'k2'), ['recordings/orphans/k2-1.wav']);
    assert.equal(await ids('--agent', 'a7'), ['recordings/k3-1.wav', 'recordings/k4-1.wav']);
    assert.equal(await ids('--from', new Date(T0 - 2 * DAY).toISOString(), '--to', String(T0)), ['recordings/k4-1.wav']);
    const table = await hotline('search', ...dir, '--case', open.number);
    assert.match(table.out, /^recordings\/k1-1.wav {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00 {2}\s*3.0s {2}ivr-take {2}k1 {2}13800138000/);
    const badTime = await hotline('search', ...dir, '--from', 'yesterday');
    assert.is(badTime.code, 2);
    assert.match(badTime.err, /CLI_BAD_VALUE/);

    const outFile = join(d.dir, 'k1.wav');
    const ex = await hotline('export', 'recordings/k1-1.wav', '--out', outFile, ...dir);
    assert.is(ex.code, 0, ex.err);
    assert.is(readWavFile(outFile).ms, 3000);
    const again = await hotline('export', 'recordings/k1-1.wav', '--out', outFile, ...dir);
    assert.is(again.code, 1);
    assert.match(again.err, /REC_EXPORT_EXISTS/);
    const trav = await hotline('export', 'recordings/../cases/data.mdb', '--out', join(d.dir, 'x'), ...dir);
    assert.match(trav.err, /REC_BAD_ID/);

    assert.is((await hotline('verify', ...dir)).code, 0);
    const f = openSync(join(d.dir, 'recordings/k4-1.wav'), 'r+');
    ftruncateSync(f, 500);
    closeSync(f);
    unlinkSync(join(d.dir, 'recordings/orphans/k2-1.wav'));
    const v = await hotline('verify', ...dir);
    assert.is(v.code, 1);
    assert.equal(v.out.trim().split('\n').map((l) => l.split('  ').slice(0, 2).join(' ')), ['recordings/k4-1.wav REC_FILE_INVALID', 'recordings/orphans/k2-1.wav REC_FILE_MISSING']);
    const rep2 = await hotline('repair', ...dir);
    // the scan repairs the cut header (the audio that is there is kept); the deleted file's entry goes
    assert.match(rep2.out, /repaired the header of k4-1.wav/);
    assert.match(rep2.out, /0 added, 1 updated, 1 dropped, 0 not indexed; 3 indexed/, rep2.out);
    assert.is((await hotline('verify', ...dir)).code, 0);

    // k1 (open case, 400 days) is held even under a 1-day rule; k3 (open case too) as well.
    writeFileSync(join(d.dir, 'rules.json'), JSON.stringify([{ category: 'case', maxAgeDays: 1 }]));
    const dry = await hotline('retention', ...dir, '--rules', join(d.dir, 'rules.json'), '--dry-run');
    assert.is(dry.code, 0, dry.err);
    assert.match(dry.out, /kept recordings\/k1-1.wav past its age limit: legal hold, open case/);
    assert.match(dry.out, /0 to delete \(0 bytes\), 3 on legal hold/, dry.out);
    const badRules = await hotline('retention', ...dir, '--rules', join(d.dir, 'k1.wav'));
    assert.match(badRules.err, /REC_RETENTION_INVALID/);
    assert.ok(existsSync(join(d.dir, 'recordings/k1-1.wav')));
  } finally {
    await d.done().catch(() => rmSync(d.dir, { recursive: true, force: true }));
  }
});

test('a folder with no data: every subcommand refuses and makes nothing', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'hotline-rec-empty-'));
  try {
    for (const args of [['search'], ['verify'], ['export', 'recordings/a-1.wav', '--out', join(empty, 'x.wav')], ['retention'], ['repair']]) {
      const r = await hotline(...args, '--dir', empty);
      assert.is(r.code, 1, `${args[0]}: ${r.err}`);
      assert.match(r.err, args[0] === 'repair' || args[0] === 'retention' ? /REC_NO_DATA/ : /REC_NO_INDEX/);
    }
    assert.equal(readdirSync(empty), []);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test.run();
