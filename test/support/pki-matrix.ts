/**
 * A matrix of certificate chains made with OpenSSL (EC P-256, under a second of generation), each a
 * cell with the path rule it breaks, for the differential test of path-validation.ts against
 * `openssl verify -x509_strict` (test/tools/path-validation-oracle.test.ts) and for the signing tests
 * that need a signer no verifier may accept (a sub-CA below a pathlen:0 CA, an unknown critical
 * extension, keyEncipherment only, another e-mail). Every certificate carries what RFC 5280 and
 * OpenSSL's strict mode ask of a conforming CA (key identifiers, critical basicConstraints), so a cell
 * fails for its one reason only. Dated certificates (expired, not yet valid) come from `openssl ca`,
 * the only OpenSSL 3.0 command that takes explicit start and end dates.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export interface MatrixCell {
  name: string;
  /** Files of the matrix folder. */
  leaf: string;
  untrusted: string[];
  root: string;
  /** `valid`, or the rule of path-validation.ts the path breaks. */
  expect: 'valid' | string;
  /** The `openssl verify` error number expected (X509_V_ERR_*), for the invalid cells. */
  opensslError?: number;
  /** The leaf's private key file, for cells whose leaf signs documents. */
  key: string;
}

export interface ChainMatrix {
  dir: string;
  cells: MatrixCell[];
  /** A file of the matrix folder, as text. */
  pem: (name: string) => string;
  /** The leaf, then the untrusted certificates of a cell, PEM: a signing chain. */
  chainOf: (cell: MatrixCell) => string;
  cell: (name: string) => MatrixCell;
}

const day = 86_400_000;
const caDate = (t: number): string => new Date(t).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

