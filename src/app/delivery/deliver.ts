/**
 * Delivery of a scheduled run (issue 16, "Delivery"): after the outputs are committed or attached,
 * each recorded schedule slot is e-mailed to its recipients (email.ts, smtp.ts) and each completed
 * report is announced to the webhooks of infracast.yaml (webhooks.ts). CUI artifacts go by e-mail
 * only when `cui.authorised_destinations` lists email (the one gate, schedule/destinations.ts).
 *
 * Nothing is sent twice: every delivery has an id derived from (tenant, schedule, slot, ...), is
 * looked up in the state folder's deliveries.jsonl before sending and recorded there once the
 * server took it (record.ts). Commit that file after delivery.
 *
 * Delivery never throws for what a server or the configuration does: a rejected recipient and a
 * webhook that still fails after its retries are warnings; missing settings and an unreachable SMTP
 * server are failures (`ok: false`), each one plain sentence. Every sentence is scrubbed of the
 * credentials (secrets.ts). The network policy (infracast.yaml `network:`) governs what a render may
 * fetch; it does not apply here: `mail:` and `webhooks:` name their hosts, and naming a destination
 * is the consent to send to it.
 */
import type { ConnectionOptions } from 'node:tls';
import type { WorkspaceConfig } from '../../model/config.js';
import { configOf } from '../listing.js';
import { artifactId } from '../publish.js';
import { gateArtifacts } from '../schedule/destinations.js';
import type { RunArtifact, ScheduleRunResult } from '../schedule/run.js';
import { composeEmail } from './email.js';
import type { ComposedEmail, DeliverySchedule } from './email.js';
import { readDeliveries, recordDelivery, wasDelivered } from './record.js';
import type { DeliveryRecord } from './record.js';
import { scrubber } from './secrets.js';
import { mailSettings, secretsOf, webhookSettings } from './settings.js';
import { sendSmtp } from './smtp.js';
import { DEFAULT_RETRY, deliveryIdOf, postWebhook, WEBHOOK_EVENT, webhookBody } from './webhooks.js';
import type { RetryPolicy } from './webhooks.js';

export type { DeliverySchedule } from './email.js';

export interface DeliveryOptions {
  config: Pick<WorkspaceConfig, 'root' | 'tenant' | 'stateDir' | 'raw'>;
  schedules: DeliverySchedule[];
  /** Where a published artifact can be fetched (the committed file's or the release asset's URL): large files are linked. */
  linkOf?: (artifact: RunArtifact) => string | undefined;
  /** The run's instant (generated_at): webhook payloads then carry each artifact's id. */
  generatedAt?: string;
  env?: NodeJS.ProcessEnv;
  /** Each thing done, one line (scrubbed). */
  onLog?: (line: string) => void;
  /** TLS options for the SMTP connection (a private CA); tests use it for a self-signed loopback server. */
  smtpTls?: ConnectionOptions;
  /** Webhook retry policy (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
}

export interface EmailDelivery {
  schedule: string;
  slot: string;
  messageId: string;
  status: 'sent' | 'already-sent' | 'not-sent';
  accepted: string[];
  rejected: string[];
  attached: string[];
  linked: { path: string; url: string }[];
  named: string[];
}

export interface WebhookDelivery {
  webhook: string;
  event: string;
  schedule: string;
  slot: string;
  definition: string;
  deliveryId: string;
  status: 'delivered' | 'already-delivered' | 'failed';
  attempts: number;
  httpStatus?: number;
}

export interface DeliveryResult {
  /** false: something that should have been delivered was not, for a reason the run must fail on (failures). */
  ok: boolean;
  emails: EmailDelivery[];
  webhooks: WebhookDelivery[];
  /** Delivered, but not all of it: a rejected recipient, a file too large to attach without a link, a webhook that failed. */
  warnings: string[];
  /** Not delivered: missing settings, an unreachable or refusing SMTP server. */
  failures: string[];
  /** CUI artifacts not e-mailed (cui.authorised_destinations does not list email), with the run's sentence. */
  withheld: { schedule: string; path: string; reason: string }[];
}

