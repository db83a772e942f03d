#!/usr/bin/env bash
# A throwaway development signing key in a workspace's .dev-keys/ folder: `infracast keys dev`
# (see its --help) makes the key and certificates; this script, kept for the development set-up,
# adds an NSS database trusting only the development root, for `pdfsig -nssdir .dev-keys/nssdb`,
# when certutil (libnss3-tools) is installed.
# Usage: scripts/dev-keys.sh WORKSPACE [SIGNER_EMAIL]   (default e-mail: the workspace's signing.signer)
# These keys prove nothing about anyone: never use them for reports you send.
set -euo pipefail

workspace=${1:?usage: scripts/dev-keys.sh WORKSPACE [SIGNER_EMAIL]}
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$root/dist/cli/main.js" ]; then
  echo "dev-keys: the CLI is not built yet (npm ci, or npm run build); no development keys made" >&2
  exit 3
fi
node "$root/bin/run.js" keys dev "$workspace" ${2:+--email "$2"}

dir="$(cd "$workspace" && pwd)/.dev-keys"
if command -v certutil >/dev/null 2>&1 && { [ ! -d "$dir/nssdb" ] || [ "$dir/dev-root-ca.pem" -nt "$dir/nssdb" ]; }; then
  rm -rf "$dir/nssdb" && mkdir -p "$dir/nssdb"
  certutil -N -d "sql:$dir/nssdb" --empty-password
  certutil -A -d "sql:$dir/nssdb" -n infracast-dev-root -t "CT,C,C" -i "$dir/dev-root-ca.pem"
  echo "dev-keys: $dir/nssdb trusts the development root (pdfsig -nssdir $dir/nssdb)"
fi
