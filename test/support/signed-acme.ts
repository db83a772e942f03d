/**
 * examples/acme rendered and signed, as a user would do it, for the signing tests: a copy of the
 * workspace whose signing: set-up points at the throwaway test PKI (RSA signer under the test root),
 * a loopback RFC 3161 TSA (network.allow with 127.0.0.1 only) and .p7s sidecars; then
 * `infracast render reports/soc2-signed.yaml reports/nist-800-171-gap.yaml --sign --at ...`:
 * the signed SOC 2 PDF of the Reports API, and the gap report in PDF, DOCX, XLSX, Markdown and JSON.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { parseDocument } from 'yaml';
import { runCliAsync, type CliResult } from './cli.js';
import { examplesDir } from './paths.js';
import { committedPart } from './workspace.js';
import { loopbackTsa, testPki, type LoopbackTsa, type Pki } from './pki.js';

/** Workspaces made by this process, removed when it ends (registered at import: an after() inside a hook would run at the hook's end). */
const made: string[] = [];
after(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true });
});

export const SIGNED_AT = '2026-11-29T12:00:00Z';
export const SIGNED_DEFINITIONS = ['reports/soc2-signed.yaml', 'reports/nist-800-171-gap.yaml'];

export interface SignedAcme {
  root: string;
  pki: Pki;
  tsa: LoopbackTsa;
  /** A file under out/. */
  out: (...parts: string[]) => string;
  render: () => Promise<CliResult>;
  first: CliResult;
}

/** A copy of examples/acme whose signing set-up uses the test PKI and loopback TSA (no render yet). */
export async function signingWorkspace(options: { tsa?: boolean; p7s?: boolean } = {}): Promise<{ root: string; pki: Pki; tsa: LoopbackTsa }> {
  const pki = testPki();
  const tsa = await loopbackTsa(pki);
  const root = mkdtempSync(join(tmpdir(), 'infracast-signed-'));
  const committed = committedPart(join(examplesDir, 'acme'));
  cpSync(join(examplesDir, 'acme'), root, { recursive: true, filter: (src) => committed(src) && !src.includes('.dev-keys') });
  mkdirSync(join(root, '.dev-keys'), { recursive: true });
  writeFileSync(join(root, '.dev-keys', 'signing-key.pem'), pki.pem('leaf-rsa.key'));
  writeFileSync(join(root, '.dev-keys', 'signing-cert.pem'), pki.rsaChain);
  const configPath = join(root, 'infracast.yaml');
  const config = parseDocument(readFileSync(configPath, 'utf8'));
  if (options.tsa !== false) config.setIn(['signing', 'tsa_url'], tsa.url);
  if (options.p7s !== false) config.setIn(['signing', 'p7s'], true);
  config.setIn(['network', 'allow'], true);
  config.setIn(['network', 'allowed_hosts'], ['127.0.0.1']);
  writeFileSync(configPath, config.toString());
  made.push(root);
  return { root, pki, tsa };
}

let rendered: Promise<SignedAcme> | undefined;
/** The signed render (made once per test process). */
export function signedAcme(): Promise<SignedAcme> {
  rendered ??= (async () => {
    const { root, pki, tsa } = await signingWorkspace();
    const render = (): Promise<CliResult> => runCliAsync(['render', ...SIGNED_DEFINITIONS, '--sign', '--at', SIGNED_AT], { cwd: root });
    return { root, pki, tsa, out: (...parts) => join(root, 'out', ...parts), render, first: await render() };
  })();
  return rendered;
}
