/**
 * What was delivered, in the state folder's deliveries.jsonl: one line per message the SMTP server
 * accepted and per webhook the receiver acknowledged, sorted (by schedule, slot, kind, id), each
 * `{"id":…,"kind":"email"|"webhook","schedule":…,"slot":…,…}`. A line is written only after the
 * server took the message, and consulted before sending: the ids are derived from (tenant, schedule,
 * slot[, webhook, report]), so a re-run of a slot finds its line and sends nothing twice. It is
 * part of the compliance record (commit it with the state folder): it proves what went to whom.
 * Sorted lines, one per delivery, keep concurrent runs' additions apart for git's merge.
 */
import { join } from 'node:path';
import { canonicalJson, compareCodeUnits } from '../../model/order.js';
import { forEachJsonLine } from '../json-lines.js';
import { checkReadable, invalid, prepareState, readIfExists, writeIfChanged } from '../state.js';
import type { WriteOutcome } from '../state.js';

export interface DeliveryRecord {
  kind: 'email' | 'webhook';
  /** The Message-ID (e-mail) or the X-Infracast-Delivery id (webhook). */
  id: string;
  schedule: string;
  slot: string;
  /** E-mail: the recipients the server accepted and rejected. */
  accepted?: string[];
  rejected?: string[];
  /** Webhook: whom (its name or origin), the event and the report's definition. */
  webhook?: string;
  event?: string;
  definition?: string;
}

export function deliveriesPath(stateDir: string): string {
  return join(stateDir, 'deliveries.jsonl');
}

const keyOf = (r: DeliveryRecord): string => `${r.kind}\u0000${r.id}`;
const order = (a: DeliveryRecord, b: DeliveryRecord): number =>
  compareCodeUnits(a.schedule, b.schedule) || compareCodeUnits(a.slot, b.slot) || compareCodeUnits(a.kind, b.kind) || compareCodeUnits(a.id, b.id);

export function parseDeliveries(text: string, file: string): Map<string, DeliveryRecord> {
  const records = new Map<string, DeliveryRecord>();
  forEachJsonLine(text, file, 'keep the lines of both sides', (value, line) => {
    const record = value as Partial<DeliveryRecord> | null;
    if (
      (record?.kind !== 'email' && record?.kind !== 'webhook') ||
      typeof record.id !== 'string' ||
      typeof record.schedule !== 'string' ||
      typeof record.slot !== 'string'
    )
      throw invalid(file, `line ${line} is not {"id":…,"kind":"email"|"webhook","schedule":…,"slot":…}`, line);
    records.set(keyOf(record as DeliveryRecord), record as DeliveryRecord);
  });
  return records;
}

/** The deliveries made so far (none when the file is absent). */
export async function readDeliveries(stateDir: string): Promise<Map<string, DeliveryRecord>> {
  await checkReadable(stateDir);
  const file = deliveriesPath(stateDir);
  const text = await readIfExists(file);
  return text === undefined ? new Map() : parseDeliveries(text, file);
}

export function wasDelivered(records: ReadonlyMap<string, DeliveryRecord>, kind: DeliveryRecord['kind'], id: string): boolean {
  return records.has(`${kind}\u0000${id}`);
}

/** Adds a delivery over what the file holds, re-read just before writing so a line written meanwhile is kept. */
export async function recordDelivery(stateDir: string, record: DeliveryRecord): Promise<WriteOutcome> {
  await prepareState(stateDir);
  const records = await readDeliveries(stateDir);
  records.set(keyOf(record), record);
  const text = [...records.values()]
    .sort(order)
    .map((r) => `${canonicalJson(r)}\n`)
    .join('');
  return writeIfChanged(deliveriesPath(stateDir), text);
}
