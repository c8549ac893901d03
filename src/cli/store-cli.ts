// What `hotline cases` and `hotline report` share: the --dir / --config
// options, opening an EXISTING store (only `cases init` makes one), reading
// JSON input files as an operator saves them, and printing a store refusal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHotlineError } from '../errors.ts';
import { storeOptions } from '../cases/format.ts';
import { CaseErrors, caseError } from '../cases/errors.ts';
import { openCaseStore, type LmdbCaseStore } from '../cases/index.ts';
import { nearestField } from '../cases/validate.ts';
import { existingFile, option, text, type OptionSpec } from './args.ts';
import { cliError } from './errors.ts';

export const storeFlags = {
  dir: option(text(), 'the data folder (as `hotline start --data`), or a case store folder itself', { valueName: 'DATA', defaultText: '$HOTLINE_DATA or ./data' }),
  config: option(existingFile(), 'JSON file with { calendar, deadlines, categories } for this bureau', { valueName: 'FILE' }),
} satisfies Record<string, OptionSpec>;

export interface StoreFlags {
  dir?: string;
  config?: string;
}

/** The data folder recording ids are relative to, when --dir names one. */
export function dataDirOf(v: StoreFlags): string | undefined {
  return storeOptions(v.dir, v.config).dataDir;
}

/**
 * Opens the store --dir names. It must exist: a mistyped folder would
 * otherwise get a new, empty store whose daily sequence repeats the real
 * store's numbers. `init` passes create = true.
 */
export async function openStore(v: StoreFlags, how: { readOnly?: boolean; create?: boolean; checkRecordings?: boolean } = {}): Promise<LmdbCaseStore> {
  const { dataDir, ...opts } = storeOptions(v.dir, v.config);
  try {
    return await openCaseStore({
      ...opts,
      readOnly: how.readOnly === true,
      create: how.create === true,
      ...(how.checkRecordings && dataDir !== undefined ? { recordingsRoot: dataDir } : {}),
    });
  } catch (e) {
    if (isHotlineError(e) && e.code === CaseErrors.CASE_STORE_MISSING) {
      const given = v.dir ?? process.env.HOTLINE_DATA ?? './data';
      throw caseError(
        CaseErrors.CASE_STORE_MISSING,
        `there is no case store in ${given} (looked for ${join(given, 'cases', 'data.mdb')} and ${join(given, 'data.mdb')}); check --dir (or $HOTLINE_DATA), or run 'hotline cases init --dir ${given}' to make a new one`,
        { dir: given },
      );
    }
    throw e;
  }
}

/** Prints a store or data refusal (`who: CODE: message`, one line per field) and returns exit status 1. */
export function fail(who: string, e: unknown): number {
  if (!isHotlineError(e)) {
    const detail = process.env.HOTLINE_DEBUG ? ((e as Error)?.stack ?? String(e)) : String((e as Error)?.message ?? e);
    process.stderr.write(`${who}: CLI_INTERNAL: unexpected failure (a bug: please report it with the command line): ${detail}\n`);
    return 1;
  }
  process.stderr.write(`${who}: ${e.code}: ${e.message}\n`);
  if (Array.isArray(e.info?.errors)) {
    for (const fe of e.info.errors as Array<{ field: string; code: string; message: string }>) process.stderr.write(`  ${fe.field}: ${fe.code}: ${fe.message}\n`);
  }
  return 1;
}

/**
 * Text of an input file as an operator saves it: UTF-8 with or without a
 * byte-order mark (Windows Notepad writes one), UTF-16 with its mark
 * (Notepad's "Unicode"), or GB18030/GBK (a Chinese Windows' "ANSI"), which
 * is detected by the bytes not being UTF-8 and decoded as such. Anything
 * else is refused: stored as mojibake it could not be searched or read back.
 */
export function decodeInput(bytes: Uint8Array, what: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // not UTF-8: try the Chinese national encoding (a superset of GBK and GB2312)
  }
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    throw cliError('CLI_BAD_VALUE', `${what} is neither UTF-8 nor GB18030/GBK text; save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)`);
  }
}

/** The JSON of --data or --file, decoded as decodeInput says. */
export function readJsonInput(v: { data?: string; file?: string }): unknown {
  if (v.data !== undefined && v.file !== undefined) throw cliError('CLI_BAD_VALUE', 'give the data once: --data or --file, not both');
  let textIn: string;
  let what: string;
  if (v.data !== undefined) {
    textIn = v.data;
    what = '--data';
  } else if (v.file !== undefined) {
    what = v.file;
    let bytes: Buffer;
    try {
      bytes = readFileSync(v.file);
    } catch (e) {
      throw cliError('CLI_BAD_VALUE', `cannot read --file ${v.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    textIn = decodeInput(bytes, `--file ${v.file}`);
  } else throw cliError('CLI_MISSING_ARGUMENT', "give the data with --data '{...}' or --file FILE");
  try {
    return JSON.parse(textIn);
  } catch (e) {
    throw cliError('CLI_BAD_VALUE', `the JSON of ${what} does not parse: ${(e as Error).message}`);
  }
}

/** Refuses keys of a JSON object not in `allowed`, naming the nearest valid one; returns the object. */
export function onlyFields(o: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw cliError('CLI_BAD_VALUE', `${what} must be a JSON object with the fields ${allowed.join(', ')}`);
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const near = nearestField(k, allowed);
    throw cliError('CLI_BAD_VALUE', `${what} has no field '${k}'${near ? `; did you mean '${near}'?` : ''} (the fields are ${allowed.join(', ')})`, { field: k });
  }
  return o as Record<string, unknown>;
}

/** --data / --file options, described for `what`. */
export function dataFlags(what: string): { data: OptionSpec<string> & { kind: 'value' }; file: OptionSpec<string> & { kind: 'value' } } {
  return {
    data: option(text(), `${what} as inline JSON`, { valueName: 'JSON' }),
    file: option(existingFile(), `${what} from a JSON file (UTF-8 with or without BOM, UTF-16, or GB18030/GBK)`, { valueName: 'FILE' }),
  };
}
