/**
 * The one POA&M store (docs/evaluation.md section 6; FedRAMP rules in notes/documents.md section 2).
 * Pure: the previous store, the run's findings, exceptions, scan coverage, deadlines and the run
 * instant in; the new store out. The state layer (app/state.ts) reads and writes it.
 *
 * - An item is one weakness: detector (the tool) + weakness source id (rule/check id, or the CVE),
 *   across the assets (resource ids) it is open on. Open FAIL findings are weaknesses; findings
 *   removed by an approved, unexpired false-positive exception are not (as in evaluation rule 1).
 * - Ids `POAM-<n>` are assigned once, in first-detection order, from `next_id`; never reused.
 * - The original detection date and the scheduled completion date are set at the first sighting
 *   and never change (FedRAMP: columns K and L never change). The detection date is the earliest
 *   time the findings give (first observed, else observed: from the record, the tool's run, a date
 *   declared in infracast.yaml or the export's git commit); only when none gives any is it the run's
 *   day, and the item says so (`detection_date_basis`).
 * - An asset leaves an item when a scan of the same detector covered that asset and no longer
 *   reports the weakness on it; an item closes (closure date = the run's day) when its last asset
 *   leaves. An asset the run did not cover keeps the item open. Closed items are kept.
 * - A closed item whose weakness reappears is not reopened: the recurrence is a new item with a new
 *   id, a new detection date and its own deadline, and `reopens` names the closed item. Closed items
 *   keep their closure evidence and dates; reopening would either move column K (forbidden) or give
 *   the recurrence a deadline already past.
 * - Ratings are the workbook's Low/Moderate/High (CRITICAL and HIGH -> High, MEDIUM -> Moderate,
 *   LOW and INFORMATIONAL -> Low). Deadline = detection + the rating's days (default FedRAMP 30/90/180).
 * - Only approved deviations change the adjusted risk rating; pending ones show as Pending.
 * - An item whose findings map to no SP 800-53 control cites RA-5 (vulnerability) or CM-6 (configuration).
 */
import type { Severity } from './definitions.js';
import { controlSortKey } from './control-ids.js';
import { controlsOfFinding, isExpiredAt, selectorMatches } from './evaluation.js';
import type { ExceptionRecord, MappingRule } from './evaluation.js';
import type { Finding } from './finding.js';
import { compareCodeUnits } from './order.js';

export type RiskRating = 'Low' | 'Moderate' | 'High';
/** Workbook columns U-W: Yes (approved), No (none, or rejected), Pending (requested, not yet decided). */
export type DeviationFlag = 'Yes' | 'No' | 'Pending';
export type WeaknessKind = 'vulnerability' | 'configuration';

/** Days from detection to the scheduled completion date, per rating. */
export interface DeadlineDays {
  high: number;
  moderate: number;
  low: number;
}

/** FedRAMP's: High (including Critical) 30 days, Moderate 90, Low 180 (ConMon, RA-5d). */
export const FEDRAMP_DEADLINE_DAYS: Readonly<DeadlineDays> = { high: 30, moderate: 90, low: 180 };

/** The controls an item cites when its findings map to none. */
export const DEFAULT_VULNERABILITY_CONTROL = 'RA-5';
export const DEFAULT_CONFIGURATION_CONTROL = 'CM-6';

