/**
 * The GitHub Action end to end (issue 16): the committed bundle spawned as the runner spawns it,
 * from a download of the repository without node_modules, in a checkout cloned from a local bare
 * repository, with GITHUB_API_URL at a loopback stand-in. What a workflow sees: annotations,
 * outputs (GITHUB_OUTPUT), the job summary, the exit code, and never a stack trace.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiStandIn, checkedOutRepository, runAction, TEST_TOKEN } from '../support/action.js';
import type { ActionRun } from '../support/action.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/git.js';
import { githubStandIn } from '../support/github-releases.js';
import { startSmtpServer } from '../support/smtp.js';
import { examplesDir } from '../support/paths.js';
import { committedPart, MINIMAL_CONFIG } from '../support/workspace.js';

/** A small workspace in compliance/ of the repository: two schedules rendering Markdown and JSON only. */
const SMALL = {
  'compliance/infracast.yaml': MINIMAL_CONFIG,
  'compliance/reports/weekly-gap.yaml': 'name: Weekly Gap\ntype: gap\nframework: nist-800-53\nformats: [md, json]\n',
  'compliance/schedules/weekly.yaml':
    'name: Weekly\nfrequency: weekly\nday: monday\ntime: "07:00"\ntimezone: America/New_York\ncatch_up: 6h\nreports: [weekly-gap]\n',
  'compliance/schedules/daily.yaml':
    'name: Daily Inline\ntype: framework\nframework: nist-800-53\nformat: json\ncron: "30 2 * * *"\ntimezone: America/New_York\n',
  'README.md': '# acme compliance\n',
};
/** Monday 2026-03-09 12:17Z (08:17 EDT): both slots due (weekly 07:00, daily 02:30). */
const MONDAY = '2026-03-09T12:17:00Z';

/** No stack trace anywhere in what the step printed. */
function assertNoStack(run: ActionRun): void {
  assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at .+:\d+:\d+/, run.stdout + run.stderr);
}

interface OutputArtifact {
  path: string;
  sha256: string;
  format: string;
  definition: string;
}

