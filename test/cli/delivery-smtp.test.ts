/**
 * E-mail delivery of scheduled reports against the npm smtp-server on 127.0.0.1 (issue 16,
 * "Delivery"): login required, STARTTLS required by mail.secure on a port other than 465, one
 * message per schedule slot, attachments byte-equal to the artifacts, a large file linked, a
 * rejected recipient a warning, CUI withheld, nothing sent twice on a re-run, and no secret in
 * anything delivery said. Then `infracast schedule run --deliver` as a user runs it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverScheduledRun } from '../../src/app/delivery/deliver.js';
import type { DeliveryOptions, DeliveryResult } from '../../src/app/delivery/deliver.js';
import { messageIdOf } from '../../src/app/delivery/email.js';
import { startCli } from '../support/cli.js';
import { deliveryFixture, everythingSaid, SMTP_PASSWORD, SMTP_USER } from '../support/delivery.js';
import { attachmentsOf, readMime, startSmtpServer, textOf } from '../support/smtp.js';
import type { TestSmtp } from '../support/smtp.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

const SLOT = '2027-03-15T11:00:00Z';
const env = { SMTP_LOGIN: SMTP_USER, SMTP_SECRET: SMTP_PASSWORD };
const mailYaml = (port: number, secure = true): string =>
  `mail:\n  from: infracast@acme.com\n  smtp_host: 127.0.0.1\n  smtp_port: ${port}\n  secure: ${secure}\n  username_env: SMTP_LOGIN\n  password_env: SMTP_SECRET\n  attach_max_bytes: 1024\n`;

describe('e-mail delivery (npm smtp-server on 127.0.0.1)', () => {
  let smtp: TestSmtp;
  before(async () => {
    smtp = await startSmtpServer({ user: SMTP_USER, password: SMTP_PASSWORD, refuse: /^nobody@/ });
  });
  after(async () => smtp.close());

  it('sends one message per slot over STARTTLS with login; attachments equal the artifacts; a re-run sends nothing', async () => {
    const fx = deliveryFixture(mailYaml(smtp.port));
    const logs: string[] = [];
    const options: DeliveryOptions = {
      config: fx.config,
      schedules: [
        { name: 'Weekly Executive', slot: SLOT, recipients: ['ciso@acme.test', 'nobody@acme.test', 'board@acme.test'], artifacts: fx.weekly },
        { name: 'Monthly CUI', slot: '2027-03-03T11:00:00Z', recipients: ['conmon@acme.test'], artifacts: fx.monthly },
      ],
      linkOf: (a) => (a.path === fx.large.path ? `https://github.com/acme/compliance/releases/download/r1/${a.path.split('/').pop()}` : undefined),
      env,
      onLog: (line) => logs.push(line),
      smtpTls: { ca: smtp.cert },
    };
    const start = smtp.received.length;
    const first = await deliverScheduledRun(options);
    assert.equal(first.ok, true, first.failures.join('\n'));
    const got = smtp.received.slice(start);
    assert.equal(got.length, 2, 'one message per schedule slot');
    const weekly = got.find((m) => m.to.includes('ciso@acme.test'))!;
    assert.deepEqual(weekly.to, ['ciso@acme.test', 'board@acme.test'], 'the refused recipient is not in the envelope');
    assert.equal(weekly.user, SMTP_USER, 'logged in');
    assert.equal(weekly.secure, true, 'upgraded with STARTTLS (mail.secure on port other than 465)');
    const headers = readMime(weekly.raw).headers;
    assert.equal(headers.get('message-id'), messageIdOf('acme-corp', 'Weekly Executive', SLOT, 'infracast@acme.com'));
    assert.equal(headers.get('x-infracast-slot'), SLOT);
    assert.equal(headers.get('x-infracast-schedule'), 'Weekly Executive');
    assert.equal(headers.get('date'), 'Mon, 15 Mar 2027 11:00:00 +0000');
    assert.match(headers.get('subject') ?? '', /Weekly Executive/);
    // Small files attached byte for byte (with the signature sidecar); the large one linked; the unlinked one named.
    const attached = attachmentsOf(weekly.raw);
    assert.deepEqual([...attached.keys()].sort(), ['weekly-executive.json', 'weekly-executive.md', 'weekly-executive.md.sigstore.json']);
    for (const artifact of fx.weekly.slice(0, 2)) assert.deepEqual(attached.get(artifact.path.split('/').pop()!), readFileSync(join(fx.root, artifact.path)));
    const text = textOf(weekly.raw);
    for (const artifact of fx.weekly) assert.ok(text.includes(`sha256 ${artifact.sha256}`), `the body lists ${artifact.path} with its sha256`);
    assert.ok(text.includes('https://github.com/acme/compliance/releases/download/r1/weekly-executive.pdf'));
    const email = first.emails.find((e) => e.schedule === 'Weekly Executive')!;
    assert.deepEqual([email.status, email.rejected, email.named], ['sent', ['nobody@acme.test'], [fx.largeUnlinked.path]]);
    assert.ok(
      first.warnings.some((w) => w.includes('rejected nobody@acme.test')),
      'a rejected recipient is a warning',
    );
    assert.ok(first.warnings.some((w) => w.includes(fx.largeUnlinked.path) && w.includes('no link')));
    // The CUI schedule's mail went, without the CUI file (email is not authorised).
    const monthly = got.find((m) => m.to.includes('conmon@acme.test'))!;
    assert.equal(attachmentsOf(monthly.raw).size, 0);
    assert.match(textOf(monthly.raw), /out\/conmon\/conmon\.md: CUI, not sent by e-mail/);
    assert.deepEqual(
      first.withheld.map((w) => w.path),
      ['out/conmon/conmon.md'],
    );
    const record = readFileSync(join(fx.root, '.infracast/deliveries.jsonl'), 'utf8');
    assert.equal(record.split('\n').filter(Boolean).length, 2);
    assert.ok(record.includes(email.messageId));

    const again = await deliverScheduledRun(options);
    assert.equal(smtp.received.length - start, 2, 'a re-run of the same slots sends nothing');
    assert.deepEqual(
      again.emails.map((e) => e.status),
      ['already-sent', 'already-sent'],
    );
    assert.equal(readFileSync(join(fx.root, '.infracast/deliveries.jsonl'), 'utf8'), record, 'the record is unchanged');
    assertNoSecret([first, again, logs, record]);
  });

  it('with CUI authorised for email, the CUI file is attached', async () => {
    const fx = deliveryFixture(mailYaml(smtp.port), 'cui:\n  authorised_destinations: [email]\n');
    const start = smtp.received.length;
    const result = await deliverScheduledRun({
      config: fx.config,
      schedules: [{ name: 'Monthly CUI', slot: SLOT, recipients: ['conmon@acme.test'], artifacts: fx.monthly }],
      env,
      smtpTls: { ca: smtp.cert },
    });
    assert.equal(result.ok, true, result.failures.join('\n'));
    assert.deepEqual(result.withheld, []);
    assert.deepEqual(attachmentsOf(smtp.received[start]!.raw).get('conmon.md'), readFileSync(join(fx.root, 'out/conmon/conmon.md')));
  });

  it('a refused login, a server without STARTTLS, an unreachable server: failures in plain words, nothing recorded, no password', async () => {
    const plain = await startSmtpServer({ user: SMTP_USER, password: SMTP_PASSWORD, starttls: false });
    const closed = await startSmtpServer({ user: SMTP_USER, password: SMTP_PASSWORD });
    const closedPort = closed.port;
    await closed.close();
    try {
      const cases: [string, number, NodeJS.ProcessEnv, RegExp, boolean?][] = [
        ['wrong password', smtp.port, { ...env, SMTP_SECRET: `${SMTP_PASSWORD}-wrong` }, /refused the login of infracast-bot \(535/],
        ['no STARTTLS', plain.port, env, /offers no STARTTLS and mail\.secure requires TLS/],
        ['unreachable', closedPort, env, /cannot reach the SMTP server 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
        ['an untrusted certificate', smtp.port, env, /127\.0\.0\.1:\d+'s TLS certificate is not trusted \(self-signed certificate\)/, false],
      ];
      for (const [what, port, caseEnv, expected, trusted = true] of cases) {
        const fx = deliveryFixture(mailYaml(port));
        const logs: string[] = [];
        const result = await deliverScheduledRun({
          config: fx.config,
          schedules: [{ name: 'Weekly Executive', slot: SLOT, recipients: ['ciso@acme.test'], artifacts: fx.weekly }],
          env: caseEnv,
          onLog: (line) => logs.push(line),
          ...(trusted ? { smtpTls: { ca: smtp.cert } } : {}),
        });
        assert.equal(result.ok, false, what);
        assert.equal(result.failures.length, 1, what);
        assert.match(result.failures[0]!, expected, what);
        assert.equal(result.emails[0]!.status, 'not-sent', what);
        assert.equal(plain.received.length, 0, `${what}: nothing was sent in the clear`);
        assert.throws(() => readFileSync(join(fx.root, '.infracast/deliveries.jsonl')), /ENOENT/, `${what}: nothing recorded`);
        assertNoSecret([result, logs], [SMTP_PASSWORD, `${SMTP_PASSWORD}-wrong`]);
      }
    } finally {
      await plain.close();
    }
  });

  it('missing settings fail delivery with the setting to add', async () => {
    const fx = deliveryFixture('');
    const result = await deliverScheduledRun({
      config: fx.config,
      schedules: [{ name: 'W', slot: SLOT, recipients: ['a@acme.test'], artifacts: fx.weekly }],
      env: {},
    });
    assert.deepEqual(result.failures, ['no e-mail sent for W: infracast.yaml has no mail.from: add a mail: section (from, smtp_host, smtp_port, secure)']);
    const noPassword = deliveryFixture(mailYaml(smtp.port));
    const missing = await deliverScheduledRun({
      config: noPassword.config,
      schedules: [{ name: 'W', slot: SLOT, recipients: ['a@acme.test'], artifacts: [] }],
      env: { SMTP_LOGIN: 'bot' },
    });
    assert.match(missing.failures[0]!, /an SMTP user is set but no password: set SMTP_SECRET \(mail\.password_env\) or INFRACAST_SMTP_PASSWORD/);
  });

  it('infracast schedule run --deliver e-mails what it recorded, once; its output holds no secret', async () => {
    const root = makeWorkspace({
      'infracast.yaml': `${MINIMAL_CONFIG}mail:\n  from: infracast@acme.com\n  smtp_host: mail.invalid\n  username_env: SMTP_LOGIN\n  password_env: SMTP_SECRET\n`,
      'reports/exec.yaml': 'name: Exec\ntype: executive\nformats: [md, json]\n',
      'schedules/weekly.yaml':
        'name: Weekly\nfrequency: weekly\nday: monday\ntime: "07:00"\ntimezone: America/New_York\ncatch_up: 6h\nreports: [exec]\nrecipients: [ciso@acme.test, nobody@acme.test]\n',
    });
    const plain = await startSmtpServer({ user: SMTP_USER, password: SMTP_PASSWORD, starttls: false, refuse: /^nobody@/ });
    try {
      // The environment overrides infracast.yaml's server; secure: false (a loopback server without TLS).
      const cliEnv = { ...env, INFRACAST_SMTP_HOST: '127.0.0.1', INFRACAST_SMTP_PORT: String(plain.port), INFRACAST_SMTP_SECURE: 'false' };
      const run = await startCli(['schedule', 'run', '-w', root, '--at', '2027-03-15T11:30:00Z', '--deliver', '--json'], { env: cliEnv }).done;
      assert.equal(run.status, 0, run.stdout + run.stderr);
      const result = JSON.parse(run.stdout) as { delivery: DeliveryResult };
      assert.equal(plain.received.length, 1);
      assert.deepEqual(plain.received[0]!.to, ['ciso@acme.test']);
      const attached = attachmentsOf(plain.received[0]!.raw);
      assert.deepEqual(attached.get('exec.md'), readFileSync(join(root, 'out/exec/exec.md')));
      assert.deepEqual(attached.get('exec.json'), readFileSync(join(root, 'out/exec/exec.json')));
      assert.deepEqual(result.delivery.emails[0]!.rejected, ['nobody@acme.test']);
      const human = await startCli(['schedule', 'run', '-w', root, '--at', '2027-03-15T11:40:00Z', '--deliver'], { env: cliEnv }).done;
      assert.equal(human.status, 0, human.stdout + human.stderr);
      assert.equal(plain.received.length, 1, 'the slot is rendered and e-mailed once');
      assertNoSecret([run.stdout, run.stderr, human.stdout, human.stderr]);
    } finally {
      await plain.close();
    }
  });
});

function assertNoSecret(said: unknown[], secrets: string[] = [SMTP_PASSWORD]): void {
  const text = everythingSaid(said);
  for (const secret of secrets) assert.ok(!text.includes(secret), `a secret appears in what delivery said:\n${text}`);
}