const script = (now: number): string => String.raw`set -e
exts() { printf '%s\n' "$@" | tr '|' '\n'; }
KID='subjectKeyIdentifier=hash|authorityKeyIdentifier=keyid'
exts "basicConstraints=critical,CA:TRUE,pathlen:0|keyUsage=critical,keyCertSign,cRLSign|$KID" > ca0.ext
exts "basicConstraints=critical,CA:TRUE,pathlen:1|keyUsage=critical,keyCertSign,cRLSign|$KID" > ca1.ext
exts "basicConstraints=critical,CA:TRUE|keyUsage=critical,keyCertSign,cRLSign|$KID" > ca.ext
exts "basicConstraints=critical,CA:FALSE|keyUsage=critical,digitalSignature|$KID" > cafalse.ext
exts "basicConstraints=critical,CA:TRUE|keyUsage=critical,cRLSign|$KID" > nocertsign.ext
exts "basicConstraints=critical,CA:TRUE|keyUsage=critical,keyCertSign,cRLSign|1.3.6.1.4.1.55738.666.1=critical,ASN1:NULL|$KID" > cacrit.ext
LEAF="basicConstraints=critical,CA:FALSE|$KID|extendedKeyUsage=emailProtection,1.3.6.1.5.5.7.3.36"
exts "$LEAF|keyUsage=critical,digitalSignature,nonRepudiation|subjectAltName=email:compliance@acme.com" > leaf.ext
exts "$LEAF|keyUsage=critical,digitalSignature,nonRepudiation|subjectAltName=email:compliance@acme.com|1.3.6.1.4.1.55738.666.1=critical,ASN1:NULL" > leafcrit.ext
exts "$LEAF|keyUsage=critical,keyEncipherment|subjectAltName=email:compliance@acme.com" > leafenc.ext
exts "$LEAF|keyUsage=critical,digitalSignature,nonRepudiation|subjectAltName=email:other@acme.com" > leafother.ext
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=ca.serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n' > ca.cnf
: > index.txt; echo 1000 > ca.serial
key() { openssl ecparam -name prime256v1 -genkey -noout -out $1.key; }
root() { key $1; openssl req -x509 -new -key $1.key -out $1.crt -days 60 -subj "/CN=$2/O=Matrix" -addext "basicConstraints=critical,CA:TRUE$3" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash"; }
# issue NAME ISSUER EXTFILE CN [START END]: a certificate for a fresh key (or NAME.key when it exists).
issue() {
  [ -f $1.key ] || key $1
  openssl req -new -key $1.key -out $1.csr -subj "/CN=$4/O=Matrix"
  if [ -n "$5" ]; then openssl ca -batch -config ca.cnf -cert $2.crt -keyfile $2.key -in $1.csr -out $1.crt -startdate $5 -enddate $6 -extfile $3 -notext 2>/dev/null
  else openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key -CAcreateserial -out $1.crt -days 30 -extfile $3 2>/dev/null; fi
}
root root "Matrix Root"
root rootp0 "Matrix Root pathlen 0" ",pathlen:0"
root other "Matrix Other Root"
issue leaf0 root leaf.ext "Signer direct"
# pathlen 0 and 1, each with 0, 1 and 2 CAs below it and a signer at the bottom.
for n in 0 1; do
  issue a$n root ca$n.ext "CA pathlen $n"
  issue a$n-leaf a$n leaf.ext "Signer $n-0"
  issue a$n-s a$n ca.ext "Sub-CA of pathlen $n"
  issue a$n-s-leaf a$n-s leaf.ext "Signer $n-1"
  issue a$n-s2 a$n-s ca.ext "Sub-sub-CA of pathlen $n"
  issue a$n-s2-leaf a$n-s2 leaf.ext "Signer $n-2"
done
issue p0-i rootp0 ca.ext "CA under a pathlen 0 root"
issue p0-i-leaf p0-i leaf.ext "Signer under a pathlen 0 root"
issue i root ca.ext "Issuing CA"
issue i-leaf i leaf.ext "Signer"
issue i-crit i leafcrit.ext "Signer with an unknown critical extension"
issue i-enc i leafenc.ext "Signer keyEncipherment only"
issue i-other i leafother.ext "Other signer"
issue i-future i leaf.ext "Signer not yet valid" ${caDate(now + 10 * day)} ${caDate(now + 20 * day)}
issue f root cafalse.ext "CA FALSE intermediate"
issue f-leaf f leaf.ext "Signer under CA FALSE"
issue n root nocertsign.ext "CA without keyCertSign"
issue n-leaf n leaf.ext "Signer under no keyCertSign"
issue c root cacrit.ext "CA with an unknown critical extension"
issue c-leaf c leaf.ext "Signer under a critical extension"
issue e root ca.ext "Expired CA" ${caDate(now - 20 * day)} ${caDate(now - 10 * day)}
issue e-leaf e leaf.ext "Signer under an expired CA"
# Same DN as "Issuing CA", another key: its signer must not chain through the real one.
issue evil root ca.ext "Issuing CA"
issue evil-leaf evil leaf.ext "Signer of a look-alike CA"
issue o-leaf other leaf.ext "Signer under another root"
`;