describe('the GitHub Action bundle, spawned as the runner does', () => {
  let api: Awaited<ReturnType<typeof apiStandIn>>;
  before(async () => {
    api = await apiStandIn();
  });
  after(() => api.close());

  it('validate: every problem is an annotation on its line (relative to the checkout), in the summary table, and the step fails', async () => {
    const { checkout } = checkedOutRepository({
      ...SMALL,
      'compliance/reports/broken.yaml': 'name: Broken\ntype: gap\nframework: nist-800-53\nformats: [md, json]\nfrobnicate: true\n',
    });
    const run = await runAction({ command: 'validate', 'working-directory': 'compliance' }, { workspace: checkout, apiUrl: api.url });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^::error file=compliance\/reports\/broken\.yaml,line=5,col=1::.*frobnicate/m);
    assert.match(run.stdout, /^::error::the workspace has 1 validation error\(s\)/m);
    assert.match(run.summary, /\| error \| compliance\/reports\/broken\.yaml \| 5 \| 1 \|/);
    assert.deepEqual(run.outputs, { artifacts: '[]', index: '', scores: '{}', changed: 'false' });
    assertNoStack(run);
  });

  it('scheduled: renders what is due at the pinned instant, names it in the outputs and the summary; the same instant again renders nothing', async () => {
    const { checkout } = checkedOutRepository(SMALL);
    const inputs = { command: 'scheduled', 'working-directory': 'compliance', now: MONDAY, publish: 'artifact' };
    const first = await runAction(inputs, { workspace: checkout, apiUrl: api.url });
    assert.equal(first.status, 0, first.stdout + first.stderr);
    const artifacts = JSON.parse(first.outputs.artifacts!) as OutputArtifact[];
    assert.deepEqual(artifacts.map((a) => a.path).sort(), [
      'compliance/out/daily-inline/daily-inline.json',
      'compliance/out/weekly-gap/weekly-gap.json',
      'compliance/out/weekly-gap/weekly-gap.md',
    ]);
    for (const a of artifacts)
      assert.equal(
        a.sha256,
        createHash('sha256')
          .update(readFileSync(join(checkout, a.path)))
          .digest('hex'),
        a.path,
      );
    assert.equal(first.outputs.index, 'compliance/out/index.json');
    assert.equal(first.outputs.changed, 'true');
    assert.deepEqual(Object.keys(JSON.parse(first.outputs.scores!) as object), ['nist-800-53']);
    assert.match(first.summary, /2 schedule\(s\) due, 0 not/);
    assert.match(first.summary, /\| weekly-gap \| compliance\/out\/weekly-gap\/weekly-gap\.md \| md \|/);
    assert.match(readFileSync(join(checkout, 'compliance', '.infracast', 'schedules.jsonl'), 'utf8'), /Weekly/);

    const again = await runAction(inputs, { workspace: checkout, apiUrl: api.url });
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.deepEqual(again.outputs, { artifacts: '[]', index: '', scores: '{}', changed: 'false' });
    assert.match(again.summary, /Nothing was rendered/);
    assert.match(again.summary, /\| Weekly \| rendered \| not due: already rendered for slot 2026-03-09T07:00-04:00/);
    assert.equal(api.requests.length, 0, 'publish: artifact calls no API');
  });

  it('fail-under (a copy of examples/acme, nothing due): the SPRS score below the threshold fails the step, naming the score', async () => {
    const { checkout } = checkedOutRepository(SMALL);
    cpSync(join(examplesDir, 'acme'), join(checkout, 'acme'), { recursive: true, filter: committedPart(join(examplesDir, 'acme')) });
    git(checkout, ['add', '-A']);
    git(checkout, ['commit', '-q', '-m', 'acme'], '2026-01-05T10:00:00Z');
    // Wednesday 2026-03-04 12:17Z: between acme's slots (its two schedules are missed or not yet due).
    const run = await runAction(
      { command: 'scheduled', 'working-directory': 'acme', now: '2026-03-04T12:17:00Z', 'fail-under': 'nist-800-171:88' },
      { workspace: checkout, apiUrl: api.url },
    );
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const scores = JSON.parse(run.outputs.scores!) as Record<string, { sprs_score: number }>;
    const sprs = scores['nist-800-171']!.sprs_score;
    assert.ok(sprs < 88, `acme's SPRS score is ${sprs}`);
    assert.match(run.stdout, new RegExp(`^::error::nist-800-171: SPRS score ${sprs} is below fail-under 88$`, 'm'));
    assert.match(run.summary, /### Skipped/);
    assert.match(run.summary, /\| nist-800-171 \|/);
    assert.equal(run.outputs.changed, 'false');
    assertNoStack(run);
  });

  // The point is a binary: the fonts a DOCX embeds and resvg's WebAssembly (its charts' PNGs) come
  // from dist/assets when node_modules is absent, and must be the very files the CLI uses.
  it("render: a DOCX with charts from the download without node_modules is byte-identical to the CLI's", async () => {
    const files = { ...SMALL, 'compliance/reports/exec.yaml': 'name: Exec\ntype: executive\nformats: [docx]\n' };
    const { checkout } = checkedOutRepository(files);
    const run = await runAction(
      { command: 'render', 'working-directory': 'compliance', definitions: 'reports/exec.yaml', now: MONDAY, publish: 'artifact' },
      { workspace: checkout, apiUrl: api.url },
    );
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const docx = (JSON.parse(run.outputs.artifacts!) as OutputArtifact[]).find((a) => a.format === 'docx');
    assert.equal(docx?.path, 'compliance/out/exec/exec.docx');
    const cli = checkedOutRepository(files).checkout;
    const rendered = runCli(['render', join(cli, 'compliance', 'reports', 'exec.yaml'), '--at', MONDAY], { env: { INFRACAST_CACHE: 'off' } });
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.equal(
      createHash('sha256')
        .update(readFileSync(join(cli, docx.path)))
        .digest('hex'),
      docx.sha256,
    );
  });

  for (const [name, inputs, message] of [
    [
      'an unknown command',
      { command: 'deploy' },
      /^::error::input command: "deploy" is not one of scheduled, render, validate, plan, merge, pr-diff%0Ahint: /m,
    ],
    ['a malformed fail-under', { 'fail-under': 'nist-800-171=88' }, /^::error::input fail-under: "nist-800-171=88" is not framework:threshold/m],
    [
      'a missing working directory',
      { 'working-directory': 'no/such/folder' },
      /^::error::input working-directory: no\/such\/folder is not a folder of the checkout/m,
    ],
    ['a folder that is no workspace', { 'working-directory': '.' }, /^::error::.*no infracast\.yaml in this folder or any folder above it/m],
    ['publish: release without a tag', { publish: 'release' }, /^::error::input release-tag is empty, and publish: release needs it/m],
  ] as const) {
    it(`${name}: the step fails with a plain message, no stack`, async () => {
      const { checkout } = checkedOutRepository(SMALL);
      const run = await runAction({ 'working-directory': 'compliance', ...inputs }, { workspace: checkout, apiUrl: api.url });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.match(run.stdout, message);
      assertNoStack(run);
    });
  }

  it('publish: commit: a scheduled run commits once (outputs and state, trailers naming each slot) and pushes; a re-run with the same now commits nothing', async () => {
    const { checkout, origin } = checkedOutRepository(SMALL);
    const before = git(origin, ['rev-parse', 'HEAD']).trim();
    const inputs = { command: 'scheduled', 'working-directory': 'compliance', now: MONDAY, publish: 'commit' };
    const first = await runAction(inputs, { workspace: checkout, apiUrl: api.url });
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.equal(first.outputs.changed, 'true');
    const head = git(origin, ['rev-parse', 'HEAD']).trim();
    assert.notEqual(head, before, 'pushed to origin');
    assert.equal(git(origin, ['rev-parse', `${head}~1`]).trim(), before, 'one commit');
    const message = git(origin, ['log', '-1', '--format=%an <%ae>%n%B', head]);
    assert.match(message, /^github-actions\[bot\] </);
    assert.match(
      message,
      /^Infracast-Schedule: Daily Inline\nInfracast-Slot: 2026-03-09T06:30:00Z\nInfracast-Schedule: Weekly\nInfracast-Slot: 2026-03-09T11:00:00Z$/m,
    );
    const files = git(origin, ['show', '--name-only', '--format=', head]).trim().split('\n');
    for (const a of JSON.parse(first.outputs.artifacts!) as OutputArtifact[]) assert.ok(files.includes(a.path), `${a.path} committed`);
    assert.ok(files.includes('compliance/.infracast/schedules.jsonl'), files.join('\n'));
    assert.match(first.summary, /### Published\n\n- committed [0-9a-f]{12}/);

    const again = await runAction(inputs, { workspace: checkout, apiUrl: api.url });
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.equal(again.outputs.changed, 'false');
    assert.equal(git(origin, ['rev-parse', 'HEAD']).trim(), head, 'nothing committed');
    assertNoStack(again);
  });

  it("delivery: after the commit, the schedule's recipients get one e-mail over SMTP, its record is committed, and a run from a fresh clone sends nothing", async () => {
    const smtp = await startSmtpServer({ user: 'bot', password: 'hunter2-smtp', starttls: false });
    try {
      const mail = `mail:\n  from: infracast@acme.test\n  smtp_host: 127.0.0.1\n  smtp_port: ${smtp.port}\n  secure: false\n  username_env: SMTP_LOGIN\n  password_env: SMTP_SECRET\n`;
      const { checkout, origin } = checkedOutRepository({
        ...SMALL,
        'compliance/infracast.yaml': `${MINIMAL_CONFIG}${mail}`,
        'compliance/schedules/weekly.yaml': `${SMALL['compliance/schedules/weekly.yaml']}recipients: [ciso@acme.test]\n`,
      });
      const inputs = { command: 'scheduled', 'working-directory': 'compliance', now: MONDAY, publish: 'commit' };
      const env = { SMTP_LOGIN: 'bot', SMTP_SECRET: 'hunter2-smtp' };
      const run = await runAction(inputs, { workspace: checkout, apiUrl: api.url, env });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.deepEqual(
        smtp.received.map((m) => m.to),
        [['ciso@acme.test']],
      );
      assert.match(smtp.received[0]!.raw.toString('utf8'), /weekly-gap\.md/);
      assert.match(git(origin, ['log', '-1', '--format=%s']), /delivery records/);
      assert.match(git(origin, ['show', 'HEAD:compliance/.infracast/deliveries.jsonl']), /ciso@acme\.test|Weekly/);
      assert.doesNotMatch(run.stdout + run.stderr + run.summary, /hunter2-smtp/);

      const fresh = join(dirname(origin), 'fresh');
      git(dirname(origin), ['clone', '-q', origin, fresh]);
      const again = await runAction(inputs, { workspace: fresh, apiUrl: api.url, env });
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.equal(smtp.received.length, 1, 'nothing sent twice');
    } finally {
      await smtp.close();
    }
  });

  it('publish: commit after a concurrent push: the rejected push is rebased onto it and pushed again', async () => {
    const { checkout, origin } = checkedOutRepository(SMALL);
    // Someone else pushes after this checkout was made (as a commit lands while the job runs).
    const other = join(dirname(origin), 'other');
    git(dirname(origin), ['clone', '-q', origin, other]);
    writeFileSync(join(other, 'README.md'), '# acme compliance\n\nEdited meanwhile.\n');
    git(other, ['commit', '-q', '-am', 'meanwhile'], '2026-03-09T12:00:00Z');
    git(other, ['push', '-q', 'origin', 'HEAD']);
    const concurrent = git(origin, ['rev-parse', 'HEAD']).trim();

    const run = await runAction(
      { command: 'scheduled', 'working-directory': 'compliance', now: MONDAY, publish: 'commit' },
      { workspace: checkout, apiUrl: api.url },
    );
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const head = git(origin, ['rev-parse', 'HEAD']).trim();
    assert.equal(git(origin, ['rev-parse', `${head}~1`]).trim(), concurrent, 'rebased onto the concurrent commit');
    assert.match(git(origin, ['log', '-1', '--format=%B', head]), /Infracast-Schedule: Weekly/);
    assert.match(run.summary, /pushed after 2 attempt\(s\)/);
  });

  it('publish: release: the rendered files are uploaded to the stand-in through the upload_url it returned; a re-run uploads nothing', async () => {
    const gh = await githubStandIn({ token: TEST_TOKEN });
    try {
      const { checkout } = checkedOutRepository(SMALL);
      const inputs = { command: 'scheduled', 'working-directory': 'compliance', now: MONDAY, publish: 'release', 'release-tag': 'reports-2026-03' };
      const options = { workspace: checkout, apiUrl: gh.apiUrl, env: { GITHUB_REPOSITORY: 'o/r' } };
      const run = await runAction(inputs, options);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.equal(run.outputs.changed, 'true');
      const release = gh.releases.get('reports-2026-03');
      assert.ok(release, 'the release was created');
      const artifacts = JSON.parse(run.outputs.artifacts!) as OutputArtifact[];
      assert.deepEqual(release.assets.map((a) => a.name).sort(), ['daily-inline.json', 'weekly-gap.json', 'weekly-gap.md']);
      for (const a of artifacts) {
        const asset: { bytes: Buffer } | undefined = release.assets.find((x) => x.name === a.path.split('/').at(-1));
        assert.equal(createHash('sha256').update(asset!.bytes).digest('hex'), a.sha256, a.path);
      }
      assert.ok(
        gh.seen.some((r) => r.server === 'uploads' && r.method === 'POST'),
        'uploaded to the upload_url host',
      );
      assert.ok(
        gh.seen.every((r) => r.authorization === `Bearer ${TEST_TOKEN}` || r.server === 'uploads'),
        'the input token',
      );
      assert.match(run.summary, /release reports-2026-03 \(created\): 3 uploaded/);

      const seen = gh.seen.length;
      const again = await runAction(inputs, options);
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.equal(again.outputs.changed, 'false');
      assert.equal(gh.seen.length, seen, 'nothing due, nothing asked of the API');
    } finally {
      await gh.close();
    }
  });
});
