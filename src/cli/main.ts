// Dispatch `hotline <command> …` to src/cli/commands/<command>.ts. Each command
// module exports `run(args: string[]): Promise<number>` (the exit status) and a
// one-line `summary` for the help text; commands built on src/cli/args.ts
// answer `--help` from their option table.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { refuse } from './args.ts';
import { cliError } from './errors.ts';

export interface CommandModule {
  summary: string;
  run(args: string[]): Promise<number>;
}

const here = dirname(fileURLToPath(import.meta.url));
const commandsDir = join(here, 'commands');

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<CommandModule> {
  return (await import(pathToFileURL(join(commandsDir, `${name}.ts`)).href)) as CommandModule;
}

/** The version in package.json, the one `npm install` installed. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(join(here, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function help(out: NodeJS.WritableStream): Promise<void> {
  const lines = ['usage: hotline <command> [options]', '       hotline help <command> [subcommand]', '       hotline --version', '', 'commands:'];
  for (const name of commandNames()) {
    const mod = await load(name);
    lines.push(`  ${name.padEnd(10)} ${mod.summary}`);
  }
  lines.push('', "run 'hotline <command> --help' for the options of each command");
  out.write(lines.join('\n') + '\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      await help(process.stderr);
      return 2;
    }
    if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
      await help(process.stdout);
      return 0;
    }
    if (name === '--version' || name === '-V') {
      if (rest.length > 0) throw cliError('CLI_EXTRA_ARGUMENT', `hotline --version takes no arguments; '${rest[0]}' is one too many`);
      process.stdout.write(`hotline ${version()}\n`);
      return 0;
    }
    // `hotline help CMD [SUB…]` is `hotline CMD [SUB…] --help`.
    const [cmd, args] = name === 'help' ? [rest[0], [...rest.slice(1), '--help']] : [name, rest];
    if (!commandNames().includes(cmd)) {
      const what = cmd.startsWith('-') ? `hotline has no option '${cmd}' (options go after the command)` : `there is no command '${cmd}'`;
      throw cliError('CLI_UNKNOWN_COMMAND', `${what}; run 'hotline --help' for the list`, { command: cmd });
    }
    return await (await load(cmd)).run(args);
  } catch (e) {
    return refuse('hotline', e);
  }
}
