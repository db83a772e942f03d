/**
 * Exports of known tools in an output mode Infracast does not read (a Trivy table, a Checkov text
 * report, an SBOM...), recognised from their content only, so that the error names the tool and
 * the export to make instead. A tool is named only when the content proves it: a line or member
 * only that tool writes. One row per shape; the first that matches is the answer.
 */
import { jsonHeadShape } from './json-shape.js';
import type { JsonHeadShape } from './json-shape.js';

export interface OtherExport {
  /** What the file is, naming the tool: "a Trivy table (text) report". */
  what: string;
  /** The export to make instead. */
  fix: string;
}

interface Sign extends OtherExport {
  test(text: string, shape: JsonHeadShape): boolean;
}

const TRIVY = 'Export Trivy JSON or SARIF instead: trivy <image|fs|repo|config> <target> --format json --output trivy.json (or --format sarif).';
const GRYPE = 'Export Grype JSON or SARIF instead: grype <target> -o json --file grype.json (or -o sarif).';
const CHECKOV = 'Export Checkov JSON or SARIF instead: checkov -d <dir> -o json > checkov.json (or -o sarif).';
const SEMGREP = 'Export Semgrep JSON or SARIF instead: semgrep scan --json --output semgrep.json (or --sarif).';
const TRIVY_SBOM =
  'An SBOM lists components, not findings: export the scan as Trivy JSON or SARIF instead (trivy <target> --format json, or --format sarif), or scan this SBOM: trivy sbom <file> --format json.';
const SBOM = 'An SBOM lists components, not findings: scan it and import the scan, e.g. trivy sbom <file> --format json, or grype sbom:<file> -o json.';

/** The first non-blank line. */
const firstLine = (text: string): string => text.split('\n').find((l) => l.trim() !== '') ?? '';

/** The name a CycloneDX or SPDX document gives for the tool that wrote it, when it is one of these. */
function sbomWriter(text: string): string | undefined {
  if (/"name"\s*:\s*"trivy"|Tool: trivy/i.test(text)) return 'Trivy';
  if (/"name"\s*:\s*"grype"|Tool: grype/i.test(text)) return 'Grype';
  if (/"name"\s*:\s*"syft"|Tool: syft/i.test(text)) return 'Syft';
  return undefined;
}

function sbom(kind: string): Sign[] {
  const test =
    kind === 'CycloneDX'
      ? (t: string): boolean => /"bomFormat"\s*:\s*"CycloneDX"/.test(t) || /<bom\b[^>]*xmlns="http:\/\/cyclonedx\.org\/schema\/bom/.test(t)
      : (t: string): boolean => /"spdxVersion"\s*:\s*"SPDX-/.test(t) || /^SPDXVersion: SPDX-/m.test(t);
  // A CycloneDX document from Grype carries its vulnerabilities: Grype's JSON holds them as findings.
  return [
    { what: `a ${kind} document written by Grype`, fix: GRYPE, test: (t) => test(t) && sbomWriter(t) === 'Grype' },
    { what: `a ${kind} SBOM written by Trivy`, fix: TRIVY_SBOM, test: (t) => test(t) && sbomWriter(t) === 'Trivy' },
    { what: `a ${kind} SBOM`, fix: SBOM, test },
  ];
}

