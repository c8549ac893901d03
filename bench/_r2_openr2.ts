// The libopenr2 interop run of China No.1 (test/interop/r2_openr2.c): our
// signalling/r2 against libopenr2's CN variant over the userspace DAHDI of
// issue 13, in one process. Used by test/interop/openr2.test.ts and by
// `npm run bench -- r2 --openr2`. Needs: the userspace DAHDI
// (test/dahdi/emu.ts, branch dahdi), DAHDI's header (dahdi-source),
// libopenr2 (libopenr2-dev) and a C compiler; openr2Missing() says which is
// absent, in a sentence a technician can act on.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'build', 'r2-interop', 'r2_openr2');
const SOURCES = [
  'test/interop/r2_openr2.c',
  'native/signalling/r2.c',
  'native/signalling/r2_variant.c',
  'native/dsp/mf_r2.c',
  'native/dsp/g711.c',
  'native/board/errors.c',
].map((f) => join(root, f));

/** One direction's calls, in turn: cleared by the caller, cleared back by the called party, refused busy, refused vacant. */
export interface Openr2Way {
  calls: number;
  /** Calls that ended as their scenario asked (answered and cleared, or refused with the right cause at both ends). */
  as_intended: number;
  failed: number;
  /** Calls whose called number did not reach the called end whole (on our calls also: libopenr2 reported no category, or not the calling number we sent). */
  numbers_wrong: number;
  /** Our calls on which libopenr2 reported the calling number (ANI) we sent; 0 the other way (libopenr2's CN variant sends none). */
  ani_as_sent: number;
  clear_forward: number;
  clear_back: number;
  busy: number;
  vacant: number;
}

export interface Openr2Result {
  openr2_calls: number;
  openr2_failed_calls: number;
  ours_to_openr2: Openr2Way;
  openr2_to_ours: Openr2Way;
  /** The category libopenr2 reported for our calls (KA 1, KD 3), by its name. */
  openr2_categories: Record<string, number>;
  /** Both ends seizing every circuit at once (see r2_openr2.c: libopenr2's CN variant takes our seizure for a forced release). */
  glare: { circuits: number; ours_gave_way: number; answered: number; openr2_not_idle: number; our_causes: Record<string, number> };
  stuck_channels: number;
  line_seconds: number;
  causes: Record<string, number>;
}

interface Emu {
  EMU_LIB: string;
  buildEmu(): string | null;
}

async function emu(): Promise<Emu | string> {
  const file = join(root, 'test', 'dahdi', 'emu.ts');
  if (!existsSync(file)) return 'the userspace DAHDI of issue 13 (test/dahdi/emu.ts, branch dahdi) is not in this tree: merge it first';
  return (await import(pathToFileURL(file).href)) as Emu;
}

/** Builds the interop program; returns the emulation, or why it cannot run here. */
export async function openr2Prepare(): Promise<{ lib: string } | { missing: string }> {
  const e = await emu();
  if (typeof e === 'string') return { missing: e };
  const why = e.buildEmu();
  if (why) return { missing: why };
  if (!existsSync('/usr/include/openr2.h')) return { missing: 'libopenr2 is absent (/usr/include/openr2.h): apt-get install libopenr2-dev' };
  const { dahdiInclude } = (await import(pathToFileURL(join(root, 'native', 'dahdi-header.mjs')).href)) as { dahdiInclude(): string | null };
  const inc = dahdiInclude();
  if (!inc) return { missing: "DAHDI's user header is absent: apt-get install dahdi-source" };
  const fresh = existsSync(BIN) && SOURCES.every((s) => statSync(s).mtimeMs <= statSync(BIN).mtimeMs);
  if (!fresh) {
    mkdirSync(dirname(BIN), { recursive: true });
    try {
      execFileSync('cc', ['-O2', '-I', inc, '-I', join(root, 'native'), '-I', join(root, 'native', 'include'), '-o', BIN, ...SOURCES, '-lopenr2', '-lm', '-ldl'], { stdio: 'pipe' });
    } catch (err) {
      return { missing: `the libopenr2 interop program does not build: ${(err as Error).message.split('\n').slice(0, 4).join(' ')}` };
    }
  }
  return { lib: e.EMU_LIB };
}

/** Runs `perWay` calls each way on `circuits` circuits (paced at real time: libopenr2 times on the wall clock). */
export function openr2Run(lib: string, perWay: number, circuits = 30): Openr2Result {
  const r = spawnSync(BIN, [String(perWay), String(circuits)], {
    env: { ...process.env, LD_PRELOAD: lib, HL_DAHDI_EMU: 'spans=2 cable=1-2 clock=virtual' },
    encoding: 'utf8',
    timeout: 30 * 60 * 1000,
  });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Openr2Result;
  } catch {
    throw new Error(`the libopenr2 interop run printed no result (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').split('\n').slice(-5).join(' ')}`);
  }
}
