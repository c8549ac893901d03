// `hotline errors [CODE…] [--json|--markdown]`: the error catalog, so a
// technician can look up a code seen in a log (docs/errors.md is this
// command's --markdown output).
import { defineCommand, flag, refuse, runCommand } from '../args.ts';
import { allErrorRows, errorsMarkdown } from '../catalog.ts';
import { cliError } from '../errors.ts';

export const summary = 'look up error codes: what each means and what to do (all, or the codes named)';

const errorsCommand = defineCommand({
  name: 'hotline errors',
  summary: 'Print the error catalog: every code the engine raises, its layer, and the sentence that says what it means and what to do. Name codes to print only those; an unknown code exits 2.',
  options: {
    json: flag('print one JSON object per code: { code, layer, sentence }'),
    markdown: flag('print the catalog as the docs/errors.md page'),
  },
  positionals: [{ name: 'CODE', description: 'codes to look up (case-insensitive)', variadic: true }],
  run: async ({ values, positionals }) => {
    if (values.markdown) {
      if (positionals.length || values.json) return refuse('hotline errors', cliError('CLI_BAD_VALUE', '--markdown prints the whole catalog; it takes no codes and no --json'));
      process.stdout.write(errorsMarkdown());
      return 0;
    }
    const rows = allErrorRows();
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const wanted = positionals.map((p) => p.toUpperCase());
    const unknown = wanted.filter((c) => !byCode.has(c));
    if (unknown.length) return refuse('hotline errors', cliError('CLI_BAD_VALUE', `no error code ${unknown.join(', ')} in the catalog; run 'hotline errors' for the list`));
    const shown = wanted.length ? wanted.map((c) => byCode.get(c)!) : rows;
    for (const r of shown) process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `${r.code.padEnd(27)} ${r.layer.padEnd(7)} ${r.sentence}\n`);
    return 0;
  },
});

export const run = (args: string[]): Promise<number> => runCommand(errorsCommand, args);
