/**
 * A throwaway PKI whose certificates name revocation services on 127.0.0.1, with those services
 * running (issue 13, long-term validation): `openssl ca` databases for a root and an issuing CA, CRLs
 * made by `openssl ca -gencrl` on each request and served by a loopback HTTP server, and two real
 * `openssl ocsp` responders (one per CA: the root signs its own responses, the issuing CA delegates to
 * a responder certificate with extendedKeyUsage OCSPSigning). The ports are chosen at run time and the
 * certificates that name them are made after the services listen. Revocation is `openssl ca -revoke`.
 *
 * `openssl ocsp -port` (OpenSSL 3.0) takes a port number only and listens on every interface; the
 * tests only ever connect to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from './ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export interface RevocationPki {
  dir: string;
  /** A file of the PKI folder, as text: root.crt, inter.crt, chain.pem, tsa.crt, <name>.crt... */
  pem: (name: string) => string;
  /** CRL and OCSP URLs the certificates name. */
  urls: { interCrl: string; rootCrl: string; interOcsp: string; rootOcsp: string };
  /**
   * Issues a document-signing certificate `name`.crt/.key under the issuing CA, naming the CRL
   * (`crl`), the OCSP responder (`ocsp`), both (default), or services on a port nobody listens on
   * (`unreachable`); `endDate` (openssl YYMMDDHHMMSSZ) shortens its life.
   */
  issue: (name: string, options?: { names?: 'crl' | 'ocsp' | 'both' | 'unreachable'; endDate?: string }) => Promise<{ key: string; chain: string }>;
  /** `openssl ca -revoke` of `name`.crt by the issuing CA, now, for `reason`. */
  revoke: (name: string, reason: 'keyCompromise' | 'superseded' | 'cessationOfOperation') => Promise<void>;
  /** Stops the CRL server and both OCSP responders (verification "years later", offline). */
  stop: () => Promise<void>;
}

