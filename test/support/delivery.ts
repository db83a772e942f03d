/**
 * A scheduled run's outcome for the delivery tests: a workspace holding rendered files (real bytes,
 * their sha256) and the RunArtifact list a schedule run would hand to delivery, without rendering.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { DeliveryOptions } from '../../src/app/delivery/deliver.js';
import type { RunArtifact } from '../../src/app/schedule/run.js';
import { makeWorkspace, MINIMAL_CONFIG } from './workspace.js';

export const SMTP_USER = 'infracast-bot';
/** Distinctive, so that a grep of everything delivery said finds it if it leaked. */
export const SMTP_PASSWORD = 'pw-Zq7!x9#Kd2vLr0';
export const WEBHOOK_SECRET = 'whsec-4f9a1c77e2b04d5b';

export function artifactOf(root: string, definition: string, path: string, bytes: Buffer, extra: Partial<RunArtifact> = {}): RunArtifact {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), bytes);
  return {
    definition,
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size_bytes: bytes.length,
    format: path.slice(path.lastIndexOf('.') + 1),
    cui: false,
    sidecars: [],
    ...extra,
  };
}

export interface DeliveryFixture {
  root: string;
  config: DeliveryOptions['config'];
  weekly: RunArtifact[];
  monthly: RunArtifact[];
  /** Over the attach limit (1 KiB here). */
  large: RunArtifact;
  largeUnlinked: RunArtifact;
}

/**
 * Two schedules' outputs: "Weekly Executive" (md with a signature sidecar, json, a large pdf with a
 * link, a large xlsx without), "Monthly CUI" (a CUI md: withheld unless email is authorised).
 */
export function deliveryFixture(mailYaml: string, extraYaml = ''): DeliveryFixture {
  const root = makeWorkspace({ 'infracast.yaml': `${MINIMAL_CONFIG}${mailYaml}${extraYaml}` });
  const md = artifactOf(root, 'weekly-executive', 'out/weekly-executive/weekly-executive.md', Buffer.from('# Weekly executive\n\nScore 88.\n'), {
    sidecars: ['out/weekly-executive/weekly-executive.md.sigstore.json'],
  });
  writeFileSync(join(root, 'out/weekly-executive/weekly-executive.md.sigstore.json'), '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}\n');
  const json = artifactOf(root, 'weekly-executive', 'out/weekly-executive/weekly-executive.json', Buffer.from('{"score":88}\n'));
  const large = artifactOf(root, 'weekly-executive', 'out/weekly-executive/weekly-executive.pdf', randomBytes(4096));
  const largeUnlinked = artifactOf(root, 'weekly-executive', 'out/weekly-executive/weekly-executive.xlsx', randomBytes(2048));
  const cui = artifactOf(root, 'conmon', 'out/conmon/conmon.md', Buffer.from('# CUI\n\nPOA&M\n'), { cui: true });
  return {
    root,
    config: {
      root,
      tenant: { id: 'acme-corp', name: 'Acme Corp' },
      stateDir: join(root, '.infracast'),
      raw: parseRaw(root),
    },
    weekly: [md, json, large, largeUnlinked],
    monthly: [cui],
    large,
    largeUnlinked,
  };
}

function parseRaw(root: string): Record<string, unknown> {
  return parse(readFileSync(join(root, 'infracast.yaml'), 'utf8')) as Record<string, unknown>;
}

/** Everything delivery said or wrote, to grep for a secret. */
export function everythingSaid(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('\n');
}
