// `hotline start`: until the engine lands (issue 5) this is a self-check of the
// native addon: it loads, and its error table is whole.
import { addon } from '../../addon.ts';

export const summary = 'start the hotline engine';

export async function run(_args: string[]): Promise<number> {
  const parts = addon.parts.length ? addon.parts.join(', ') : '(none yet)';
  process.stdout.write(`hotline: native addon loaded; parts: ${parts}; ${addon.errors.length} error codes\n`);
  return 0;
}
