/**
 * A throwaway PKI for the signing tests, made with OpenSSL per test process (notes/signing.md
 * "Test PKI and TSA with OpenSSL"): root -> issuing CA -> RSA and P-256 document signers
 * (compliance@acme.com, emailProtection + documentSigning) and a TSA (critical timeStamping);
 * a second, unrelated root with its own signer for "intact but untrusted"; a loopback RFC 3161
 * TSA (`openssl ts -reply` behind 127.0.0.1); and an NSS database trusting only the test root,
 * for `pdfsig -nssdir`. Callers check for openssl first (requireTool), so CI fails without it.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  dir: string;
  /** A file of the PKI folder, as text: root.crt, inter.crt, leaf-rsa.key, leaf-ec.crt, tsa.crt, chain.pem... */
  pem: (name: string) => string;
  /** Signer certificate then issuing CA then root, PEM. */
  rsaChain: string;
  ecChain: string;
  /** An unrelated root (other-root.crt) and a signer under it (other-leaf.key, other-leaf.crt), for "untrusted". */
  otherChain: string;
}

/** The notes' gen.sh, with the signer the product will use: e-mail identity, digitalSignature, emailProtection + documentSigning. */
const GEN = String.raw`set -e
ca() { openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key -CAcreateserial -out $1.crt -days 30 -extfile $3 2>/dev/null; }
root() { openssl req -x509 -newkey rsa:2048 -nodes -keyout $1.key -out $1.crt -days 30 -subj "$2" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" 2>/dev/null; }
root root "/CN=Infracast Test Root CA/O=Acme"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > inter.ext
openssl req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr -subj "/CN=Infracast Test Issuing CA/O=Acme" 2>/dev/null
ca inter root inter.ext
# documentSigning (1.3.6.1.5.5.7.3.36, RFC 9336) by OID: OpenSSL 3.0 has no name for it.
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection,1.3.6.1.5.5.7.3.36\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nsubjectAltName=email:compliance@acme.com\n' > leaf.ext
openssl req -newkey rsa:2048 -nodes -keyout leaf-rsa.key -out leaf-rsa.csr -subj "/CN=Acme Compliance/O=Acme/emailAddress=compliance@acme.com" 2>/dev/null
ca leaf-rsa inter leaf.ext
openssl ecparam -name prime256v1 -genkey -noout -out leaf-ec.key
openssl req -new -key leaf-ec.key -out leaf-ec.csr -subj "/CN=Acme Compliance EC/O=Acme/emailAddress=compliance@acme.com"
ca leaf-ec inter leaf.ext
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > tsa.ext
openssl req -newkey rsa:2048 -nodes -keyout tsa.key -out tsa.csr -subj "/CN=Infracast Test TSA/O=Acme" 2>/dev/null
ca tsa inter tsa.ext
cat inter.crt root.crt > chain.pem
# Same shape, unrelated root: an intact signature that nobody here trusts.
root other-root "/CN=Somebody Else Root CA/O=Other"
openssl req -newkey rsa:2048 -nodes -keyout other-leaf.key -out other-leaf.csr -subj "/CN=Acme Compliance/O=Acme/emailAddress=compliance@acme.com" 2>/dev/null
ca other-leaf other-root leaf.ext
printf '01\n' > serial
openssl verify -CAfile root.crt -untrusted inter.crt leaf-rsa.crt leaf-ec.crt tsa.crt
openssl verify -CAfile other-root.crt other-leaf.crt
`;

