/**
 * Webhooks of scheduled reports against a loopback node:http receiver that checks the HMAC-SHA256
 * signature over the exact body (issue 16): one report.completed POST per report, a retry after a
 * 500 (and after a 429, waiting what Retry-After says), none after a 400, a dead receiver a
 * warning, nothing re-sent on a re-run, and neither the secret nor the URL's token in any message.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverScheduledRun } from '../../src/app/delivery/deliver.js';
import type { DeliveryOptions } from '../../src/app/delivery/deliver.js';
import { artifactId } from '../../src/app/publish.js';
import { deliveryFixture, everythingSaid, WEBHOOK_SECRET } from '../support/delivery.js';

const SLOT = '2027-03-15T11:00:00Z';
const TOKEN_PATH = '/hooks/T0KEN-in-the-path-8c1e';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  signatureValid: boolean;
}

/** Answers each POST with the next scripted status (then 204), after checking the signature. */
async function receiver(): Promise<{ server: Server; base: string; hits: Hit[]; script: (statuses: [number, Record<string, string>?][]) => void }> {
  const hits: Hit[] = [];
  let queue: [number, Record<string, string>?][] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-infracast-signature-256'] ?? ''));
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      hits.push({ path: req.url ?? '', headers: req.headers, body, signatureValid });
      const [status, headers] = signatureValid ? (queue.shift() ?? [204]) : [401];
      res.writeHead(status, headers ?? {});
      res.end(status >= 400 ? 'no' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, hits, script: (statuses) => (queue = [...statuses]) };
}

