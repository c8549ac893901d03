// A case points at a recording only after the board has delivered the
// recording's `done`, which (native/board/writer.cc) comes only once the file
// is finished: fsynced, renamed from NAME.part to NAME, folder fsynced. Here
// the case store's createCase is watched: when it is called, every recording
// id it is given must be a finished file (final name, no NAME.part beside
// it, a WAV whose header matches its data) — whether the caller pressed # or
// hung up in the middle of the message.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { harness, type Harness, fileComplaint } from './_harness.ts';

let h: Harness;
const seen: Array<{ id: string; problem: string | null }> = [];

function problemWith(file: string): string | null {
  if (!existsSync(file)) return 'missing';
  if (existsSync(`${file}.part`)) return 'still being written (NAME.part exists)';
  const b = readFileSync(file);
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') return 'not a WAV';
  if (b.readUInt32LE(4) + 8 !== b.length && b.readUInt32LE(4) + 9 !== b.length) return `RIFF size ${b.readUInt32LE(4)} for ${b.length} bytes`;
  const at = b.indexOf('data', 12, 'latin1');
  const size = b.readUInt32LE(at + 4);
  if (at + 8 + size !== b.length && at + 9 + size !== b.length) return `data size ${size} for ${b.length - at - 8} bytes`;
  return null;
}

test.before(async () => {
  h = await harness();
  const store = h.engine.store;
  const create = store.createCase.bind(store);
  store.createCase = async (input) => {
    for (const id of input.recordingIds ?? []) seen.push({ id, problem: problemWith(join(h.engine.dataDir, id)) });
    return create(input);
  };
});

test.after(async () => {
  await h.close();
});

test('a complaint ended with #: the case is created after the recording is finished', async () => {
  const speech = h.engine.prompts.file('zh', 'caller_complaint');
  const before = seen.length;
  const { calls } = await h.call((c) => fileComplaint(c, speech));
  assert.is(calls[0].caseNumbers.length, 1, 'a case was made');
  assert.is(seen.length - before, 1, 'one recording referenced');
  assert.equal(seen.slice(before), [{ id: seen[before].id, problem: null }]);
});

test('a caller hanging up in the middle of the message: the case still waits for the finished file', async () => {
  const speech = h.engine.prompts.file('zh', 'caller_complaint');
  const before = seen.length;
  const { calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('2');
    await c.hear();
    await c.press('1');
    await c.hear();
    await c.speak(speech);
  });
  assert.is(calls[0].caseNumbers.length, 1, `a case was made from the message left (${calls[0].path.join('>')})`);
  assert.is(seen.length - before, 1, 'one recording referenced');
  assert.equal(seen.slice(before), [{ id: seen[before].id, problem: null }]);
});

test.run();
