/**
 * Records of one file that share an identity (docs/evaluation.md section 1). Their identity parts
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

/** Native ids listed per file in a report; all are counted. */
const MAX_IDS_LISTED = 20;
/** Record numbers listed per id; all are counted. */
const MAX_RECORDS_LISTED = 10;

/**
 * The native ids of one file that several records carry (docs/evaluation.md section 1: a native id
 * alone is never trusted). `differing` ids are on records whose content differs: a scanner reusing
 * an id for two packages or resources, a sample export's `<finding_uid>` placeholder; identity
 * keeps those records apart. `identicalRecords` counts records that repeat an earlier record of the
 * file exactly (the same id and content): a repeated result, kept as a finding of its own.
 *
 * Only ids that name a finding count: where a format has no finding id and the loader's native id
 * is the rule or vulnerability id (SARIF results without a guid, Checkov, Semgrep, Trivy and Grype
 * JSON), a rule firing on many resources is what the format says, not an id reused; a record
 * without an id has none to repeat.
 */
export interface DuplicateIds {
  /** Native ids whose records differ in content. */
  differing: number;
  /** Records that repeat an earlier record of the file exactly. */
  identicalRecords: number;
  /** The first differing ids in record order, with how many records carry each and the first record numbers. */
  ids: { nativeId: string; records: number; first: number[] }[];
}

export const noDuplicateIds = (): DuplicateIds => ({ differing: 0, identicalRecords: 0, ids: [] });

/** The finding's native id when it names the finding (not its rule or vulnerability id, not empty). */
function findingIdOf(finding: Finding): string | undefined {
  const id = finding.nativeId;
  return id === '' || id === finding.ruleId || id === finding.vulnerability?.id ? undefined : id;
}

/** Counts the native ids of a file's records: which repeat is known once the file is read. */
export class NativeIdCounts {
  private readonly counts = new Map<string, number>();

  add(finding: Finding): void {
    const id = findingIdOf(finding);
    if (id !== undefined) this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  /** Whether an id is on several records (false for all when none repeats). */
  get anyRepeated(): boolean {
    for (const n of this.counts.values()) if (n > 1) return true;
    return false;
  }

  repeated(nativeId: string): boolean {
    return (this.counts.get(nativeId) ?? 0) > 1;
  }
}

/**
 * Collects the DuplicateIds of one file, record by record in file order. Only the records of a
 * repeated id are hashed (their content decides), so a file without repeats costs a map look-up
 * per record.
 */
export class DuplicateIdCollector {
  /** Per repeated id: content hashes seen, records, first record numbers. */
  private readonly groups = new Map<string, { contents: Set<string>; records: number; first: number[] }>();
  private identicalRecords = 0;

  constructor(private readonly counts: NativeIdCounts) {}

  add(finding: Finding): void {
    const id = findingIdOf(finding);
    if (id === undefined || !this.counts.repeated(id)) return;
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = { contents: new Set(), records: 0, first: [] }));
    const content = contentHash(finding);
    if (group.contents.has(content)) this.identicalRecords++;
    else group.contents.add(content);
    group.records++;
    if (group.first.length < MAX_RECORDS_LISTED) group.first.push(finding.sources[0]?.record ?? 0);
  }

  result(): DuplicateIds {
    // Map order is the order of each id's first record.
    const differing = [...this.groups].filter(([, group]) => group.contents.size > 1);
    return {
      differing: differing.length,
      identicalRecords: this.identicalRecords,
      ids: differing.slice(0, MAX_IDS_LISTED).map(([nativeId, group]) => ({ nativeId, records: group.records, first: group.first })),
    };
  }
}

/** The DuplicateIds of one file's findings (all kept in memory), in record order. */
export function duplicateIdsOf(findings: readonly Finding[]): DuplicateIds {
  const counts = new NativeIdCounts();
  for (const finding of findings) counts.add(finding);
  if (!counts.anyRepeated) return noDuplicateIds();
  const collector = new DuplicateIdCollector(counts);
  for (const finding of findings) collector.add(finding);
  return collector.result();
}
