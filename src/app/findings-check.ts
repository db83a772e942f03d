/**
 * What `validate` checks of the findings exports (spec: validate never says "valid" when render
 * will fail): every file of the configured sources is sniffed, not parsed (the decoded head only,
 * gunzipped when the file is gzip, as ingest reads it), and a file no format reads is an error at
 * the file, in the words ingest uses (loaders/registry.ts `unrecognisedExplanation`). A source
 * configured in infracast.yaml that matches no file is a warning at the source. Recognised heads
 * are remembered in the content cache (io/cache.ts), like valid YAML.
 */
import type { Diagnostic } from '../diagnostics.js';
import { digest } from '../io/cache.js';
import type { ContentCache } from '../io/cache.js';
import { ENCODING_HINT, describeEncodingError, isGzipDataError, readDecodedHead } from '../io/decoded-file.js';
import { expandPaths } from '../io/glob.js';
import { invalidUtf8In } from '../io/text-encoding.js';
import { isInfracastError } from '../errors.js';
import type * as Registry from '../loaders/registry.js';
import { HEAD_BYTES } from '../loaders/types.js';
import type { YamlDocument } from '../io/yaml-source.js';
import type { WorkspaceConfig } from '../model/config.js';
import { findingsLimitsOf } from './findings-limits.js';

export interface FindingsCheck {
  /** The findings files of the sources, each once, in source order (what render would import). */
  files: string[];
  diagnostics: Diagnostic[];
}

const atFile = (file: string, code: string, message: string, hint?: string): Diagnostic => ({
  file,
  line: 1,
  col: 1,
  severity: 'error',
  code,
  message,
  ...(hint ? { hint } : {}),
});

export async function checkFindingsSources(config: WorkspaceConfig, configDoc: YamlDocument, cache?: ContentCache): Promise<FindingsCheck> {
  const diagnostics: Diagnostic[] = [];
  const findings = config.raw.findings as { sources?: unknown[] } | undefined;
  const configured = Array.isArray(findings?.sources) ? findings.sources : undefined;
  // One walk for every source, and the heads read concurrently: validate's start-up time is a bound.
  const expanded = await expandPaths(config.findingsSources, config.root);
  const unmatched = new Set(expanded.unmatched);
  for (const [i, source] of config.findingsSources.entries()) {
    if (unmatched.has(source) && configured) {
      const path = typeof configured[i] === 'string' ? ['findings', 'sources', i] : ['findings', 'sources', i, 'path'];
      const { line, col } = configDoc.locate(path);
      diagnostics.push({
        file: configDoc.file,
        line,
        col,
        severity: 'warning',
        code: 'findings-source-unmatched',
        message: `findings source '${source}' matches no file`,
        hint: 'Render judges controls without it. Check the path or glob (relative to the workspace root), or remove the source until its scanner exports.',
      });
    }
  }
  // Each file once, in source order: what render would import.
  const files = expanded.files;
  if (files.length === 0) return { files, diagnostics };
  const csv = config.findingsCsv ? { csv: config.findingsCsv } : {};
  let registry: typeof Registry | undefined;
  // A file over findings.max_file_size_mb on disk, or in UTF-32, is an error here as in render.
  const { maxFileBytes } = findingsLimitsOf(config);
  const heads = await Promise.all(files.map((file) => readDecodedHead(file, HEAD_BYTES, maxFileBytes).catch((error: unknown) => ({ error }))));
  for (const [index, file] of files.entries()) {
    let gzip = false;
    let head: Buffer;
    let encoding: string;
    try {
      const read = heads[index]!;
      if ('error' in read) throw read.error;
      ({ gzip, head, encoding } = read);
    } catch (error) {
      if (isInfracastError(error)) {
        // The message names the file; the diagnostic names it apart.
        const message = error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
        diagnostics.push(atFile(file, error.code.toLowerCase().replaceAll('_', '-'), message, error.hints.join('\n')));
        continue;
      }
      const code = (error as NodeJS.ErrnoException).code;
      // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR...) mean the file is gzip but its data is broken.
      gzip ||= isGzipDataError(error);
      diagnostics.push(
        gzip
          ? atFile(
              file,
              'findings-invalid',
              `the gzip data is corrupt or truncated (${(error as Error).message})`,
              'Check the file with `gzip -t`; download or compress it again.',
            )
          : atFile(file, 'findings-unreadable', `cannot be read (${code ?? (error as Error).message})`),
      );
      continue;
    }
    // Invalid UTF-8 in the head fails the import at that offset (a cut character at the head's end is not judged).
    const invalid = encoding === 'utf-8' ? invalidUtf8In(head, head.length < HEAD_BYTES) : undefined;
    if (invalid) {
      diagnostics.push(atFile(file, 'findings-encoding', describeEncodingError(invalid, gzip), ENCODING_HINT));
      continue;
    }
    // A head recognised before (same bytes, same CSV settings) is recognised again: warm runs
    // need not load the loaders at all.
    const key = cache ? digest('sniff', JSON.stringify(csv), head) : '';
    if (cache?.has('sniff', key)) continue;
    registry ??= await import('../loaders/registry.js');
    const detected = registry.detectFormat(head, csv);
    if (detected.loader) {
      cache?.set('sniff', key, '');
      continue;
    }
    const { message, hints } = registry.unrecognisedExplanation(detected.attempts, detected.otherExport);
    diagnostics.push(atFile(file, 'findings-unrecognised', message, hints.join('\n')));
  }
  return { files, diagnostics };
}
