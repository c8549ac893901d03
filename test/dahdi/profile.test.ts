// DAHDI board profiles: span numbers and base channels as system.conf and
// dahdi_scan number them, defaults for E1 spans that follow each other, and
// T1 and analog spans with their widths and laws, refusals with the JSON pointer of the fault (no DAHDI needed). Also what
// the build says when Debian's dahdi-source is absent.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dahdiChannels, loadProfile, validateProfile } from '../../src/board/profile.ts';

const invalid = (raw: unknown): string => {
  try {
    validateProfile(raw);
  } catch (e) {
    assert.is((e as { code?: string }).code, 'BOARD_PROFILE_INVALID');
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
};

// [span, basechan, kind (0 E1, 1 T1, 2 FXS, 3 FXO), channels, law (0 A, 1 mu)] per span (native/drivers/dahdi/dahdi.h).
test('defaults: span i+1, channels numbered on from 1 in steps of 31 (timeslot 16 counted)', () => {
  const p = validateProfile({ name: 'd', driver: 'dahdi', spans: [{ type: 'E1' }, { type: 'E1' }, { type: 'E1', dahdiSpan: 4, basechan: 94 }] });
  assert.equal(dahdiChannels(p.spans), [1, 1, 0, 31, 0, 2, 32, 0, 31, 0, 4, 94, 0, 31, 0]);
});

test('T1 (24 channels, mu-law by default) and analog ports (FXS, FXO, A-law by default) with their widths', () => {
  const t1 = validateProfile({ name: 't', driver: 'dahdi', spans: [{ type: 'T1' }, { type: 'T1', law: 'alaw', channels: 12 }] });
  assert.equal(dahdiChannels(t1.spans), [1, 1, 1, 24, 1, 2, 25, 1, 12, 0]);
  const analog = validateProfile({
    name: 'a', driver: 'dahdi',
    spans: [{ type: 'analog', role: 'fxs', ports: 4 }, { type: 'analog', role: 'fxo', ports: 4, dahdiSpan: 2, basechan: 5, law: 'mulaw' }],
  });
  assert.equal(dahdiChannels(analog.spans), [1, 1, 2, 4, 0, 2, 5, 3, 4, 1]);
  assert.match(invalid({ name: 't', driver: 'dahdi', spans: [{ type: 'T1', channels: 25 }] }), /#\/spans\/0\/channels: must be an integer from 1 to 24/);
  assert.match(invalid({ name: 't', driver: 'dahdi', spans: [{ type: 'T1', law: 'ulaw' }] }), /#\/spans\/0\/law: must be 'alaw'.*or 'mulaw'/);
  assert.match(invalid({ name: 't', driver: 'dahdi', spans: [{ type: 'T1', signalling: 'china-no1' }] }), /#\/spans\/0\/signalling: must be 'cas'/);
  assert.match(invalid({ name: 't', driver: 'dahdi', spans: [{ type: 'T1' }, { type: 'analog', role: 'fxo', ports: 4, basechan: 20 }] }), /channels 20-23 overlap profile span 0's 1-24/);
});

test('boards/dahdi-e1x2.json is valid and numbers its channels as its system.conf comment says', () => {
  const p = loadProfile(fileURLToPath(new URL('../../boards/dahdi-e1x2.json', import.meta.url)));
  assert.is(p.driver, 'dahdi');
  assert.equal(dahdiChannels(p.spans), [1, 1, 0, 31, 0, 2, 32, 0, 31, 0]);
});

test('refused: overlapping channels, a span twice, a network side, DAHDI fields on the sim', () => {
  assert.match(invalid({ name: 'd', driver: 'dahdi', spans: [{ type: 'E1' }, { type: 'E1', basechan: 20 }] }), /#\/spans\/1\/basechan: channels 20-50 overlap profile span 0's 1-31/);
  assert.match(invalid({ name: 'd', driver: 'dahdi', spans: [{ type: 'E1', dahdiSpan: 2 }, { type: 'E1', dahdiSpan: 2, basechan: 100 }] }), /#\/spans\/1\/dahdiSpan: DAHDI span 2 is already/);
  assert.match(invalid({ name: 'd', driver: 'dahdi', network: { type: 'loop' }, spans: [{ type: 'E1' }] }), /#\/network: a simulated network side is for the sim driver/);
  assert.match(invalid({ name: 'd', driver: 'sim', spans: [{ type: 'E1', dahdiSpan: 1 }] }), /#\/spans\/0: dahdiSpan and basechan are for driver 'dahdi'/);
  assert.match(invalid({ name: 'd', driver: 'dahdi', spans: [{ type: 'E1', dahdiSpan: 0 }] }), /#\/spans\/0\/dahdiSpan: must be a DAHDI span number/);
  assert.match(invalid({ name: 'd', driver: 'dahdi', spans: [{ type: 'E1', basechan: 1.5 }] }), /#\/spans\/0\/basechan: must be the DAHDI channel number/);
  assert.match(invalid({ name: 'd', driver: 'pcm', spans: [{ type: 'E1' }] }), /must be 'sim' or 'dahdi'/);
});

test('without dahdi-source the header script says so and names the package', () => {
  const script = fileURLToPath(new URL('../../native/dahdi-header.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, '--why'], { encoding: 'utf8', env: { ...process.env, HL_DAHDI_TARBALL: '/nonexistent/dahdi.tar.bz2' } });
  assert.is(r.status, 0);
  assert.match(r.stdout, /DAHDI's user header is absent \(\/nonexistent\/dahdi.tar.bz2 not found\): apt-get install dahdi-source/);
  const inc = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, HL_DAHDI_TARBALL: '/nonexistent/dahdi.tar.bz2' } });
  assert.match(inc.stderr, /the DAHDI driver is built as a stub/);
});

test.run();
