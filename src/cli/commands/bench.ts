// `hotline bench NAME [--json] [options]`: runs bench/NAME.ts. A scenario module
// exports a one-line `summary` and `command` (a src/cli/args.ts Command:
// options checked, `--help` generated).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { refuse, runCommand, type Command } from '../args.ts';
import { cliError } from '../errors.ts';

export const summary = 'measure the engine: hotline bench <scenario> [--json]';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench');

interface Scenario {
  summary: string;
  command: Command<any>;
}

function scenarios(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

const load = async (name: string) => (await import(pathToFileURL(join(benchDir, `${name}.ts`)).href)) as Scenario;

async function listing(): Promise<string> {
  const lines = ['usage: hotline bench <scenario> [--json] [options]', '', 'Measure the engine; figures go to stdout (--json: one JSON object).', '', 'scenarios:'];
  for (const n of scenarios()) lines.push(`  ${n.padEnd(8)} ${(await load(n)).summary}`);
  lines.push('', "run 'hotline bench <scenario> --help' for its options");
  return `${lines.join('\n')}\n`;
}

export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h') {
    process.stdout.write(await listing());
    return 0;
  }
  const known = scenarios();
  if (!name || !known.includes(name)) {
    const what = name ? `there is no benchmark '${name}'` : 'name a benchmark';
    return refuse('hotline bench', cliError('CLI_UNKNOWN_BENCHMARK', `${what}; known: ${known.join(', ') || '(none yet)'}`, { benchmark: name }));
  }
  return runCommand((await load(name)).command, rest);
}
