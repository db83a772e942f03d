/**
 * Where delivery goes and with what credentials: infracast.yaml `mail:` and `webhooks:` (as written,
 * in `config.raw`; the schema has validated their shape) with the environment supplying or
 * overriding the SMTP connection. Every secret read here is also returned in `secrets`, so that
 * every message delivery produces can be scrubbed of them (secrets.ts).
 *
 * Environment (each overrides infracast.yaml):
 *   INFRACAST_SMTP_HOST, INFRACAST_SMTP_PORT      the server
 *   INFRACAST_SMTP_SECURE                         true | false (mail.secure)
 *   INFRACAST_SMTP_USER, INFRACAST_SMTP_PASSWORD  the login; else the variables mail.username_env and mail.password_env name
 */
import type { WorkspaceConfig } from '../../model/config.js';

export const SMTP_ENV = {
  host: 'INFRACAST_SMTP_HOST',
  port: 'INFRACAST_SMTP_PORT',
  secure: 'INFRACAST_SMTP_SECURE',
  user: 'INFRACAST_SMTP_USER',
  password: 'INFRACAST_SMTP_PASSWORD',
} as const;

/** A file larger than this is linked (or named) instead of attached, unless mail.attach_max_bytes says otherwise. */
export const DEFAULT_ATTACH_MAX_BYTES = 5 * 1024 * 1024;
const SUBMISSION_PORT = 587;
const IMPLICIT_TLS_PORT = 465;

export interface MailSettings {
  from: string;
  host: string;
  port: number;
  /**
   * mail.secure: TLS is required. On port 465 the connection is TLS from the start (implicit TLS);
   * on any other port (587, 25) the server must offer STARTTLS and the session upgrades before
   * login, or nothing is sent. false: STARTTLS when the server offers it, plain otherwise.
   */
  requireTls: boolean;
  implicitTls: boolean;
  auth?: { user: string; pass: string };
  attachMaxBytes: number;
}

export interface WebhookSettings {
  /** How the run names it: its `name`, else the URL's origin (a URL's path and query may hold a token). */
  label: string;
  url: string;
  secret: string;
  events: string[];
  headers: Record<string, string>;
}

export const WEBHOOK_EVENTS = ['report.completed'] as const;

/** Settings, or the sentence that says why there are none (a missing setting, an unset variable). */
export type Resolved<T> = { ok: true; value: T } | { ok: false; problem: string };

interface RawMail {
  from?: string;
  smtp_host?: string;
  smtp_port?: number;
  secure?: boolean;
  username_env?: string;
  password_env?: string;
  attach_max_bytes?: number;
}

interface RawWebhook {
  name?: string;
  url?: string;
  url_env?: string;
  secret_env?: string;
  events?: string[];
  headers?: Record<string, string>;
}

/** Every value of the environment that delivery may use as a credential (scrubbed from every message). */
export function secretsOf(config: Pick<WorkspaceConfig, 'raw'>, env: NodeJS.ProcessEnv): string[] {
  const mail = (config.raw.mail ?? {}) as RawMail;
  const names: string[] = [SMTP_ENV.password];
  if (mail.password_env) names.push(mail.password_env);
  for (const hook of webhooksOf(config)) {
    if (hook.secret_env) names.push(hook.secret_env);
    if (hook.url_env) names.push(hook.url_env);
  }
  // And any token, secret or password the environment holds (GITHUB_TOKEN, INPUT_TOKEN...): delivery
  // never reads them, but an error text from a library could quote one.
  for (const name of Object.keys(env)) if (CREDENTIAL_NAME.test(name)) names.push(name);
  return [...new Set(names.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH))];
}

const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY)$/i;
/** Shorter values are not scrubbed: replacing every "1" or "ab" would garble messages and hide nothing. */
const MIN_SECRET_LENGTH = 4;

export function mailSettings(config: Pick<WorkspaceConfig, 'raw'>, env: NodeJS.ProcessEnv): Resolved<MailSettings> {
  const mail = config.raw.mail as RawMail | undefined;
  if (!mail?.from) return { ok: false, problem: 'infracast.yaml has no mail.from: add a mail: section (from, smtp_host, smtp_port, secure)' };
  const host = nonEmpty(env[SMTP_ENV.host]) ?? mail.smtp_host;
  if (!host) return { ok: false, problem: `no SMTP server: set mail.smtp_host in infracast.yaml or ${SMTP_ENV.host}` };
  const portText = nonEmpty(env[SMTP_ENV.port]);
  const port = portText === undefined ? (mail.smtp_port ?? SUBMISSION_PORT) : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, problem: `${SMTP_ENV.port} is not a port number (1..65535)` };
  const secureText = nonEmpty(env[SMTP_ENV.secure]);
  if (secureText !== undefined && secureText !== 'true' && secureText !== 'false') return { ok: false, problem: `${SMTP_ENV.secure} must be true or false` };
  const requireTls = secureText === undefined ? (mail.secure ?? true) : secureText === 'true';
  const user = nonEmpty(env[SMTP_ENV.user]) ?? (mail.username_env ? nonEmpty(env[mail.username_env]) : undefined);
  const pass = nonEmpty(env[SMTP_ENV.password]) ?? (mail.password_env ? nonEmpty(env[mail.password_env]) : undefined);
  if (user !== undefined && pass === undefined) {
    const where = mail.password_env ? `${mail.password_env} (mail.password_env) or ${SMTP_ENV.password}` : SMTP_ENV.password;
    return { ok: false, problem: `an SMTP user is set but no password: set ${where}` };
  }
  if (user === undefined && mail.username_env) {
    return { ok: false, problem: `mail.username_env names ${mail.username_env}, which is not set (nor ${SMTP_ENV.user})` };
  }
  return {
    ok: true,
    value: {
      from: mail.from,
      host,
      port,
      requireTls,
      implicitTls: requireTls && port === IMPLICIT_TLS_PORT,
      ...(user !== undefined && pass !== undefined ? { auth: { user, pass } } : {}),
      attachMaxBytes: mail.attach_max_bytes ?? DEFAULT_ATTACH_MAX_BYTES,
    },
  };
}

function webhooksOf(config: Pick<WorkspaceConfig, 'raw'>): RawWebhook[] {
  return Array.isArray(config.raw.webhooks) ? (config.raw.webhooks as RawWebhook[]) : [];
}

/** Each webhook of infracast.yaml, in order: its settings, or why it cannot be called. */
export function webhookSettings(config: Pick<WorkspaceConfig, 'raw'>, env: NodeJS.ProcessEnv): Resolved<WebhookSettings>[] {
  return webhooksOf(config).map((hook, i) => {
    const url = hook.url ?? (hook.url_env ? nonEmpty(env[hook.url_env]) : undefined);
    const fallback = hook.name ?? `webhooks[${i}]`;
    if (!url) return { ok: false, problem: `webhook ${fallback}: url_env names ${hook.url_env ?? '(nothing)'}, which is not set` };
    let origin: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
      origin = parsed.origin;
    } catch {
      return { ok: false, problem: `webhook ${fallback}: its url is not an http(s) URL` };
    }
    const label = hook.name ?? origin;
    const secret = hook.secret_env ? nonEmpty(env[hook.secret_env]) : undefined;
    if (!secret)
      return { ok: false, problem: `webhook ${label}: secret_env names ${hook.secret_env ?? '(nothing)'}, which is not set (payloads are always signed)` };
    return { ok: true, value: { label, url, secret, events: hook.events ?? [...WEBHOOK_EVENTS], headers: hook.headers ?? {} } };
  });
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);
