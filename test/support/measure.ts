/**
 * The CLI in a child process with its wall time and peak RSS, for the tests that hold a hostile
 * input to bounded time and memory (a preload writes `process.resourceUsage().maxRSS` at exit,
 * as scripts/bench.js does), and the hostile inputs themselves, generated in a temp folder.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CliResult } from './cli.js';
import { binPath } from './paths.js';

export interface MeasuredRun extends CliResult {
  ms: number;
  /** Peak resident set size of the CLI process, in MiB. */
  peakRssMiB: number;
}

export function runCliMeasured(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): MeasuredRun {
  const rssDir = mkdtempSync(join(tmpdir(), 'infracast-rss-'));
  const rssFile = join(rssDir, 'rss');
  const preload = `data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)))`;
  const env = { ...process.env, GITHUB_ACTIONS: '', NO_COLOR: '1', ...options.env };
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [`--import=${preload}`, binPath, ...args], { cwd: options.cwd ?? process.cwd(), env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const peakKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : Number.NaN;
  rmSync(rssDir, { recursive: true, force: true });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, ms, peakRssMiB: peakKiB / 1024 };
}

/** What a test states about a measured run (printed with the test's results). */
export const measured = (run: MeasuredRun): string => `${run.ms.toFixed(0)} ms, peak RSS ${run.peakRssMiB.toFixed(0)} MiB`;

/**
 * A gzip bomb: `prefix`, then `decodedBytes` of one repeated byte, then `suffix`, as concatenated
 * gzip members (which gunzip reads as one stream). One member of 1 MiB is compressed once and
 * written again and again, so a 3 GiB bomb (3 MB on disk) is written in a fraction of a second.
 */
export function writeGzipBomb(path: string, prefix: string, decodedBytes: number, suffix: string, fill = 'A'): void {
  const MiB = 1024 * 1024;
  const block = gzipSync(Buffer.alloc(MiB, fill), { level: 9 });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, gzipSync(prefix));
    for (let written = 0; written < decodedBytes; written += MiB) writeSync(fd, block);
    writeSync(fd, gzipSync(suffix));
  } finally {
    closeSync(fd);
  }
}

/**
 * A file of `size` bytes: `head`, then NUL bytes (a hole: nothing is written, the file system reads
 * zeros), then `tail` at the very end. A 2 GiB "single-line" file costs no disk and no time.
 */
export function writeSparseFile(path: string, head: string, size: number, tail: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    writeSync(fd, tail, size - Buffer.byteLength(tail));
  } finally {
    closeSync(fd);
  }
}
