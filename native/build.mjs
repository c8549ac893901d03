#!/usr/bin/env node
// Native builds of the plain C/C++ core through cmake-js (no Node in them):
//   node native/build.mjs test [ctest args…]   ASan+UBSan build, then ctest
//   node native/build.mjs fuzz [seconds]       clang libFuzzer build, run each target
// Build folders: build/native-asan, build/native-fuzz (HL_NATIVE_BUILD overrides).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
const jobs = String(Number(process.env.HL_NATIVE_JOBS ?? 2));

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    process.stderr.write(`native/build: '${cmd} ${args.join(' ')}' exited ${r.status ?? r.signal}\n`);
    process.exit(r.status ?? 1);
  }
}

function configureAndBuild(out, defs, env = process.env) {
  mkdirSync(out, { recursive: true });
  sh(process.execPath, [cmakeJs, 'compile', '-d', 'native', '-O', out, '--parallel', jobs, ...defs.map((d) => `--CD${d}`)], { env });
}

const [mode = 'test', ...rest] = process.argv.slice(2);
if (mode === 'test') {
  const out = process.env.HL_NATIVE_BUILD ?? join(root, 'build', 'native-asan');
  configureAndBuild(out, ['HL_SANITIZE=ON', 'HL_FUZZ=OFF']);
  sh('ctest', ['--test-dir', out, '--output-on-failure', '-j', jobs, ...rest], {
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
  });
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