/** One POA&M item, as stored (snake_case, like every persisted and exported record). Dates are UTC days, YYYY-MM-DD. */
export interface PoamItem {
  /** POAM-<n>, never reused. */
  id: string;
  status: 'open' | 'closed';
  /** Column E: the scanner or source (the finding's tool). */
  weakness_detector: string;
  /** Column F: the rule/check id, or the CVE. */
  weakness_source_id: string;
  weakness_name: string;
  weakness_description?: string;
  kind: WeaknessKind;
  /** Column B: SP 800-53 control ids, sorted; RA-5 or CM-6 when nothing maps. */
  controls: string[];
  /** Column G: the assets the weakness is open on (for a closed item: those open when it closed), sorted. */
  assets: string[];
  /** Assets on which a covering scan no longer reports it, sorted. */
  resolved_assets: string[];
  /** Column K: never changes. */
  original_detection_date: string;
  /**
   * Set when no finding of the weakness had an observation time (record, tool run, a date declared
   * in infracast.yaml, the export's git commit): column K is then the day of the run that first
   * saw it, and stays so.
   */
  detection_date_basis?: 'first-seen-by-infracast';
  /** Column L: detection + the original rating's days; never changes. */
  scheduled_completion_date: string;
  /** Column O: the day of the latest change (or the closure). */
  status_date: string;
  closure_date?: string;
  /** Column S, from the first sighting. */
  original_risk_rating: RiskRating;
  /** Column T: lowered only by an approved risk adjustment; otherwise the original rating. */
  adjusted_risk_rating: RiskRating;
  risk_adjustment: DeviationFlag;
  false_positive: DeviationFlag;
  operational_requirement: DeviationFlag;
  /** Ids of the exceptions (approved or pending) that concern the item, sorted. */
  deviations: string[];
  /** Column X: "Deviation Type : Rationale", one per approved or pending deviation. */
  deviation_rationale?: string[];
  /** Column P. */
  vendor_dependency: 'Yes' | 'No';
  vendor_product?: string;
  last_vendor_check_in?: string;
  /** Column AD. */
  cve?: string;
  point_of_contact?: string;
  remediation_plan?: string;
  /** The closed item whose weakness this one is a recurrence of. */
  reopens?: string;
}

export interface PoamStore {
  /** The number the next new item gets. */
  next_id: number;
  /** Sorted by id number. */
  items: PoamItem[];
}

/** Which assets each detector's scan covered in a run: detector -> asset ids. */
export type ScanCoverage = ReadonlyMap<string, ReadonlySet<string>>;

/** An exception as the POA&M reads it: the evaluation record, plus the rating an approved risk adjustment grants. */
export type PoamException = ExceptionRecord & { adjustedRating?: RiskRating };

export interface PoamRunInput {
  /** All the findings of the run (every result: coverage is derived from them unless given). */
  findings: readonly Finding[];
  exceptions: readonly PoamException[];
  /** Default: derived from the findings (`scanCoverage`). */
  coverage?: ScanCoverage;
  /** Default: FedRAMP's. */
  deadlines?: Partial<DeadlineDays>;
  /** Mapping rules (workspace first) relating rule ids to SP 800-53 controls. */
  mappings?: readonly MappingRule[];
  /** The run instant. */
  at: Date;
}

export function emptyPoamStore(): PoamStore {
  return { next_id: 1, items: [] };
}

/** The number in `POAM-<n>`, or NaN. */
export function poamIdNumber(id: string): number {
  const match = /^POAM-([1-9]\d*)$/.exec(id);
  return match ? Number(match[1]) : Number.NaN;
}

export function ratingOfSeverity(severity: Severity): RiskRating {
  if (severity === 'CRITICAL' || severity === 'HIGH') return 'High';
  if (severity === 'MEDIUM') return 'Moderate';
  return 'Low';
}

const RATING_ORDER: readonly RiskRating[] = ['Low', 'Moderate', 'High'];
const higher = (a: RiskRating, b: RiskRating): RiskRating => (RATING_ORDER.indexOf(a) >= RATING_ORDER.indexOf(b) ? a : b);
const lowerByOne = (r: RiskRating): RiskRating => RATING_ORDER[Math.max(0, RATING_ORDER.indexOf(r) - 1)]!;

const CVE = /^CVE-\d{4}-\d{4,}$/i;

/** The detector of a finding: its tool, else its source format. */
export function detectorOf(finding: Finding): string {
  return (finding.tool ?? finding.sources[0]?.tool ?? finding.sources[0]?.format ?? 'unknown').trim().toLowerCase();
}

/** The asset a finding is about: its resource id, else its artifact URI. */
export function assetOf(finding: Finding): string {
  return finding.resource?.id ?? finding.location?.uri ?? '(unspecified)';
}

/**
 * Column F: the vulnerability a finding reports (its CVE when it has one), else the CVE the finding
 * names as its rule or native id, else its rule id, else its native id.
 */
export function weaknessSourceIdOf(finding: Finding): string {
  if (finding.vulnerability !== undefined) return CVE.test(finding.vulnerability.id) ? finding.vulnerability.id.toUpperCase() : finding.vulnerability.id;
  if (finding.ruleId !== undefined && CVE.test(finding.ruleId)) return finding.ruleId.toUpperCase();
  if (CVE.test(finding.nativeId)) return finding.nativeId.toUpperCase();
  return finding.ruleId ?? finding.nativeId;
}

