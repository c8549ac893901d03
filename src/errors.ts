// The one shape of an error catalog: every code the engine raises on purpose
// has exactly one row (code, sentence, layer). A layer defines its rows once
// with `defineErrors(layer, { CODE: 'sentence' })` in src/<layer>/errors.ts;
// native HL_* codes come from native/include/hl_errors.def through the addon
// (src/addon.ts). test/error-catalog.test.ts scans src/ and native/ and fails
// on a code used but not defined, a row never used, or a row with no
// sentence; docs/errors.md is generated from the catalogs (npm run docs:errors).
// Codes are stable: never reuse one for a new meaning; add a new row.

export type ErrorLayer = 'native' | 'board' | 'dsp' | 'tts' | 'calls' | 'cases' | 'recording' | 'ivr' | 'acd' | 'seats' | 'cli';

/** One row of a catalog. */
export interface ErrorRow {
  code: string;
  sentence: string;
  layer: ErrorLayer;
}

// The base of every error the engine raises on purpose: a stable `code` and a
// message a technician can act on (the catalog sentence, or a more precise
// one naming the file, field or value).
// Structured facts ride in `info` (serialised as `details`): not in a
// property named `details`, which test runners such as uvu take for an
// assertion diff string and fail to print.
export class HotlineError extends Error {
  readonly code: string;
  readonly info?: Record<string, unknown>;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HotlineError';
    this.code = code;
    if (details) this.info = details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.info ? { code: this.code, message: this.message, details: this.info } : { code: this.code, message: this.message };
  }
}

export function isHotlineError(e: unknown): e is HotlineError {
  return e instanceof HotlineError;
}

/** A layer's typed catalog. */
export interface ErrorCatalog<C extends string> {
  readonly layer: ErrorLayer;
  /** code → sentence. */
  readonly sentences: Readonly<Record<C, string>>;
  /** code → code, for callers that name a code as a constant (`Cat.codes.X`). */
  readonly codes: Readonly<{ [K in C]: K }>;
  readonly rows: readonly ErrorRow[];
  has(code: unknown): code is C;
  /** An error whose message is the catalog sentence, followed by `: detail` when given. */
  error(code: C, detail?: string, info?: Record<string, unknown>): HotlineError;
  /** An error with its own full message (one that already names what to do). */
  make(code: C, message: string, info?: Record<string, unknown>): HotlineError;
}

const allCatalogs: ErrorCatalog<string>[] = [];

/** Defines a layer's catalog; throws at load time on a duplicate code or an
 * empty sentence, so a broken catalog never ships. */
export function defineErrors<C extends string>(layer: ErrorLayer, sentences: Record<C, string>): ErrorCatalog<C> {
  const rows: ErrorRow[] = [];
  const codes = Object.create(null) as Record<string, string>;
  for (const [code, sentence] of Object.entries(sentences) as [C, string][]) {
    if (typeof sentence !== 'string' || sentence.trim().length === 0) throw new Error(`error catalog ${layer}: ${code} has no sentence`);
    for (const other of allCatalogs) {
      if (other.has(code) && !(other.layer === layer)) throw new Error(`error catalog ${layer}: ${code} is already defined by ${other.layer}`);
    }
    codes[code] = code;
    rows.push({ code, sentence, layer });
  }
  const frozen = Object.freeze({ ...sentences });
  const cat: ErrorCatalog<C> = {
    layer,
    sentences: frozen,
    codes: Object.freeze(codes) as { [K in C]: K },
    rows: Object.freeze(rows),
    has: (code: unknown): code is C => typeof code === 'string' && Object.prototype.hasOwnProperty.call(frozen, code),
    error: (code, detail, info) => new HotlineError(code, detail ? `${frozen[code]}: ${detail}` : frozen[code], info),
    make: (code, message, info) => new HotlineError(code, message, info),
  };
  allCatalogs.push(cat as ErrorCatalog<string>);
  return cat;
}

/** Every catalog defined so far (the ones whose modules have been imported). */
export function loadedCatalogs(): readonly ErrorCatalog<string>[] {
  return allCatalogs;
}
