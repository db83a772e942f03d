/**
 * `infracast verify` runs without oclif when its arguments are plain (src/verify-fast.ts, issue 13's
 * bench). The fast path and the oclif command must be indistinguishable: for the same inputs (valid,
 * tampered, untrusted, a missing file, --verbose, --json errors) both print the same stdout and stderr
 * and exit with the same code. The fast path is run on its own (it must handle these, not fall back),
 * the oclif command through oclif's `execute`, and bin/run.js as users run it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { signPdf } from '../../src/signing/pdf.js';
import { binPath, repoRoot } from '../support/paths.js';
import { CLAIMED, METADATA, setUpSigning } from '../support/pdf-signing.js';
import type { Pki } from '../support/pki.js';

const FALLBACK = 99;
const env = { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1' };
const url = (path: string): string => JSON.stringify(pathToFileURL(path).href);

/** Without a timestamp, the chain is checked at the current time, which --verbose prints: the two runs differ by it only. */
const sameClock = (text: string): string => text.replace(/(chains to a trusted root at )\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '$1<now>');
const outcome = (result: { status: number | null; stdout: string; stderr: string }) => ({
  status: result.status ?? -1,
  stdout: sameClock(result.stdout),
  stderr: sameClock(result.stderr),
});
function node(code: string, cwd: string): { status: number; stdout: string; stderr: string } {
  return outcome(spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd, env, encoding: 'utf8' }));
}
/** The fast path alone: exit 99 if it declined the arguments. */
const fastPath = (args: string[], cwd: string) =>
  node(
    `const { runVerifyFast } = await import(${url(join(repoRoot, 'dist', 'cli', 'verify-fast.js'))});
     if (!(await runVerifyFast(${JSON.stringify(args)}, new URL(${url(join(repoRoot, 'oclif.manifest.json'))})))) process.exitCode = ${FALLBACK};`,
    cwd,
  );
/** The oclif command, as bin/run.js ran it before the fast path. */
const oclif = (args: string[], cwd: string) =>
  node(
    `const { execute } = await import(${url(join(repoRoot, 'dist', 'cli', 'main.js'))});
     await execute({ dir: ${url(binPath)}, args: ${JSON.stringify(['verify', ...args])} });`,
    cwd,
  );
const bin = (args: string[], cwd: string) => outcome(spawnSync(process.execPath, [binPath, 'verify', ...args], { cwd, env, encoding: 'utf8' }));

/** Only outside CI: setUpSigning (requireTool) fails the hook under CI when OpenSSL is missing. */
const NO_OPENSSL = 'real tools: OpenSSL is not installed, so the signed test PDF cannot be made (scripts/setup.sh installs it)';

describe('verify: the fast path prints what the oclif command prints', () => {
  let pki: Pki | undefined;
  let dir = '';
  before(async (t) => {
    pki = setUpSigning(t as never);
    if (!pki) return;
    dir = mkdtempSync(join(tmpdir(), 'infracast-verify-fast-'));
    const lib = await import('@cantoo/pdf-lib');
    const doc = await lib.PDFDocument.create();
    const font = await doc.embedFont(lib.StandardFonts.Helvetica);
    doc.addPage([612, 792]).drawText('Finding recorded, owner assigned.', { x: 54, y: 700, size: 11, font });
    const signed = await signPdf({ pdf: await doc.save(), key: pki.pem('leaf-rsa.key'), chain: pki.rsaChain, metadata: METADATA, claimedAt: CLAIMED });
    writeFileSync(join(dir, 'signed.pdf'), signed);
    const tampered = Buffer.from(signed);
    tampered[100] = tampered[100]! ^ 0x01; // inside the first signed range
    writeFileSync(join(dir, 'tampered.pdf'), tampered);
    writeFileSync(join(dir, 'root.crt'), pki.pem('root.crt'));
    writeFileSync(join(dir, 'other-root.crt'), pki.pem('other-root.crt'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string[], number][] = [
    ['valid', ['signed.pdf', '--ca', 'root.crt'], 0],
    ['valid, --json', ['signed.pdf', '--ca', 'root.crt', '--json'], 0],
    ['valid, --verbose', ['signed.pdf', '--ca=root.crt', '--verbose'], 0],
    ['valid, -v and two roots', ['signed.pdf', '-v', '--ca', 'other-root.crt', '--ca', 'root.crt'], 0],
    ['tampered', ['tampered.pdf', '--ca', 'root.crt'], 1],
    ['tampered, --json --verbose', ['tampered.pdf', '--ca', 'root.crt', '--json', '--verbose'], 1],
    ['untrusted (no --ca)', ['signed.pdf'], 1],
    ['untrusted (another root), --json', ['signed.pdf', '--ca', 'other-root.crt', '--json'], 1],
    ['untrusted, --identity', ['signed.pdf', '--ca', 'root.crt', '--identity', 'someone@example.com'], 1],
    ['missing file', ['missing.pdf', '--ca', 'root.crt'], 2],
    ['missing file, --json', ['missing.pdf', '--json'], 2],
    ['missing --ca file, --json', ['signed.pdf', '--ca', 'nowhere.crt', '--json'], 2],
  ];
  for (const [name, args] of cases)
    it(`${name}: same stdout, stderr and exit code`, (t) => {
      if (!pki) return t.skip(NO_OPENSSL);
      const fast = fastPath(args, dir);
      assert.notEqual(fast.status, FALLBACK, `the fast path declined ${args.join(' ')}`);
      const reference = oclif(args, dir);
      assert.ok(reference.stdout.length + reference.stderr.length > 0);
      assert.deepEqual(fast, reference);
      assert.deepEqual(bin(args, dir), reference);
    });
  it('the exit codes are the documented ones', (t) => {
    if (!pki) return t.skip(NO_OPENSSL);
    for (const [name, args, status] of cases) assert.equal(bin(args, dir).status, status, name);
  });

  const unusual: [string, string[]][] = [
    ['--help', ['--help']],
    ['an unknown flag', ['signed.pdf', '--nope']],
    ['a missing argument', ['--ca', 'root.crt']],
    ['two files', ['signed.pdf', 'tampered.pdf']],
    ['a repeatable flag before the file', ['--ca', 'root.crt', 'signed.pdf']],
    ['--key twice', ['signed.pdf', '--key', 'a.pem', '--key', 'b.pem']],
    ['a value that looks like a flag', ['signed.pdf', '--identity=-v']],
    ['--', ['--', 'signed.pdf']],
  ];
  for (const [name, args] of unusual)
    it(`${name}: the fast path declines, and bin/run.js prints what oclif prints`, (t) => {
      if (!pki) return t.skip(NO_OPENSSL);
      assert.deepEqual(fastPath(args, dir), { status: FALLBACK, stdout: '', stderr: '' });
      assert.deepEqual(bin(args, dir), oclif(args, dir));
    });
});
