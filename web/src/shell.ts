// What every console page shares: the session (or back to the login page),
// the header (language, link state, log out), the seat socket, and a status
// line that reads out what the server said (aria-live).
import { byId, setText } from './dom.ts';
import { applyI18n, errorText, langSwitch, onLang, t } from './i18n.ts';
import { Seat, type LinkState, type Reply } from './seat.ts';
import { homeOf, loadSession, toLogin, type StoredSession } from './session.ts';

export interface Shell {
  session: StoredSession;
  seat: Seat;
  /** Shows a reply's refusal (or clears the line on success). */
  report(r: Reply, okText?: string): void;
  say(text: string, isError?: boolean): void;
  /** fn runs each time the seat is back online (resumed, snapshot on its way). */
  onOnline(fn: () => void): void;
  /** fn runs on every server event of this name (after the page's own handler). */
  onEvent(name: string, fn: (data: unknown) => void): void;
  /** The seat socket's binary messages (the browser phone's audio) go to fn. */
  onBinary(fn: ((data: ArrayBuffer) => void) | null): void;
}

export function openShell(onEvent: (name: string, data: unknown) => void): Shell | null {
  const session = loadSession();
  if (!session) {
    toLogin();
    return null;
  }
  applyI18n();
  langSwitch(byId('lang-switch'));
  setText(byId('who'), session.agentId);
  const status = byId('status');
  const link = byId('link');
  let linkState: LinkState = 'connecting';
  const online: (() => void)[] = [];
  const listeners = new Map<string, ((data: unknown) => void)[]>();
  let binary: ((data: ArrayBuffer) => void) | null = null;
  const showLink = () => {
    link.dataset.state = linkState;
    setText(link, t(`link.${linkState}`));
  };
  onLang(showLink);
  const say = (text: string, isError = false) => {
    status.dataset.kind = isError ? 'error' : 'info';
    setText(status, text);
  };
  const seat = new Seat({
    token: session.token,
    onEvent: (name, data) => {
      onEvent(name, data);
      for (const fn of listeners.get(name) ?? []) fn(data);
    },
    onLink: (s) => {
      linkState = s;
      showLink();
      if (s === 'open') for (const fn of online) fn();
    },
    onSessionEnded: () => toLogin('expired'),
    onBinary: (data) => binary?.(data),
  });
  byId('logout').addEventListener('click', async () => {
    await seat.request('end-session', {});
    seat.stop();
    toLogin();
  });
  // A supervisor may take calls: he can open the agent page, and back.
  const other = document.getElementById('other-page') as HTMLAnchorElement | null;
  if (other && session.role === 'agent') other.hidden = true;
  else if (other) other.href = location.pathname === '/agent.html' ? homeOf(session.role) : '/agent.html';
  showLink();
  seat.start();
  return {
    session,
    seat,
    say,
    onOnline: (fn) => online.push(fn),
    onEvent: (name, fn) => listeners.set(name, [...(listeners.get(name) ?? []), fn]),
    onBinary: (fn) => {
      binary = fn;
    },
    report(r, okText) {
      if (r.ok) say(okText ?? '');
      else say(errorText(r.code, r.message), true);
    },
  };
}
