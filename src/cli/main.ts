// Dispatch `hotline <command> …` to src/cli/commands/<command>.ts. Each command
// module exports `run(args: string[]): Promise<number>` (the exit status) and a
// one-line `summary` for the help text.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CommandModule {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<CommandModule> {
  return (await import(pathToFileURL(join(commandsDir, `${name}.ts`)).href)) as CommandModule;
}

async function help(): Promise<void> {
  const lines = ['usage: hotline <command> [options]', '', 'commands:'];
  for (const name of commandNames()) {
    const mod = await load(name);
    lines.push(`  ${name.padEnd(10)} ${mod.summary}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help();
    return name ? 0 : 2;
  }
  if (!commandNames().includes(name)) {
    process.stderr.write(`hotline: CLI_UNKNOWN_COMMAND: there is no command '${name}'; run 'hotline --help' for the list\n`);
    return 2;
  }
  return (await load(name)).run(rest);
}
