#!/usr/bin/env node
// Native builds of the plain C/C++ core with CMake (no Node in them):
//   node native/build.mjs test [ctest args…]   ASan+UBSan build, then ctest; then the
//                                              same tests in a ThreadSanitizer build
//   node native/build.mjs fuzz [seconds]       clang libFuzzer build, run each target
// HL_NATIVE_SAN=address|thread runs one of the two test builds only (default both).
// Build folders: build/native-asan, build/native-tsan, build/native-fuzz
// (HL_NATIVE_BUILD=<folder> overrides; a test run adds -asan / -tsan to it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jobs = String(Number(process.env.HL_NATIVE_JOBS ?? 2));

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    process.stderr.write(`native/build: '${cmd} ${args.join(' ')}' exited ${r.status ?? r.signal}\n`);
    process.exit(r.status ?? 1);
  }
}

// Plain CMake (the project needs no Node headers), with Ninja when it is
// installed: nothing is downloaded (cmake-js would fetch Node's headers from
// nodejs.org first).
function configureAndBuild(out, defs, env = process.env) {
  mkdirSync(out, { recursive: true });
  const ninja = spawnSync('ninja', ['--version'], { stdio: 'ignore' }).status === 0;
  sh('cmake', ['-S', 'native', '-B', out, ...(ninja ? ['-G', 'Ninja'] : []), ...defs.map((d) => `-D${d}`)], { env });
  sh('cmake', ['--build', out, '--parallel', jobs], { env });
}

const [mode = 'test', ...rest] = process.argv.slice(2);
// Sanitizer runtime options: stop at the first report, so ctest sees a failure.
const SANITIZERS = {
  address: {
    dir: 'native-asan',
    env: { ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  },
  thread: {
    dir: 'native-tsan',
    env: { TSAN_OPTIONS: 'halt_on_error=1:second_deadlock_stack=1:exitcode=66' },
  },
};

if (mode === 'test') {
  const which = process.env.HL_NATIVE_SAN ? [process.env.HL_NATIVE_SAN] : ['address', 'thread'];
  for (const san of which) {
    const cfg = SANITIZERS[san];
    if (!cfg) {
      process.stderr.write(`native/build: HL_NATIVE_SAN must be address or thread, not '${san}'\n`);
      process.exit(2);
    }
    const out = process.env.HL_NATIVE_BUILD ? `${process.env.HL_NATIVE_BUILD}-${cfg.dir.slice(7)}` : join(root, 'build', cfg.dir);
    process.stdout.write(`== native tests under ${san === 'address' ? 'AddressSanitizer + UBSan' : 'ThreadSanitizer'} (${out})\n`);
    configureAndBuild(out, [`HL_SANITIZE=${san}`, 'HL_FUZZ=OFF']);
    sh('ctest', ['--test-dir', out, '--output-on-failure', '-j', jobs, ...rest], { env: { ...process.env, ...cfg.env } });
  }
} else if (mode === 'fuzz') {
  const seconds = Number(rest[0] ?? 60);
  const out = process.env.HL_NATIVE_BUILD ?? join(root, 'build', 'native-fuzz');
  configureAndBuild(out, ['HL_SANITIZE=OFF', 'HL_FUZZ=ON', 'CMAKE_C_COMPILER=clang', 'CMAKE_CXX_COMPILER=clang++']);
  const targets = readdirSync(out).filter((f) => f.endsWith('_fuzz'));
  for (const t of targets) {
    const corpus = join(root, 'test', 'native', 'fuzz', `corpus-${t.replace(/_fuzz$/, '')}`);
    const seeds = join(root, 'test', 'native', 'fuzz', 'seeds', t.replace(/_fuzz$/, ''));
    mkdirSync(corpus, { recursive: true });
    const dirs = [corpus, ...(existsSync(seeds) ? [seeds] : [])];
    process.stdout.write(`== ${t}: ${seconds} s\n`);
    sh(join(out, t), [`-max_total_time=${seconds}`, '-print_final_stats=1', ...dirs]);
  }
} else {
  process.stderr.write(`native/build: unknown mode '${mode}' (test, fuzz)\n`);
  process.exit(2);
}
