/**
 * `infracast keys dev`: a throwaway development signing key in a workspace's `.dev-keys/` folder,
 * so that signing and verifying can be tried before the organisation issues a real key. The folder
 * ignores itself in git (its own .gitignore holds `*`), whatever the workspace's .gitignore says.
 *
 *   dev-root-ca.pem   the development root CA: what `infracast verify --ca` is given to trust it
 *   signing-key.pem   the signer's private key (EC P-256, unencrypted: development only; mode 600)
 *   signing-cert.pem  the signer's certificate, then the issuing CA's
 *   signing.pub.pem   the signer's public key (`infracast verify --key` for Sigstore bundles)
 *
 * Nothing is made when a key is there whose certificate is valid for another 30 days (--force
 * replaces it). The signer e-mail is --email, else the workspace's signing.signer.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ExitCode, InfracastError } from '../errors.js';
import { CONFIG_FILE } from '../io/workspace.js';
import { requireWorkspaceRoot } from './workspace-root.js';

export const DEV_KEYS_DIR = '.dev-keys';
const FILES = { root: 'dev-root-ca.pem', key: 'signing-key.pem', certificate: 'signing-cert.pem', publicKey: 'signing.pub.pem' } as const;
/** An existing key is kept while its certificate has this long to run. */
const KEEP_IF_VALID_FOR_MS = 30 * 86_400_000;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export interface DevKeysOptions {
  /** A path inside the workspace; default the current directory. */
  workspace?: string;
  email?: string;
  /** Replace a key that is still valid. */
  force?: boolean;
  cwd?: string;
  now?: Date;
}

export interface DevKeysResult {
  workspace: string;
  folder: string;
  /** False when a valid key was already there and kept. */
  made: boolean;
  signer: string;
  valid_until: string;
  files: { root_ca: string; key: string; certificate: string; public_key: string };
  /** Whether infracast.yaml's signing: already names these files. */
  configured: boolean;
}

/** The workspace's signing: section as written (the config is validated elsewhere; here only what is there matters). */
function signingOf(root: string): { key?: unknown; certificate?: unknown; signer?: unknown } {
  try {
    const config = parse(readFileSync(join(root, CONFIG_FILE), 'utf8')) as { signing?: { key?: unknown; certificate?: unknown; signer?: unknown } } | null;
    return config?.signing ?? {};
  } catch {
    return {};
  }
}

export async function devKeys(options: DevKeysOptions = {}): Promise<DevKeysResult> {
  const root = await requireWorkspaceRoot(
    options.workspace,
    options.cwd ?? process.cwd(),
    'Run `infracast init` to create a workspace first, or give its folder.',
  );
  const signing = signingOf(root);
  const signer = options.email ?? (typeof signing.signer === 'string' ? signing.signer : undefined);
  if (signer === undefined)
    throw new InfracastError('USAGE', `no signer e-mail: ${join(root, CONFIG_FILE)} has no signing.signer`, {
      exitCode: ExitCode.Usage,
      hints: ['Give the e-mail the certificate names: infracast keys dev --email you@example.com (then set signing.signer to it).'],
    });
  if (!EMAIL.test(signer))
    throw new InfracastError('USAGE', `'${signer}' is not an e-mail address`, { exitCode: ExitCode.Usage, hints: ['e.g. --email compliance@example.com'] });
  const folder = join(root, DEV_KEYS_DIR);
  const path = (file: string): string => join(folder, file);
  const now = options.now ?? new Date();
  const result = (made: boolean, validUntil: Date): DevKeysResult => ({
    workspace: root,
    folder,
    made,
    signer,
    valid_until: validUntil.toISOString(),
    files: { root_ca: path(FILES.root), key: path(FILES.key), certificate: path(FILES.certificate), public_key: path(FILES.publicKey) },
    configured: signing.key === `${DEV_KEYS_DIR}/${FILES.key}` && signing.certificate === `${DEV_KEYS_DIR}/${FILES.certificate}`,
  });
  const existing = options.force ? undefined : currentCertificate(path(FILES.certificate), path(FILES.key));
  if (existing && existing.validUntil.getTime() - now.getTime() > KEEP_IF_VALID_FOR_MS && existing.emails.includes(signer.toLowerCase()))
    return result(false, existing.validUntil);

  // Loaded here only: pkijs is kept off the start-up path of every other command.
  const { makeDevelopmentPki } = await import('../signing/dev-pki.js');
  const pki = await makeDevelopmentPki(signer, now);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  writeFileSync(path('.gitignore'), '# Throwaway development keys (infracast keys dev): never committed.\n*\n');
  writeFileSync(path(FILES.key), pki.keyPem, { mode: 0o600 });
  chmodSync(path(FILES.key), 0o600);
  writeFileSync(path(FILES.certificate), pki.chainPem);
  writeFileSync(path(FILES.root), pki.rootPem);
  writeFileSync(path(FILES.publicKey), pki.publicKeyPem);
  return result(true, new Date(new X509Certificate(pki.chainPem).validTo));
}

/** The signer certificate already in the folder, when it and its key are there and readable. */
function currentCertificate(certificate: string, key: string): { validUntil: Date; emails: string[] } | undefined {
  if (!existsSync(certificate) || !existsSync(key)) return undefined;
  try {
    const x509 = new X509Certificate(readFileSync(certificate));
    const emails = [...(x509.subjectAltName ?? '').matchAll(/email:([^,\s]+)/g)].map((m) => m[1]!.toLowerCase());
    return { validUntil: new Date(x509.validTo), emails };
  } catch {
    return undefined;
  }
}