function kindOf(finding: Finding, sourceId: string): WeaknessKind {
  return finding.vulnerability !== undefined || CVE.test(sourceId) || /^GHSA-/i.test(sourceId) || finding.location?.package !== undefined
    ? 'vulnerability'
    : 'configuration';
}

/** Which assets each detector reported anything about (any result): what its scan covered. */
export function scanCoverage(findings: readonly Finding[]): Map<string, Set<string>> {
  const coverage = new Map<string, Set<string>>();
  for (const finding of findings) {
    const detector = detectorOf(finding);
    const assets = coverage.get(detector) ?? new Set<string>();
    assets.add(assetOf(finding));
    coverage.set(detector, assets);
  }
  return coverage;
}

/** YYYY-MM-DD of an instant, UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A UTC day plus whole days. */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

export function deadlineDaysFor(rating: RiskRating, deadlines: DeadlineDays): number {
  return rating === 'High' ? deadlines.high : rating === 'Moderate' ? deadlines.moderate : deadlines.low;
}

const keyOf = (detector: string, sourceId: string): string => `${detector}\u0000${sourceId}`;
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort(compareCodeUnits);

interface Weakness {
  key: string;
  detector: string;
  sourceId: string;
  findings: Finding[];
  /** Earliest instant the findings say they were first seen (never after the run), in ms. */
  firstSeen: number;
  /** Whether any finding said when it was seen (otherwise `firstSeen` is the run's instant). */
  dated: boolean;
}

/** The run's weaknesses: open FAIL findings not removed by an approved false positive, grouped by detector + source id. */
function weaknessesOf(
  findings: readonly Finding[],
  falsePositives: readonly ExceptionRecord[],
  at: Date,
): { weaknesses: Map<string, Weakness>; falsePositiveKeys: Set<string> } {
  const byKey = new Map<string, Weakness>();
  const falsePositiveKeys = new Set<string>();
  for (const finding of findings) {
    if (finding.result !== 'FAIL' || finding.state !== 'open') continue;
    const detector = detectorOf(finding);
    const sourceId = weaknessSourceIdOf(finding);
    const key = keyOf(detector, sourceId);
    if (falsePositives.some((e) => (e.findings ?? []).some((s) => selectorMatches(s, finding)))) {
      falsePositiveKeys.add(key);
      continue;
    }
    const stated = Date.parse(finding.firstObservedAt ?? finding.observedAt ?? '');
    const dated = !Number.isNaN(stated);
    const seen = dated ? Math.min(stated, at.getTime()) : at.getTime();
    const weakness = byKey.get(key) ?? { key, detector, sourceId, findings: [], firstSeen: seen, dated };
    weakness.findings.push(finding);
    weakness.firstSeen = Math.min(weakness.firstSeen, seen);
    weakness.dated ||= dated;
    byKey.set(key, weakness);
  }
  for (const weakness of byKey.values()) weakness.findings.sort((a, b) => compareCodeUnits(a.identity, b.identity));
  return { weaknesses: byKey, falsePositiveKeys };
}

function controlsOf(findings: readonly Finding[], kind: WeaknessKind, mappings: readonly MappingRule[]): string[] {
  const ids = new Set<string>();
  for (const finding of findings) for (const id of controlsOfFinding(finding, 'nist-800-53', mappings).ids) ids.add(id);
  if (ids.size === 0) ids.add(kind === 'vulnerability' ? DEFAULT_VULNERABILITY_CONTROL : DEFAULT_CONFIGURATION_CONTROL);
  // Catalog order (CP-6 before CP-10), as the POA&M template's Controls column lists them.
  return [...ids].sort((a, b) => compareCodeUnits(controlSortKey(a), controlSortKey(b)));
}

const DEVIATION_LABEL: Record<string, string> = {
  'false-positive': 'FP',
  'risk-accepted': 'RA',
  'operational-requirement': 'OR',
};

