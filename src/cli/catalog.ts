// Every error catalog of the engine in one list (code, sentence, layer), in
// layer order from the bottom up: the native table first. Used by
// `docs/errors.md` (generated) and the catalog test; the CLI is the one
// layer that may import every other.
import type { ErrorRow } from '../errors.ts';
import { NATIVE_ERRORS } from '../addon.ts';
import { BOARD_ERRORS } from '../board/errors.ts';
import { DSP_CATALOG } from '../dsp/errors.ts';
import { CALL_CATALOG } from '../calls/errors.ts';
import { CASE_CATALOG } from '../cases/errors.ts';
import { IVR_CATALOG } from '../ivr/errors.ts';
import { CLI_CATALOG } from './errors.ts';

export const CATALOGS = [NATIVE_ERRORS, BOARD_ERRORS, DSP_CATALOG, CALL_CATALOG, CASE_CATALOG, IVR_CATALOG, CLI_CATALOG] as const;

export function allErrorRows(): ErrorRow[] {
  return CATALOGS.flatMap((c) => c.rows);
}
