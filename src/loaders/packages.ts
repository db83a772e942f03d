/**
 * A vulnerability reported on several packages in one record (ASFF `VulnerablePackages[]`, OCSF
 * `affected_packages[]`): Amazon Inspector lists, for one CVE on one image, every file that carries
 * the package (certifi 2022.12.7 in poetry.lock and 2023.5.7 in site-packages, for instance).
 *
 * The record stays one finding (it is one finding of the source, with one id, one workflow state
 * and one resource); its vulnerability names every distinct package, installed and fixed version,
 * each list sorted and joined with ", ", so that two records that differ in any package have
 * different identities (the package and installed version are the identity's location) and the
 * order in which the source lists them does not matter. The remediation says one upgrade per
 * distinct package and version.
 */
import type { Vulnerability } from '../model/finding.js';
import { optString } from './normalise.js';
import type { Json } from './normalise.js';
import { joinRemediation, packagesRemediation, remediationTextOf, sourceAdvice } from './remediation.js';
import { vulnerabilityOf } from './vulnerability.js';

export interface VulnerablePackage {
  name?: string | undefined;
  installedVersion?: string | undefined;
  fixedVersion?: string | undefined;
  /** Where the package was found (a lock file, a binary), when the source says. */
  filePath?: string | undefined;
  /** What the source advises for this package beyond the upgrade (Inspector: "yum update kernel"). */
  advice?: string | undefined;
}

export interface PackagesVulnerability {
  vulnerability: Vulnerability;
  /** Upgrade sentences, then the source's own advice per package. */
  remediation?: string;
  /** The one file all packages were found in, when there is exactly one. */
  filePath?: string;
}

const distinct = (values: readonly (string | undefined)[]): string[] =>
  [...new Set(values.map((v) => v?.trim()).filter((v): v is string => v !== undefined && v !== ''))].sort();

const joined = (values: readonly (string | undefined)[]): string | undefined => {
  const list = distinct(values);
  return list.length > 0 ? list.join(', ') : undefined;
};

/** The vulnerability of a record from its ids, packages and CVSS score; undefined without an id. */
export function vulnerabilityOfPackages(
  ids: readonly (string | undefined)[],
  packages: readonly VulnerablePackage[],
  cvss?: number,
): PackagesVulnerability | undefined {
  const vulnerability = vulnerabilityOf({
    ids,
    package: joined(packages.map((p) => p.name)),
    installedVersion: joined(packages.map((p) => p.installedVersion)),
    fixedVersion: joined(packages.map((p) => p.fixedVersion)),
    cvss,
  });
  if (!vulnerability) return undefined;
  const upgrades = packagesRemediation(
    vulnerability.id,
    packages.map((p) => ({ package: p.name?.trim(), installedVersion: p.installedVersion?.trim(), fixedVersion: p.fixedVersion?.trim() })),
  );
  const remediation = joinRemediation([upgrades, ...distinct(packages.map((p) => sourceAdvice(p.advice)))]);
  const files = distinct(packages.map((p) => p.filePath));
  return { vulnerability, ...(remediation ? { remediation } : {}), ...(files.length === 1 ? { filePath: files[0]! } : {}) };
}

/** The member names of a package object in a format (ASFF `Name`, OCSF `name`...). */
export interface PackageKeys {
  name: string;
  epoch: string;
  version: string;
  release: string;
  fixed: string;
  path: string;
  remediation: string;
}

/**
 * One package of a record. Inspector writes "NotAvailable" when no version fixes it; a package's
 * remediation is a string (ASFF) or an object with `desc` (OCSF).
 */
export function vulnerablePackageOf(p: Json, field: string, keys: PackageKeys): VulnerablePackage {
  const read = (key: string): string | undefined => optString(p, key, `${field}.${key}`);
  const fixedText = read(keys.fixed);
  const fixed = fixedText === undefined || /^NotAvailable$/i.test(fixedText.trim()) ? undefined : fixedText;
  return {
    name: read(keys.name),
    installedVersion: installedVersionOf({ epoch: read(keys.epoch), version: read(keys.version), release: read(keys.release), fixed }),
    fixedVersion: fixed,
    filePath: read(keys.path),
    advice: remediationTextOf(p[keys.remediation]),
  };
}

/**
 * An RPM/DEB installed version put together from the parts Inspector and OCSF give (epoch, version,
 * release) the way the fixed version is written whole (`0:5.10.162-141.675.amzn2`): the epoch is
 * shown when it is not 0 or when the fixed version shows one, so that the two read alike.
 */
export function installedVersionOf(parts: {
  epoch?: string | undefined;
  version?: string | undefined;
  release?: string | undefined;
  fixed?: string | undefined;
}): string | undefined {
  const epoch = parts.epoch?.trim();
  if (!parts.version) return undefined;
  const showEpoch = epoch !== undefined && epoch !== '' && (epoch !== '0' || /^\d+:/.test(parts.fixed ?? ''));
  return `${showEpoch ? `${epoch}:` : ''}${parts.version}${parts.release ? `-${parts.release}` : ''}`;
}

/** The highest of the CVSS base scores a source gives (numbers or numeric strings), if any. */
export function highestScore(scores: readonly unknown[]): number | undefined {
  const numbers = scores
    .map((s) => (typeof s === 'number' ? s : typeof s === 'string' && s.trim() !== '' ? Number(s) : Number.NaN))
    .filter((n) => Number.isFinite(n) && n >= 0 && n <= 10);
  return numbers.length > 0 ? Math.max(...numbers) : undefined;
}
