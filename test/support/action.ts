/**
 * Runs the committed GitHub Action bundle as the runner does (test/cli/action-*.test.ts): from a
 * copy of the repository's tracked files without node_modules (GitHub downloads the action's
 * repository at its ref and runs actions/infracast/dist/index.js there), on Node 24 when
 * .tools/node-24 has it (action.yml says node24), with the inputs as INPUT_* (action.yml's defaults
 * applied, as the runner does), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and GITHUB_API_URL at
 * a loopback stand-in. Spawned asynchronously: a synchronous spawn from the process that hosts the
 * stand-in would deadlock.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { git } from './git.js';
import { repoRoot } from './paths.js';

/** The Node the runner would use: node24 from .tools when present, else this one. */
export const actionNode = existsSync(join(repoRoot, '.tools', 'node-24', 'bin', 'node'))
  ? join(repoRoot, '.tools', 'node-24', 'bin', 'node')
  : process.execPath;

let checkout: string | undefined;
/**
 * A copy of the repository's files as the next commit would hold them (tracked and not ignored, as
 * in the working tree: a rebuilt bundle's new chunks too), without node_modules: what GitHub downloads.
 */
export function actionDownload(): string {
  if (checkout) return checkout;
  const root = mkdtempSync(join(tmpdir(), 'infracast-action-download-'));
  const tracked = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  if (tracked.status !== 0) throw new Error(`git ls-files: ${tracked.stderr}`);
  for (const file of tracked.stdout.split('\0').filter((f) => f !== '' && existsSync(join(repoRoot, f)))) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(root, file));
  }
  if (existsSync(join(root, 'node_modules'))) throw new Error('the action download must not have node_modules');
  return (checkout = root);
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
}

/** action.yml's defaults, as the runner fills them (`${{ github.token }}` becomes the given token). */
export function actionDefaults(token: string): Record<string, string> {
  const yml = parse(readFileSync(join(repoRoot, 'actions', 'infracast', 'action.yml'), 'utf8')) as ActionYml;
  return Object.fromEntries(Object.entries(yml.inputs).map(([name, input]) => [name, (input.default ?? '').replace('${{ github.token }}', token)]));
}

/** GITHUB_OUTPUT's `name<<delimiter` ... `delimiter` blocks, as a map. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!head) continue;
    const end = lines.indexOf(head[2]!, i + 1);
    if (end < 0) throw new Error(`GITHUB_OUTPUT: ${head[1]} has no closing delimiter`);
    outputs[head[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

export interface ActionRun {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

const bundles = new Map<string, string>();
/**
 * A bundle of the action built from this working tree's compiled sources with another entry (a
 * stand-in behind one of run()'s seams), inside the download (the bundle finds schemas/ and
 * templates/ walking up from itself), never over the committed bundle. Returns its index.js.
 */
export function bundleActionFrom(entry: string): string {
  const known = bundles.get(entry);
  if (known) return known;
  const out = join(actionDownload(), 'actions', 'infracast', `dist-${basename(entry, '.js')}`);
  const built = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'bundle-action.js'), '--out', out, '--entry', entry], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`bundle-action --entry ${entry}: ${built.stderr}`);
  bundles.set(entry, join(out, 'index.js'));
  return join(out, 'index.js');
}

export interface ActionRunOptions {
  /** GITHUB_WORKSPACE: the repository checkout. */
  workspace: string;
  /** The bundle's index.js (default the committed one, in the download). */
  bundle?: string;
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export const TEST_TOKEN = 'ghs_infracastTestToken0000000000000000';

/** Runs the bundle once with these inputs (the rest from action.yml's defaults). */
export function runAction(inputs: Record<string, string>, options: ActionRunOptions): Promise<ActionRun> {
  const files = mkdtempSync(join(tmpdir(), 'infracast-action-files-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')));
  for (const [name, value] of Object.entries({ ...actionDefaults(TEST_TOKEN), ...inputs })) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'acme/compliance',
    GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
    RUNNER_TEMP: files,
    NO_COLOR: '1',
    ...options.env,
  });
  const child = spawn(actionNode, [options.bundle ?? join(actionDownload(), 'actions', 'infracast', 'dist', 'index.js')], { cwd: options.workspace, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ status: code ?? -1, stdout, stderr, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') }),
    );
  });
}

/** A loopback stand-in for the GitHub REST API: records every request, answers 404 unless a route is given. */
export async function apiStandIn(
  routes: Record<string, (request: IncomingMessage, body: Buffer) => { status: number; json?: unknown }> = {},
): Promise<{ url: string; requests: { method: string; url: string; authorization?: string }[]; close: () => Promise<void> }> {
  const requests: { method: string; url: string; authorization?: string }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      });
      const route = routes[`${request.method} ${(request.url ?? '').split('?')[0]}`];
      const answer = route ? route(request, Buffer.concat(chunks)) : { status: 404, json: { message: 'Not Found' } };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A repository the action runs in: `files` committed to a local bare repository (`origin`) and
 * cloned, as actions/checkout leaves it. Returns the clone (GITHUB_WORKSPACE) and the bare repository.
 */
export function checkedOutRepository(files: Record<string, string>): { checkout: string; origin: string } {
  const base = mkdtempSync(join(tmpdir(), 'infracast-action-repo-'));
  const seed = join(base, 'seed');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, path)), { recursive: true });
    writeFileSync(join(seed, path), content);
  }
  git(seed, ['init', '-q']);
  git(seed, ['add', '-A']);
  git(seed, ['commit', '-q', '-m', 'compliance workspace'], '2026-01-05T09:00:00Z');
  const origin = join(base, 'origin.git');
  git(base, ['clone', '-q', '--bare', seed, origin]);
  const checkout = join(base, 'checkout');
  git(base, ['clone', '-q', origin, checkout]);
  return { checkout, origin };
}
