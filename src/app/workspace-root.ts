import { resolve } from 'node:path';
import { InfracastError } from '../errors.js';
import { CONFIG_FILE, findWorkspaceRoot } from '../io/workspace.js';

/** The workspace holding `path` (default the current directory), or WORKSPACE_NOT_FOUND with the hint given. */
export async function requireWorkspaceRoot(path: string | undefined, cwd: string, hint: string): Promise<string> {
  const start = resolve(cwd, path ?? '.');
  const root = await findWorkspaceRoot(start);
  if (!root) throw new InfracastError('WORKSPACE_NOT_FOUND', `${start}: no ${CONFIG_FILE} in this folder or any folder above it`, { hints: [hint] });
  return root;
}
