/** The spec bodies held in test/cli/spec-bodies.ts are still exactly the spec's text. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SPEC_BODIES } from '../cli/spec-bodies.js';
import { requireShared } from '../support/shared.js';

describe('interop: spec request bodies', () => {
  it('each body copied in the tests appears verbatim in ../shared/spec/reports-api.txt', (t) => {
    const dir = requireShared(t, 'spec');
    if (!dir) return;
    const spec = readFileSync(join(dir, 'reports-api.txt'), 'utf8');
    for (const body of SPEC_BODIES) assert.ok(spec.includes(body.json), `${body.name} (${body.section}) differs from the spec`);
  });
  it('every JSON object with a "type" or "frequency" in the spec is among the copies', (t) => {
    const dir = requireShared(t, 'spec');
    if (!dir) return;
    const spec = readFileSync(join(dir, 'reports-api.txt'), 'utf8');
    // Every top-level JSON object in the text; request bodies are those with a type or a frequency
    // and none of the response-only keys.
    const objects: Record<string, unknown>[] = [];
    for (let i = spec.indexOf('{'); i !== -1; i = spec.indexOf('{', i + 1)) {
      let depth = 0;
      let end = i;
      for (; end < spec.length; end++) {
        if (spec[end] === '{') depth++;
        else if (spec[end] === '}' && --depth === 0) break;
      }
      try {
        objects.push(JSON.parse(spec.slice(i, end + 1)) as Record<string, unknown>);
        i = end;
      } catch {
        // not JSON (e.g. a path template such as {tenantID})
      }
    }
    const responseKeys = ['report_id', 'items', 'types', 'valid', 'sprs_score', 'id'];
    const requests = objects.filter((o) => ('type' in o || 'frequency' in o) && !responseKeys.some((k) => k in o));
    assert.equal(requests.length, SPEC_BODIES.length, `found ${requests.length} request bodies in the spec`);
    for (const request of requests) {
      assert.ok(
        SPEC_BODIES.some((b) => JSON.stringify(JSON.parse(b.json)) === JSON.stringify(request)),
        `not held by the tests: ${JSON.stringify(request)}`,
      );
    }
  });
});
