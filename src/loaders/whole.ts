/**
 * Formats whose records depend on the rest of the document (SARIF rules, OSCAL observations and
 * risks, Grype's source after its matches, Checkov's array of reports) are read whole, up to a
 * limit; the large-export formats (ASFF, OCSF, native, CSV, Trivy and Semgrep JSON) stream.
 */
export const MAX_WHOLE_BYTES = 256 * 1024 * 1024;

export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit / 1024 / 1024} MiB, the limit for documents read whole (SARIF, OSCAL, Grype and Checkov JSON)`);
    this.name = 'TooLargeError';
  }
}

export async function readWholeText(input: { open(): AsyncIterable<Buffer> }): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input.open()) {
    size += chunk.length;
    if (size > MAX_WHOLE_BYTES) throw new TooLargeError(MAX_WHOLE_BYTES);
    parts.push(chunk);
  }
  let text = Buffer.concat(parts).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/** The whole document, parsed as JSON (SyntaxError when it is not). */
export async function readWhole(input: { open(): AsyncIterable<Buffer> }): Promise<unknown> {
  return JSON.parse(await readWholeText(input));
}
