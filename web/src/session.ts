// The seat session in the browser: the token POST /login gave, kept in
// sessionStorage (one tab, gone when the tab closes; a reload keeps it) and
// dropped once its expiry has passed. The server checks expiry too; the
// page just doesn't offer a token it knows is dead.
import type { Role } from '../../src/seats/protocol.ts';

export interface StoredSession {
  token: string;
  agentId: string;
  role: Role;
  /** UTC ms. */
  expiresAt: number;
}

const KEY = 'hotline.session';

export function loadSession(now = Date.now()): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'number' || s.expiresAt <= now) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

export function saveSession(s: StoredSession): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** The page for a role: agents work the soft phone, supervisors and admins the wallboard. */
export function homeOf(role: Role): string {
  return role === 'agent' ? '/agent.html' : '/supervisor.html';
}

/** Back to the login page, saying why (shown there). */
export function toLogin(why?: string): void {
  clearSession();
  location.replace(why ? `/?why=${encodeURIComponent(why)}` : '/');
}