const sh = (script: string, cwd: string): string => {
  const result = spawnSync('sh', ['-c', `set -e\n${script}`], { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `${script}\n${result.stderr}${result.stdout}`);
  return result.stdout;
};

const caConfig = (dir: string, name: string): string => `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${dir}/${name}-db
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = ${dir}/${name}.crt
private_key = ${dir}/${name}.key
default_md = sha256
default_days = 30
default_crl_days = 1
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
organizationName = optional
emailAddress = optional
`;

let made: RevocationPki | undefined;
const children: ChildProcess[] = [];
let crlServer: Server | undefined;

/** The process's revocation PKI and services (made on first use, stopped and removed when the process ends). */
export async function revocationPki(): Promise<RevocationPki> {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'infracast-ltv-'));
  for (const ca of ['root', 'inter']) {
    mkdirSync(join(dir, `${ca}-db`));
    writeFileSync(join(dir, `${ca}-db`, 'index.txt'), '');
    writeFileSync(join(dir, `${ca}-db`, 'serial'), ca === 'root' ? '1000\n' : '2000\n');
    writeFileSync(join(dir, `${ca}-db`, 'crlnumber'), '01\n');
    writeFileSync(join(dir, `${ca}.cnf`), caConfig(dir, ca));
  }
  // The services first: their ports go into the certificates.
  let queue = Promise.resolve();
  crlServer = createServer((req, res) => {
    const ca = /^\/(root|inter)\.crl$/.exec(req.url ?? '')?.[1];
    if (!ca) return void res.writeHead(404).end();
    queue = queue.then(() => {
      try {
        sh(`openssl ca -batch -config ${ca}.cnf -gencrl -out ${ca}.crl.pem 2>/dev/null\nopenssl crl -in ${ca}.crl.pem -outform DER -out ${ca}.crl`, dir);
        res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(readFileSync(join(dir, `${ca}.crl`)));
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => crlServer!.listen(0, '127.0.0.1', resolve));
  const crlPort = (crlServer.address() as AddressInfo).port;
  const [rootOcspPort, interOcspPort, deadPort] = [await freePort(), await freePort(), await freePort()];
  const urls = {
    rootCrl: `http://127.0.0.1:${crlPort}/root.crl`,
    interCrl: `http://127.0.0.1:${crlPort}/inter.crl`,
    rootOcsp: `http://127.0.0.1:${rootOcspPort}/`,
    interOcsp: `http://127.0.0.1:${interOcspPort}/`,
  };
  const ski = 'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
  writeFileSync(
    join(dir, 'inter.ext'),
    `basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n${ski}crlDistributionPoints=URI:${urls.rootCrl}\nauthorityInfoAccess=OCSP;URI:${urls.rootOcsp}\n`,
  );
  writeFileSync(
    join(dir, 'tsa.ext'),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\n${ski}crlDistributionPoints=URI:${urls.interCrl}\nauthorityInfoAccess=OCSP;URI:${urls.interOcsp}\n`,
  );
  writeFileSync(
    join(dir, 'ocsp.ext'),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\nnoCheck=ignored\n${ski}`,
  );
  sh(
    String.raw`
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.crt -days 30 -subj "/CN=Infracast LTV Root CA/O=Acme" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr -subj "/CN=Infracast LTV Issuing CA/O=Acme" 2>/dev/null
openssl ca -batch -notext -config root.cnf -extfile inter.ext -in inter.csr -out inter.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout ocsp.key -out ocsp.csr -subj "/CN=Infracast LTV OCSP Responder/O=Acme" 2>/dev/null
openssl ca -batch -notext -config inter.cnf -extfile ocsp.ext -in ocsp.csr -out ocsp.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout tsa.key -out tsa.csr -subj "/CN=Infracast LTV TSA/O=Acme" 2>/dev/null
openssl ca -batch -notext -config inter.cnf -extfile tsa.ext -in tsa.csr -out tsa.crt 2>/dev/null
cat inter.crt root.crt > chain.pem
printf '01\n' > serial
openssl verify -CAfile root.crt -untrusted inter.crt tsa.crt ocsp.crt
`,
    dir,
  );
  writeFileSync(
    join(dir, 'tsa.cnf'),
    `[ tsa ]\ndefault_tsa = tsa_config1\n[ tsa_config1 ]\ndir = ${dir}\nserial = $dir/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.crt\ncerts = $dir/chain.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.99999.1.1\ndigests = sha256\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n`,
  );
  // Ready when it says so on stderr: a probe connection that sends nothing would block the single-threaded responder.
  const responder = (ca: 'root' | 'inter', port: number, signer: string, key: string): Promise<ChildProcess> => {
    const child = spawn(
      'openssl',
      [
        'ocsp',
        '-index',
        join(dir, `${ca}-db`, 'index.txt'),
        '-port',
        String(port),
        '-rsigner',
        signer,
        '-rkey',
        key,
        '-CA',
        join(dir, `${ca}.crt`),
        '-nmin',
        '60',
        '-ignore_err',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(child);
    return new Promise<ChildProcess>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`openssl ocsp on port ${port} exited with ${code}`)));
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        if (/waiting for OCSP client connections/.test(text)) resolve(child);
      });
    });
  };
  let interResponder: ChildProcess;
  [, interResponder] = await Promise.all([
    responder('root', rootOcspPort, join(dir, 'root.crt'), join(dir, 'root.key')),
    responder('inter', interOcspPort, join(dir, 'ocsp.crt'), join(dir, 'ocsp.key')),
  ]);

  const pem = (name: string): string => readFileSync(join(dir, name), 'utf8');
  let serial = 0;
  // openssl ocsp (3.0) reads its index once, at start: the issuing CA's responder restarts after each change.
  const restartInter = async (): Promise<void> => {
    const old = interResponder;
    await new Promise<void>((resolve) => {
      old.on('exit', () => resolve());
      old.kill();
    });
    interResponder = await responder('inter', interOcspPort, join(dir, 'ocsp.crt'), join(dir, 'ocsp.key'));
  };
  made = {
    dir,
    pem,
    urls,
    async issue(name, options = {}) {
      const names = options.names ?? 'both';
      const crl = names === 'unreachable' ? `http://127.0.0.1:${deadPort}/inter.crl` : urls.interCrl;
      const ocsp = names === 'unreachable' ? `http://127.0.0.1:${deadPort}/` : urls.interOcsp;
      const lines = [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,nonRepudiation',
        'extendedKeyUsage=emailProtection,1.3.6.1.5.5.7.3.36',
        ski.trim(),
        'subjectAltName=email:compliance@acme.com',
        ...(names !== 'ocsp' ? [`crlDistributionPoints=URI:${crl}`] : []),
        ...(names !== 'crl' ? [`authorityInfoAccess=OCSP;URI:${ocsp}`] : []),
      ];
      writeFileSync(join(dir, `${name}.ext`), `${lines.join('\n')}\n`);
      sh(
        `openssl req -newkey rsa:2048 -nodes -keyout ${name}.key -out ${name}.csr -subj "/CN=Acme Compliance ${name} ${++serial}/O=Acme/emailAddress=compliance@acme.com" 2>/dev/null
openssl ca -batch -notext -config inter.cnf -extfile ${name}.ext ${options.endDate ? `-enddate ${options.endDate}` : ''} -in ${name}.csr -out ${name}.crt 2>/dev/null`,
        dir,
      );
      await restartInter();
      return { key: pem(`${name}.key`), chain: pem(`${name}.crt`) + pem('chain.pem') };
    },
    async revoke(name, reason) {
      sh(`openssl ca -config inter.cnf -revoke ${name}.crt -crl_reason ${reason} 2>/dev/null`, dir);
      await restartInter();
    },
    async stop() {
      for (const child of children) child.kill();
      await new Promise<void>((resolve) => (crlServer ? crlServer.close(() => resolve()) : resolve()));
      crlServer = undefined;
    },
  };
  return made;
}

after(() => {
  for (const child of children) child.kill();
  crlServer?.close();
  if (made) rmSync(made.dir, { recursive: true, force: true });
});
