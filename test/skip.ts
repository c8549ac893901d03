// Skipping a test: only with a reason a reader can act on (what is missing
// and how to get it). test/run.mjs counts skips (`N passed, N failed,
// N skipped`) and prints each reason on its own line; .ci/run fails on any
// skip, so CI always runs the whole suite. A bare `test.skip` has no reason
// and is reported as such.
import { test as uvuTest } from 'uvu';

/** The line test/run.mjs looks for (one per skipped test, on stdout). */
export const SKIP_MARK = '[test/run skip]';

type Register = typeof uvuTest;

/** Registers `name` as skipped, saying why. `t` is the uvu test or suite it belongs to. */
export function skipTest(name: string, reason: string, t: Register = uvuTest): void {
  process.stdout.write(`${SKIP_MARK} ${name}: ${reason.replace(/\s+/g, ' ')}\n`);
  t.skip(name, () => {});
}

/** `t(name, fn)` when `missing` is null; otherwise the test is skipped with `missing` as the reason. */
export function testUnless(missing: string | null, name: string, fn: () => unknown, t: Register = uvuTest): void {
  if (missing === null) t(name, fn as () => void);
  else skipTest(name, missing, t);
}
