#!/usr/bin/env bash
# The main job on the example workspace (README "Set up"), as a newcomer would run it: a copy of
# examples/acme in out/acme (git-ignored), a throwaway signing key for it, its reports rendered
# (the signed SOC 2 PDF among them), that PDF's signature verified, and the SPRS summary.
# The document definitions not built yet (SAR, POA&M workbook, FAR/DFARS) are left out with --only.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step is printed as a user would type it.
infracast() {
  printf '\n$ infracast %s\n' "$*" >&2
  node bin/run.js "$@"
}
rm -rf out/acme
infracast init --example acme out/acme
infracast keys dev out/acme
infracast render out/acme --only framework --only executive --only gap --only remediation --only evidence --only ssp --only architecture-diagram
infracast verify out/acme/out/soc-2-compliance-report/soc-2-compliance-report.pdf --ca out/acme/.dev-keys/dev-root-ca.pem
infracast summary -f nist-800-171 -w out/acme -o table
