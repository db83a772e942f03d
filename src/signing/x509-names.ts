/**
 * X.500 names and name constraints for path validation (RFC 5280 §7.1 and §4.2.1.10).
 *
 * Names are compared RDN by RDN, each RDN as a set of attribute type-and-values. String values are
 * compared after the RFC 4518 essentials: case folded, leading and trailing spaces removed and inner
 * runs of spaces collapsed; values of other types must be byte-identical. Multi-valued RDNs keep
 * their boundaries (pkijs flattens them, which would equate CN=a+O=b with CN=a,O=b).
 */
import { children, contents, DerError, encoding, memoByBytes, oidOf, readDer, TAG, type Tlv } from './der.js';
import type { GeneralName, NameConstraints } from './x509-certificate.js';

export interface Attribute {
  type: string;
  /** The normalised string value, or `#<hex DER>` for a value that is not a string. */
  value: string;
  /** The value as written, for messages. */
  text: string;
  /** Whether the value is a string type (else `text` is `#<hex DER>`). */
  string: boolean;
}
export type Rdn = Attribute[];

const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  [EMAIL_ADDRESS]: 'emailAddress',
};

/** Universal string tags: UTF8String, NumericString, PrintableString, TeletexString, IA5String, UniversalString, BMPString. */
const STRING_TAGS = new Set([12, 18, 19, 20, 22, 28, 30]);

const normalise = (text: string): string => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A string attribute value as text, decoded as asn1js decodes it (the names pkijs showed, byte for byte). */
function stringValue(value: Tlv): string {
  const bytes = contents(value);
  switch (value.tagNumber) {
    case 12:
      try {
        return UTF8_FATAL.decode(bytes);
      } catch {
        return Buffer.from(bytes).toString('latin1');
      }
    case 30: {
      if (bytes.length % 2 !== 0) throw new DerError('a BMPString of an odd length');
      let text = '';
      for (let i = 0; i < bytes.length; i += 2) text += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
      return text;
    }
    case 28: {
      if (bytes.length % 4 !== 0) throw new DerError('a UniversalString whose length is not a multiple of 4');
      let text = '';
      for (let i = 0; i < bytes.length; i += 4) {
        const codePoint = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
        text += String.fromCodePoint(codePoint > 0x10ffff ? 0xfffd : codePoint);
      }
      return text;
    }
    default:
      return Buffer.from(bytes).toString('latin1');
  }
}

/** A DER Name as RDNs (read-only: remembered per name); throws when it is not a SEQUENCE OF SET OF AttributeTypeAndValue. */
export const parseName: (der: Uint8Array) => Rdn[] = memoByBytes(512, readName);

function readName(der: Uint8Array): Rdn[] {
  const name = readDer(der);
  if (name.tag !== TAG.sequence) throw new DerError('a Name that is not a SEQUENCE');
  return children(name).map((set) => {
    const atvs = set.tag === TAG.set ? children(set) : [];
    if (atvs.length === 0) throw new DerError('an RDN that is not a non-empty SET');
    return atvs.map((atv) => {
      const [type, value, ...rest] = atv.tag === TAG.sequence ? children(atv) : [];
      if (!type || !value || rest.length > 0 || type.tag !== TAG.oid) throw new DerError('a malformed AttributeTypeAndValue');
      const isString = value.tagClass === 0 && !value.constructed && STRING_TAGS.has(value.tagNumber);
      const text = isString ? stringValue(value) : `#${Buffer.from(encoding(value)).toString('hex')}`;
      return { type: oidOf(type, 'an attribute type'), value: isString ? normalise(text) : text, text, string: isString };
    });
  });
}

const sameRdn = (a: Rdn, b: Rdn): boolean =>
  a.length === b.length &&
  a.every((x) => b.some((y) => y.type === x.type && y.value === x.value)) &&
  b.every((y) => a.some((x) => x.type === y.type && x.value === y.value));