export async function deliverScheduledRun(options: DeliveryOptions): Promise<DeliveryResult> {
  const env = options.env ?? process.env;
  const scrub = scrubber(secretsOf(options.config, env));
  const result: DeliveryResult = { ok: true, emails: [], webhooks: [], warnings: [], failures: [], withheld: [] };
  const log = (line: string): void => options.onLog?.(scrub(line));
  const warn = (line: string): void => {
    result.warnings.push(scrub(line));
    log(`warning: ${line}`);
  };
  const fail = (line: string): void => {
    result.failures.push(scrub(line));
    log(`failed: ${line}`);
  };
  let delivered: Map<string, DeliveryRecord>;
  try {
    delivered = await readDeliveries(options.config.stateDir);
  } catch (error) {
    // A broken deliveries.jsonl (a merge conflict): sending without it could send twice.
    fail(`nothing delivered: ${(error as Error).message}`);
    return { ...result, ok: false };
  }
  const record = async (entry: DeliveryRecord): Promise<void> => {
    await recordDelivery(options.config.stateDir, entry);
    delivered.set(`${entry.kind}\u0000${entry.id}`, entry);
  };
  try {
    await deliverEmails(options, env, { log, warn, fail, record, delivered, result });
    await deliverWebhooks(options, env, { log, warn, fail, record, delivered, result });
  } catch (error) {
    // Writing deliveries.jsonl (a full disk, a state folder of a newer version): the rest is not sent.
    fail(`delivery stopped: ${(error as Error).message}`);
  }
  result.failures = result.failures.map(scrub);
  result.ok = result.failures.length === 0;
  return result;
}

interface Context {
  log: (line: string) => void;
  warn: (line: string) => void;
  fail: (line: string) => void;
  record: (entry: DeliveryRecord) => Promise<void>;
  delivered: Map<string, DeliveryRecord>;
  result: DeliveryResult;
}

async function deliverEmails(options: DeliveryOptions, env: NodeJS.ProcessEnv, ctx: Context): Promise<void> {
  const addressed = options.schedules.filter((s) => s.recipients.length > 0);
  if (addressed.length === 0) return;
  const settings = mailSettings(options.config, env);
  if (!settings.ok) {
    ctx.fail(`no e-mail sent for ${addressed.map((s) => s.name).join(', ')}: ${settings.problem}`);
    return;
  }
  for (const schedule of addressed) {
    const gate = gateArtifacts(schedule.artifacts, 'email', options.config);
    for (const { artifact, reason } of gate.withheld) ctx.result.withheld.push({ schedule: schedule.name, path: artifact.path, reason });
    let composed: ComposedEmail;
    try {
      composed = await composeEmail({
        settings: settings.value,
        tenant: options.config.tenant,
        root: options.config.root,
        schedule,
        allowed: gate.allowed,
        withheld: gate.withheld,
        ...(options.linkOf ? { linkOf: options.linkOf } : {}),
      });
    } catch (error) {
      // A rendered file gone between the render and delivery (ENOENT): this slot's e-mail cannot be made.
      ctx.fail(`${schedule.name}: no e-mail sent for slot ${schedule.slot}: ${(error as Error).message}`);
      continue;
    }
    const entry: EmailDelivery = {
      schedule: schedule.name,
      slot: schedule.slot,
      messageId: composed.messageId,
      status: 'not-sent',
      accepted: [],
      rejected: [],
      attached: composed.attached,
      linked: composed.linked,
      named: composed.named,
    };
    ctx.result.emails.push(entry);
    if (wasDelivered(ctx.delivered, 'email', composed.messageId)) {
      entry.status = 'already-sent';
      ctx.log(`${schedule.name}: slot ${schedule.slot} was e-mailed before (Message-ID ${composed.messageId}, .infracast/deliveries.jsonl): not sent again`);
      continue;
    }
    for (const warning of composed.warnings) ctx.warn(warning);
    const outcome = await sendSmtp(settings.value, composed.message, options.smtpTls);
    if (!outcome.sent) {
      entry.rejected = outcome.rejected ?? [];
      if (outcome.rejected) ctx.warn(`${schedule.name}: no e-mail sent for slot ${schedule.slot}: ${outcome.problem}: ${outcome.rejected.join(', ')}`);
      else ctx.fail(`${schedule.name}: no e-mail sent for slot ${schedule.slot}: ${outcome.problem}`);
      continue;
    }
    entry.status = 'sent';
    entry.accepted = outcome.accepted;
    entry.rejected = outcome.rejected;
    if (outcome.rejected.length > 0) ctx.warn(`${schedule.name}: the SMTP server rejected ${outcome.rejected.join(', ')} (the others got the e-mail)`);
    await ctx.record({
      kind: 'email',
      id: composed.messageId,
      schedule: schedule.name,
      slot: schedule.slot,
      accepted: outcome.accepted,
      rejected: outcome.rejected,
    });
    ctx.log(
      `${schedule.name}: e-mailed slot ${schedule.slot} to ${outcome.accepted.length} recipient(s) (Message-ID ${composed.messageId}; ${composed.attached.length} attached, ${composed.linked.length} linked)`,
    );
  }
}

