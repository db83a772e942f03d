/**
 * Records of one file that share an identity (spec/evaluation.md section 1). Their identity parts
 * are equal (the same native id, resource and location: a scanner reusing an id, a result repeated
 * in a SARIF log), yet records inside one file are never merged, so each needs an identity of its
 * own, and identity never depends on record order: two exports of one scan with the records in
 * another order must give the same identities and the same merges across files.
 *
 * A record that no other record of its file shares its identity with keeps it (so that it merges
 * with the same record of another file). The records of a repeated identity each get
 * sha256(identity, hash of the normalised finding's content, n), where n counts byte-identical
 * records of the group (1 for the first, so that no record is special): what tells them apart is
 * their content, and identical records are interchangeable.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../model/finding.js';
import { canonicalJson } from '../model/order.js';

/** What a finding says, without where it was read (its file and record number) or its identity. */
export function contentHash(finding: Finding): string {
  const { identity: _identity, sources: _sources, ...content } = finding;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * Gives the repeated records of a group their own identities. `repeated` says whether an identity
 * is shared by several records of the file; the instance counts byte-identical records.
 */
export class RepeatedIdentities {
  private readonly seen = new Map<string, number>();

  constructor(private readonly repeated: (identity: string) => boolean) {}

  identityOf(finding: Finding): string {
    if (!this.repeated(finding.identity)) return finding.identity;
    const content = contentHash(finding);
    const key = `${finding.identity}\u0000${content}`;
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    return createHash('sha256').update(`${finding.identity}\u0000${content}\u0000${n}`).digest('hex');
  }
}

/** Settles the identities of one file's findings (all kept in memory) in place. */
export function settleIdentities(findings: readonly Finding[]): void {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.identity, (counts.get(finding.identity) ?? 0) + 1);
  const repeats = new RepeatedIdentities((identity) => (counts.get(identity) ?? 0) > 1);
  for (const finding of findings) finding.identity = repeats.identityOf(finding);
}
