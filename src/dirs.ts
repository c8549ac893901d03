// Making a folder and its missing parents without fs.mkdirSync's recursive
// mode, which spins for ever where mkdir gives ENOENT for a parent that exists
// (procfs: `--data /proc/x`). One level at a time, from the deepest folder
// that exists; the failing path and its errno code ride on the thrown error,
// which each layer turns into its own catalog code.

import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface DirError extends Error {
  /** Errno code (ENOENT, EACCES, ...) or ENOTDIR when a path on the way is a file. */
  code: string;
  /** The path that failed. */
  at: string;
}

function dirError(code: string, at: string, message: string): DirError {
  return Object.assign(new Error(message), { code, at });
}

/** Makes `dir` and its missing parents; throws a DirError naming the path that failed. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    let st;
    try {
      st = statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      // ENOTDIR: a parent is a file; the walk up finds which one.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw dirError(code, d, `${d} gives ${code}`);
      missing.push(d);
      if (dirname(d) === d) break;
      continue;
    }
    if (!st.isDirectory()) throw dirError('ENOTDIR', d, `${d} is a file, not a folder`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      if (code !== 'EEXIST') throw dirError(code, d, `mkdir ${d} gives ${code}`);
    }
  }
}