let made: ChainMatrix | undefined;
/** The matrix of this test process (made on first use, removed when the process ends). */
export function chainMatrix(): ChainMatrix {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'infracast-matrix-'));
  const gen = spawnSync('sh', ['-c', script(Date.now())], { cwd: dir, encoding: 'utf8' });
  assert.equal(gen.status, 0, `matrix generation failed: ${gen.stderr}${gen.stdout}`);
  const cell = (name: string, leaf: string, untrusted: string[], root: string, expect: string, opensslError?: number): MatrixCell => ({
    name,
    leaf: `${leaf}.crt`,
    untrusted: untrusted.map((u) => `${u}.crt`),
    root: `${root}.crt`,
    expect,
    ...(opensslError !== undefined ? { opensslError } : {}),
    key: `${leaf}.key`,
  });
  // X509_V_ERR_* of OpenSSL 3.0: 9 not yet valid, 10 expired, 20 unable to get local issuer, 25 path
  // length exceeded, 34 unhandled critical extension, 79 invalid CA certificate (a CA:FALSE issuer, and
  // in strict mode one whose keyUsage lacks keyCertSign). For the look-alike issuer OpenSSL says 20: its
  // issuer lookup already skips a certificate whose subjectKeyIdentifier is not the child's
  // authorityKeyIdentifier, where ours finds the issuer by name and refuses its signature.
  const cells = [
    cell('root -> signer', 'leaf0', [], 'root', 'valid'),
    cell('pathlen:0 -> signer', 'a0-leaf', ['a0'], 'root', 'valid'),
    cell('pathlen:0 -> sub-CA -> signer', 'a0-s-leaf', ['a0', 'a0-s'], 'root', 'path-length', 25),
    cell('pathlen:0 -> sub-CA -> sub-sub-CA -> signer', 'a0-s2-leaf', ['a0', 'a0-s', 'a0-s2'], 'root', 'path-length', 25),
    cell('pathlen:1 -> signer', 'a1-leaf', ['a1'], 'root', 'valid'),
    cell('pathlen:1 -> sub-CA -> signer', 'a1-s-leaf', ['a1', 'a1-s'], 'root', 'valid'),
    cell('pathlen:1 -> sub-CA -> sub-sub-CA -> signer', 'a1-s2-leaf', ['a1', 'a1-s', 'a1-s2'], 'root', 'path-length', 25),
    cell('pathlen:0 root -> CA -> signer', 'p0-i-leaf', ['p0-i'], 'rootp0', 'path-length', 25),
    cell('CA:FALSE intermediate', 'f-leaf', ['f'], 'root', 'basic-constraints', 79),
    cell('intermediate without keyCertSign', 'n-leaf', ['n'], 'root', 'key-cert-sign', 79),
    cell('signer with an unknown critical extension', 'i-crit', ['i'], 'root', 'unknown-critical-extension', 34),
    cell('intermediate with an unknown critical extension', 'c-leaf', ['c'], 'root', 'unknown-critical-extension', 34),
    cell('expired intermediate', 'e-leaf', ['e'], 'root', 'validity', 10),
    cell('signer not yet valid', 'i-future', ['i'], 'root', 'validity', 9),
    cell('issuer with the same DN and another key', 'evil-leaf', ['i'], 'root', 'signature', 20),
    cell('signer under another root', 'o-leaf', [], 'root', 'no-path', 20),
    cell('signer keyEncipherment only (a path rule does not care)', 'i-enc', ['i'], 'root', 'valid'),
    cell('signer other@acme.com', 'i-other', ['i'], 'root', 'valid'),
    cell('signer', 'i-leaf', ['i'], 'root', 'valid'),
  ];
  const pem = (name: string): string => readFileSync(join(dir, name), 'utf8');
  made = {
    dir,
    cells,
    pem,
    chainOf: (c) => [c.leaf, ...c.untrusted].map(pem).join(''),
    cell: (name) => {
      const found = cells.find((c) => c.name === name);
      assert.ok(found, `no matrix cell ${name}`);
      return found;
    },
  };
  return made;
}

after(() => {
  if (made) rmSync(made.dir, { recursive: true, force: true });
});

/** `openssl verify -x509_strict -attime` of a cell (no -partial_chain): ok, or the first error number. */
export function opensslVerify(matrix: ChainMatrix, cell: MatrixCell, at: Date): { ok: boolean; error?: number; output: string } {
  const untrusted = join(matrix.dir, `${cell.name.replace(/[^a-z0-9]+/gi, '_')}.untrusted.pem`);
  writeFileSync(untrusted, cell.untrusted.map(matrix.pem).join(''));
  const args = ['verify', '-x509_strict', '-attime', String(Math.floor(at.getTime() / 1000)), '-CAfile', cell.root];
  if (cell.untrusted.length > 0) args.push('-untrusted', untrusted);
  args.push(cell.leaf);
  const result = spawnSync('openssl', args, { cwd: matrix.dir, encoding: 'utf8' });
  const output = result.stdout + result.stderr;
  const error = /error (\d+) at \d+ depth/.exec(output)?.[1];
  return { ok: result.status === 0 && /: OK\s*$/m.test(output), ...(error ? { error: Number(error) } : {}), output };
}
