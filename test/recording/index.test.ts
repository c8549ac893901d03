// The recording index on real LMDB: entries only for finished WAV files,
// search by time, agent, number, case and call, repair from disk, verify.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, openSync, ftruncateSync, closeSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportRecording, entryFor, openRecordingIndex, repairIndex, verifyIndex, indexHook, checkRecordingId } from '../../src/recording/index.ts';
import { data, T0 } from './_fixture.ts';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

test('ids: only recordings/…/NAME.wav, never a raw path, .. or .part', () => {
  assert.is(checkRecordingId('recordings/c1-1.wav'), 'recordings/c1-1.wav');
  assert.is(checkRecordingId('recordings/orphans/c1-1.wav'), 'recordings/orphans/c1-1.wav');
  for (const bad of ['/etc/passwd', 'recordings/../cases/data.mdb', '../recordings/x.wav', 'recordings/x.wav.part', 'recordings/.hidden.wav', 'cases/x.wav', 'recordings//x.wav', 'recordings/x.txt', 'recordings\\..\\x.wav'])
    assert.is(code(() => checkRecordingId(bad)), 'REC_BAD_ID', bad);
});

test('an entry is written only for a file that exists, is final and parses', async () => {
  const d = await data();
  try {
    d.take('recordings/c1-1.wav', 2);
    const e = entryFor(d.dir, 'recordings/c1-1.wav');
    assert.is(e.durationMs, 2000);
    assert.is(e.callId, 'c1');
    assert.is(e.end, T0);
    assert.is(e.start, T0 - 2000);
    assert.is(e.bytes, statSync(join(d.dir, 'recordings/c1-1.wav')).size);
    assert.is(code(() => entryFor(d.dir, 'recordings/gone-1.wav')), 'REC_FILE_MISSING');
    writeFileSync(join(d.dir, 'recordings/junk-1.wav'), 'RIFF not a wave');
    assert.is(code(() => entryFor(d.dir, 'recordings/junk-1.wav')), 'REC_FILE_INVALID');
    d.take('recordings/p-1.wav.part', 1);
    assert.is(code(() => entryFor(d.dir, 'recordings/p-1.wav.part')), 'REC_BAD_ID');
  } finally {
    await d.done();
  }
});

test('search by time range, agent, number, case and call (secondary keys)', async () => {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  try {
    d.take('recordings/a-1.wav', 60, T0 + 60_000); // T0 .. T0+60 s
    d.take('recordings/b-1.wav', 10, T0 + 3_600_000);
    d.take('recordings/c-1.wav', 10, T0 + 7_200_000);
    await index.put(entryFor(d.dir, 'recordings/a-1.wav', { agents: ['a7'], callerNumber: '13800138000', caseNumbers: ['20260302000011'] }));
    await index.put(entryFor(d.dir, 'recordings/b-1.wav', { agents: ['a8'], calledNumber: '12315' }));
    await index.put(entryFor(d.dir, 'recordings/c-1.wav', { agents: ['a7', 'a8'], callerNumber: '13900000000', caseNumbers: ['20260302000029'] }));
    const ids = (q: Parameters<typeof index.search>[0]) => index.search(q).map((e) => e.id);
    assert.equal(ids({}), ['recordings/a-1.wav', 'recordings/b-1.wav', 'recordings/c-1.wav']);
    // overlap: a-1 began before `from` and still ran
    assert.equal(ids({ from: T0 + 30_000, to: T0 + 3_600_000 }), ['recordings/a-1.wav', 'recordings/b-1.wav']);
    assert.equal(ids({ from: T0 + 61_000, to: T0 + 3_500_000 }), []);
    assert.equal(ids({ agent: 'a7' }), ['recordings/a-1.wav', 'recordings/c-1.wav']);
    assert.equal(ids({ agent: 'a8', from: T0 + 7_000_000 }), ['recordings/c-1.wav']);
    assert.equal(ids({ number: '12315' }), ['recordings/b-1.wav']);
    assert.equal(ids({ number: '13800138000' }), ['recordings/a-1.wav']);
    assert.equal(ids({ caseNumber: '20260302000029' }), ['recordings/c-1.wav']);
    assert.equal(ids({ callId: 'b' }), ['recordings/b-1.wav']);
    assert.equal(ids({ callId: 'b', agent: 'a7' }), []);
    assert.is(code(() => index.search({ from: 2, to: 1 })), 'REC_QUERY_INVALID');
    // a replaced entry loses its old keys
    await index.put(entryFor(d.dir, 'recordings/a-1.wav', { agents: ['a9'] }));
    assert.equal(ids({ agent: 'a7' }), ['recordings/c-1.wav']);
    assert.equal(ids({ caseNumber: '20260302000011' }), []);
    assert.ok(await index.remove('recordings/c-1.wav'));
    assert.equal(ids({ agent: 'a8' }), ['recordings/b-1.wav']);
  } finally {
    await index.close();
    await d.done();
  }
});