/** The deviation columns of an item from the exceptions that match its findings. */
function deviationFields(
  original: RiskRating,
  exceptions: readonly PoamException[],
): Pick<PoamItem, 'adjusted_risk_rating' | 'risk_adjustment' | 'false_positive' | 'operational_requirement' | 'deviations'> &
  Partial<Pick<PoamItem, 'deviation_rationale' | 'vendor_dependency' | 'vendor_product' | 'last_vendor_check_in'>> {
  const flag = (type: ExceptionRecord['type']): DeviationFlag => {
    const mine = exceptions.filter((e) => e.type === type);
    return mine.some((e) => e.approval === 'approved') ? 'Yes' : mine.some((e) => e.approval === 'pending') ? 'Pending' : 'No';
  };
  const deviations = exceptions.filter((e) => e.type in DEVIATION_LABEL && e.approval !== 'rejected');
  let adjusted = original;
  for (const e of deviations) {
    if (e.type !== 'risk-accepted' || e.approval !== 'approved') continue;
    const granted = e.adjustedRating ?? lowerByOne(original);
    // An adjustment lowers; the lowest approved rating wins.
    if (higher(granted, adjusted) === adjusted) adjusted = granted;
  }
  const rationale = deviations
    .filter((e) => e.justification !== undefined)
    .map((e) => `${DEVIATION_LABEL[e.type]} : ${e.justification}${e.approval === 'pending' ? ' (Pending)' : ''}`);
  const vendor = exceptions.find((e) => e.approval !== 'rejected' && e.vendorDependency !== undefined)?.vendorDependency;
  return {
    adjusted_risk_rating: adjusted,
    risk_adjustment: flag('risk-accepted'),
    false_positive: flag('false-positive'),
    operational_requirement: flag('operational-requirement'),
    deviations: sorted(deviations.map((e) => e.id)),
    ...(rationale.length > 0 ? { deviation_rationale: sorted(rationale) } : {}),
    ...(vendor ? { vendor_dependency: 'Yes' as const } : {}),
    ...(vendor?.product !== undefined ? { vendor_product: vendor.product } : {}),
    ...(vendor?.lastCheckIn !== undefined ? { last_vendor_check_in: vendor.lastCheckIn } : {}),
  };
}

/** Removes undefined fields so that equal items serialise equally. */
function clean(item: PoamItem): PoamItem {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as unknown as PoamItem;
}

function sameItem(a: PoamItem, b: PoamItem): boolean {
  const strip = (item: PoamItem): string =>
    JSON.stringify(
      Object.entries(item)
        .filter(([k, v]) => k !== 'status_date' && v !== undefined)
        .sort(([x], [y]) => compareCodeUnits(x, y)),
    );
  return strip(a) === strip(b);
}

/**
 * The open item of each weakness (detector + source id) of a store: what a finding is tracked as
 * on the POA&M. A weakness has at most one open item (a recurrence is a new item once the old closed).
 */
export function openItemOf(store: PoamStore): (finding: Finding) => PoamItem | undefined {
  const open = new Map(store.items.filter((i) => i.status === 'open').map((i) => [keyOf(i.weakness_detector, i.weakness_source_id), i]));
  return (finding) => open.get(keyOf(detectorOf(finding), weaknessSourceIdOf(finding)));
}