/** RFC 5280 §7.1: same number of RDNs, each equal as a set. */
export const sameName = (a: Rdn[], b: Rdn[]): boolean => a.length === b.length && a.every((rdn, i) => sameRdn(rdn, b[i]!));

/** `prefix`'s RDNs start `name` (a directoryName subtree, RFC 5280 §4.2.1.10). */
const withinDn = (name: Rdn[], prefix: Rdn[]): boolean => prefix.length <= name.length && prefix.every((rdn, i) => sameRdn(rdn, name[i]!));

/** The DN as text, most significant RDN first (as `openssl x509 -subject` prints), for messages. */
export const dnText = (rdns: Rdn[]): string => rdns.map((rdn) => rdn.map((a) => `${SHORT[a.type] ?? a.type}=${a.text}`).join('+')).join(', ') || '(empty name)';

/** The attribute values of one type, as written. */
export const attributeValues = (rdns: Rdn[], type: string): string[] => rdns.flatMap((rdn) => rdn.filter((a) => a.type === type).map((a) => a.text));

// --------------------------------------------------------------------------------------------
// Syntax of names and of constraints
// --------------------------------------------------------------------------------------------

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
/** RFC 1034 §3.5 preferred name syntax as RFC 1123 §2.1 relaxes it (labels may start with a digit). */
const isHostname = (name: string): boolean => name.length > 0 && name.length <= 253 && name.split('.').every((label) => LABEL.test(label));

/** A dNSName in a SAN: a hostname, or `*.` before one (a wildcard, whose meaning name constraints must bound). */
export const validDnsName = (name: string): boolean => isHostname(name.startsWith('*.') ? name.slice(2) : name);

/** An rfc822Name in a SAN: one `@`, a non-empty local part, a hostname. */
export function validMailbox(name: string): boolean {
  const at = name.indexOf('@');
  return at > 0 && at === name.lastIndexOf('@') && isHostname(name.slice(at + 1));
}

/** The problem with a constraint's syntax (RFC 5280 §4.2.1.10), if any. */
export function constraintProblem(base: GeneralName): string | undefined {
  switch (base.form) {
    case 'dns':
      // No wildcard and no leading period: those belong to URI constraints, not dNSName ones.
      return base.value === '' || isHostname(base.value) ? undefined : `the dNSName constraint "${base.value}" is not a hostname`;
    case 'rfc822': {
      const value = base.value.startsWith('.') ? base.value.slice(1) : base.value;
      return value.includes('@')
        ? validMailbox(value)
          ? undefined
          : `the rfc822Name constraint "${base.value}" is not a mailbox`
        : isHostname(value)
          ? undefined
          : `the rfc822Name constraint "${base.value}" is not a host`;
    }
    case 'ip': {
      if (base.bytes.length !== 8 && base.bytes.length !== 32) return 'an iPAddress constraint that is not an address and a mask';
      const mask = base.bytes.subarray(base.bytes.length / 2);
      // CIDR form: the mask is ones then zeros.
      const bits = [...mask].map((b) => b.toString(2).padStart(8, '0')).join('');
      return /^1*0*$/.test(bits) ? undefined : 'an iPAddress constraint whose mask is not a CIDR prefix';
    }
    default:
      return undefined;
  }
}

// --------------------------------------------------------------------------------------------
// Matching
// --------------------------------------------------------------------------------------------

const lower = (s: string): string => s.toLowerCase();
const dnsWithin = (name: string, base: string): boolean => base === '' || lower(name) === lower(base) || lower(name).endsWith(`.${lower(base)}`);

function mailboxWithin(mailbox: string, base: string): boolean {
  const at = mailbox.lastIndexOf('@');
  const [local, host] = [mailbox.slice(0, at), lower(mailbox.slice(at + 1))];
  if (base.includes('@')) {
    // A whole mailbox: the local part exactly (an asterisk is a literal character), the host case-insensitively.
    const baseAt = base.lastIndexOf('@');
    return local === base.slice(0, baseAt) && host === lower(base.slice(baseAt + 1));
  }
  if (base.startsWith('.')) return host.endsWith(lower(base));
  return host === lower(base);
}

