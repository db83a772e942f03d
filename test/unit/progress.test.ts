/** render's progress: redrawn in place with a bar on a terminal, plain lines elsewhere (CI logs). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanSize, progressWriter } from '../../src/cli/progress.js';
import type { ProgressEvent } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; output: () => string } {
  let written = '';
  const stream = { isTTY, columns: 100, write: (chunk: string) => ((written += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, output: () => written };
}

const events: ProgressEvent[] = [
  { kind: 'ingest', progress: { file: 'findings/a.json', fileIndex: 0, files: 2, records: 0, fileDone: false } },
  { kind: 'ingest', progress: { file: 'findings/a.json', fileIndex: 0, files: 2, records: 5000, fileDone: true } },
  { kind: 'report-start', definition: 'gap', type: 'gap', index: 0, total: 2 },
  {
    kind: 'report-done',
    report: { definition: 'gap', type: 'gap', status: 'completed', artifacts: [{ status: 'completed' }], warnings: [] },
    index: 0,
    total: 2,
  },
  { kind: 'report-start', definition: 'exec', type: 'executive', index: 1, total: 2 },
  {
    kind: 'report-done',
    report: { definition: 'exec', type: 'executive', status: 'failed', artifacts: [], warnings: ['logo not fetched'], error: { message: 'boom' } },
    index: 1,
    total: 2,
  },
];

describe('render progress', () => {
  it('on a terminal: a bar redrawn in place, failures and warnings on their own lines', () => {
    const { stream, output } = fakeStream(true);
    const progress = progressWriter(stream, false);
    for (const e of events) progress.event(e);
    progress.done();
    const text = output();
    assert.match(text, /\rimporting findings \[#{6}-{18}\] file 1\/2, 0 records/);
    assert.match(text, /\rrendering \[-{24}\] 1\/2 gap \(gap\)/);
    assert.match(text, /\[2\/2\] exec \(executive\): FAILED: boom\n {2}warning: logo not fetched\n/);
    assert.doesNotMatch(text, /\[1\/2\] gap/, 'a completed report needs no line of its own on a terminal');
    // A live line still shown at the end is cleared, so the final table starts on a clean line.
    progress.event(events[2]!);
    progress.done();
    assert.ok(output().endsWith('\r\u001b[2K'));
  });
  it('elsewhere: one plain line per file imported and per report, no carriage returns', () => {
    const { stream, output } = fakeStream(false);
    const progress = progressWriter(stream, false);
    for (const e of events) progress.event(e);
    progress.done();
    assert.equal(
      output(),
      'imported findings/a.json (5000 records)\n[1/2] gap (gap): 1 file\n[2/2] exec (executive): FAILED: boom\n  warning: logo not fetched\n',
    );
  });
  it('quiet (--json) writes nothing; sizes read like ls --si', () => {
    const { stream, output } = fakeStream(true);
    const progress = progressWriter(stream, true);
    for (const e of events) progress.event(e);
    assert.equal(output(), '');
    assert.deepEqual([999, 1000, 12_345, 4_100_000].map(humanSize), ['999 B', '1.0 kB', '12.3 kB', '4.1 MB']);
  });
});
