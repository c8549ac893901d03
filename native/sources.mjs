#!/usr/bin/env node
// The one list of native sources. binding.gyp (node-gyp) and native/CMakeLists.txt
// (cmake-js: tests, sanitizers, fuzzers) both ask this script, so a file added to a
// layer folder is built by both without editing either build file.
//
//   node native/sources.mjs core    plain C/C++ (dsp, board, drivers, signalling)
//   node native/sources.mjs addon   N-API binding files only
//   --cmake  prints ';'-separated absolute paths (a CMake list); default: one per line,
//            relative to the project root (what gyp expects).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const LAYERS = {
  core: ['dsp', 'board', 'drivers', 'signalling'],
  addon: ['addon'],
};
const SOURCE = /\.(c|cc|cpp)$/;

function walk(dir) {
  let out = [];
  let names;
  try { names = readdirSync(dir).sort(); } catch { return out; }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (SOURCE.test(name)) out.push(p);
  }
  return out;
}

export function sources(kind) {
  const layers = LAYERS[kind];
  if (!layers) throw new Error(`unknown source set '${kind}' (core, addon)`);
  return layers.flatMap((l) => walk(join(here, l)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2] ?? 'core';
  const files = sources(kind);
  if (process.argv.includes('--cmake')) process.stdout.write(files.join(';'));
  else process.stdout.write(files.map((f) => relative(root, f)).join('\n') + '\n');
}