test('repair: adds what is on disk (with case links), drops what is gone, skips what does not parse; verify finds truncated and missing files', async () => {
  const d = await data();
  let index = openRecordingIndex(d.dir);
  try {
    d.take('recordings/k1-1.wav', 3);
    d.take('recordings/k2-1.wav', 4);
    d.take('recordings/big.wav', 2);
    d.take('recordings/big.2.wav', 1); // a roll-over part: indexed with its first file
    d.take('recordings/orphans/o-1.wav', 1);
    d.take('recordings/unfinished-1.wav.part', 1);
    writeFileSync(join(d.dir, 'recordings/cut-1.wav'), 'RIFF');
    const c = await d.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13800138000', recordingIds: ['recordings/k1-1.wav'], callId: 'k1', facts: 'x' });
    const r = await repairIndex({ dataDir: d.dir, index, store: d.store });
    assert.equal(r.added, ['recordings/big.wav', 'recordings/k1-1.wav', 'recordings/k2-1.wav', 'recordings/orphans/o-1.wav']);
    assert.equal(r.skipped, ['recordings/cut-1.wav: REC_FILE_INVALID']);
    const big = index.get('recordings/big.wav')!;
    assert.equal(big.files, ['recordings/big.wav', 'recordings/big.2.wav']);
    assert.is(big.durationMs, 3000);
    assert.equal(index.get('recordings/k1-1.wav')!.caseNumbers, [c.number]);
    assert.equal(index.search({ number: '13800138000' }).map((e) => e.id), ['recordings/k1-1.wav']);
    assert.equal(verifyIndex(d.dir, index).problems, []);

    // A file cut short (the header says more than is there) and one deleted behind the engine's back.
    const f = openSync(join(d.dir, 'recordings/k2-1.wav'), 'r+');
    ftruncateSync(f, 1000);
    closeSync(f);
    unlinkSync(join(d.dir, 'recordings/orphans/o-1.wav'));
    unlinkSync(join(d.dir, 'recordings/big.2.wav'));
    const v = verifyIndex(d.dir, index);
    assert.is(v.checked, 4);
    assert.equal(
      v.problems.map((p) => `${p.id} ${p.code}`),
      ['recordings/big.wav REC_FILE_MISSING', 'recordings/k2-1.wav REC_FILE_INVALID', 'recordings/orphans/o-1.wav REC_FILE_MISSING'],
    );
    // The index survives a reopen (it is on disk), and repair makes it follow the disk.
    await index.close();
    index = openRecordingIndex(d.dir, { mustExist: true });
    const r2 = await repairIndex({ dataDir: d.dir, index, store: d.store });
    assert.equal(r2.dropped.sort(), ['recordings/k2-1.wav', 'recordings/orphans/o-1.wav']);
    assert.equal(r2.updated, ['recordings/big.wav']);
    assert.equal(index.get('recordings/big.wav')!.files, ['recordings/big.wav']);
    assert.equal(verifyIndex(d.dir, index).problems, []);
  } finally {
    await index.close();
    await d.done();
  }
});

