// The userspace DAHDI (test/dahdi/emu/dahdi_emu.c) for tests: built once per
// machine into build/dahdi-emu with the system C compiler against the header
// native/dahdi-header.mjs unpacks from Debian's dahdi-source, then loaded by
// LD_PRELOAD into a child process. A test file calls runUnderEmu(config) first:
// in the parent it re-runs the file under the emulation and exits with the
// child's status (its uvu output is the file's); in the child it returns and
// the file's tests run against /dev/dahdi. Without dahdi-source, or without a
// C compiler, it returns a reason instead, for skipTest.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dahdiInclude, ABSENT_REASON } from '../../native/dahdi-header.mjs';
import { addon } from '../../src/addon.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EMU_DIR = join(root, 'test', 'dahdi', 'emu');
const SRC = [join(EMU_DIR, 'dahdi_emu.c'), join(EMU_DIR, 'emu_ioctl.c'), join(EMU_DIR, 'emu_line.c')];
export const EMU_LIB = join(root, 'build', 'dahdi-emu', 'libhl_dahdi_emu.so');

/** Builds the emulation library; returns null, or why it cannot be built. */
export function buildEmu(): string | null {
  const inc = dahdiInclude();
  if (!inc) return ABSENT_REASON;
  const deps = [...SRC, join(EMU_DIR, 'emu.h'), join(root, 'native', 'drivers', 'dahdi', 'emu_ioctl.h')];
  if (existsSync(EMU_LIB) && deps.every((d) => statSync(d).mtimeMs <= statSync(EMU_LIB).mtimeMs)) return null;
  mkdirSync(dirname(EMU_LIB), { recursive: true });
  const errors: string[] = [];
  for (const [cc, pre] of [['cc', []], ['gcc', []], ['g++', ['-x', 'c']]] as Array<[string, string[]]>) {
    try {
      execFileSync(cc, [...pre, '-shared', '-fPIC', '-O2', '-I', inc, '-I', join(root, 'native'), '-o', EMU_LIB, ...SRC, '-ldl', '-lpthread'], { stdio: 'pipe' });
      return null;
    } catch (e) {
      errors.push(`${cc}: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
    }
  }
  return `no C compiler could build the userspace DAHDI: ${errors.join('; ')}`;
}

/** Why the DAHDI driver cannot be tested here, or null. */
export function dahdiMissing(): string | null {
  const why = buildEmu();
  if (why) return why;
  const probe = (addon as { dahdiAvailable?: () => string }).dahdiAvailable;
  const absent = probe ? probe() : 'the addon has no dahdiAvailable(): rebuild it (npm run build)';
  return absent || null;
}

export function underEmu(): boolean {
  return (process.env.LD_PRELOAD ?? '').includes('libhl_dahdi_emu');
}

/**
 * In the parent: re-runs `file` under the emulation (HL_DAHDI_EMU = config,
 * extra env) and exits with its status. In the emulated child: returns null.
 * Returns the reason when the emulation cannot run here (the caller skips).
 */
export function runUnderEmu(file: string, config: string, env: Record<string, string> = {}): string | null {
  if (underEmu()) return null;
  const missing = dahdiMissing();
  if (missing) return missing;
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
    stdio: 'inherit',
    env: { ...process.env, ...env, LD_PRELOAD: EMU_LIB, HL_DAHDI_EMU: config },
    timeout: 14 * 60 * 1000,
  });
  process.exit(r.status ?? 1);
}
