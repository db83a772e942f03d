/**
 * `infracast diff` on constructed evaluations (src/app/diff/compare.ts, markdown.ts, line-diff.ts):
 * what counts as a change, redaction and the CUI gate, escaping, the comment cap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareSides } from '../../src/app/diff/compare.js';
import { unifiedDiff } from '../../src/app/diff/line-diff.js';
import { diffMarkdown, DIFF_MARKER } from '../../src/app/diff/markdown.js';
import { controlSections } from '../../src/app/diff/side.js';
import type { ControlState, FrameworkFigures, PoamEntry, SideEvaluation } from '../../src/app/diff/side.js';

const META = { workspace: 'ws', base: { ref: 'main', commit: 'a'.repeat(40) }, head: { ref: 'working tree' }, at: '2026-12-01T00:00:00Z' };

function side(over: {
  figures?: Partial<FrameworkFigures>;
  controls?: Record<string, ControlState>;
  poam?: PoamEntry[];
  sections?: Record<string, string>;
  warnings?: SideEvaluation['warnings'];
  cui?: boolean;
  raw?: Record<string, unknown>;
}): SideEvaluation {
  return {
    frameworks: [
      { framework: 'nist-800-171', name: 'NIST SP 800-171 Rev. 2', score: 0.9, coverage: 0.98, sprs_score: 84, sprs_status: 'complete', ...over.figures },
    ],
    controls: new Map([
      ['nist-800-171', new Map(Object.entries(over.controls ?? { '3.1.1': { status: 'passing', reason: 'attested', title: 'Authorized Access Control' } }))],
    ]),
    poam: new Map((over.poam ?? []).map((p) => [`${p.detector}\u0000${p.weakness}`, p])),
    ssp: new Map([
      ['ssp', { framework: 'nist-800-171', sections: new Map(Object.entries(over.sections ?? { '3.1.1': '#### 3.1.1 Access\n\nStatement text.' })) }],
    ]),
    warnings: over.warnings ?? [],
    cui: over.cui ?? false,
    raw: over.raw ?? {},
  };
}

const ITEM: PoamEntry = {
  id: 'POAM-3',
  weakness: 'Root account has access keys',
  detector: 'prowler',
  rating: 'High',
  controls: ['AC-6'],
  assets: ['arn:aws:iam::1:root'],
  scheduled_completion_date: '2026-12-31',
};

describe('compareSides', () => {
  it('equal sides: no change, and the comment says so', () => {
    const diff = compareSides({ base: side({}), head: side({}) }, META);
    assert.equal(diff.changed, false);
    assert.deepEqual([diff.controls, diff.statements, diff.new_warnings, diff.poam], [[], [], [], { opening: [], closing: [] }]);
    const { body, truncated } = diffMarkdown(diff);
    assert.equal(truncated, false);
    assert.ok(body.startsWith(`${DIFF_MARKER}\n`));
    assert.match(body, /^No compliance change\.$/m);
  });

  it('a status change, an SPRS drop, a POA&M item opening and a new warning', () => {
    const head = side({
      figures: { sprs_score: 79, score: 0.85 },
      controls: { '3.1.1': { status: 'failing', reason: '2 open FAIL findings of 1 rule: iam.root (1 resource)', title: 'Authorized Access Control' } },
      poam: [ITEM],
      warnings: [{ file: 'attestations/a.yaml', line: 3, code: 'attestation-expired', message: 'attestation att-1 expired on 2026-11-01' }],
    });
    const base = side({ warnings: [] });
    const diff = compareSides({ base, head }, META);
    assert.equal(diff.changed, true);
    assert.deepEqual(diff.controls, [
      {
        framework: 'nist-800-171',
        control: '3.1.1',
        title: 'Authorized Access Control',
        base: { status: 'passing', reason: 'attested' },
        head: { status: 'failing', reason: '2 open FAIL findings of 1 rule: iam.root (1 resource)' },
      },
    ]);
    assert.deepEqual(diff.poam, { opening: [ITEM], closing: [] });
    assert.equal(diff.new_warnings.length, 1);
    const { body } = diffMarkdown(diff);
    assert.match(body, /SPRS 84 -> 79, 90\.0% -> 85\.0%, coverage unchanged/);
    assert.match(body, /\| 3\.1\.1 Authorized Access Control \| \*\*passing\*\*: attested \| \*\*failing\*\*: 2 open FAIL/);
    assert.match(body, /Would open \(1\):[\s\S]*\| POAM-3 \| Root account has access keys \| High \| AC-6 \|/);
    assert.match(body, /`attestations\/a\.yaml:3` `attestation-expired`: attestation att-1 expired/);
    // The other way round, the item closes and the warning is no longer new.
    const back = compareSides({ base: head, head: base }, META);
    assert.deepEqual(back.poam, { opening: [], closing: [ITEM] });
    assert.deepEqual(back.new_warnings, []);
  });

  it('a warning that only moved to another line is not new', () => {
    const w = { file: 'a.yaml', line: 3, code: 'c', message: 'm' };
    const diff = compareSides({ base: side({ warnings: [w] }), head: side({ warnings: [{ ...w, line: 9 }] }) }, META);
    assert.deepEqual(diff.new_warnings, []);
  });

  it('a changed statement is the unified diff of its control section only', () => {
    const sections = { '3.1.1': '#### 3.1.1 Access\n\nOld text.', '3.1.2': '#### 3.1.2 Functions\n\nSame.' };
    const diff = compareSides({ base: side({ sections }), head: side({ sections: { ...sections, '3.1.1': '#### 3.1.1 Access\n\nNew text.' } }) }, META);
    assert.deepEqual(diff.statements, [
      { definition: 'ssp', framework: 'nist-800-171', control: '3.1.1', diff: '@@ -1,3 +1,3 @@\n #### 3.1.1 Access\n \n-Old text.\n+New text.' },
    ]);
    assert.match(diffMarkdown(diff).body, /<details><summary>3\.1\.1 \(ssp\)<\/summary>\n\n```diff\n@@ -1,3 \+1,3 @@/);
  });

  it("applies both sides' redaction to evidence, weaknesses, statements and warnings", () => {
    const secret = 'AKIAABCDEFGHIJKLMNOP';
    const raw = { redaction: { patterns: [{ name: 'key', regex: 'AKIA[0-9A-Z]{16}' }] } };
    const head = side({
      controls: { '3.1.1': { status: 'failing', reason: `key ${secret} in use`, title: 't' } },
      poam: [{ ...ITEM, weakness: `leaked ${secret}`, assets: [secret] }],
      sections: { '3.1.1': `#### 3.1.1\n\n${secret}` },
      warnings: [{ file: 'a.yaml', line: 1, code: 'c', message: secret }],
    });
    // The redaction is only on the base side (head removed it): it still applies to head's text.
    const diff = compareSides({ base: side({ raw }), head }, META);
    const json = JSON.stringify(diff);
    assert.ok(!json.includes(secret), json);
    assert.match(json, /\[REDACTED:key\]/);
    assert.ok(!diffMarkdown(diff).full.includes(secret));
  });

  it('a CUI workspace without the comment destination gets figures only, and says so', () => {
    const head = side({
      cui: true,
      figures: { sprs_score: 80 },
      controls: { '3.1.1': { status: 'failing', reason: 'open finding on host-cui-17', title: 't' } },
      poam: [{ ...ITEM, weakness: 'weakness on host-cui-17', assets: ['host-cui-17'] }],
      sections: { '3.1.1': '#### 3.1.1\n\nCUI statement host-cui-17' },
    });
    const withheld = diffMarkdown(compareSides({ base: side({ cui: true }), head }, META)).full;
    assert.ok(!withheld.includes('host-cui-17'), withheld);
    assert.match(withheld, /CUI-classified[\s\S]*does not list `comment`/);
    assert.match(withheld, /SPRS 84 -> 80/);
    assert.match(withheld, /\| 3\.1\.1 t \| passing \| failing \|/);
    assert.match(withheld, /\| POAM-3 \| High \| AC-6 \| 2026-12-31 \|/);
    // Authorised on both sides: the details are there. A pull request that authorises its own
    // comment (head only) does not count.
    const raw = { cui: { authorised_destinations: ['email', 'comment'] } };
    const selfAuthorised = diffMarkdown(compareSides({ base: side({ cui: true }), head: { ...head, raw } }, META)).full;
    assert.ok(!selfAuthorised.includes('host-cui-17'));
    const shown = diffMarkdown(compareSides({ base: side({ cui: true, raw }), head: { ...head, raw } }, META)).full;
    assert.match(shown, /host-cui-17/);
    assert.doesNotMatch(shown, /CUI-classified/);
  });

  it('hostile text renders inert: no HTML, link, image, or fence escape', () => {
    const hostile = '<img src=x onerror=alert(1)> ![p](https://evil.example/p.png) [click](javascript:alert(1)) | x </details> ````';
    const head = side({
      controls: { '3.1.1': { status: 'failing', reason: hostile, title: hostile } },
      poam: [{ ...ITEM, weakness: hostile, assets: [hostile] }],
      sections: { '3.1.1': `#### 3.1.1\n\n${hostile}\n\`\`\`\n</details>` },
      warnings: [{ file: 'a.yaml', line: 1, code: 'c', message: hostile }],
    });
    const { full } = diffMarkdown(compareSides({ base: side({}), head }, { ...META, head: { ref: '[x](https://evil.example)' } }));
    // Outside the fenced diff: every < [ ! | is escaped.
    const [outside, fencedPart] = [full.replace(/`{5}diff\n[\s\S]*?\n`{5}/, ''), /`{5}diff\n[\s\S]*?\n`{5}/.exec(full)?.[0]];
    assert.ok(fencedPart, 'the statement diff is fenced with five backticks (one more than its longest run)');
    assert.doesNotMatch(outside, /(?<!\\)<img|(?<!\\)!\[|(?<!\\)\[click\]|(?<!\\)<\/details> ````/);
    assert.match(outside, /\\<img src=x onerror=alert\(1\)\\>/);
    assert.match(outside, /`\[x\]\(https:\/\/evil\.example\)`/);
  });

  it('a body over the cap becomes a summary pointing at the artifact; full keeps everything', () => {
    const sections = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`3.1.${i}`, `#### 3.1.${i}\n\n${'statement '.repeat(60)}`]));
    const changedSections = Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, `${v} changed`]));
    const diff = compareSides({ base: side({ sections }), head: side({ sections: changedSections, figures: { sprs_score: 70 } }) }, META);
    const out = diffMarkdown(diff, { maxChars: 65536, marker: '<!-- infracast:diff ws -->' });
    assert.equal(out.truncated, true);
    assert.ok(out.full.length > 65536);
    assert.ok(out.body.length <= 65536);
    assert.ok(out.body.startsWith('<!-- infracast:diff ws -->\n'));
    assert.match(out.body, /SPRS 84 -> 70/);
    assert.match(out.body, /workflow artifact[\s\S]*200 SSP statement\(s\) changed/);
    assert.equal(diffMarkdown(diff, { maxChars: 1000 }).body.length <= 1000, true);
  });
});

describe('unifiedDiff', () => {
  it('equal texts give nothing; hunks keep three lines of context and merge when close', () => {
    assert.equal(unifiedDiff('a\nb', 'a\nb'), '');
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const after = [...before];
    after[2] = 'X';
    after[17] = 'Y';
    assert.equal(
      unifiedDiff(before.join('\n'), after.join('\n')),
      ['@@ -1,6 +1,6 @@', ' l0', ' l1', '-l2', '+X', ' l3', ' l4', ' l5', '@@ -15,6 +15,6 @@', ' l14', ' l15', ' l16', '-l17', '+Y', ' l18', ' l19'].join('\n'),
    );
    assert.equal(unifiedDiff('', 'new'), '@@ -0,0 +1,1 @@\n+new');
    assert.equal(unifiedDiff('old', ''), '@@ -1,1 +0,0 @@\n-old');
  });
});

describe('controlSections', () => {
  it('cuts the SSP Markdown at the headings of known controls', () => {
    const md = '# SSP\n## Appendix A\n### AC Access Control\n#### AC-2 Account Management\nbody 2\n#### AC-2(1) Auto\nbody 21\n## Appendix B\nother';
    const sections = controlSections(md, new Set(['AC-2', 'AC-2(1)']));
    assert.deepEqual(
      [...sections],
      [
        ['AC-2', '#### AC-2 Account Management\nbody 2'],
        ['AC-2(1)', '#### AC-2(1) Auto\nbody 21'],
      ],
    );
  });
});