test('the IVR hook indexes a kept take, links its case, forgets a dropped one, and logs (never throws) on a bad file', async () => {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  const lines: string[] = [];
  const hook = indexHook(d.dir, index, (l) => lines.push(l));
  try {
    d.take('recordings/call7-1.wav', 5);
    hook.kept({ id: 'recordings/call7-1.wav', callId: 'call7', callerNumber: '13700000000', calledNumber: '12315' });
    hook.linked(['recordings/call7-1.wav'], '20260302000011');
    hook.kept({ id: 'recordings/missing-1.wav', callId: 'missing' });
    await hook.settled();
    const e = index.get('recordings/call7-1.wav')!;
    assert.is(e.durationMs, 5000);
    assert.equal(e.caseNumbers, ['20260302000011']);
    assert.is(e.direction, 'inbound');
    assert.equal(index.search({ number: '12315' }).map((x) => x.id), ['recordings/call7-1.wav']);
    assert.is(index.get('recordings/missing-1.wav'), undefined);
    assert.match(lines.join('\n'), /REC_FILE_MISSING/);
    hook.dropped('recordings/call7-1.wav');
    await hook.settled();
    assert.is(index.count(), 0);
  } finally {
    await index.close();
    await d.done();
  }
});

test('a folder with no index: mustExist refuses with REC_NO_INDEX and makes nothing', async () => {
  const d = await data();
  try {
    assert.is(code(() => openRecordingIndex(d.dir, { mustExist: true })), 'REC_NO_INDEX');
    assert.not.ok(existsSync(join(d.dir, 'recordings-index')));
  } finally {
    await d.done();
  }
});

test('repair: a take the scan moved to orphans/ keeps its call facts under its new id', async () => {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  try {
    d.take('recordings/m-1.wav', 1);
    await index.put(entryFor(d.dir, 'recordings/m-1.wav', { callerNumber: '13600000000', calledNumber: '12315', direction: 'inbound' }));
    const { renameSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(d.dir, 'recordings/orphans'));
    renameSync(join(d.dir, 'recordings/m-1.wav'), join(d.dir, 'recordings/orphans/m-1.wav'));
    const r = await repairIndex({ dataDir: d.dir, index });
    assert.equal([r.dropped, r.added], [['recordings/m-1.wav'], ['recordings/orphans/m-1.wav']]);
    const e = index.get('recordings/orphans/m-1.wav')!;
    assert.equal([e.callerNumber, e.calledNumber, e.direction, e.callId], ['13600000000', '12315', 'inbound', 'm']);
  } finally {
    await index.close();
    await d.done();
  }
});

test('export: by id only, parts joined into one WAV, never overwriting', async () => {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  try {
    d.take('recordings/r.wav', 2);
    d.take('recordings/r.2.wav', 1);
    d.take('recordings/s-1.wav', 1);
    await repairIndex({ dataDir: d.dir, index });
    const out = join(d.dir, 'out.wav');
    exportRecording(d.dir, index, 'recordings/r.wav', out);
    const { readWavFile } = await import('../../src/dsp/wav.ts');
    assert.is(readWavFile(out).ms, 3000);
    assert.is(code(() => exportRecording(d.dir, index, 'recordings/s-1.wav', out)), 'REC_EXPORT_EXISTS');
    assert.is(code(() => exportRecording(d.dir, index, 'recordings/none-1.wav', join(d.dir, 'o2.wav'))), 'REC_NOT_FOUND');
    assert.is(code(() => exportRecording(d.dir, index, '../cases/data.mdb', join(d.dir, 'o3.wav'))), 'REC_BAD_ID');
    unlinkSync(join(d.dir, 'recordings/s-1.wav'));
    assert.is(code(() => exportRecording(d.dir, index, 'recordings/s-1.wav', join(d.dir, 'o4.wav'))), 'REC_FILE_MISSING');
    assert.not.ok(existsSync(join(d.dir, 'o4.wav')));
  } finally {
    await index.close();
    await d.done();
  }
});

test.run();
