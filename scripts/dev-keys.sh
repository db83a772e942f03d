#!/usr/bin/env bash
# Creates a throwaway development PKI for signing in a workspace's .dev-keys/ folder (git-ignored):
#   dev-root-ca.pem      the development root CA: what `infracast verify --ca` is given to trust it
#   signing-key.pem      the signer's private key (EC P-256, unencrypted: development only)
#   signing-cert.pem     the signer's certificate (e-mail, digitalSignature, emailProtection +
#                        documentSigning), followed by the issuing CA's
#   signing.pub.pem      the signer's public key (`infracast verify --key` for Sigstore bundles)
#   nssdb/               an NSS database trusting only the root, for `pdfsig -nssdir`
# Usage: scripts/dev-keys.sh WORKSPACE [SIGNER_EMAIL]   (default e-mail: compliance@acme.com)
# Nothing is made when the keys exist and the certificate is valid for another 30 days.
# These keys prove nothing about anyone: never use them for reports you send.
set -euo pipefail

workspace=${1:?usage: scripts/dev-keys.sh WORKSPACE [SIGNER_EMAIL]}
email=${2:-compliance@acme.com}
mkdir -p "$workspace"
dir="$(cd "$workspace" && pwd)/.dev-keys"

if ! command -v openssl >/dev/null 2>&1; then
  echo "dev-keys: openssl is not installed (scripts/setup.sh installs it); no development keys made" >&2
  exit 0
fi
if [ -f "$dir/signing-cert.pem" ] && openssl x509 -checkend $((30 * 86400)) -noout -in "$dir/signing-cert.pem" >/dev/null 2>&1; then
  echo "dev-keys: $dir already holds a development key"
  exit 0
fi

mkdir -p "$dir"
chmod 700 "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem -days 3650 \
  -subj "/CN=Infracast Development Root CA (throwaway)/O=Development only" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >ca.ext
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.csr -subj "/CN=Infracast Development Issuing CA/O=Development only" 2>/dev/null
openssl x509 -req -in ca.csr -CA root.pem -CAkey root.key -CAcreateserial -out ca.pem -days 3650 -extfile ca.ext 2>/dev/null
# documentSigning is 1.3.6.1.5.5.7.3.36 (RFC 9336): OpenSSL 3.0 has no name for it.
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection,1.3.6.1.5.5.7.3.36\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nsubjectAltName=email:%s\n' "$email" >leaf.ext
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=Compliance Signer (development)/O=Development only/emailAddress=$email" 2>/dev/null
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 825 -extfile leaf.ext 2>/dev/null
openssl verify -CAfile root.pem -untrusted ca.pem leaf.pem >/dev/null

umask 077
cp root.pem "$dir/dev-root-ca.pem"
cp leaf.key "$dir/signing-key.pem"
cat leaf.pem ca.pem >"$dir/signing-cert.pem"
openssl pkey -in leaf.key -pubout -out "$dir/signing.pub.pem"
if command -v certutil >/dev/null 2>&1; then
  rm -rf "$dir/nssdb" && mkdir -p "$dir/nssdb"
  certutil -N -d "sql:$dir/nssdb" --empty-password
  certutil -A -d "sql:$dir/nssdb" -n infracast-dev-root -t "CT,C,C" -i "$dir/dev-root-ca.pem"
fi
echo "dev-keys: made a throwaway signing key for $email in $dir (trust anchor: $dir/dev-root-ca.pem)"
