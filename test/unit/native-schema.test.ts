/**
 * The native export's schema (schemas/finding.schema.json) and its loader (src/loaders/native.ts)
 * agree: every property the schema allows is read into the finding, and a record using them all is
 * valid. A property added to one and not the other fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { normaliseNative } from '../../src/loaders/native.js';
import type { Finding } from '../../src/model/finding.js';
import { repoRoot } from '../support/paths.js';

type Schema = { properties: Record<string, Schema>; $ref?: string };
const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'finding.schema.json'), 'utf8')) as { $defs: { finding: Schema } };

/** A record with every property of the schema, and where each lands in the normalised finding. */
const record = {
  id: 'n-1',
  title: 'openssl is vulnerable',
  description: 'what the collector saw',
  result: 'FAIL',
  state: 'suppressed',
  severity: 'HIGH',
  severity_source: { value: 7.5, scale: 'cvss' },
  rule_id: 'acme.image-cve',
  vulnerability: {
    id: 'CVE-2024-6119',
    aliases: ['GHSA-xxxx-xxxx-xxxx'],
    package: 'libssl3',
    installed_version: '3.3.1-r0',
    fixed_version: '3.3.2-r0',
    cvss: 7.5,
  },
  tool: { name: 'collector', version: '1.2.3' },
  resource: { id: 'registry/app:1.0', type: 'ContainerImage', name: 'app', account: '111122223333', region: 'us-east-1', tags: { team: 'web' } },
  location: { uri: 'Dockerfile', start_line: 3, package: 'libssl3', version: '3.3.1-r0' },
  controls: { 'nist-800-53': ['ra-5'] },
  owner: 'web-team',
  remediation: 'Rebuild the image.',
  observed_at: '2026-11-27T10:00:00Z',
  first_observed_at: '2026-11-01T10:00:00Z',
};

const READ: Record<string, (f: Finding) => unknown> = {
  id: (f) => f.nativeId,
  title: (f) => f.title,
  description: (f) => f.description,
  result: (f) => f.result,
  state: (f) => f.state,
  severity: (f) => f.severity,
  severity_source: (f) => f.severitySource,
  rule_id: (f) => f.ruleId,
  vulnerability: (f) => f.vulnerability,
  // The tool's name is read; its version is allowed and not kept (nothing shows it yet).
  tool: (f) => ({ name: f.tool, version: '1.2.3' }),
  resource: (f) => f.resource,
  location: (f) => f.location && { uri: f.location.uri, start_line: f.location.startLine, package: f.location.package, version: f.location.version },
  controls: (f) => f.controls,
  owner: (f) => f.owner,
  remediation: (f) => f.remediation,
  observed_at: (f) => f.observedAt,
  first_observed_at: (f) => f.firstObservedAt,
};

const EXPECTED: Record<string, unknown> = {
  ...record,
  severity_source: { value: 7.5, scale: 'cvss' },
  vulnerability: {
    id: 'CVE-2024-6119',
    aliases: ['GHSA-xxxx-xxxx-xxxx'],
    package: 'libssl3',
    installedVersion: '3.3.1-r0',
    fixedVersion: '3.3.2-r0',
    cvss: 7.5,
  },
  controls: { 'nist-800-53': ['RA-5'] },
  observed_at: '2026-11-27T10:00:00.000Z',
  first_observed_at: '2026-11-01T10:00:00.000Z',
};

it('every property of schemas/finding.schema.json is read by the native loader, and only those', () => {
  assert.deepEqual(Object.keys(schema.$defs.finding.properties).sort(), Object.keys(READ).sort());
  assert.deepEqual(Object.keys(record).sort(), Object.keys(READ).sort());
  // Nested objects: the record uses every property the schema lists for them.
  for (const key of ['vulnerability', 'resource', 'location', 'tool', 'severity_source'] as const) {
    const properties = Object.keys(schema.$defs.finding.properties[key]!.properties).sort();
    assert.deepEqual(Object.keys(record[key]).sort(), properties, key);
  }
});

it('a record with every property is valid against the schema and normalised field for field', async () => {
  const { default: validators } = await import('../../src/generated/validators.js');
  const validate = validators.finding!;
  assert.equal(validate([record]), true, JSON.stringify(validate.errors));
  const finding = normaliseNative(record, 1, 'export.json');
  for (const [key, read] of Object.entries(READ)) assert.deepEqual(read(finding), EXPECTED[key], key);
  assert.equal(finding.observedAtSource, 'record');
});
