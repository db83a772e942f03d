/**
 * The spec's Webhooks ("get notified when reports are ready"): a JSON POST per completed report of a
 * scheduled run, event `report.completed`, to each webhook of infracast.yaml that subscribes to it.
 * The body is canonical JSON (sorted keys), signed like GitHub's webhooks: the header
 * `X-Infracast-Signature-256: sha256=<hex HMAC-SHA256 of the exact body bytes under the secret>`.
 * `X-Infracast-Delivery` is derived from (tenant, schedule, slot, webhook, report), the same on a
 * re-run, so a receiver can drop a repeat and the delivery record prevents one. Network errors,
 * 5xx and 429 are retried with exponential backoff (Retry-After honoured up to a bound); other 4xx
 * are final. The payload carries paths, hashes and links, never a file's content.
 */
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../../model/order.js';
import type { RunArtifact } from '../schedule/run.js';
import type { WebhookSettings } from './settings.js';

export const WEBHOOK_EVENT = 'report.completed';
export const SIGNATURE_HEADER = 'X-Infracast-Signature-256';

export interface WebhookReport {
  tenant: string;
  schedule: string;
  slot: string;
  definition: string;
  artifacts: RunArtifact[];
  /** The run's instant (artifact ids derive from it), when known. */
  generatedAt?: string;
  linkOf?: (artifact: RunArtifact) => string | undefined;
  /** artifactId (app/publish.ts), passed in so this module stays free of the render's imports. */
  idOf?: (artifact: RunArtifact) => string;
}

export interface RetryPolicy {
  attempts: number;
  /** The first wait; each next one doubles. */
  baseDelayMs: number;
  /** A Retry-After longer than this ends the retries (the run does not wait for hours). */
  maxDelayMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 15_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Headers Infracast sets: a webhook's `headers:` cannot replace them (a receiver relies on them). */
const RESERVED_HEADER = /^(content-type|content-length|user-agent|x-infracast-.*)$/i;

export interface WebhookOutcome {
  ok: boolean;
  attempts: number;
  /** The last HTTP status (absent: no answer). */
  status?: number;
  problem?: string;
}

export function deliveryIdOf(report: Pick<WebhookReport, 'tenant' | 'schedule' | 'slot' | 'definition'>, hook: Pick<WebhookSettings, 'url'>): string {
  const key = [report.tenant, report.schedule, report.slot, hook.url, report.definition].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** The exact bytes POSTed. */
export function webhookBody(report: WebhookReport, deliveryId: string): string {
  return canonicalJson({
    event: WEBHOOK_EVENT,
    delivery_id: deliveryId,
    tenant: report.tenant,
    schedule: report.schedule,
    slot: report.slot,
    report: {
      definition: report.definition,
      status: 'completed',
      generated_at: report.generatedAt,
      artifacts: report.artifacts.map((a) => ({
        id: report.idOf?.(a),
        path: a.path,
        format: a.format,
        sha256: a.sha256,
        size_bytes: a.size_bytes,
        cui: a.cui,
        url: report.linkOf?.(a),
      })),
    },
  });
}

export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export async function postWebhook(hook: WebhookSettings, body: string, deliveryId: string, retry: RetryPolicy = DEFAULT_RETRY): Promise<WebhookOutcome> {
  const headers = {
    ...Object.fromEntries(Object.entries(hook.headers).filter(([name]) => !RESERVED_HEADER.test(name))),
    'Content-Type': 'application/json',
    'User-Agent': 'Infracast-Webhook',
    'X-Infracast-Event': WEBHOOK_EVENT,
    'X-Infracast-Delivery': deliveryId,
    [SIGNATURE_HEADER]: signatureOf(hook.secret, body),
  };
  let last: WebhookOutcome = { ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let wait: number | undefined;
    try {
      const response = await fetch(hook.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(retry.timeoutMs) });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, attempts: attempt, status: response.status };
      last = { ok: false, attempts: attempt, status: response.status, problem: `answered HTTP ${response.status}` };
      if (response.status !== 429 && response.status < 500) return { ...last, problem: `${last.problem} (not retried: the receiver refused the payload)` };
      wait = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      last = { ok: false, attempts: attempt, problem: networkProblem(error) };
    }
    if (attempt === retry.attempts) break;
    const delay = wait ?? retry.baseDelayMs * 2 ** (attempt - 1);
    if (delay > retry.maxDelayMs) return { ...last, problem: `${last.problem}; it asks to retry after ${Math.ceil(delay / 1000)} s, beyond the run's bound` };
    await retry.sleep(delay);
  }
  return { ...last, problem: `${last.problem ?? 'failed'} after ${last.attempts} attempt(s)` };
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: () => number = Date.now): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

function networkProblem(error: unknown): string {
  const e = error as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  const code = e.cause?.code;
  return code ? `cannot be reached (${code})` : 'cannot be reached';
}
