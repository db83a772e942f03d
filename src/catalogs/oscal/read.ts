/** Reads an OSCAL catalog or profile from JSON or XML text (the format is sniffed, not taken from the name). */
import { InfracastError } from '../../errors.js';
import type { OscalDocument } from './model.js';
import { oscalFromJson } from './read-json.js';
import { oscalFromXml } from './read-xml.js';

export type OscalFormat = 'json' | 'xml';

export function sniffFormat(text: string): OscalFormat | undefined {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return 'json';
  if (start.startsWith('<')) return 'xml';
  return undefined;
}

/** Parses `text` (from `file`, for messages). Throws CATALOG_INVALID when it is not an OSCAL catalog or profile. */
export function parseOscal(text: string, file: string): OscalDocument {
  const format = sniffFormat(text);
  const invalid = (why: string, cause?: unknown): InfracastError =>
    new InfracastError('CATALOG_INVALID', why, {
      location: { file },
      hints: ['Give an OSCAL catalog or profile (JSON or XML, OSCAL 1.0.x or 1.1.x); YAML is not read.'],
      ...(cause === undefined ? {} : { cause }),
    });
  if (!format) throw invalid('not JSON or XML');
  let document: OscalDocument | undefined;
  try {
    document = format === 'json' ? oscalFromJson(JSON.parse(text.replace(/^\uFEFF/, ''))) : oscalFromXml(text);
  } catch (error) {
    throw invalid(`not well-formed ${format.toUpperCase()} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, error);
  }
  if (!document) throw invalid(`the document is neither an OSCAL catalog nor a profile (other OSCAL models such as SSPs are not catalogs)`);
  return document;
}
