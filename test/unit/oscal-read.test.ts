import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWithdrawn, normalizeProse, parseOscal, walkControls } from '../../src/catalogs/oscal/index.js';

// The same invented content in OSCAL JSON and OSCAL XML.
const JSON_CATALOG = {
  catalog: {
    uuid: 'u-1',
    metadata: { title: 'Parity  Catalog', version: '3', 'oscal-version': '1.0.4', props: [{ name: 'keywords', value: 'k' }] },
    groups: [
      {
        id: 'aa',
        class: 'family',
        title: 'Family A',
        controls: [
          {
            id: 'aa-1',
            class: 'SP800-53',
            title: 'Alpha',
            params: [
              {
                id: 'aa-1_prm_1',
                label: 'organization-defined period',
                guidelines: [{ prose: 'Define the period.' }],
                constraints: [{ description: 'at least *yearly*' }],
              },
              { id: 'aa-1_prm_2', select: { 'how-many': 'one-or-more', choice: ['this', 'that {{ insert: param, aa-1_prm_1 }}'] } },
              { id: 'aa-1_prm_3', values: ['fixed'] },
            ],
            props: [
              { name: 'label', value: 'AA-1' },
              { name: 'response-point', ns: 'https://example.org/ns', value: 'fill in', remarks: 'Say it all.' },
            ],
            links: [{ href: '#r-1', rel: 'reference', text: 'A **link**' }],
            parts: [
              {
                id: 'aa-1_smt',
                name: 'statement',
                parts: [
                  {
                    id: 'aa-1_smt.a',
                    name: 'item',
                    props: [{ name: 'label', value: 'a.' }],
                    prose: 'Review {{ insert: param, aa-1_prm_1 }} and *log* it; see [the guide](https://example.org/g).\n\n- one\n- two',
                  },
                ],
              },
              { id: 'aa-1_gdn', name: 'guidance', title: 'Guidance', prose: 'Use "quotes" and `code`; a literal \\* and \\"quote\\".' },
            ],
            controls: [
              { id: 'aa-1.1', title: 'Alpha one', props: [{ name: 'status', value: 'withdrawn' }], links: [{ href: '#aa-1', rel: 'incorporated-into' }] },
            ],
          },
        ],
      },
    ],
    'back-matter': {
      resources: [
        {
          uuid: 'r-1',
          title: 'A resource',
          citation: { text: 'Cited' },
          rlinks: [{ href: 'https://example.org/doc.pdf', 'media-type': 'application/pdf', hashes: [{ algorithm: 'sha-256', value: 'abc' }] }],
        },
        { uuid: 'r-2', base64: { filename: 'x.txt', 'media-type': 'text/plain', value: 'aGVsbG8=' } },
      ],
    },
  },
};

const XML_CATALOG = `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u-1">
  <metadata>
    <title>Parity
       Catalog</title>
    <version>3</version>
    <oscal-version>1.0.4</oscal-version>
    <prop name="keywords" value="k"/>
  </metadata>
  <group id="aa" class="family">
    <title>Family A</title>
    <control id="aa-1" class="SP800-53">
      <title>Alpha</title>
      <param id="aa-1_prm_1">
        <label>organization-defined period</label>
        <constraint><description><p>at least <em>yearly</em></p></description></constraint>
        <guideline><p>Define the period.</p></guideline>
      </param>
      <param id="aa-1_prm_2">
        <select how-many="one-or-more"><choice>this</choice><choice>that <insert type="param" id-ref="aa-1_prm_1"/></choice></select>
      </param>
      <param id="aa-1_prm_3"><value>fixed</value></param>
      <prop name="label" value="AA-1"/>
      <prop ns="https://example.org/ns" name="response-point" value="fill in"><remarks><p>Say it all.</p></remarks></prop>
      <link href="#r-1" rel="reference">A <strong>link</strong></link>
      <part id="aa-1_smt" name="statement">
        <part id="aa-1_smt.a" name="item">
          <prop name="label" value="a."/>
          <p>Review <insert type="param" id-ref="aa-1_prm_1"/> and
             <em>log</em> it; see <a href="https://example.org/g">the guide</a>.</p>
          <ul><li>one</li><li>two</li></ul>
        </part>
      </part>
      <part id="aa-1_gdn" name="guidance">
        <title>Guidance</title>
        <p>Use <q>quotes</q> and <code>code</code>; a literal * and "quote".</p>
      </part>
      <control id="aa-1.1">
        <title>Alpha one</title>
        <prop name="status" value="withdrawn"/>
        <link href="#aa-1" rel="incorporated-into"/>
      </control>
    </control>
  </group>
  <back-matter>
    <resource uuid="r-1">
      <title>A resource</title>
      <citation><text>Cited</text></citation>
      <rlink href="https://example.org/doc.pdf" media-type="application/pdf"><hash algorithm="sha-256">abc</hash></rlink>
    </resource>
    <resource uuid="r-2"><base64 filename="x.txt" media-type="text/plain">aGVs
      bG8=</base64></resource>
  </back-matter>
</catalog>`;

