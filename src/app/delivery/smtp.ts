/**
 * Sends a composed message over SMTP with nodemailer (imported here, lazily: the CLI's start-up
 * never loads it) and says what happened in plain words: which recipients the server accepted and
 * rejected, or why nothing was sent (unreachable, TLS not offered, login refused).
 */
import type { ConnectionOptions } from 'node:tls';
import type { MailOptions } from './email.js';
import type { MailSettings } from './settings.js';

export type SendOutcome =
  | { sent: true; accepted: string[]; rejected: string[] }
  /** Nothing was sent. `rejected`: every recipient was refused (a warning, not a failure of delivery). */
  | { sent: false; problem: string; rejected?: string[] };

const SECONDS = 1000;

export async function sendSmtp(settings: MailSettings, message: MailOptions, tls?: ConnectionOptions): Promise<SendOutcome> {
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    // nodemailer's `secure` is implicit TLS only; mail.secure on another port means STARTTLS, required.
    secure: settings.implicitTls,
    requireTLS: settings.requireTls && !settings.implicitTls,
    ...(settings.auth ? { auth: settings.auth } : {}),
    connectionTimeout: 30 * SECONDS,
    greetingTimeout: 30 * SECONDS,
    socketTimeout: 60 * SECONDS,
    ...(tls ? { tls } : {}),
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail(message);
    return { sent: true, accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { responseCode?: number; response?: string; rejected?: unknown };
    if (e.code === 'EENVELOPE' && Array.isArray(e.rejected) && e.rejected.length > 0) {
      return { sent: false, problem: `the SMTP server rejected every recipient (${response(e)})`, rejected: addresses(e.rejected) };
    }
    return { sent: false, problem: problemOf(e, settings) };
  } finally {
    transport.close();
  }
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((a) => (typeof a === 'string' ? a : String((a as { address?: unknown }).address ?? ''))).filter((a) => a !== '');
}

const response = (e: { response?: string; responseCode?: number }): string => (e.response ?? String(e.responseCode ?? 'no reply')).trim();

/** One sentence naming the server and what to check; never the error's stack or the login's password. */
function problemOf(e: NodeJS.ErrnoException & { response?: string; responseCode?: number }, settings: MailSettings): string {
  const server = `${settings.host}:${settings.port}`;
  const cause = (e.cause as NodeJS.ErrnoException | undefined)?.code;
  const network = cause ?? (e.message.match(/\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT)\b/)?.[1] as string | undefined);
  switch (e.code) {
    case 'EAUTH':
      return `the SMTP server ${server} refused the login of ${settings.auth?.user ?? '(no user)'} (${response(e)}): check the user and password`;
    case 'ETLS':
      return `the SMTP server ${server} offers no STARTTLS and mail.secure requires TLS (${response(e)}): use the server's TLS port, or set secure: false only on a trusted network`;
    case 'EDNS':
      return `cannot find the SMTP server ${settings.host} (${network ?? 'no such host'}): check mail.smtp_host or INFRACAST_SMTP_HOST`;
    case 'ETIMEDOUT':
      return `the SMTP server ${server} did not answer in time: check the host, the port and the network`;
    default:
      if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(e.message))
        return `the SMTP server ${server}'s TLS certificate is not trusted (${e.message}): use the server's real name in mail.smtp_host, or have the runner trust its CA (NODE_EXTRA_CA_CERTS)`;
      if (network) return `cannot reach the SMTP server ${server} (${network}): check the host, the port and that the runner may connect to it`;
      if (e.responseCode) return `the SMTP server ${server} refused the message (${response(e)})`;
      return `sending through the SMTP server ${server} failed: ${e.message}`;
  }
}
