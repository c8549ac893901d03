// Seat sessions and the failed-login limiter. A session is a random token
// (192 bits) bound to one agent and his role from the case store; it ends
// after `ttlMs` (a shift, by default) or when ended. Wall time (UTC ms),
// injectable for tests: sessions are about people, not board time.
import { randomBytes } from 'node:crypto';
import type { Role } from './protocol.ts';

export interface Session {
  token: string;
  agentId: string;
  role: Role;
  expiresAt: number;
}

export class Sessions {
  private readonly byToken = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  open(agentId: string, role: Role): Session {
    const s: Session = { token: randomBytes(24).toString('base64url'), agentId, role, expiresAt: this.now() + this.ttlMs };
    this.byToken.set(s.token, s);
    return s;
  }

  /** The live session of a token, or null (unknown, ended or expired). */
  get(token: string): Session | null {
    const s = this.byToken.get(token);
    if (!s) return null;
    if (this.now() >= s.expiresAt) {
      this.byToken.delete(token);
      return null;
    }
    return s;
  }

  live(s: Session): boolean {
    return this.get(s.token) === s;
  }

  end(token: string): void {
    this.byToken.delete(token);
  }

  /** Ends every session of an agent (he was deactivated); returns how many. */
  endAgent(agentId: string): number {
    let n = 0;
    for (const [k, s] of this.byToken) {
      if (s.agentId !== agentId) continue;
      this.byToken.delete(k);
      n++;
    }
    return n;
  }

  /** Drops expired sessions (memory), returns how many remain. */
  sweep(): number {
    const t = this.now();
    for (const [k, s] of this.byToken) if (t >= s.expiresAt) this.byToken.delete(k);
    return this.byToken.size;
  }
}

/**
 * Failed logins per key (`id:AGENT`, `addr:IP`) in a sliding window: after
 * `max` failures within `windowMs` the key is refused until the oldest of
 * them leaves the window. A refused attempt costs no scrypt and is not
 * counted (a flood does not lock the key out for ever). A success clears the
 * agent id's failures, not the address's (one address guessing many ids).
 */
export class LoginLimiter {
  private readonly fails = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** 0 when the keys may try, else ms until they may. */
  retryAfter(keys: string[]): number {
    const t = this.now();
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k, t);
      if (list.length >= this.max) wait = Math.max(wait, list[list.length - this.max] + this.windowMs - t);
    }
    return wait;
  }

  failed(keys: string[]): void {
    const t = this.now();
    for (const k of keys) {
      const list = this.recent(k, t);
      list.push(t);
      // Only the last `max` failures matter for the window.
      if (list.length > this.max) list.splice(0, list.length - this.max);
      this.fails.set(k, list);
    }
  }

  succeeded(key: string): void {
    this.fails.delete(key);
  }

  private recent(k: string, t: number): number[] {
    const list = this.fails.get(k);
    if (!list) return [];
    const kept = list.filter((x) => t - x < this.windowMs);
    if (kept.length) this.fails.set(k, kept);
    else this.fails.delete(k);
    return kept;
  }
}
