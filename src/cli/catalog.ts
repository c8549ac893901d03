// Every error catalog of the engine in one list (code, sentence, layer), in
// layer order from the bottom up: the native table first. Used by
// `docs/errors.md` (generated) and the catalog test; the CLI is the one
// layer that may import every other.
import type { ErrorRow } from '../errors.ts';
import { NATIVE_ERRORS } from '../addon.ts';
import { BOARD_ERRORS } from '../board/errors.ts';
import { DSP_CATALOG } from '../dsp/errors.ts';
import { TTS_CATALOG } from '../tts/errors.ts';
import { CALL_CATALOG } from '../calls/errors.ts';
import { CASE_CATALOG } from '../cases/errors.ts';
import { REC_CATALOG } from '../recording/errors.ts';
import { IVR_CATALOG } from '../ivr/errors.ts';
import { ACD_CATALOG } from '../acd/errors.ts';
import { SEAT_CATALOG } from '../seats/errors.ts';
import { CLI_CATALOG } from './errors.ts';

export const CATALOGS = [NATIVE_ERRORS, BOARD_ERRORS, DSP_CATALOG, TTS_CATALOG, CALL_CATALOG, CASE_CATALOG, REC_CATALOG, IVR_CATALOG, ACD_CATALOG, SEAT_CATALOG, CLI_CATALOG] as const;

export function allErrorRows(): ErrorRow[] {
  return CATALOGS.flatMap((c) => c.rows);
}

const LAYER_TEXT: Record<string, string> = {
  native: 'native engine (native/include/hl_errors.def)',
  board: 'board (src/board)',
  dsp: 'DSP (src/dsp)',
  tts: 'speech synthesis (src/tts)',
  calls: 'call core (src/calls)',
  cases: 'case store (src/cases)',
  recording: 'recordings (src/recording)',
  ivr: 'IVR (src/ivr)',
  acd: 'ACD (src/acd)',
  seats: 'seat server (src/seats)',
  cli: 'command line (src/cli)',
};

/** docs/errors.md: every code with its layer and sentence, generated from
 * the catalogs (`hotline errors --markdown > docs/errors.md`). */
export function errorsMarkdown(): string {
  const out = [
    '# Error codes',
    '',
    'Generated from the error catalogs by `hotline errors --markdown > docs/errors.md`;',
    'test/error-catalog.test.ts fails when this page is out of date. Every error the',
    'engine raises on purpose carries one of these codes (stable: a code is never',
    'reused for a new meaning) and a message that names the file, field or value;',
    'the sentence here says what the code means and what to do.',
    '`hotline errors CODE` prints one row.',
  ];
  for (const c of CATALOGS) {
    out.push('', `## ${LAYER_TEXT[c.layer] ?? c.layer}`, '', '| code | meaning and what to do |', '|---|---|');
    for (const r of c.rows) out.push(`| \`${r.code}\` | ${r.sentence.replace(/\|/g, '\\|')} |`);
  }
  return `${out.join('\n')}\n`;
}