async function deliverWebhooks(options: DeliveryOptions, env: NodeJS.ProcessEnv, ctx: Context): Promise<void> {
  const hooks = webhookSettings(options.config, env);
  if (hooks.length === 0) return;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  for (const hook of hooks) {
    if (!hook.ok) {
      ctx.fail(`${hook.problem}: no webhook sent to it`);
      continue;
    }
    if (!hook.value.events.includes(WEBHOOK_EVENT)) continue;
    for (const schedule of options.schedules) {
      for (const definition of definitionsOf(schedule.artifacts)) {
        const report = {
          tenant: options.config.tenant.id,
          schedule: schedule.name,
          slot: schedule.slot,
          definition,
          artifacts: schedule.artifacts.filter((a) => a.definition === definition),
          ...(options.generatedAt
            ? { generatedAt: options.generatedAt, idOf: (a: RunArtifact) => artifactId(a.definition, a.format, options.generatedAt!) }
            : {}),
          ...(options.linkOf ? { linkOf: options.linkOf } : {}),
        };
        const deliveryId = deliveryIdOf(report, hook.value);
        const entry: WebhookDelivery = {
          webhook: hook.value.label,
          event: WEBHOOK_EVENT,
          schedule: schedule.name,
          slot: schedule.slot,
          definition,
          deliveryId,
          status: 'failed',
          attempts: 0,
        };
        ctx.result.webhooks.push(entry);
        if (wasDelivered(ctx.delivered, 'webhook', deliveryId)) {
          entry.status = 'already-delivered';
          ctx.log(`webhook ${hook.value.label}: ${definition} of ${schedule.name} slot ${schedule.slot} was delivered before: not sent again`);
          continue;
        }
        const outcome = await postWebhook(hook.value, webhookBody(report, deliveryId), deliveryId, retry);
        entry.attempts = outcome.attempts;
        if (outcome.status !== undefined) entry.httpStatus = outcome.status;
        if (!outcome.ok) {
          ctx.warn(`webhook ${hook.value.label}: ${definition} of ${schedule.name} slot ${schedule.slot} not delivered: it ${outcome.problem}`);
          continue;
        }
        entry.status = 'delivered';
        await ctx.record({
          kind: 'webhook',
          id: deliveryId,
          schedule: schedule.name,
          slot: schedule.slot,
          webhook: hook.value.label,
          event: WEBHOOK_EVENT,
          definition,
        });
        ctx.log(`webhook ${hook.value.label}: ${WEBHOOK_EVENT} ${definition} of ${schedule.name} slot ${schedule.slot} delivered (HTTP ${outcome.status})`);
      }
    }
  }
}

const definitionsOf = (artifacts: RunArtifact[]): string[] => [...new Set(artifacts.map((a) => a.definition))];

/**
 * `infracast schedule run --deliver`: delivers what this run recorded (attachments only: a CLI run
 * publishes nothing, so there are no links), with the workspace's configuration.
 */
export async function deliverRecordedSchedules(
  run: Pick<ScheduleRunResult, 'workspace' | 'recorded' | 'schedules' | 'render'>,
  options: Omit<DeliveryOptions, 'config' | 'schedules'> = {},
): Promise<DeliveryResult> {
  const config = await configOf({ workspace: run.workspace });
  const recipients = new Map(run.schedules.map((s) => [s.name, s.recipients]));
  return deliverScheduledRun({
    ...options,
    config,
    schedules: run.recorded.map((r) => ({ name: r.schedule, slot: r.slot, recipients: recipients.get(r.schedule) ?? [], artifacts: r.artifacts })),
    ...(run.render?.generatedAt && !options.generatedAt ? { generatedAt: run.render.generatedAt } : {}),
  });
}
