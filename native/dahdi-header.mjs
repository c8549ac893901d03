#!/usr/bin/env node
// DAHDI's user-space header (dahdi/user.h + the dahdi_config.h it includes)
// for the DAHDI driver and the userspace DAHDI test fixture. Debian ships it
// only inside the kernel-module source tarball of `dahdi-source`
// (/usr/src/dahdi.tar.bz2); it is unpacked at build time into build/, never
// copied into the repository.
//
//   node native/dahdi-header.mjs          prints the include folder (for binding.gyp
//                                         and CMake), or nothing when the header is
//                                         absent (the driver then builds as a stub
//                                         that refuses with HL_EDAHDI_ABSENT and says why)
//   node native/dahdi-header.mjs --why    prints why it is absent, or nothing
// HL_DAHDI_TARBALL overrides the tarball path (tests of the "absent" case).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL = process.env.HL_DAHDI_TARBALL ?? '/usr/src/dahdi.tar.bz2';
const MEMBERS = ['modules/dahdi/include/dahdi/user.h', 'modules/dahdi/include/dahdi/dahdi_config.h'];

export const ABSENT_REASON = `DAHDI's user header is absent (${TARBALL} not found): apt-get install dahdi-source`;

/** The folder holding dahdi/user.h, unpacked when needed; null when dahdi-source is absent. */
export function dahdiInclude() {
  if (!existsSync(TARBALL)) return null;
  const out = join(root, 'build', 'dahdi-include');
  const inc = join(out, 'modules', 'dahdi', 'include');
  const header = join(inc, 'dahdi', 'user.h');
  if (!existsSync(header) || statSync(header).mtimeMs < statSync(TARBALL).mtimeMs) {
    mkdirSync(out, { recursive: true });
    const r = spawnSync('tar', ['-xjf', TARBALL, '-C', out, ...MEMBERS], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0 || !existsSync(header)) {
      process.stderr.write(`native/dahdi-header: could not unpack ${MEMBERS[0]} from ${TARBALL}: ${String(r.stderr ?? '').trim()}\n`);
      return null;
    }
  }
  return inc;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const inc = dahdiInclude();
  if (process.argv.includes('--why')) process.stdout.write(inc ? '' : `${ABSENT_REASON}\n`);
  else {
    if (!inc) process.stderr.write(`native/dahdi-header: ${ABSENT_REASON}; the DAHDI driver is built as a stub that refuses to open\n`);
    // gyp's include_dirs needs a word: a folder that exists and holds nothing when absent.
    process.stdout.write(inc ?? join(root, 'native', 'include'));
  }
}
