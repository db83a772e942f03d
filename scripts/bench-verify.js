#!/usr/bin/env node
// Verify bench (issue 13): `infracast verify` of the signed framework report over the full NIST SP
// 800-53 catalog (the PDF of scripts/bench-pdf.js, 170+ pages), as a whole CLI process, against
// poppler's `pdfsig` on the same file (its NSS database trusting the same throwaway root), both
// measured in this run. The report is rendered once (Chromium) and signed with a throwaway OpenSSL
// PKI, without a timestamp (the bench times verification, not a TSA). Target: verify within 2x of
// pdfsig. The CLI's start-up alone (verify of a missing file) is reported beside it. Runs over dist/ (npm run build first);
// BENCH_VERIFY_RUNS (default 9) runs each, the median is reported; `pdfinfo` gives the page count.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fullCatalogReport } from './bench-pdf.js';
import { median } from './bench-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => import(pathToFileURL(join(root, 'dist', path)).href);

/** Root CA and a document signer under it (keyUsage digitalSignature, emailProtection), plus an NSS db trusting the root. */
const PKI = String.raw`set -e
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.crt -days 30 -subj "/CN=Bench Root/O=Bench" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectAltName=email:bench@example.com\n' > leaf.ext
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=Bench Signer/O=Bench" 2>/dev/null
openssl x509 -req -in leaf.csr -CA root.crt -CAkey root.key -CAcreateserial -out leaf.crt -days 30 -extfile leaf.ext 2>/dev/null
mkdir nssdb && certutil -N -d sql:nssdb --empty-password && certutil -A -d sql:nssdb -n bench-root -t "CT,C,C" -i root.crt
`;

function timed(command, args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: result.status, out: result.stdout + result.stderr };
}

export async function benchVerify({ runs = Number(process.env.BENCH_VERIFY_RUNS ?? 9) } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'infracast-bench-verify-'));
  try {
    const pki = spawnSync('sh', ['-c', PKI], { cwd: work, encoding: 'utf8' });
    if (pki.status !== 0) throw new Error(`PKI set-up failed: ${pki.stderr}`);
    const { openBrowserSession } = await dist('src/io/browser.js');
    const { renderPdf } = await dist('src/renderers/pdf.js');
    const { signPdf } = await dist('src/signing/pdf.js');
    const { model, ctx } = await fullCatalogReport();
    const session = openBrowserSession();
    let rendered;
    try {
      rendered = (await renderPdf(model, { ...ctx, browser: async () => session })).pdf;
    } finally {
      await session.close();
    }
    const pem = (name) => readFileSync(join(work, name), 'utf8');
    const signed = await signPdf({
      pdf: rendered,
      key: pem('leaf.key'),
      chain: pem('leaf.crt') + pem('root.crt'),
      metadata: { tenant: 'Acme Corp', framework: 'nist-800-53', report_type: 'framework', generated_at: '2026-11-29T00:00:00Z', signer: 'bench@example.com' },
      claimedAt: new Date('2026-11-29T00:00:00Z'),
    });
    mkdirSync(join(work, 'out'));
    const file = join(work, 'out', 'nist-800-53-framework.pdf');
    writeFileSync(file, signed);
    // BENCH_VERIFY_KEEP=<folder> keeps the signed PDF and the root there, for profiling.
    if (process.env.BENCH_VERIFY_KEEP) {
      writeFileSync(join(process.env.BENCH_VERIFY_KEEP, 'nist-800-53-framework.pdf'), signed);
      writeFileSync(join(process.env.BENCH_VERIFY_KEEP, 'root.crt'), pem('root.crt'));
    }
    const pages = Number(/Pages:\s+(\d+)/.exec(timed('pdfinfo', [file], work).out)?.[1] ?? NaN);

    const pdfsigArgs = ['-nssdir', join(work, 'nssdb'), file];
    const verifyArgs = [join(root, 'bin', 'run.js'), 'verify', file, '--ca', join(work, 'root.crt'), '--json'];
    // Each once as a warm-up (OS file cache), and to check they agree the file is valid.
    const sig = timed('pdfsig', pdfsigArgs, work);
    if (!/Signature is Valid\./.test(sig.out) || !/Certificate is Trusted\./.test(sig.out)) throw new Error(`pdfsig does not call the file valid:\n${sig.out}`);
    const ours = timed(process.execPath, verifyArgs, work);
    if (ours.status !== 0 || !/"status":\s*"valid"/.test(ours.out))
      throw new Error(`infracast verify does not call the file valid (exit ${ours.status}):\n${ours.out}`);
    // For the reader: the CLI's own floor, the same command on a file that does not exist (start-up, no verification).
    const floorArgs = [join(root, 'bin', 'run.js'), 'verify', join(work, 'missing.pdf'), '--json'];
    const [a, b, c] = [[], [], []];
    for (let i = 0; i < runs; i++) {
      a.push(timed('pdfsig', pdfsigArgs, work).ms);
      b.push(timed(process.execPath, verifyArgs, work).ms);
      c.push(timed(process.execPath, floorArgs, work).ms);
    }
    return {
      pages,
      bytes: signed.length,
      pdfsigMs: Math.round(median(a)),
      verifyMs: Math.round(median(b)),
      floorMs: Math.round(median(c)),
      ratio: Number((median(b) / median(a)).toFixed(2)),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const r = await benchVerify();
  console.log(`signed framework report, full NIST SP 800-53 catalog: ${r.pages} pages (pdfinfo), ${(r.bytes / 1e6).toFixed(1)} MB`);
  console.log(`(a) pdfsig -nssdir, whole process:           ${r.pdfsigMs} ms`);
  console.log(`(b) infracast verify --ca, whole process:    ${r.verifyMs} ms`);
  console.log(`    the CLI alone (verify of a missing file):  ${r.floorMs} ms (start-up, reported)`);
  console.log(`ratio (b)/(a): ${r.ratio}x (target: within 2x)`);
  if (!(r.pages >= 170) || r.ratio > 2) process.exitCode = 1;
}
