/** OSCAL catalogs and profiles: reading (JSON, XML), profile resolution, the compact Infracast form. */
export type * from './model.js';
export { isWithdrawn, walkControls } from './model.js';
export { parseOscal, sniffFormat } from './read.js';
export type { OscalFormat } from './read.js';
export { globToRegExp, resolveProfile, selectControls, toCatalog } from './resolve.js';
export type { ImportLoader, ImportRequest, LoadedDocument, ResolutionReport } from './resolve.js';
export { COMPACT_CATALOG_FORMAT, detectScheme, toCompactCatalog } from './compact.js';
export type { CompactCatalog, CompactControl, CompactParam, CompactSource } from './compact.js';
export { insertedParams, normalizeProse } from './prose.js';
