/**
 * CUI banners composed per the CUI Marking Handbook and 32 CFR 2002.20 (issue 11): control marking,
 * categories (Specified always, SP- first and alphabetical; Basic only with banner_categories),
 * limited dissemination controls, separators; validate knows the Registry's dissemination controls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate } from '../../src/index.js';
import { composeBanner, disseminationProblem } from '../../src/model/cui-marking.js';
import { reportMeta } from '../../src/reports/meta.js';
import { makeWorkspace } from '../support/workspace.js';

describe('CUI banner composition', () => {
  const cases: [string, Parameters<typeof composeBanner>[0], string][] = [
    // examples/acme: ISVI is a Basic category, so the banner shows the dissemination control only.
    ['acme (a Basic category, FEDCON)', { banner: 'CUI', categories: ['ISVI'], dissemination: ['FEDCON'] }, 'CUI//FEDCON'],
    ['acme with banner_categories', { banner: 'CUI', categories: ['ISVI'], dissemination: ['FEDCON'], banner_categories: true }, 'CUI//ISVI//FEDCON'],
    ['a Specified category and NOFORN', { banner: 'CUI', categories: ['SP-CTI'], dissemination: ['NOFORN'] }, 'CUI//SP-CTI//NOFORN'],
    [
      'Specified before Basic, each alphabetical, single slashes',
      { banner: 'CUI', categories: ['PRVCY', 'SP-EXPT', 'LEI', 'SP-CTI'], dissemination: ['NOFORN', 'FED ONLY'], banner_categories: true },
      'CUI//SP-CTI/SP-EXPT/LEI/PRVCY//NOFORN/FED ONLY',
    ],
    ['Basic categories left out by default', { banner: 'CUI', categories: ['PRVCY', 'SP-CTI'] }, 'CUI//SP-CTI'],
    ['no categories, no controls', { banner: 'CUI', categories: ['PRVCY'] }, 'CUI'],
    ['REL TO with its countries', { banner: 'CUI', dissemination: ['REL TO [USA, GBR]'] }, 'CUI//REL TO [USA, GBR]'],
    ['CONTROLLED as the control marking', { banner: 'CONTROLLED', dissemination: ['NOCON'] }, 'CONTROLLED//NOCON'],
    ['a banner written out is kept as written', { banner: 'CUI//SP-PRVCY', categories: ['SP-PRVCY'] }, 'CUI//SP-PRVCY'],
    ['a banner other than CUI is kept as written', { banner: 'UNCLASSIFIED', dissemination: ['NOFORN'] }, 'UNCLASSIFIED'],
  ];
  for (const [name, classification, banner] of cases) it(name, () => assert.equal(composeBanner(classification), banner));

  it('reportMeta prints the composed banner and keeps every category for the designation block; a string stays as written', () => {
    const base = { title: 'T', tenant: { id: 't', name: 'T' }, frameworks: [], generatedAt: '2026-11-29T00:00:00Z' };
    const meta = reportMeta(
      {
        classification: {
          banner: 'CUI',
          categories: ['ISVI'],
          dissemination: ['FEDCON'],
          designation: { controlled_by: 'Acme Corp', poc: 'isso@acme.com' },
        },
      },
      base,
    );
    assert.deepEqual(meta.classification, {
      banner: 'CUI//FEDCON',
      categories: ['ISVI'],
      dissemination: ['FEDCON'],
      designation: { controlled_by: 'Acme Corp', poc: 'isso@acme.com' },
    });
    assert.deepEqual(reportMeta({ classification: 'CUI//SP-CTI//NOFORN' }, base).classification, { banner: 'CUI//SP-CTI//NOFORN' });
  });

  it('knows the limited dissemination controls of the CUI Registry', () => {
    for (const ok of ['NOFORN', 'FED ONLY', 'FEDCON', 'NOCON', 'DL ONLY', 'REL TO [USA, GBR, NATO]', 'DISPLAY ONLY', 'DISPLAY ONLY [USA, AUS]'])
      assert.equal(disseminationProblem(ok), undefined, ok);
    assert.match(disseminationProblem('FEDCOM')!, /not a limited dissemination control/);
    assert.match(disseminationProblem('REL TO')!, /country codes after it, USA first/);
    assert.match(disseminationProblem('REL TO [GBR, USA]')!, /USA first/);
  });
});

describe('validate: classification markings', () => {
  async function diagnostics(classification: string): Promise<string[]> {
    const root = makeWorkspace({ 'reports/a.yaml': `type: gap\noptions:\n  classification:\n${classification}` });
    const result = await validate({ paths: [root], at: '2026-11-29' });
    return result.diagnostics.map((d) => `${d.file.slice(root.length + 1)}:${d.line} ${d.severity} ${d.code}: ${d.message}`);
  }

  it('a misspelt dissemination control is an error with a did-you-mean', async () => {
    assert.deepEqual(await diagnostics('    banner: CUI\n    dissemination: [NOFORN, FEDCOM]\n'), [
      "reports/a.yaml:5 error unknown-dissemination-control: 'FEDCOM' is not a limited dissemination control of the CUI Registry (did you mean 'FEDCON'?)",
    ]);
    assert.deepEqual(await diagnostics('    banner: CUI\n    dissemination:\n      - fed only\n'), [
      "reports/a.yaml:6 error unknown-dissemination-control: 'fed only' is not a limited dissemination control of the CUI Registry (did you mean 'FED ONLY'?)",
    ]);
  });

  it('REL TO without its countries is an error', async () => {
    assert.deepEqual(await diagnostics('    banner: CUI\n    dissemination: [REL TO]\n'), [
      "reports/a.yaml:5 error unknown-dissemination-control: 'REL TO' must list country codes after it, USA first: e.g. 'REL TO [USA, GBR]'",
    ]);
  });

  it('a category in lower case or without its SP- written as a prefix is an error of the schema', async () => {
    const found = await diagnostics('    banner: CUI\n    categories: [sp-cti]\n');
    assert.equal(found.length, 1);
    assert.match(
      found[0]!,
      /^reports\/a\.yaml:5 error invalid-value: .*must be a CUI Registry category marking in capitals, with SP- before a Specified category/,
    );
  });

  it('categories with a banner that is not composed are a warning; a known marking passes', async () => {
    assert.deepEqual(await diagnostics('    banner: CUI//SP-CTI\n    categories: [SP-CTI]\n'), [
      "reports/a.yaml:4 warning banner-not-composed: banner 'CUI//SP-CTI' is printed as written: categories and dissemination are composed into the banner only when banner is CUI",
    ]);
    assert.deepEqual(
      await diagnostics('    banner: CUI\n    categories: [SP-CTI, PRVCY]\n    dissemination: [NOFORN, "REL TO [USA, GBR]"]\n    banner_categories: true\n'),
      [],
    );
  });
});