const JSON_PROFILE = {
  profile: {
    uuid: 'p-1',
    metadata: { title: 'P', 'oscal-version': '1.1.2' },
    imports: [
      {
        href: '#r-9',
        'include-controls': [{ 'with-child-controls': 'yes', 'with-ids': ['aa-1'], matching: [{ pattern: 'bb-*' }] }],
        'exclude-controls': [{ 'with-ids': ['aa-1.1'] }],
      },
    ],
    merge: { 'as-is': true },
    modify: {
      'set-parameters': [{ 'param-id': 'aa-1_prm_1', constraints: [{ description: 'monthly' }] }],
      alters: [
        {
          'control-id': 'aa-1',
          removes: [{ 'by-name': 'guidance' }],
          adds: [{ position: 'ending', 'by-id': 'aa-1_smt', parts: [{ id: 'aa-1_fr', name: 'item', title: 'Extra', prose: 'More.' }] }],
        },
      ],
    },
    'back-matter': { resources: [{ uuid: 'r-9', rlinks: [{ href: 'cat.xml' }] }] },
  },
};

const XML_PROFILE = `<profile xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="p-1">
  <metadata><title>P</title><oscal-version>1.1.2</oscal-version></metadata>
  <import href="#r-9">
    <include-controls with-child-controls="yes"><with-id>aa-1</with-id><matching pattern="bb-*"/></include-controls>
    <exclude-controls><with-id>aa-1.1</with-id></exclude-controls>
  </import>
  <merge><as-is>true</as-is></merge>
  <modify>
    <set-parameter param-id="aa-1_prm_1"><constraint><description><p>monthly</p></description></constraint></set-parameter>
    <alter control-id="aa-1">
      <remove by-name="guidance"/>
      <add position="ending" by-id="aa-1_smt"><part id="aa-1_fr" name="item"><title>Extra</title><p>More.</p></part></add>
    </alter>
  </modify>
  <back-matter><resource uuid="r-9"><rlink href="cat.xml"/></resource></back-matter>
</profile>`;

describe('OSCAL reading', () => {
  it('XML and JSON of the same catalog give the same model', () => {
    const fromJson = parseOscal(JSON.stringify(JSON_CATALOG), 'c.json');
    const fromXml = parseOscal(XML_CATALOG, 'c.xml');
    assert.deepEqual(fromXml, fromJson);
    const statement = [...walkControls(fromXml as never)][0]!.control.parts[0]!.parts[0]!.prose;
    assert.equal(statement, 'Review {{ insert: param, aa-1_prm_1 }} and *log* it; see [the guide](https://example.org/g).\n\n- one\n- two');
  });
  it('XML and JSON of the same profile give the same model', () => {
    assert.deepEqual(parseOscal(XML_PROFILE, 'p.xml'), parseOscal(JSON.stringify(JSON_PROFILE), 'p.json'));
  });
  it('reads withdrawn status, params, back-matter base64', () => {
    const c = parseOscal(XML_CATALOG, 'c.xml');
    assert.equal(c.kind, 'catalog');
    if (c.kind !== 'catalog') return;
    const all = [...walkControls(c)].map((e) => e.control);
    assert.deepEqual(
      all.map((x) => [x.id, isWithdrawn(x)]),
      [
        ['aa-1', false],
        ['aa-1.1', true],
      ],
    );
    assert.equal(c.backMatter[1]!.base64!.value, 'aGVsbG8=');
    assert.equal(c.metadata.title, 'Parity Catalog');
  });
  it('normalises insert markers and whitespace', () => {
    assert.equal(normalizeProse('  Do {{insert: param,x-1_prm_1}}  now \n\n\n next '), 'Do {{ insert: param, x-1_prm_1 }} now\n\nnext');
  });
  it('rejects what is not an OSCAL catalog or profile', () => {
    for (const [text, why] of [
      ['{"system-security-plan": {}}', /neither an OSCAL catalog nor a profile/],
      ['<catalog><oops></catalog>', /not well-formed XML/],
      ['{ nope', /not well-formed JSON/],
      ['a: yaml', /not JSON or XML/],
    ] as const)
      assert.throws(
        () => parseOscal(text, 'f'),
        (e: { code?: string; message: string }) => e.code === 'CATALOG_INVALID' && why.test(e.message),
      );
  });
});