/** The new store after a run. */
export function updatePoam(previous: PoamStore | undefined, input: PoamRunInput): PoamStore {
  const store = previous ?? emptyPoamStore();
  const { at } = input;
  const today = utcDay(at);
  const deadlines: DeadlineDays = { ...FEDRAMP_DEADLINE_DAYS, ...input.deadlines };
  const mappings = input.mappings ?? [];
  const coverage = input.coverage ?? scanCoverage(input.findings);
  const valid = input.exceptions.filter((e) => !isExpiredAt(e.expires, at));
  const falsePositives = valid.filter((e) => e.type === 'false-positive' && e.approval === 'approved');
  const { weaknesses, falsePositiveKeys } = weaknessesOf(input.findings, falsePositives, at);
  const exceptionsFor = (findings: readonly Finding[]): PoamException[] =>
    valid.filter((e) => (e.findings ?? []).some((s) => findings.some((f) => selectorMatches(s, f))));

  const items: PoamItem[] = [];
  const seen = new Set<string>();
  const lastClosed = new Map<string, string>();
  let nextId = Math.max(store.next_id, ...store.items.map((i) => poamIdNumber(i.id) + 1).filter((n) => !Number.isNaN(n)));

  for (const item of store.items) {
    const key = keyOf(item.weakness_detector, item.weakness_source_id);
    if (item.status === 'closed') {
      items.push(item);
      const known = lastClosed.get(key);
      if (known === undefined || poamIdNumber(known) < poamIdNumber(item.id)) lastClosed.set(key, item.id);
      continue;
    }
    const weakness = weaknesses.get(key);
    seen.add(key);
    const reported = new Set((weakness?.findings ?? []).map(assetOf));
    const covered = coverage.get(item.weakness_detector);
    // An asset leaves only when a covering scan no longer reports the weakness on it.
    const leaving = (item.assets ?? []).filter((a) => !reported.has(a) && covered?.has(a) === true);
    const staying = (item.assets ?? []).filter((a) => !leaving.includes(a));
    const assets = sorted([...staying, ...reported]);
    const resolved = sorted([...(item.resolved_assets ?? []), ...leaving].filter((a) => !reported.has(a)));
    const findings = weakness?.findings ?? [];
    let next: PoamItem;
    if (assets.length === 0) {
      // Closed: keep what it was open on and the columns as they stood, plus a false positive
      // approved for the findings that made it go away; the closure day is the run's.
      next = clean({
        ...item,
        status: 'closed',
        resolved_assets: resolved,
        closure_date: today,
        ...(falsePositiveKeys.has(key) ? { false_positive: 'Yes' as const } : {}),
      });
    } else if (findings.length === 0) {
      // Not reported on any asset, but some were not covered: it stays open as it was.
      next = clean({ ...item, assets, resolved_assets: resolved });
    } else {
      // Reported again: the assets, controls and deviation columns follow this run; K, L and S never change.
      const { vendor_dependency: _v, vendor_product: _p, last_vendor_check_in: _c, deviation_rationale: _r, ...kept } = item;
      next = clean({
        ...kept,
        assets,
        resolved_assets: resolved,
        controls: controlsOf(findings, item.kind, mappings),
        vendor_dependency: 'No',
        ...deviationFields(item.original_risk_rating, exceptionsFor(findings)),
      });
    }
    items.push(sameItem(next, item) ? item : { ...next, status_date: today });
  }

  // New weaknesses, in first-detection order (ties by detector, then source id).
  const fresh = [...weaknesses.values()]
    .filter((w) => !seen.has(w.key))
    .sort((a, b) => a.firstSeen - b.firstSeen || compareCodeUnits(a.detector, b.detector) || compareCodeUnits(a.sourceId, b.sourceId));
  for (const weakness of fresh) {
    const first = weakness.findings[0]!;
    const kind = kindOf(first, weakness.sourceId);
    const rating = weakness.findings.map((f) => ratingOfSeverity(f.severity)).reduce(higher);
    const detected = utcDay(new Date(weakness.firstSeen));
    const description = first.description;
    const owner = weakness.findings.find((f) => f.owner !== undefined)?.owner;
    const remediation = weakness.findings.find((f) => f.remediation !== undefined)?.remediation;
    const reopens = lastClosed.get(weakness.key);
    items.push(
      clean({
        id: `POAM-${nextId++}`,
        status: 'open',
        weakness_detector: weakness.detector,
        weakness_source_id: weakness.sourceId,
        weakness_name: first.title,
        weakness_description: description,
        kind,
        controls: controlsOf(weakness.findings, kind, mappings),
        assets: sorted(weakness.findings.map(assetOf)),
        resolved_assets: [],
        original_detection_date: detected,
        detection_date_basis: weakness.dated ? undefined : 'first-seen-by-infracast',
        scheduled_completion_date: addDays(detected, deadlineDaysFor(rating, deadlines)),
        status_date: today,
        original_risk_rating: rating,
        vendor_dependency: 'No',
        ...deviationFields(rating, exceptionsFor(weakness.findings)),
        cve: CVE.test(weakness.sourceId) ? weakness.sourceId : undefined,
        point_of_contact: owner,
        remediation_plan: remediation,
        reopens,
      } as PoamItem),
    );
  }

  items.sort((a, b) => poamIdNumber(a.id) - poamIdNumber(b.id));
  return { next_id: nextId, items };
}
