/**
 * The Infracast library API: the same operations the CLI and the GitHub Action call.
 *
 *   import { validate } from 'infracast';
 *   const result = await validate({ paths: ['examples/acme'] });
 *
 *   const sprs = await summary({ framework: 'nist-800-171', workspace: 'examples/acme' });
 *
 * Rendering, signing and verification join this API as their pipeline stages land.
 */
export { validate } from './app/validate.js';
export type { ValidateOptions, ValidateResult } from './app/validate.js';
export { loadWorkspace } from './app/load-workspace.js';
export type { LoadedWorkspace, LoadOptions, LoadedDocument, SupportingRecord } from './app/load-workspace.js';
export { ingest } from './app/ingest.js';
export type { IngestOptions, IngestResult, IngestedFile, FindingCounts } from './app/ingest.js';
export { init } from './app/init.js';
export type { InitOptions, InitResult } from './app/init.js';
export { getSchema, listSchemas } from './app/schemas.js';
export { catalogImport } from './app/catalog-import.js';
export type { CatalogImportOptions, CatalogImportResult } from './app/catalog-import.js';
export { inferKind } from './schema/kinds.js';
export type { Diagnostic } from './diagnostics.js';
export { InfracastError, ExitCode } from './errors.js';
export type { ErrorCode } from './errors.js';
export type * from './model/definitions.js';
export type * from './model/config.js';
export type * from './app/pipeline.js';
export { summary } from './app/summary.js';
export type { ComplianceSummary, SummaryOptions } from './app/summary.js';
export { evaluateWorkspace } from './app/evaluate.js';
export type { WorkspaceEvaluation } from './app/evaluate.js';
export { getCatalog, lookupControl, builtInMappings } from './catalogs/index.js';
export { validateCertificatePath } from './app/path-validation.js';
export type { CertificateInput, PathValidationInput, PathValidationResult, PathFailure, PathRule } from './app/path-validation.js';
export type { Catalog } from './catalogs/index.js';
