// Builds the LD_PRELOAD file-operation shim (shim.c) with whatever C compiler
// the machine has (cc, gcc, or g++ in C mode): the power-cut model test and
// the recording layer's disk-full test use it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/** Builds shim.c into `folder`/hlshim.so and returns its path. */
export function buildShim(folder: string): string {
  const out = join(folder, 'hlshim.so');
  const src = join(here, 'shim.c');
  const tries: Array<[string, string[]]> = [
    ['cc', []],
    ['gcc', []],
    ['g++', ['-x', 'c']],
  ];
  const errors: string[] = [];
  for (const [cc, pre] of tries) {
    try {
      execFileSync(cc, [...pre, '-shared', '-fPIC', '-O1', '-o', out, src, '-ldl'], { stdio: 'pipe' });
      return out;
    } catch (e) {
      errors.push(`${cc}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no C compiler could build the shim: ${errors.join('; ')}`);
}
