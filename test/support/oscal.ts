/** Small hand-made OSCAL documents for unit tests (invented text, never official prose). */
import type { LoadedDocument, OscalDocument } from '../../src/catalogs/oscal/index.js';
import { parseOscal } from '../../src/catalogs/oscal/index.js';

export const TINY_CATALOG = {
  catalog: {
    uuid: '00000000-0000-4000-8000-000000000001',
    metadata: { title: 'Tiny Test Catalog', version: '1.0', 'oscal-version': '1.1.2', 'last-modified': '2024-01-01T00:00:00Z' },
    groups: [
      {
        id: 'xx',
        title: 'Family X',
        controls: [
          {
            id: 'xx-1',
            title: 'First',
            params: [
              { id: 'xx-1_prm_1', label: 'a thing' },
              { id: 'xx-1_prm_2', select: { 'how-many': 'one-or-more', choice: ['red', 'green'] } },
            ],
            props: [{ name: 'label', value: 'XX-1' }],
            parts: [
              {
                id: 'xx-1_smt',
                name: 'statement',
                parts: [
                  { id: 'xx-1_smt.a', name: 'item', props: [{ name: 'label', value: 'a.' }], prose: 'Do {{ insert: param, xx-1_prm_1 }} often.' },
                  { id: 'xx-1_smt.b', name: 'item', class: 'extra', props: [{ name: 'label', value: 'b.' }], prose: 'Pick {{insert: param, xx-1_prm_2}}.' },
                ],
              },
              { id: 'xx-1_gdn', name: 'guidance', prose: 'Some guidance.' },
            ],
            controls: [
              { id: 'xx-1.1', title: 'First, enhanced', params: [{ id: 'xx-1.1_prm_1', label: 'a period' }] },
              { id: 'xx-1.2', title: 'Gone', props: [{ name: 'status', value: 'withdrawn' }] },
            ],
          },
          { id: 'xx-2', title: 'Second' },
          { id: 'xx-10', title: 'Tenth' },
        ],
      },
      { id: 'yy', title: 'Family Y', controls: [{ id: 'yy-1', title: 'Why', controls: [{ id: 'yy-1.1', title: 'Why, enhanced' }] }] },
    ],
  },
};

export function profileJson(body: Record<string, unknown>, importHref = 'catalog.json'): Record<string, unknown> {
  return {
    profile: {
      uuid: '00000000-0000-4000-8000-000000000002',
      metadata: { title: 'Tiny Test Profile', version: '2.0', 'oscal-version': '1.1.2' },
      imports: [{ href: importHref, 'include-all': {} }],
      ...body,
    },
  };
}

export const doc = (value: unknown, name = 'test.json'): OscalDocument => parseOscal(JSON.stringify(value), name);

/** A loader serving documents by href. */
export function loaderOf(documents: Record<string, OscalDocument>): (r: { href: string; rlinks: { href: string }[] }) => Promise<LoadedDocument> {
  return async (request) => {
    const href = request.href.startsWith('#') ? (request.rlinks[0]?.href ?? request.href) : request.href;
    const document = documents[href];
    if (!document) throw new Error(`test loader: no ${href}`);
    return { document, location: href };
  };
}
