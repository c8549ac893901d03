// The login page: agent id and password to POST /login (same origin, JSON:
// the server refuses a cross-site POST), the token kept for this tab, then
// the page of the role.
import { byId, setText } from './dom.ts';
import { applyI18n, errorText, langSwitch, t } from './i18n.ts';
import { homeOf, loadSession, saveSession, type StoredSession } from './session.ts';

const existing = loadSession();
if (existing) location.replace(homeOf(existing.role));

applyI18n();
langSwitch(byId('lang-switch'));
const form = byId<HTMLFormElement>('login-form');
const status = byId('status');
const button = byId<HTMLButtonElement>('login-submit');
if (new URLSearchParams(location.search).get('why') === 'expired') setText(status, t('login.expired'));
byId<HTMLInputElement>('agent-id').focus();

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const agentId = byId<HTMLInputElement>('agent-id').value.trim();
  const password = byId<HTMLInputElement>('password').value;
  button.disabled = true;
  setText(status, t('login.busy'));
  try {
    const res = await fetch('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentId, password }) });
    const body = (await res.json()) as StoredSession & { code?: string; message?: string; retryAfterMs?: number };
    if (!res.ok) {
      const wait = body.retryAfterMs ? ` ${t('login.retry', { s: Math.ceil(body.retryAfterMs / 1000) })}` : '';
      setText(status, errorText(body.code, body.message) + wait);
      status.dataset.kind = 'error';
      byId<HTMLInputElement>('password').select();
      return;
    }
    saveSession({ token: body.token, agentId: body.agentId, role: body.role, expiresAt: body.expiresAt });
    location.replace(homeOf(body.role));
  } catch {
    setText(status, errorText('CONSOLE_OFFLINE'));
    status.dataset.kind = 'error';
  } finally {
    button.disabled = false;
  }
});