describe('webhooks (loopback receiver checking the HMAC)', () => {
  let rx: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    rx = await receiver();
  });
  after(() => rx.server.close());

  const webhookYaml = (url: string, extra = ''): string =>
    `webhooks:\n  - url_env: HOOK_URL\n    secret_env: HOOK_SECRET\n    headers:\n      X-Team: compliance\n      x-infracast-event: spoofed\n      content-type: text/plain\n${extra}`;
  const setUp = (url: string, extra = '') => {
    const fx = deliveryFixture('', webhookYaml(url, extra));
    const waits: number[] = [];
    const logs: string[] = [];
    const options: DeliveryOptions = {
      config: fx.config,
      schedules: [
        { name: 'Weekly Executive', slot: SLOT, recipients: [], artifacts: fx.weekly },
        { name: 'Monthly CUI', slot: SLOT, recipients: [], artifacts: fx.monthly },
      ],
      generatedAt: '2027-03-15T11:30:00Z',
      linkOf: (a) => (a.path === fx.large.path ? 'https://example.test/weekly-executive.pdf' : undefined),
      env: { HOOK_URL: url, HOOK_SECRET: WEBHOOK_SECRET },
      onLog: (line) => logs.push(line),
      retry: { baseDelayMs: 10, sleep: async (ms) => void waits.push(ms) },
    };
    return { fx, waits, logs, options };
  };

  it('POSTs one signed report.completed per report; retries after a 500; a re-run sends nothing', async () => {
    const { fx, waits, logs, options } = setUp(`${rx.base}${TOKEN_PATH}`);
    const start = rx.hits.length;
    rx.script([[500]]);
    const first = await deliverScheduledRun(options);
    assert.equal(first.ok, true, first.failures.join('\n'));
    assert.deepEqual(first.warnings, []);
    const hits = rx.hits.slice(start);
    assert.equal(hits.length, 3, 'two reports, the first one twice (500, then 204)');
    assert.ok(hits.every((h) => h.signatureValid && h.path === TOKEN_PATH));
    assert.deepEqual(hits[0]!.body, hits[1]!.body, 'the retry sends the same bytes');
    assert.deepEqual(waits, [10], 'one backoff wait');
    assert.deepEqual(
      first.webhooks.map((w) => [w.definition, w.status, w.attempts, w.httpStatus]),
      [
        ['weekly-executive', 'delivered', 2, 204],
        ['conmon', 'delivered', 1, 204],
      ],
    );
    const headers = hits[1]!.headers;
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['x-infracast-event'], 'report.completed');
    assert.equal(headers['x-team'], 'compliance');
    assert.equal(headers['x-infracast-event'], 'report.completed', "headers: cannot replace Infracast's");
    assert.equal(headers['x-infracast-delivery'], first.webhooks[0]!.deliveryId);
    const body = JSON.parse(hits[1]!.body.toString('utf8')) as {
      event: string;
      schedule: string;
      slot: string;
      tenant: string;
      report: { definition: string; artifacts: { id: string; path: string; sha256: string; url?: string }[] };
    };
    assert.deepEqual(
      [body.event, body.tenant, body.schedule, body.slot, body.report.definition],
      ['report.completed', 'acme-corp', 'Weekly Executive', SLOT, 'weekly-executive'],
    );
    assert.deepEqual(
      body.report.artifacts.map((a) => [a.path, a.sha256, a.id]),
      fx.weekly.map((a) => [a.path, a.sha256, artifactId(a.definition, a.format, '2027-03-15T11:30:00Z')]),
    );
    assert.equal(body.report.artifacts.find((a) => a.path === fx.large.path)!.url, 'https://example.test/weekly-executive.pdf');
    const record = readFileSync(join(fx.root, '.infracast/deliveries.jsonl'), 'utf8');
    assert.equal(record.split('\n').filter(Boolean).length, 2);

    const again = await deliverScheduledRun(options);
    assert.equal(rx.hits.length - start, 3, 'nothing re-sent');
    assert.deepEqual(
      again.webhooks.map((w) => w.status),
      ['already-delivered', 'already-delivered'],
    );
    assertNothingSecret([first, again, logs, record]);
  });

  it('a 400 is not retried; a 429 waits its Retry-After; a receiver still failing is a warning, not a failure', async () => {
    const { waits, logs, options } = setUp(`${rx.base}${TOKEN_PATH}`);
    const start = rx.hits.length;
    rx.script([[400], [429, { 'Retry-After': '3' }], [503], [503], [503], [503]]);
    const result = await deliverScheduledRun({ ...options, retry: { ...options.retry, attempts: 4 } });
    assert.equal(result.ok, true, 'a failed webhook does not fail the run');
    assert.deepEqual(
      result.webhooks.map((w) => [w.definition, w.status, w.attempts, w.httpStatus]),
      [
        ['weekly-executive', 'failed', 1, 400],
        ['conmon', 'failed', 4, 503],
      ],
    );
    assert.equal(rx.hits.length - start, 5);
    assert.deepEqual(waits, [3000, 20, 40], 'Retry-After: 3 honoured, then exponential backoff');
    assert.equal(result.warnings.length, 2);
    assert.match(
      result.warnings[0]!,
      /^webhook http:\/\/127\.0\.0\.1:\d+: weekly-executive of Weekly Executive slot .* not delivered: it answered HTTP 400 \(not retried/,
    );
    assert.match(result.warnings[1]!, /answered HTTP 503 after 4 attempt\(s\)/);
    assertNothingSecret([result, logs]);
  });

  it('a dead receiver: retried, then a warning naming it by its origin; a missing secret fails delivery', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const { waits, logs, options } = setUp(`http://127.0.0.1:${port}${TOKEN_PATH}`, '    name: SIEM\n');
    const result = await deliverScheduledRun({ ...options, schedules: options.schedules.slice(0, 1), retry: { ...options.retry, attempts: 3 } });
    assert.equal(result.ok, true);
    assert.deepEqual(waits, [10, 20]);
    assert.deepEqual(result.warnings, [
      `webhook SIEM: weekly-executive of Weekly Executive slot ${SLOT} not delivered: it cannot be reached (ECONNREFUSED) after 3 attempt(s)`,
    ]);
    const noSecret = await deliverScheduledRun({ ...options, env: { HOOK_URL: `${rx.base}${TOKEN_PATH}` } });
    assert.equal(noSecret.ok, false);
    assert.match(noSecret.failures[0]!, /secret_env names HOOK_SECRET, which is not set \(payloads are always signed\)/);
    assertNothingSecret([result, noSecret, logs]);
  });
});

function assertNothingSecret(said: unknown[]): void {
  const text = everythingSaid(said);
  assert.ok(!text.includes(WEBHOOK_SECRET), `the webhook secret appears in:\n${text}`);
  assert.ok(!text.includes('T0KEN'), `the URL's token appears in:\n${text}`);
}
