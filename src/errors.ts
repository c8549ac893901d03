// The base of every error the engine raises on purpose: a stable `code`
// (never reused for a new meaning) and a sentence a technician can act on.
// Each layer keeps its own catalog of codes (src/<layer>/errors.ts).
export class HotlineError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HotlineError';
    this.code = code;
    if (details) this.details = details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isHotlineError(e: unknown): e is HotlineError {
  return e instanceof HotlineError;
}
