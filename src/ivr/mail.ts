// Sending a case result by e-mail (SMTP through nodemailer). One transport per
// engine, pooled; a send has its own timeout so a dead server cannot hold a call.
import nodemailer from 'nodemailer';
import { IvrError } from './errors.ts';

export interface SmtpOptions {
  host: string;
  port: number;
  secure?: boolean;
  /** Sender address, e.g. '12315 hotline <noreply@12315.example>'. */
  from: string;
  user?: string;
  pass?: string;
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
    // Loopback test servers and many bureau relays have no certificate for their name.
    tls: { rejectUnauthorized: false },
    ignoreTLS: !o.secure,
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
        throw new IvrError('IVR_EMAIL_FAILED', `SMTP ${o.host}:${o.port} did not take the message for ${to}: ${(e as Error).message}`, { to });
      }
    },
    close() {
      transport.close();
    },
  };
}
