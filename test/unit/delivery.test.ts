/**
 * Delivery without a network (issue 16): what mail.secure means on each port, the environment's
 * overrides, deterministic message bytes (Message-ID, Date, MIME boundaries), the delivery record's
 * format, Retry-After, the scrubbing of secrets, and the schema of mail: and webhooks:.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { parse } from 'yaml';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deliverScheduledRun } from '../../src/app/delivery/deliver.js';
import { composeEmail, messageIdOf } from '../../src/app/delivery/email.js';
import { parseDeliveries, recordDelivery, readDeliveries } from '../../src/app/delivery/record.js';
import { scrubber } from '../../src/app/delivery/secrets.js';
import { DEFAULT_ATTACH_MAX_BYTES, mailSettings, secretsOf, webhookSettings } from '../../src/app/delivery/settings.js';
import { retryAfterMs, signatureOf } from '../../src/app/delivery/webhooks.js';
import { validate } from '../../src/app/validate.js';
import { InfracastError } from '../../src/errors.js';
import { deliveryFixture } from '../support/delivery.js';
import { examplesDir } from '../support/paths.js';
import { makeWorkspace, MINIMAL_CONFIG } from '../support/workspace.js';

const acmeRaw = parse(readFileSync(join(examplesDir, 'acme/infracast.yaml'), 'utf8')) as Record<string, unknown>;

describe('mail settings', () => {
  it("examples/acme's smtp_port 587 with secure: true is STARTTLS, required (not implicit TLS)", () => {
    const s = mailSettings({ raw: acmeRaw }, { INFRACAST_SMTP_USER: 'bot', INFRACAST_SMTP_PASSWORD: 'secret-1' });
    assert.ok(s.ok);
    assert.deepEqual([s.value.host, s.value.port, s.value.requireTls, s.value.implicitTls], ['smtp.acme.com', 587, true, false]);
    assert.deepEqual(s.value.auth, { user: 'bot', pass: 'secret-1' });
    assert.equal(s.value.attachMaxBytes, DEFAULT_ATTACH_MAX_BYTES);
  });
  it('port 465 with secure is implicit TLS; the environment overrides host, port, secure and login', () => {
    const raw = { mail: { from: 'a@b.test', smtp_host: 'smtp.b.test', smtp_port: 465, username_env: 'U', password_env: 'P' } };
    const implicit = mailSettings({ raw }, { U: 'u', P: 'p-secret' });
    assert.ok(implicit.ok);
    assert.deepEqual([implicit.value.requireTls, implicit.value.implicitTls], [true, true], 'secure defaults to true');
    const env = {
      U: 'u',
      P: 'p',
      INFRACAST_SMTP_HOST: '127.0.0.1',
      INFRACAST_SMTP_PORT: '2525',
      INFRACAST_SMTP_SECURE: 'false',
      INFRACAST_SMTP_PASSWORD: 'over',
    };
    const overridden = mailSettings({ raw }, env);
    assert.ok(overridden.ok);
    assert.deepEqual(
      [overridden.value.host, overridden.value.port, overridden.value.requireTls, overridden.value.implicitTls, overridden.value.auth],
      ['127.0.0.1', 2525, false, false, { user: 'u', pass: 'over' }],
    );
    const badPort = mailSettings({ raw }, { ...env, INFRACAST_SMTP_PORT: '99999' });
    assert.deepEqual(badPort, { ok: false, problem: 'INFRACAST_SMTP_PORT is not a port number (1..65535)' });
    const unsetUser = mailSettings({ raw }, {});
    assert.deepEqual(unsetUser, { ok: false, problem: 'mail.username_env names U, which is not set (nor INFRACAST_SMTP_USER)' });
  });
  it('the secrets scrubbed: passwords, webhook secrets and URLs, any *_TOKEN; short values are not', () => {
    const raw = { ...acmeRaw, webhooks: [{ url_env: 'HOOK', secret_env: 'HOOK_KEY' }] };
    const env = {
      INFRACAST_SMTP_PASSWORD: 'pw-12345',
      HOOK: 'https://h.test/T',
      HOOK_KEY: 'k-98765',
      GITHUB_TOKEN: 'ghs_abcdef',
      OTHER: 'visible',
      X_SECRET: 'ab',
    };
    assert.deepEqual(secretsOf({ raw }, env).sort(), ['ghs_abcdef', 'https://h.test/T', 'k-98765', 'pw-12345']);
    const scrub = scrubber(['pw-12345', 'a b/c']);
    assert.equal(scrub('login pw-12345, encoded a%20b%2Fc, base64 cHctMTIzNDU='), 'login ***, encoded ***, base64 ***');
  });
  it('a webhook is named by its name or its origin, never its path; an unset secret is a problem', () => {
    const raw = {
      webhooks: [
        { url: 'https://hooks.test/T0KEN/x?sig=1', secret_env: 'S' },
        { name: 'SIEM', url: 'https://siem.test/', secret_env: 'MISSING' },
      ],
    };
    const [first, second] = webhookSettings({ raw }, { S: 'secret-value' });
    assert.ok(first?.ok);
    assert.equal(first.value.label, 'https://hooks.test');
    assert.deepEqual(first.value.events, ['report.completed']);
    assert.deepEqual(second, { ok: false, problem: 'webhook SIEM: secret_env names MISSING, which is not set (payloads are always signed)' });
  });
});

describe('deterministic messages', () => {
  it('the same (tenant, schedule, slot) gives the same Message-ID and the same bytes; another slot another id', async () => {
    const fx = deliveryFixture('');
    const compose = (slot: string) =>
      composeEmail({
        settings: { from: 'infracast@acme.com', attachMaxBytes: 1024 },
        tenant: { id: 'acme-corp', name: 'Acme Corp' },
        root: fx.root,
        schedule: { name: 'Weekly Executive', slot, recipients: ['ciso@acme.test'], artifacts: fx.weekly },
        allowed: fx.weekly,
        withheld: [],
      });
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
    const bytes = async (slot: string): Promise<string> => (await transport.sendMail((await compose(slot)).message)).message.toString();
    const [a, b, c] = [await bytes('2027-03-15T11:00:00Z'), await bytes('2027-03-15T11:00:00Z'), await bytes('2027-03-22T11:00:00Z')];
    assert.equal(a, b, 'byte-identical on a re-run');
    const id = messageIdOf('acme-corp', 'Weekly Executive', '2027-03-15T11:00:00Z', 'infracast@acme.com');
    assert.match(id, /^<[0-9a-f]{32}\.infracast@acme\.com>$/);
    assert.ok(a.includes(`Message-ID: ${id}`));
    assert.ok(a.includes('Date: Mon, 15 Mar 2027 11:00:00 +0000'));
    assert.ok(a.includes('X-Infracast-Slot: 2027-03-15T11:00:00Z'));
    assert.notEqual(id, messageIdOf('acme-corp', 'Weekly Executive', '2027-03-22T11:00:00Z', 'infracast@acme.com'));
    assert.notEqual(a, c);
  });
});

describe('the delivery record (deliveries.jsonl)', () => {
  it('sorted canonical lines, a re-record changes nothing, a broken line names the file and line', async () => {
    const root = makeWorkspace({});
    const state = join(root, '.infracast');
    await recordDelivery(state, {
      kind: 'webhook',
      id: 'b',
      schedule: 'W',
      slot: '2027-03-15T11:00:00Z',
      webhook: 'SIEM',
      event: 'report.completed',
      definition: 'x',
    });
    await recordDelivery(state, { kind: 'email', id: '<a@x>', schedule: 'W', slot: '2027-03-15T11:00:00Z', accepted: ['c@x'], rejected: [] });
    assert.equal(
      await recordDelivery(state, { kind: 'email', id: '<a@x>', schedule: 'W', slot: '2027-03-15T11:00:00Z', accepted: ['c@x'], rejected: [] }),
      'unchanged',
    );
    assert.equal(
      readFileSync(join(state, 'deliveries.jsonl'), 'utf8'),
      '{"accepted":["c@x"],"id":"<a@x>","kind":"email","rejected":[],"schedule":"W","slot":"2027-03-15T11:00:00Z"}\n' +
        '{"definition":"x","event":"report.completed","id":"b","kind":"webhook","schedule":"W","slot":"2027-03-15T11:00:00Z","webhook":"SIEM"}\n',
    );
    assert.equal((await readDeliveries(state)).size, 2);
    assert.throws(
      () => parseDeliveries('{"kind":"email","id":"x","schedule":"W","slot":"s"}\n<<<<<<< HEAD\n', 'deliveries.jsonl'),
      (e: unknown) =>
        e instanceof InfracastError && e.code === 'STATE_INVALID' && /deliveries\.jsonl:2: line 2 is not JSON \(an unresolved merge conflict/.test(e.message),
    );
    assert.throws(() => parseDeliveries('{"kind":"sms","id":"x","schedule":"W","slot":"s"}\n', 'd.jsonl'), /d\.jsonl:1: line 1 is not/);
  });
});

describe('webhooks, offline', () => {
  it('Retry-After in seconds or as an HTTP date; the signature is HMAC-SHA256 of the body', () => {
    assert.equal(retryAfterMs('7'), 7000);
    assert.equal(
      retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', () => Date.parse('2015-10-21T07:28:00Z')),
      10_000,
    );
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(null), undefined);
    // The example of GitHub's webhook documentation ("Validating webhook deliveries"): secret "It's a Secret to Everybody", payload "Hello, World!".
    assert.equal(signatureOf("It's a Secret to Everybody", 'Hello, World!'), 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });
  it('the schema takes webhooks: and mail.attach_max_bytes, and refuses an unsigned webhook', async () => {
    const good = makeWorkspace({
      'infracast.yaml': `${MINIMAL_CONFIG}mail:\n  from: a@acme.com\n  attach_max_bytes: 100\nwebhooks:\n  - url: https://hooks.acme.test/x\n    secret_env: S\n    events: [report.completed]\n    headers:\n      X-Team: sec\n`,
    });
    const ok = await validate({ paths: [good], at: '2026-11-29' });
    assert.equal(ok.errorCount, 0, JSON.stringify(ok.diagnostics));
    const unsigned = makeWorkspace({ 'infracast.yaml': `${MINIMAL_CONFIG}webhooks:\n  - url: https://hooks.acme.test/x\n` });
    assert.equal((await validate({ paths: [unsigned], at: '2026-11-29' })).errorCount, 1);
  });
});

describe('delivery says why instead of throwing', () => {
  const mail = 'mail:\n  from: infracast@acme.com\n  smtp_host: 127.0.0.1\n  smtp_port: 9\n  secure: false\n';
  it('a rendered file gone before delivery: that slot fails by name, nothing is sent or recorded', async () => {
    const fx = deliveryFixture(mail);
    rmSync(join(fx.root, fx.weekly[1]!.path));
    const result = await deliverScheduledRun({
      config: fx.config,
      schedules: [{ name: 'W', slot: '2027-03-15T11:00:00Z', recipients: ['a@acme.test'], artifacts: fx.weekly }],
      env: {},
    });
    assert.equal(result.ok, false);
    assert.match(result.failures[0]!, /^W: no e-mail sent for slot 2027-03-15T11:00:00Z: ENOENT: no such file or directory, open '.*weekly-executive\.json'$/);
    assert.deepEqual(result.emails, []);
  });
  it('a deliveries.jsonl with a merge conflict: nothing is delivered (it could send twice), the failure names the line', async () => {
    const fx = deliveryFixture(mail);
    mkdirSync(join(fx.root, '.infracast'));
    writeFileSync(join(fx.root, '.infracast/deliveries.jsonl'), '<<<<<<< HEAD\n');
    const result = await deliverScheduledRun({
      config: fx.config,
      schedules: [{ name: 'W', slot: '2027-03-15T11:00:00Z', recipients: ['a@acme.test'], artifacts: fx.weekly }],
      env: {},
    });
    assert.equal(result.ok, false);
    assert.match(
      result.failures[0]!,
      /^nothing delivered: .*deliveries\.jsonl:1: line 1 is not JSON \(an unresolved merge conflict: keep the lines of both sides\)$/,
    );
    assert.deepEqual([result.emails, result.webhooks], [[], []]);
  });
});
