// Sending a case result by e-mail (SMTP through nodemailer). One transport per
// engine, pooled; a send has its own timeout so a dead server cannot hold a call.
//
// Security (RFC 3207 STARTTLS, RFC 8314): the server's certificate is verified
// against the system CAs (plus `ca`, e.g. a bureau's own CA); STARTTLS is used
// whenever the server offers it, and is required when credentials are given,
// so a password never crosses the network in clear. `insecure` is the one
// explicit relaxation (a relay with a self-signed certificate): it accepts a
// certificate that does not verify; credentials still need TLS.
import nodemailer from 'nodemailer';
import { IvrError } from './errors.ts';

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (SMTPS, usually port 465); otherwise STARTTLS when offered. */
  secure?: boolean;
  /** Sender address, e.g. '12315 hotline <noreply@12315.example>'. */
  from: string;
  user?: string;
  pass?: string;
  /** Certificates (PEM) to trust besides the system's, e.g. the bureau's own CA. */
  ca?: string | Buffer;
  /** Refuse to send without TLS even with no credentials. */
  requireTls?: boolean;
  /** Accept a server certificate that does not verify (self-signed, wrong name). */
  insecure?: boolean;
  /** Give up after this long, ms (default 10000). */
  timeoutMs?: number;
}

export interface Mailer {
  send(to: string, subject: string, text: string): Promise<string>;
  close(): void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(s: string | undefined): boolean {
  return typeof s === 'string' && EMAIL.test(s.trim());
}

export function createMailer(o: SmtpOptions): Mailer {
  const timeout = o.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure ?? false,
    tls: { rejectUnauthorized: o.insecure !== true, ...(o.ca ? { ca: o.ca } : {}) },
    requireTLS: o.requireTls === true || o.user !== undefined,
    auth: o.user ? { user: o.user, pass: o.pass ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(to, subject, text) {
      if (!isEmail(to)) throw new IvrError('IVR_EMAIL_FAILED', `'${to}' is not an e-mail address`, { to });
      try {
        const info = await transport.sendMail({ from: o.from, to, subject, text });
        return String(info.messageId);
      } catch (e) {
        throw new IvrError('IVR_EMAIL_FAILED', `SMTP ${o.host}:${o.port} did not take the message for ${to}: ${(e as Error).message}${tlsHint(e)}`, { to });
      }
    },
    close() {
      transport.close();
    },
  };
}

// What to do about a TLS refusal: the default is right, the fix is on the
// server or in the trusted certificates; --smtp-insecure only when accepted.
function tlsHint(e: unknown): string {
  const code = String((e as { code?: unknown }).code ?? '');
  const msg = (e as Error).message ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(code) || /certificate/i.test(msg))
    return " (the server's certificate does not verify: install a certificate for this name, trust its CA with --smtp-ca FILE, or accept it with --smtp-insecure)";
  if (/STARTTLS/i.test(msg) || code === 'ETLS') return ' (the server offers no STARTTLS: credentials are never sent in clear; enable TLS on the server or use --smtp-tls for port 465)';
  return '';
}
