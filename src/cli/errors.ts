// The command line's error catalog. Every refusal of `hotline …` prints
// `hotline CMD: CODE: message` on stderr and exits 2; codes are stable.
import { defineErrors, type HotlineError } from '../errors.ts';

export const CLI_CATALOG = defineErrors('cli', {
  CLI_UNKNOWN_COMMAND: 'there is no such command; run `hotline --help` for the list',
  CLI_UNKNOWN_SUBCOMMAND: 'the command has no such subcommand; run `hotline help CMD` for the list',
  CLI_UNKNOWN_OPTION: 'the command has no such option; run `hotline CMD --help` for its options',
  CLI_MISSING_VALUE: 'the option needs a value (write --name VALUE, or --name=VALUE when the value starts with -)',
  CLI_BAD_VALUE: 'an option or argument has a malformed or out-of-range value; the message says what it takes',
  CLI_EXTRA_ARGUMENT: 'the command got an argument it does not take; run `hotline CMD --help`',
  CLI_MISSING_ARGUMENT: 'a required argument is missing; run `hotline CMD --help`',
  CLI_UNKNOWN_BENCHMARK: 'there is no such benchmark; `hotline bench --help` lists them',
  CLI_BENCH_NOT_BUILT: 'the native addon lacks the benchmark part; run `npm run build` first',
  CLI_CALL_UNFINISHED: '`hotline call` hung up but the engine did not finish the call (its record or case) in time; check the data folder\'s disk',
  CLI_DIAG_NO_FAR_END: 'the loopback and digit tests need a far end that loops the line; this board has none we control (a sim profile with a network side, or the userspace DAHDI); on a card, ask the far end for a test loop',
  CLI_DIAG_CHANNEL_BUSY: 'the channel is in a call; `hotline diag` tests only idle channels: pick another or wait until it is idle',
  CLI_DIAG_NO_R2: '`hotline diag r2` needs a board with China No.1 spans ("signalling": "china-no1" in the profile); use `hotline diag spans` for plain CAS spans',
  CLI_INTERNAL: 'unexpected failure in the command (a bug: please report it with the command line and this message)',
  CASES_EXPORT_FAILED: 'the export file could not be written; check the --out path and free disk space',
});

export type CliErrorCode = keyof typeof CLI_CATALOG.sentences;

/** A refusal of the command line: the message names the option, the value
 * and what it takes (the catalog sentence is the generic one, docs/errors.md). */
export function cliError(code: CliErrorCode, detail: string, info?: Record<string, unknown>): HotlineError {
  return CLI_CATALOG.make(code, detail, info);
}
