/** Throwaway workspaces for tests, in the system temp folder. */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const MINIMAL_CONFIG = `tenant:
  id: acme-corp
  name: Acme Corp
system:
  name: Acme Cloud
  fips199: moderate
frameworks: [nist-800-53]
`;

/** Creates a workspace with the given files (path -> content); infracast.yaml defaults to a minimal one. */
export function makeWorkspace(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'infracast-ws-'));
  const all = { 'infracast.yaml': MINIMAL_CONFIG, ...files };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A throwaway copy of an existing workspace (e.g. examples/acme), to alter without touching the original. */
export function copyWorkspace(source: string): string {
  const root = mkdtempSync(join(tmpdir(), 'infracast-ws-'));
  cpSync(source, root, { recursive: true });
  return root;
}

/** A writer of throwaway files in one temp folder, each name made unique (`<n>-<name>`); returns the path. */
export function tempFileWriter(prefix: string): (name: string, content: string | Buffer) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let counter = 0;
  return (name, content) => {
    const path = join(dir, `${++counter}-${name}`);
    writeFileSync(path, content);
    return path;
  };
}
