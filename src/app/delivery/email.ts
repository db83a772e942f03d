/**
 * One e-mail per schedule slot to its recipients: the subject names the schedule and the slot, the
 * plain-text body lists each report with its sha256, and each file is attached when it is at most
 * mail.attach_max_bytes, else linked (linkOf: where publishing put it), else named with a warning.
 * The message is deterministic: its Message-ID, MIME boundaries and Date derive from (tenant,
 * schedule, slot), so a re-run composes the same bytes under the same id and the delivery record
 * (record.ts) can prove what was sent. nodemailer is imported only when a message is sent or built.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mail } from 'nodemailer';
import type { RunArtifact } from '../schedule/run.js';
import type { MailSettings } from './settings.js';

export type MailOptions = Parameters<Mail['sendMail']>[0];

export interface DeliverySchedule {
  name: string;
  /** The slot rendered (UTC, YYYY-MM-DDTHH:MM:SSZ). */
  slot: string;
  recipients: string[];
  artifacts: RunArtifact[];
}

export interface ComposedEmail {
  messageId: string;
  message: MailOptions;
  attached: string[];
  linked: { path: string; url: string }[];
  /** Too large to attach and no link: named in the body only. */
  named: string[];
  warnings: string[];
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `<32 hex>.infracast@<the sender's domain>`, the same for the same (tenant, schedule, slot). */
export function messageIdOf(tenant: string, schedule: string, slot: string, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1).replace(/[>\s]/g, '') || 'infracast.invalid';
  return `<${hash(`${tenant}\u0000${schedule}\u0000${slot}`).slice(0, 32)}.infracast@${domain}>`;
}

export interface ComposeInput {
  settings: Pick<MailSettings, 'from' | 'attachMaxBytes'>;
  tenant: { id: string; name: string };
  root: string;
  schedule: DeliverySchedule;
  /** What the CUI gate lets go by e-mail, and what it withheld (with the run's sentence). */
  allowed: RunArtifact[];
  withheld: { artifact: RunArtifact; reason: string }[];
  linkOf?: (artifact: RunArtifact) => string | undefined;
}

export async function composeEmail(input: ComposeInput): Promise<ComposedEmail> {
  const { schedule, settings } = input;
  const messageId = messageIdOf(input.tenant.id, schedule.name, schedule.slot, settings.from);
  const composed: ComposedEmail = { messageId, message: {}, attached: [], linked: [], named: [], warnings: [] };
  const attachments: NonNullable<MailOptions['attachments']> = [];
  const lines: string[] = [];
  for (const artifact of input.allowed) {
    lines.push(`- ${artifact.path} (${artifact.format}, ${artifact.size_bytes} bytes)`, `  sha256 ${artifact.sha256}`);
    if (artifact.size_bytes <= settings.attachMaxBytes) {
      const files = [artifact.path, ...artifact.sidecars];
      const contents = await Promise.all(files.map((path) => readFile(join(input.root, path))));
      if (hash256(contents[0]!) !== artifact.sha256) {
        composed.warnings.push(`${schedule.name}: ${artifact.path} changed since it was rendered (its sha256 differs): not attached`);
        composed.named.push(artifact.path);
        lines.push('  not attached: the file changed since it was rendered');
        continue;
      }
      files.forEach((path, i) => attachments.push({ filename: basename(path), content: contents[i]!, contentType: contentTypeOf(path) }));
      composed.attached.push(artifact.path);
      lines.push(`  attached${artifact.sidecars.length > 0 ? ` with its signature (${artifact.sidecars.map(basename).join(', ')})` : ''}`);
      continue;
    }
    const url = input.linkOf?.(artifact);
    if (url) {
      composed.linked.push({ path: artifact.path, url });
      lines.push(`  too large to attach: ${url}`);
    } else {
      composed.named.push(artifact.path);
      composed.warnings.push(
        `${schedule.name}: ${artifact.path} (${artifact.size_bytes} bytes) is over mail.attach_max_bytes (${settings.attachMaxBytes}) and has no link (publish it by commit or release): named in the e-mail, not attached`,
      );
      lines.push('  too large to attach: find it in the repository or the release');
    }
  }
  const withheld = input.withheld.map(({ artifact }) => `- ${artifact.path}: CUI, not sent by e-mail (infracast.yaml cui.authorised_destinations)`);
  const body = [
    `Infracast rendered the scheduled reports "${schedule.name}" of ${input.tenant.name} for the slot ${schedule.slot}.`,
    '',
    ...(lines.length > 0 ? ['Reports:', ...lines] : ['No report of this slot may be sent by e-mail.']),
    ...(withheld.length > 0 ? ['', 'Withheld:', ...withheld] : []),
    '',
    'Check a file against its sha256 with `sha256sum <file>`; signed reports verify with `infracast verify <file>`.',
    '',
  ].join('\n');
  const slotId = hash(messageId);
  composed.message = {
    from: settings.from,
    to: schedule.recipients,
    subject: `[Infracast] ${schedule.name}: ${schedule.slot}`,
    text: body,
    attachments,
    messageId,
    date: new Date(schedule.slot),
    headers: { 'X-Infracast-Tenant': input.tenant.id, 'X-Infracast-Schedule': schedule.name, 'X-Infracast-Slot': schedule.slot },
    // Deterministic MIME boundaries: nodemailer's are random unless the base is given.
    baseBoundary: slotId.slice(0, 16),
    boundaryPrefix: '--_Infracast',
    xMailer: false,
    // Attachments are Buffers read here: nodemailer must never read a path or fetch a URL itself.
    disableFileAccess: true,
    disableUrlAccess: true,
  } as MailOptions;
  return composed;
}

const hash256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
  md: 'text/markdown; charset=utf-8',
  zip: 'application/zip',
  svg: 'image/svg+xml',
  p7s: 'application/pkcs7-signature',
  html: 'text/html; charset=utf-8',
};
function contentTypeOf(path: string): string {
  if (path.endsWith('.sigstore.json')) return 'application/vnd.dev.sigstore.bundle+json';
  return CONTENT_TYPES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}
