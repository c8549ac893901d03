// `hotline bench NAME [--json] [options]`: runs bench/NAME.ts. A scenario module
// exports `run(args: string[]): Promise<number>` and a one-line `summary`.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const summary = 'measure the engine: hotline bench <scenario> [--json]';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench');

function scenarios(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const known = scenarios();
  if (!name || !known.includes(name)) {
    const what = name ? `there is no benchmark '${name}'` : 'name a benchmark';
    process.stderr.write(`hotline bench: BENCH_UNKNOWN: ${what}; known: ${known.join(', ') || '(none yet)'}\n`);
    return 2;
  }
  const mod = (await import(pathToFileURL(join(benchDir, `${name}.ts`)).href)) as { run(a: string[]): Promise<number> };
  return mod.run(rest);
}
