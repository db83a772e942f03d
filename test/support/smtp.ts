/**
 * SMTP for the delivery tests, on 127.0.0.1 only: the npm smtp-server in process (login required,
 * STARTTLS with a throwaway certificate, some recipients refused) keeping every message it took,
 * and a small MIME reader for what the tests check (headers, text, attachments' bytes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  raw: Buffer;
}

export interface TestSmtp {
  port: number;
  received: Received[];
  /** The certificate it presents for STARTTLS (a client trusts it as its CA). */
  cert: string;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made by openssl for this run. */
export function loopbackCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'infracast-smtp-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

export async function startSmtpServer(options: { user: string; password: string; refuse?: RegExp; starttls?: boolean }): Promise<TestSmtp> {
  const { key, cert } = loopbackCertificate();
  const received: Received[] = [];
  const server = new SMTPServer({
    key,
    cert,
    disabledCommands: options.starttls === false ? ['STARTTLS'] : [],
    authMethods: ['PLAIN', 'LOGIN'],
    // The login is checked below; without STARTTLS (starttls: false) it happens in the clear, as on a trusted network.
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.test(address.address)) callback(Object.assign(new Error(`${address.address}: no such user here`), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          secure: session.secure,
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, cert, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface MimePart {
  headers: Map<string, string>;
  body: Buffer;
}

/** Headers (lower-cased names, unfolded) and body of a MIME entity. */
function entity(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

function decode(headers: Map<string, string>, body: string): Buffer {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const soft = body.replace(/=\r\n/g, '');
    return Buffer.from(
      soft.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
  }
  return Buffer.from(body, 'latin1');
}

/** The message's headers and its leaf parts (one level of multipart: what delivery writes). */
export function readMime(raw: Buffer): { headers: Map<string, string>; parts: MimePart[] } {
  const top = entity(raw.toString('latin1'));
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers.get('content-type') ?? '')?.[1];
  if (!boundary) return { headers: top.headers, parts: [{ headers: top.headers, body: decode(top.headers, top.body) }] };
  const pieces = top.body.split(`--${boundary}`).slice(1, -1);
  const parts = pieces.map((piece) => {
    const e = entity(piece.replace(/^\r\n/, '').replace(/\r\n$/, ''));
    return { headers: e.headers, body: decode(e.headers, e.body) };
  });
  return { headers: top.headers, parts };
}

/** Attachments by file name. */
export function attachmentsOf(raw: Buffer): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  for (const part of readMime(raw).parts) {
    const name = /filename="?([^";]+)"?/.exec(part.headers.get('content-disposition') ?? '')?.[1];
    if (name) found.set(name, part.body);
  }
  return found;
}

export function textOf(raw: Buffer): string {
  const part = readMime(raw).parts.find((p) => (p.headers.get('content-type') ?? '').startsWith('text/plain'));
  return part ? part.body.toString('utf8') : '';
}