const tsaConfig = (dir: string): string => `[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/chain.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

let made: Pki | undefined;
/** The process's test PKI (made on first use, removed when the process ends). */
export function testPki(): Pki {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'infracast-pki-'));
  const gen = spawnSync('sh', ['-c', GEN], { cwd: dir, encoding: 'utf8' });
  assert.equal(gen.status, 0, `PKI generation failed: ${gen.stderr}${gen.stdout}`);
  writeFileSync(join(dir, 'tsa.cnf'), tsaConfig(dir));
  const pem = (name: string): string => readFileSync(join(dir, name), 'utf8');
  made = {
    dir,
    pem,
    rsaChain: pem('leaf-rsa.crt') + pem('chain.pem'),
    ecChain: pem('leaf-ec.crt') + pem('chain.pem'),
    otherChain: pem('other-leaf.crt') + pem('other-root.crt'),
  };
  return made;
}

export interface LoopbackTsa {
  url: string;
  /** Every reply served, in order. */
  replies: Buffer[];
  /** Number of requests received. */
  requests: () => number;
}

const tsas = new Map<string, { server: Server; handle: LoopbackTsa }>();
/**
 * Issues another certificate for the RSA signer's key (leaf-rsa.csr, leaf.ext) under the issuing CA,
 * into `out` in the PKI folder: `days` may be negative (already expired), `serial` (hex) repeats an
 * existing one (a twin of the signer certificate).
 */
export function reissueSigner(p: Pick<Pki, 'dir'>, out: string, options: { days: number; serial?: string }): void {
  const serial = options.serial !== undefined ? ['-set_serial', `0x${options.serial}`] : ['-CAcreateserial'];
  const args = ['x509', '-req', '-in', 'leaf-rsa.csr', '-CA', 'inter.crt', '-CAkey', 'inter.key', ...serial, '-days', String(options.days)];
  const made = spawnSync('openssl', [...args, '-extfile', 'leaf.ext', '-out', out], { cwd: p.dir, encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
}

/**
 * A loopback RFC 3161 endpoint for the PKI folder `p.dir` (its tsa.cnf): each query goes through
 * `openssl ts -reply` (serialised: the serial file is shared). One per folder and process.
 */
export async function loopbackTsa(p: Pick<Pki, 'dir'> = testPki()): Promise<LoopbackTsa> {
  const running = tsas.get(p.dir);
  if (running) return running.handle;
  const replies: Buffer[] = [];
  let queue = Promise.resolve();
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      queue = queue.then(async () => {
        const id = ++n;
        const query = join(p.dir, `q${id}.tsq`);
        const reply = join(p.dir, `r${id}.tsr`);
        writeFileSync(query, Buffer.concat(chunks));
        try {
          await run('openssl', ['ts', '-reply', '-config', join(p.dir, 'tsa.cnf'), '-queryfile', query, '-out', reply], { cwd: p.dir });
          const body = readFileSync(reply);
          replies.push(body);
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(body);
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle: LoopbackTsa = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`, replies, requests: () => n };
  tsas.set(p.dir, { server, handle });
  return handle;
}

let nss: string | undefined;
/** An NSS database trusting only the test root, for `pdfsig -nssdir` (certutil from libnss3-tools). */
export function nssDb(p: Pki = testPki()): string {
  if (nss) return nss;
  const dir = join(p.dir, 'nssdb');
  mkdirSync(dir, { recursive: true });
  for (const args of [
    ['-N', '-d', `sql:${dir}`, '--empty-password'],
    ['-A', '-d', `sql:${dir}`, '-n', 'infracast-test-root', '-t', 'CT,C,C', '-i', join(p.dir, 'root.crt')],
  ]) {
    const result = spawnSync('certutil', args, { encoding: 'utf8' });
    assert.equal(result.status, 0, `certutil ${args.join(' ')}: ${result.stderr}`);
  }
  nss = dir;
  return dir;
}

after(() => {
  for (const { server } of tsas.values()) server.close();
  if (made) rmSync(made.dir, { recursive: true, force: true });
});

/** `openssl cms -verify` of a detached DER CMS over a content file, trusting only the test root (paths absolute or relative to the PKI folder). */
export function opensslCmsVerify(p: Pki, p7s: string, content: string): { ok: boolean; output: string } {
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', content, '-CAfile', 'root.crt', '-purpose', 'any', '-out', '/dev/null'];
  const result = spawnSync('openssl', args, { cwd: p.dir, encoding: 'utf8' });
  return { ok: result.status === 0, output: result.stderr + result.stdout };
}