const SIGNS: readonly Sign[] = [
  // Trivy
  {
    what: 'a Trivy table (text) report',
    fix: TRIVY,
    // Trivy's per-target summary lines: "Total: 2 (UNKNOWN: 0, ..., CRITICAL: 2)", "Tests: 1 (SUCCESSES: 1, FAILURES: 0)".
    test: (t) =>
      /^Total: \d+ \((?:(?:UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL): \d+(?:, )?)+\)\s*$/m.test(t) || /^Tests: \d+ \(SUCCESSES: \d+, FAILURES: \d+\)/m.test(t),
  },
  { what: 'a Trivy JUnit XML report', fix: TRIVY, test: (t) => /<testsuites\b[^>]*\bname="trivy"/.test(t) },
  { what: 'a GitLab security report written by Trivy', fix: TRIVY, test: (t) => /"analyzer"\s*:\s*\{\s*"id"\s*:\s*"trivy"/.test(t) },
  {
    what: 'a Trivy Kubernetes report',
    // trivy k8s writes table or JSON only, and its JSON nests reports per workload.
    fix: 'Infracast reads Trivy reports per target: scan the images (trivy image <image> --format json) and the manifests (trivy config <dir> --format json) and import those.',
    test: (_t, s) => s.root === 'object' && s.keys.includes('ClusterName'),
  },
  {
    what: 'a Trivy JSON report from before Trivy 0.20 (a bare list of targets)',
    fix: `Re-export with a current Trivy. ${TRIVY}`,
    test: (_t, s) => s.root === 'array' && s.keys.includes('Target') && (s.keys.includes('Vulnerabilities') || s.keys.includes('Type')),
  },
  // Grype
  { what: 'a Grype table (text) report', fix: GRYPE, test: (t) => /^NAME\s+INSTALLED\s+FIXED[- ]IN\s+TYPE\s+VULNERABILITY\s+SEVERITY\b/m.test(t) },
  { what: 'a Syft SBOM', fix: SBOM, test: (t, s) => s.keys.includes('artifacts') && /"descriptor"\s*:\s*\{\s*"name"\s*:\s*"syft"/.test(t) },
  // Checkov
  { what: 'a Checkov CLI (text) report', fix: CHECKOV, test: (t) => /^Passed checks: \d+, Failed checks: \d+, Skipped checks: \d+/m.test(t) },
  // Checkov's JUnit test cases are named "[SEVERITY][CHECK_ID] name".
  { what: 'a Checkov JUnit XML report', fix: CHECKOV, test: (t) => /<testcase\b[^>]*\bname="\[[A-Z]+\]\[(?:CKV2?|BC)_[A-Z0-9_]+\]/.test(t) },
  // Semgrep
  { what: 'a Semgrep text report', fix: SEMGREP, test: (t) => /^\s*│ \d+ (?:Code |Supply Chain |Secrets |Blocking )*Findings? │\s*$/m.test(t) },
  { what: 'a Semgrep report in Emacs format', fix: SEMGREP, test: (t) => /^[^:\s][^:\n]*:\d+:\d+:[a-z]+\([^()\s]+\):/.test(firstLine(t)) },
  { what: 'a Semgrep report in Vim format', fix: SEMGREP, test: (t) => /^[^:\s][^:\n]*:\d+:\d+:[EWI]:[\w.-]+:/.test(firstLine(t)) },
  { what: 'a Semgrep JUnit XML report', fix: SEMGREP, test: (t) => /<testsuite\b[^>]*\bname="semgrep results"/.test(t) },
  { what: 'a GitLab security report written by Semgrep', fix: SEMGREP, test: (t) => /"analyzer"\s*:\s*\{\s*"id"\s*:\s*"semgrep"/.test(t) },
  // Cousins with a SARIF export
  {
    what: 'a tfsec JSON report',
    fix: 'Export SARIF instead: tfsec <dir> --format sarif --out tfsec.sarif (tfsec now lives on as trivy config, whose JSON Infracast reads).',
    test: (t, s) => s.root === 'object' && s.keys.includes('results') && /"rule_provider"\s*:/.test(t) && /"rule_id"\s*:/.test(t),
  },
  {
    what: 'a KICS JSON report',
    fix: 'Export SARIF instead: kics scan -p <path> --report-formats sarif --output-path <dir>.',
    test: (_t, s) => s.root === 'object' && (s.keys.includes('kics_version') || (s.keys.includes('queries_total') && s.keys.includes('severity_counters'))),
  },
  {
    what: 'a Snyk JSON report',
    fix: 'Export SARIF instead: snyk test --sarif-file-output=snyk.sarif (snyk code, container and iac test take --sarif too).',
    test: (t, s) => t.includes('# Snyk (https://snyk.io) policy file') || s.keys.includes('infrastructureAsCodeIssues'),
  },
  {
    what: 'a gitleaks JSON report',
    fix: 'Export SARIF instead: gitleaks detect --report-format sarif --report-path gitleaks.sarif.',
    test: (_t, s) => s.root === 'array' && ['RuleID', 'StartLine', 'Secret', 'File'].every((k) => s.keys.includes(k)),
  },
  // SBOMs last: a Grype or Trivy document is named for its writer first.
  ...sbom('CycloneDX'),
  ...sbom('SPDX'),
];

/** The known export the content proves `headText` to be, if any. */
export function recogniseOtherExport(headText: string): OtherExport | undefined {
  const shape = jsonHeadShape(headText);
  const sign = SIGNS.find((s) => s.test(headText, shape));
  return sign && { what: sign.what, fix: sign.fix };
}