function ipWithin(address: Uint8Array, base: Uint8Array): boolean {
  if (base.length !== address.length * 2) return false;
  const mask = base.subarray(address.length);
  return address.every((b, i) => (b & mask[i]!) === (base[i]! & mask[i]!));
}

/** How a name stands to one subtree of its own form: inside it, or possibly inside it (a wildcard overlapping it). */
function relation(name: GeneralName, base: GeneralName): { within: boolean; overlaps: boolean } {
  if (name.form === 'dns' && base.form === 'dns') {
    if (!name.value.startsWith('*.')) {
      const within = dnsWithin(name.value, base.value);
      return { within, overlaps: within };
    }
    // *.B stands for every name one label below B: all inside when B is; some inside when the subtree is below B.
    const rest = name.value.slice(2);
    const within = dnsWithin(rest, base.value);
    return { within, overlaps: within || lower(base.value).endsWith(`.${lower(rest)}`) };
  }
  if (name.form === 'rfc822' && base.form === 'rfc822') {
    const within = mailboxWithin(name.value, base.value);
    return { within, overlaps: within };
  }
  if (name.form === 'ip' && base.form === 'ip') {
    const within = ipWithin(name.bytes, base.bytes);
    return { within, overlaps: within };
  }
  if (name.form === 'directory' && base.form === 'directory') {
    const within = withinDn(name.rdns, base.rdns);
    return { within, overlaps: within };
  }
  return { within: false, overlaps: false };
}

const formKey = (name: GeneralName): string => (name.form === 'other' ? `other:${name.tag}` : name.form);

/** Name constraints in force along a path (RFC 5280 §6.1.3 b, c and §6.1.4 g): each permitted set narrows, excluded sets add up. */
export class ConstraintState {
  private readonly permitted: GeneralName[][] = [];
  private readonly excluded: GeneralName[] = [];

  add(constraints: NameConstraints): void {
    if (constraints.permitted.length > 0) this.permitted.push(constraints.permitted);
    this.excluded.push(...constraints.excluded);
  }

  /** Why `name` is outside the constraints in force, if it is. */
  problem(name: GeneralName): string | undefined {
    const form = formKey(name);
    const shown = describe(name);
    for (const base of this.excluded) {
      if (formKey(base) !== form) continue;
      if (name.form === 'other') return `${shown}: a constraint of this name form cannot be processed here`;
      if (relation(name, base).overlaps) return `${shown} is in the excluded subtree ${describe(base)}`;
    }
    for (const set of this.permitted) {
      const sameForm = set.filter((base) => formKey(base) === form);
      if (sameForm.length === 0) continue;
      if (name.form === 'other') return `${shown}: a constraint of this name form cannot be processed here`;
      if (!sameForm.some((base) => relation(name, base).within)) return `${shown} is outside the permitted subtrees (${sameForm.map(describe).join(', ')})`;
    }
    return undefined;
  }
}

export function describe(name: GeneralName): string {
  switch (name.form) {
    case 'dns':
      return `dNSName "${name.value}"`;
    case 'rfc822':
      return `rfc822Name "${name.value}"`;
    case 'ip':
      return `iPAddress ${Buffer.from(name.bytes).toString('hex')}`;
    case 'directory':
      return `directoryName "${dnText(name.rdns)}"`;
    default:
      return `GeneralName [${name.tag}]`;
  }
}

/** The subject's emailAddress attributes (checked against rfc822Name constraints when there is no SAN, RFC 5280 §4.2.1.10). */
export const subjectEmails = (rdns: Rdn[]): string[] => attributeValues(rdns, EMAIL_ADDRESS);
