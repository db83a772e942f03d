/**
 * The growth policy with a real PDF (publishing/growth.ts): `schedule run` renders a daily gap
 * analysis as PDF, Markdown and JSON; the next day's run, with the same findings, keeps the PDF byte
 * for byte without a browser at all (CHROME_PATH names none: had it printed, it would have failed),
 * while Markdown and JSON state the new instant.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCliAsync } from '../support/cli.js';
import { examplesDir } from '../support/paths.js';
import { noBrowserReason } from '../support/pdf.js';
import { copyWorkspace } from '../support/workspace.js';

const GAP = 'nist-800-171-gap-analysis';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('publishing: an unchanged PDF is kept by the next scheduled run', { skip: noBrowserReason() }, () => {
  it('keeps the PDF without launching a browser, and rewrites Markdown and JSON', async () => {
    const root = copyWorkspace(join(examplesDir, 'acme'));
    rmSync(join(root, 'schedules'), { recursive: true });
    mkdirSync(join(root, 'schedules'));
    writeFileSync(join(root, 'schedules', 'daily.yaml'), `name: Daily Gap\nfrequency: daily\ntime: "06:00"\ntimezone: UTC\nreports: [${GAP}]\n`);
    const definition = join(root, 'reports', 'nist-800-171-gap.yaml');
    writeFileSync(definition, readFileSync(definition, 'utf8').replace('formats: [pdf, docx, xlsx, md, json]', 'formats: [pdf, md, json]'));
    const out = (ext: string): string => join(root, 'out', GAP, `${GAP}.${ext}`);

    const first = await runCliAsync(['schedule', 'run', '--at', '2026-11-02T06:30:00Z'], { cwd: root });
    assert.equal(first.status, 0, first.stderr);
    const before = { pdf: sha(out('pdf')), md: sha(out('md')), json: sha(out('json')) };

    const second = await runCliAsync(['schedule', 'run', '--at', '2026-11-03T06:30:00Z'], { cwd: root, env: { CHROME_PATH: join(root, 'no-browser-here') } });
    assert.equal(second.status, 0, second.stderr);
    assert.equal(sha(out('pdf')), before.pdf);
    assert.notEqual(sha(out('md')), before.md);
    assert.notEqual(sha(out('json')), before.json);
    assert.match(readFileSync(out('json'), 'utf8'), /"generatedAt": "2026-11-03T06:30:00Z"/);

    // A change of findings: the PDF must be printed again, and without a browser it cannot be.
    rmSync(join(root, 'findings', 'trivy'), { recursive: true });
    const third = await runCliAsync(['schedule', 'run', '--at', '2026-11-04T06:30:00Z'], { cwd: root, env: { CHROME_PATH: join(root, 'no-browser-here') } });
    assert.notEqual(third.status, 0);
    assert.match(third.stdout + third.stderr, /CHROME_PATH=.*no-browser-here is not an executable file/);
  });
});
