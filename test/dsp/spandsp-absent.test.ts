// SpanDSP is a yardstick only: where libspandsp cannot be loaded, the DSP
// benchmark says so in one line and prints every figure of ours.
// (HL_SPANDSP_LIB names a file that does not exist, so this runs the absent
// case on a machine that has libspandsp; test/native's dtmf_test_without_spandsp
// does the same for the native DTMF test.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function bench(env: Record<string, string>, extra: string[] = []): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'src/cli/bin.js'), 'bench', 'dsp', '--seconds', '0.05', '--channels', '4', ...extra], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('bench dsp without libspandsp: one line says so, our figures are all there', () => {
  const r = bench({ HL_SPANDSP_LIB: '/nonexistent/libspandsp.so.2' });
  assert.is(r.status, 0, r.err);
  const sp = r.out.split('\n').filter((l) => /spandsp/i.test(l));
  assert.is(sp.length, 1, r.out);
  assert.match(sp[0], /SpanDSP absent \(\/nonexistent\/libspandsp\.so\.2 cannot be loaded; apt-get install libspandsp-dev\)/);
  for (const part of ['(a) rx path', '(b) DTMF alone', '(d) G.711 A-law', 'digits found per channel']) assert.ok(r.out.includes(part), `no '${part}' in:\n${r.out}`);
  assert.not.match(r.out, /n\/a/);
  const j = JSON.parse(bench({ HL_SPANDSP_LIB: '/nonexistent/libspandsp.so.2' }, ['--json']).out) as Record<string, unknown>;
  assert.is(j.spandsp_channels_per_core, null);
  assert.ok((j.rx_channels_per_core as number) > 0);
});

test.run();
