// The base of every error the engine raises on purpose: a stable `code`
// (never reused for a new meaning) and a sentence a technician can act on.
// Each layer keeps its own catalog of codes (src/<layer>/errors.ts).
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
