/**
 * What `render` tells people while it works: on a terminal, one line redrawn in place (a bar for
 * the findings import, then the report being rendered); elsewhere (CI logs, pipes), one plain line
 * per step, because a log full of carriage returns is unreadable.
 */

/** The render events this writer draws (app/render.ts RenderEvent; declared here because cli/ does not import app/). */
export type ProgressEvent =
  | { kind: 'waiting'; owner: { command: string; pid: number; host: string; since: string } }
  | { kind: 'ingest'; progress: { file: string; fileIndex: number; files: number; records: number; fileDone: boolean } }
  | { kind: 'report-start'; definition: string; type: string; index: number; total: number }
  | {
      kind: 'report-done';
      report: { definition: string; type: string; status: string; artifacts: { status: string }[]; warnings: string[]; error?: { message: string } };
      index: number;
      total: number;
    };

import { displayPath } from './print-diagnostics.js';

const BAR_WIDTH = 24;

export interface ProgressWriter {
  event(event: ProgressEvent): void;
  /** Clears the live line before the final output. */
  done(): void;
}

/** Bytes as people read them: 812 B, 12.3 kB, 4.1 MB (SI units, like ls -h --si). */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function bar(fraction: number): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round(fraction * BAR_WIDTH)));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

export function progressWriter(stream: NodeJS.WriteStream, quiet: boolean): ProgressWriter {
  if (quiet) return { event: () => undefined, done: () => undefined };
  const live = stream.isTTY === true;
  let shown = false;
  const draw = (text: string): void => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r${text.slice(0, width).padEnd(width)}`);
    shown = true;
  };
  const line = (text: string): void => {
    if (shown) stream.write('\r\u001b[2K');
    shown = false;
    stream.write(`${text}\n`);
  };
  return {
    event(event) {
      if (event.kind === 'waiting') {
        const o = event.owner;
        line(`waiting: the workspace is being written by ${o.command} (pid ${o.pid} on ${o.host}, since ${o.since})`);
      } else if (event.kind === 'ingest') {
        const p = event.progress;
        if (live) draw(`importing findings ${bar((p.fileIndex + (p.fileDone ? 1 : 0.5)) / p.files)} file ${p.fileIndex + 1}/${p.files}, ${p.records} records`);
        else if (p.fileDone) line(`imported ${displayPath(p.file)} (${p.records} records)`);
      } else if (event.kind === 'report-start') {
        if (live) draw(`rendering ${bar(event.index / event.total)} ${event.index + 1}/${event.total} ${event.definition} (${event.type})`);
      } else {
        const r = event.report;
        const files = r.artifacts.filter((a) => a.status === 'completed').length;
        const status = r.status === 'completed' ? `${files} file${files === 1 ? '' : 's'}` : `FAILED: ${r.error?.message ?? 'unknown error'}`;
        if (!live || r.status === 'failed' || r.warnings.length > 0) line(`[${event.index + 1}/${event.total}] ${r.definition} (${r.type}): ${status}`);
        for (const warning of r.warnings) line(`  warning: ${warning}`);
      }
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
