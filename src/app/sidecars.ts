/**
 * The sidecar names of a published file, in a module of their own: `verify` needs them without loading
 * what signing needs (workspace configuration, the publish index).
 */
export const bundleName = (fileName: string): string => `${fileName}.sigstore.json`;
export const p7sName = (fileName: string): string => `${fileName}.p7s`;
