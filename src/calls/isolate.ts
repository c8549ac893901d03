// Subscribers that throw must not take the engine down. RxJS reports an error
// thrown by a subscriber's `next` asynchronously, and with no handler that is
// an uncaught exception: the process dies with every call on it. Two guards:
// - IsolatingSubject catches what its own subscribers throw, and hands the
//   error with the value being delivered (the call event: so the log says
//   which call) to a handler;
// - rxjs `config.onUnhandledError`, installed while an engine runs, logs what
//   any other subscription throws (a piped subscriber, a channel's events$).
import { config, type Observer, Subject, type Subscription } from 'rxjs';
import type { Logger } from './log.ts';

export class IsolatingSubject<T> extends Subject<T> {
  readonly #onError: (err: unknown, value: T | undefined) => void;

  constructor(onError: (err: unknown, value: T | undefined) => void) {
    super();
    this.#onError = onError;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null): Subscription {
    const o: Partial<Observer<T>> = typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
    const guard = (f: () => void, value: T | undefined) => {
      try {
        f();
      } catch (e) {
        this.#onError(e, value);
      }
    };
    return super.subscribe({
      next: (v) => guard(() => o.next?.call(o, v), v),
      error: (e) => guard(() => (o.error ? o.error.call(o, e) : this.#onError(e, undefined)), undefined),
      complete: () => guard(() => o.complete?.call(o), undefined),
    });
  }
}

let installed: { logger: Logger; previous: ((err: unknown) => void) | null } | null = null;
let holders = 0;

/** Logs errors no subscriber handled instead of throwing them; returns the release (last release restores). */
export function catchUnhandled(logger: Logger): () => void {
  if (holders++ === 0) {
    installed = { logger, previous: config.onUnhandledError };
    config.onUnhandledError = (err) => installed?.logger.error({ err }, `a subscriber threw and was isolated: ${(err as Error)?.message ?? String(err)}; the engine keeps serving`);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0 && installed) {
      config.onUnhandledError = installed.previous;
      installed = null;
    }
  };
}
