/**
 * `infracast render`, `list` and `history` through the real CLI on copies of examples/acme and on
 * small workspaces: every report type in md and json with the example's figures, a second run
 * byte-identical with nothing new in the history, template overrides, failures that keep the
 * previous artifacts, the logo policy, and hostile finding text rendered inert.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { unzipSync } from 'fflate';
import { runCli } from '../support/cli.js';
import { countingServer } from '../support/counting-server.js';
import { binPath, examplesDir } from '../support/paths.js';
import { workspaceWithFindingText } from '../support/hostile-text.js';
import { makeWorkspace, snapshotTree } from '../support/workspace.js';

const EPOCH = String(Date.parse('2026-11-29T12:00:00Z') / 1000);
const env = { SOURCE_DATE_EPOCH: EPOCH };
const REPORT_FILES = [
  'nist-800-53-moderate.yaml',
  'executive-posture.yaml',
  'nist-800-171-gap.yaml',
  'remediation-by-team.yaml',
  'poam-status.yaml',
  'evidence-oct-nov-2026.yaml',
];

function copyOfAcme(): string {
  const root = mkdtempSync(join(tmpdir(), 'infracast-render-'));
  cpSync(join(examplesDir, 'acme'), root, { recursive: true });
  return root;
}

describe('render examples/acme/reports/*.yaml', () => {
  let root: string;
  let first: ReturnType<typeof runCli>;
  const out = (...parts: string[]): string => join(root, 'out', ...parts);
  const text = (...parts: string[]): string => readFileSync(out(...parts), 'utf8');

  before(() => {
    root = copyOfAcme();
    first = runCli(['render', ...REPORT_FILES.map((f) => `reports/${f}`), '--format', 'md', '--format', 'json'], { cwd: root, env });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('renders all six report types in md and json, and says so', () => {
    assert.equal(first.status, 0, first.stderr);
    for (const name of [
      'nist-800-53-moderate-control-status',
      'executive-security-posture',
      'nist-800-171-gap-analysis',
      'remediation-by-team',
      'fedramp-poam-status-report',
      'fedramp-moderate-evidence-oct-nov-2026',
    ]) {
      assert.ok(existsSync(out(name, `${name}.md`)), `${name}.md`);
      assert.ok(existsSync(out(name, `${name}.json`)), `${name}.json`);
      assert.match(first.stdout, new RegExp(`${name}\\s+md`));
    }
    assert.ok(existsSync(out('fedramp-moderate-evidence-oct-nov-2026', 'fedramp-moderate-evidence-oct-nov-2026.zip')));
    assert.match(first.stdout, /6 of 6 definitions rendered/);
  });

  it('has the example figures: SPRS 80, the gap order, the moderate baseline, the POA&M ids', () => {
    const gap = text('nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.md');
    assert.match(gap, /\| SPRS score \| 80 \(incomplete\) \|/);
    assert.match(gap, /\| Gaps \| 12 of 110 \|/);
    // Failing first, CRITICAL before MEDIUM: 3.14.1 is the first gap, 3.13.14 (not assessed) after every failing one.
    assert.match(gap, /\| 1 \| 3\.14\.1 \| Flaw Remediation \| CRITICAL \|/);
    assert.ok(gap.indexOf('| 3.5.7 |') < gap.indexOf('| 3.13.14 |'));
    const gapJson = JSON.parse(text('nist-800-171-gap-analysis', 'nist-800-171-gap-analysis.json'));
    assert.equal(gapJson.report_format, 'infracast-report/1');
    assert.equal(gapJson.meta.generatedAt, '2026-11-29T12:00:00Z');

    const framework = JSON.parse(text('nist-800-53-moderate-control-status', 'nist-800-53-moderate-control-status.json'));
    assert.equal(framework.kind, 'framework');
    assert.deepEqual(framework.meta.frameworks, ['nist-800-53']);
    const controls = framework.tables.find((t: { id: string }) => t.id === 'controls');
    // The SP 800-53B moderate baseline (rev 5.1.1) has 287 controls and enhancements.
    assert.equal(controls.rows.length, 287);
    assert.match(text('nist-800-53-moderate-control-status', 'nist-800-53-moderate-control-status.md'), /^### AC: Access Control$/m);

    const poam = text('fedramp-poam-status-report', 'fedramp-poam-status-report.md');
    assert.match(poam, /POAM-1\b/);
    assert.ok(existsSync(join(root, '.infracast', 'poam.jsonl')));

    const executive = text('executive-security-posture', 'executive-security-posture.md');
    for (const framework of ['nist-800-53', 'fedramp-moderate', 'nist-800-171']) assert.match(executive, new RegExp(framework));
    assert.match(executive, /\b80\b/);
    // Score with coverage per framework, and no number across frameworks (the text says there is none).
    assert.match(executive, /There is no overall score across frameworks\./);
    assert.doesNotMatch(executive.replace('There is no overall score across frameworks.', ''), /overall/i);
  });

  it('every JSON artifact validates against schemas/report-output.schema.json', async () => {
    const { default: validators } = await import('../../src/generated/validators.js');
    const validateReport = validators['report-output']!;
    const index = JSON.parse(text('index.json'));
    const jsons = index.items.filter((i: { format: string }) => i.format === 'json');
    assert.equal(jsons.length, 6);
    for (const item of jsons) {
      const parsed = JSON.parse(text(item.path));
      assert.ok(validateReport(parsed), `${item.path}: ${JSON.stringify(validateReport.errors?.slice(0, 3))}`);
    }
  });

  it('writes out/index.json with one completed item per artifact, and list prints it newest first', () => {
    const index = JSON.parse(text('index.json'));
    const reports = index.items.filter((i: { supporting?: boolean }) => !i.supporting);
    assert.equal(reports.filter((i: { format: string }) => i.format === 'md').length, 6);
    for (const item of index.items) {
      assert.equal(item.status, 'completed');
      assert.match(item.sha256, /^[0-9a-f]{64}$/);
      assert.equal(item.size_bytes, statSync(out(item.path)).size);
      assert.equal(item.created_at, '2026-11-29T12:00:00Z');
      assert.match(item.definition, /^reports\/.+\.yaml$/);
    }
    const listed = runCli(['list', '--json', '--limit', '3'], { cwd: root });
    assert.equal(listed.status, 0, listed.stderr);
    const parsed = JSON.parse(listed.stdout);
    assert.equal(parsed.items.length, 3);
    assert.equal(parsed.total, index.items.length);
  });

  it('renders byte-identical files a second time, and the history gains nothing', () => {
    const before = snapshotTree(join(root, 'out'));
    const state = snapshotTree(join(root, '.infracast'));
    const second = runCli(['render', ...REPORT_FILES.map((f) => `reports/${f}`), '--format', 'md', '--format', 'json'], { cwd: root, env });
    assert.equal(second.status, 0, second.stderr);
    const after = snapshotTree(join(root, 'out'));
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    for (const [path, file] of before) assert.equal(after.get(path)!.bytes, file.bytes, `${path} changed`);
    // State files are not even rewritten: same bytes, same mtime, so git sees nothing.
    assert.deepEqual(snapshotTree(join(root, '.infracast')), state);
    assert.match(second.stdout, /0 snapshot\(s\) written/);
  });

  it('history --scores lists the snapshots newest first, and a later run adds one per framework', () => {
    const later = runCli(['render', 'reports/nist-800-171-gap.yaml', '--format', 'md'], {
      cwd: root,
      env: { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 86_400) },
    });
    assert.equal(later.status, 0, later.stderr);
    const history = runCli(['history', '--scores', '--definition', 'nist-800-171-gap-analysis', '--json'], { cwd: root });
    const { snapshots } = JSON.parse(history.stdout);
    assert.deepEqual(
      snapshots.map((s: { generated_at: string }) => s.generated_at),
      ['2026-11-30T12:00:00Z', '2026-11-29T12:00:00Z'],
    );
    assert.equal(snapshots[0].sprs_score, 80);
    const human = runCli(['history', '--scores', '--limit', '1'], { cwd: root });
    assert.match(human.stdout, /^2026-11-30T12:00:00Z {2}nist-800-171-gap-analysis {2}nist-800-171 .*SPRS 80$/m);
  });
});

describe('render: failures, overrides and policies', () => {
  const GAP = `type: gap
framework: nist-800-53
baseline: low
format: md
options:
  cover_page: false
`;

  it('a workspace template override changes the output; a template reaching constructor fails that report at its line and keeps the previous file', () => {
    const root = makeWorkspace({ 'reports/gap.yaml': GAP, 'reports/remediation.yaml': 'type: remediation\nformat: md\n' });
    const first = runCli(['render'], { cwd: root, env });
    assert.equal(first.status, 0, first.stderr);
    const original = readFileSync(join(root, 'out', 'gap', 'gap.md'), 'utf8');
    assert.match(original, /^# NIST SP 800-53/m);

    mkdirSync(join(root, 'templates'));
    writeFileSync(join(root, 'templates', 'gap.md.hbs'), '# Our own gap report for {{meta.tenant.name}}\n\n{{sections.summary.counts.failing}} failing\n', {
      flag: 'w',
    });
    const overridden = runCli(['render', 'reports/gap.yaml'], { cwd: root, env });
    assert.equal(overridden.status, 0, overridden.stderr);
    assert.equal(readFileSync(join(root, 'out', 'gap', 'gap.md'), 'utf8').split('\n')[0], '# Our own gap report for Acme Corp');

    writeFileSync(join(root, 'templates', 'gap.md.hbs'), 'fine\n{{meta.title}}\n{{meta.constructor}}\n');
    const bad = runCli(['render'], { cwd: root, env: { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 60) } });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout + bad.stderr, /gap\.md\.hbs:3:\d+: template reaches 'constructor'/);
    assert.match(bad.stdout, /1 of 2 definitions rendered/);
    // The failed report's previous file is still there; the other report was rendered.
    assert.match(readFileSync(join(root, 'out', 'gap', 'gap.md'), 'utf8'), /^# Our own gap report/);
    const index = JSON.parse(readFileSync(join(root, 'out', 'index.json'), 'utf8'));
    const statuses = index.items.filter((i: { definition: string }) => i.definition === 'reports/gap.yaml').map((i: { status: string }) => i.status);
    assert.deepEqual(statuses.sort(), ['completed', 'failed']);
    assert.equal(readdirSync(join(root, 'out')).filter((n) => n.startsWith('.')).length, 0, 'no staging folder left behind');
  });

  it('a definition with several frameworks gives one report per framework, each with its own history', () => {
    const root = makeWorkspace({ 'reports/status.yaml': 'type: framework\nframeworks: [nist-800-171, far-52204-21]\nformat: json\n' });
    const result = runCli(['render'], { cwd: root, env });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readdirSync(join(root, 'out', 'status')).sort(), ['.infracast-published.json', 'status-far-52204-21.json', 'status-nist-800-171.json']);
    const far = JSON.parse(readFileSync(join(root, 'out', 'status', 'status-far-52204-21.json'), 'utf8'));
    assert.deepEqual(far.meta.frameworks, ['far-52204-21']);
    assert.deepEqual(readdirSync(join(root, '.infracast', 'history', 'status')).sort(), ['far-52204-21', 'nist-800-171']);
    assert.match(result.stderr, /warning: no findings file matched findings\.sources/);
  });

  it('Ctrl-C stops the run: exit 130, nothing of the run written (no file, no index row, no staging folder), the lock released', async () => {
    const root = copyOfAcme();
    try {
      const child = spawn(process.execPath, [binPath, 'render', '--format', 'md'], { cwd: root, env: { ...process.env, ...env, GITHUB_ACTIONS: '' } });
      let stderr = '';
      let sent = false;
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        // The first report is done: interrupt the run (the progress lines are plain: stderr is a pipe).
        if (/\[1\/\d+\]/.test(stderr) && !sent) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const [code] = (await once(child, 'exit')) as [number];
      // How fast it stops is test/tools/render-interrupt.test.ts's (a real browser to kill).
      assert.equal(code, 130, stderr);
      assert.match(stderr, /interrupted: stopping the browser; nothing of this run is written/);
      assert.match(stderr, /interrupted: nothing of this run was written/);
      // A render's writes are all or none: a stopped run leaves the workspace as it was.
      assert.ok(!existsSync(join(root, 'out')), 'no output folder, no index');
      assert.deepEqual(readdirSync(join(root, '.infracast')).sort(), ['.gitattributes', '.gitignore', 'version.json']);
      const list = runCli(['list'], { cwd: root, env });
      assert.doesNotMatch(list.stdout, /FAILED/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('Ctrl-C with --json: the result says interrupted, with no report (nothing was written), exit 130', async () => {
    const root = copyOfAcme();
    try {
      const child = spawn(process.execPath, [binPath, 'render', '--format', 'md', '--json'], {
        cwd: root,
        env: { ...process.env, ...env, GITHUB_ACTIONS: '' },
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      // --json prints no progress: the run holds the workspace's lock once it is past validation.
      const lock = join(root, '.infracast', '.lock');
      while (!existsSync(lock) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 130, stdout);
      const result = JSON.parse(stdout) as { interrupted?: boolean; reports: unknown[]; ok: boolean };
      assert.equal(result.interrupted, true);
      assert.equal(result.ok, false);
      assert.deepEqual(result.reports, []);
      assert.ok(!existsSync(lock), 'the lock is released');
      assert.ok(!existsSync(join(root, 'out')));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('no browser for a PDF: the other formats are published and valid, the PDF is FAILED with the fix, exit 3', () => {
    const logo = readFileSync(join(examplesDir, 'acme', 'assets', 'acme-logo.svg'));
    const root = makeWorkspace({
      'assets/logo.svg': logo,
      'reports/gap.yaml':
        'type: gap\nframework: nist-800-53\nbaseline: low\nformats: [md, json, xlsx, docx, pdf]\noptions:\n  organization_logo: assets/logo.svg\n',
      'reports/rem.yaml': 'type: remediation\nformat: md\n',
    });
    // CHROME_PATH names the browser to use; pointing it at nothing is a machine without one.
    const result = runCli(['render'], { cwd: root, env: { ...env, CHROME_PATH: '/nowhere/chrome' } });
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stdout, /gap\s+pdf\s+-\s+FAILED: CHROME_PATH=\/nowhere\/chrome is not an executable file/);
    assert.match(result.stdout, /1 of 2 definitions rendered, 1 in part/);
    assert.match(result.stderr, /1 definition\(s\) published without the formats marked FAILED/);
    assert.match(result.stderr, /hint: Point CHROME_PATH at a Chrome or Chromium executable/);
    assert.match(result.stderr, /hint: Install Chromium or Google Chrome: `sudo apt-get install chromium`/);
    assert.ok(existsSync(join(root, 'out', 'rem', 'rem.md')), 'the report needing no browser is rendered');
    const folder = join(root, 'out', 'gap');
    assert.deepEqual(readdirSync(folder).sort(), ['.infracast-published.json', 'gap.docx', 'gap.json', 'gap.md', 'gap.xlsx', 'logo.svg']);
    assert.match(readFileSync(join(folder, 'gap.md'), 'utf8'), /^# NIST SP 800-53 Rev. 5 Gap Analysis$/m);
    assert.equal(JSON.parse(readFileSync(join(folder, 'gap.json'), 'utf8')).meta.frameworks[0], 'nist-800-53');
    const xlsx = unzipSync(readFileSync(join(folder, 'gap.xlsx')));
    assert.ok(xlsx['xl/workbook.xml'] && Object.keys(xlsx).some((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)), Object.keys(xlsx).join(', '));
    // The DOCX needed no browser: the SVG logo is embedded with its PNG fallback, drawn without one.
    const docx = unzipSync(readFileSync(join(folder, 'gap.docx')));
    assert.ok(docx['word/document.xml']);
    const media = Object.keys(docx).filter((n) => n.startsWith('word/media/'));
    assert.deepEqual(media.map((n) => n.slice(n.lastIndexOf('.'))).sort(), ['.png', '.svg']);
    const png = docx[media.find((n) => n.endsWith('.png'))!]!;
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // The index and `list` say which format failed, and why.
    const index = JSON.parse(readFileSync(join(root, 'out', 'index.json'), 'utf8')) as {
      items: { format: string; status: string; definition: string; error?: string }[];
    };
    const gap = index.items.filter((i) => i.definition === 'reports/gap.yaml');
    assert.deepEqual(
      gap.filter((i) => i.status === 'failed').map((i) => i.format),
      ['pdf'],
    );
    assert.deepEqual(
      gap
        .filter((i) => i.status === 'completed')
        .map((i) => i.format)
        .sort(),
      ['docx', 'json', 'md', 'svg', 'xlsx'],
    );
    const list = runCli(['list'], { cwd: root, env });
    assert.match(list.stdout, /gap\s+pdf\s+FAILED\s+CHROME_PATH=\/nowhere\/chrome is not an executable file/);
    rmSync(root, { recursive: true, force: true });
  });

  it('--format that no selected definition can have: usage error (exit 2) naming the types that have it, and nothing is written', () => {
    const root = makeWorkspace({ 'reports/gap.yaml': GAP, 'reports/rem.yaml': 'type: remediation\nformat: md\n' });
    const result = runCli(['render', '--format', 'oscal'], { cwd: root, env });
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /--format oscal: no selected definition can be rendered as oscal \(gap: gap; rem: remediation\)/);
    assert.match(result.stderr, /oscal is a format of document types ssp, poam, sar/);
    assert.match(result.stderr, /hint: .*gap: pdf, docx, xlsx, json, md/);
    assert.doesNotMatch(result.stdout, /rendered/);
    assert.ok(!existsSync(join(root, 'out')), 'no file written');
    assert.ok(!existsSync(join(root, '.infracast', 'history')), 'no history snapshot for a report that was not rendered');
    const json = runCli(['render', '--format', 'zip', '--json'], { cwd: root, env });
    assert.equal(json.status, 2);
    assert.equal(JSON.parse(json.stdout).error.code, 'FORMAT_NOT_APPLICABLE');
  });

  it('--format that some selected definitions cannot have: they are skipped with a warning naming the types that have it; the others render', () => {
    const root = makeWorkspace({
      'reports/gap.yaml': GAP,
      'reports/evidence.yaml': 'type: evidence\nformat: md\noptions:\n  window: { from: 2026-10-01, to: 2026-11-30 }\n',
    });
    const result = runCli(['render', '--format', 'xlsx'], { cwd: root, env });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /warning: --format xlsx: evidence \(evidence\) skipped: xlsx is a format of report types framework, executive, gap, remediation, poam and document type poam/,
    );
    assert.ok(existsSync(join(root, 'out', 'gap', 'gap.xlsx')));
    assert.ok(!existsSync(join(root, 'out', 'evidence')), 'the skipped definition writes nothing, not even its zip');
    assert.match(result.stdout, /1 of 1 definitions rendered/);
  });

  it('an invalid workspace renders nothing and prints each problem at file:line:col', () => {
    const root = makeWorkspace({ 'reports/gap.yaml': GAP.replace('type: gap', 'type: gapp') });
    const result = runCli(['render'], { cwd: root, env });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /reports\/gap\.yaml:1:7: error: .*gapp/);
    assert.ok(!existsSync(join(root, 'out')));
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('a logo URL is not fetched unless the network policy allows its host: the report renders without it and warns with the fix', async () => {
    const { server, port, requests } = await countingServer();
    try {
      const root = makeWorkspace({ 'reports/gap.yaml': `${GAP}  organization_logo: https://127.0.0.1:${port}/logo.png\n` });
      const result = runCli(['render'], { cwd: root, env });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /warning: organization_logo https:\/\/127\.0\.0\.1:\d+\/logo\.png: not fetched .*Fix: put the image in the workspace/);
      assert.equal(requests(), 0);
      assert.doesNotMatch(readFileSync(join(root, 'out', 'gap', 'gap.md'), 'utf8'), /127\.0\.0\.1/);
    } finally {
      server.close();
    }
  });

  it('hostile finding text renders inert in md, json and html, and nothing is requested', async () => {
    const { server, port, requests } = await countingServer();
    const hostile = [
      '<script>fetch("http://127.0.0.1:PORT/s")</script>',
      '[click](javascript:alert(1))',
      '![x](http://127.0.0.1:PORT/t)',
      'a | b | c',
      '``` code fence ```',
      '<!-- comment -->',
      '{{constructor}}',
      '<img src="http://127.0.0.1:PORT/i">',
    ]
      .join(' ')
      .replaceAll('PORT', String(port));
    try {
      const root = workspaceWithFindingText(hostile, 'md, json');
      const result = runCli(['render'], { cwd: root, env });
      assert.equal(result.status, 0, result.stderr);
      for (const name of ['framework', 'gap', 'remediation', 'poam']) {
        const md = readFileSync(join(root, 'out', name, `${name}.md`), 'utf8');
        assert.match(md, /Title \\<script\\>/, `${name}: the title is shown, escaped`);
        assert.doesNotMatch(md, /(^|[^\\])(<script|<img|<!--|\]\(javascript|!\[x\])/m, name);
        // Through a Markdown-to-HTML converter that passes raw HTML on: still no live element.
        const html = new MarkdownIt({ html: true, linkify: true }).render(md);
        assert.doesNotMatch(html, /<script|<img src="http|<a href="javascript|<!--/, name);
        assert.match(html, /\{\{constructor\}\}/, `${name}: the template syntax in data stays text`);
        // JSON is data: the text is carried exactly, never interpreted.
        const json = readFileSync(join(root, 'out', name, `${name}.json`), 'utf8');
        assert.ok(json.includes(JSON.stringify(`Title ${hostile}`).slice(1, -1)) || name === 'poam', `${name}: JSON keeps the text as it was`);
      }
      assert.equal(requests(), 0);
    } finally {
      server.close();
    }
  });
});
