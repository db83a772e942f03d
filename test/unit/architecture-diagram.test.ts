/**
 * The architecture diagram (issue 15): the graph drawn from the inventory (boxes nested as the
 * boundaries say, external services outside the authorization boundary, edges labelled with
 * protocol, port and data), byte-identical SVG whatever the order of the YAML, hostile names inert,
 * and the errors for a workspace without an inventory or with contradictory inventory files.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { parse } from 'yaml';
import { requireInventory, workspaceInventory } from '../../src/app/build-architecture.js';
import type { LoadedWorkspace } from '../../src/app/load-workspace.js';
import { isInfracastError } from '../../src/errors.js';
import type { OutputDefinition } from '../../src/model/definitions.js';
import { mergeInventories } from '../../src/model/inventory.js';
import type { Inventory } from '../../src/model/inventory.js';
import { architectureGraph } from '../../src/renderers/diagram-graph.js';
import type { DiagramBoundary, DiagramItem } from '../../src/renderers/diagram-graph.js';
import { architectureSvg, escapeXml, num } from '../../src/renderers/diagram-svg.js';
import { sanitiseSvg } from '../../src/renderers/svg-sanitise.js';
import { examplesDir } from '../support/paths.js';

const acmeFile = join(examplesDir, 'acme', 'inventory', 'agc.yaml');
const acmeBody = (): Record<string, unknown> => parse(readFileSync(acmeFile, 'utf8')) as Record<string, unknown>;
const acme = (): Inventory => mergeInventories([{ file: 'inventory/agc.yaml', body: acmeBody() }]).inventory!;

/** Every box by inventory id, with the inventory ids of its boxes and components. */
function boxesOf(items: readonly DiagramItem[], into = new Map<string, { children: string[]; depth: number }>(), depth = 0) {
  for (const item of items) {
    if (item.kind !== 'boundary') continue;
    into.set(item.id, { children: item.children.map((c) => c.id), depth });
    boxesOf((item as DiagramBoundary).children, into, depth + 1);
  }
  return into;
}

describe('architecture diagram: the graph from the inventory', () => {
  it('nests the boxes as the boundaries say and puts each component in its boundary', () => {
    const graph = architectureGraph(acme());
    const boxes = boxesOf(graph.roots);
    assert.deepEqual(
      graph.roots.map((r) => r.id),
      ['acme-corporate', 'agc-boundary', 'external'],
    );
    assert.deepEqual(boxes.get('agc-boundary')!.children, ['aws-prod', 'aws-shared']);
    assert.deepEqual(boxes.get('aws-prod')!.children, ['vpc-dr-usw2', 'vpc-prod-use1', 'cloudfront', 'kms', 's3-tenant-data']);
    assert.deepEqual(boxes.get('vpc-prod-use1')!.children, ['subnet-data-use1', 'subnet-private-use1', 'subnet-public-use1']);
    assert.deepEqual(boxes.get('subnet-data-use1')!.children, ['rds']);
    assert.equal(boxes.get('subnet-public-use1')!.depth, 3);
    assert.deepEqual(graph.counts, { components: 15, boundaries: 10, connections: 16 });
  });

  it('keeps external services and users outside the authorization boundary', () => {
    const graph = architectureGraph(acme());
    const inside = new Set<string>();
    const visit = (items: readonly DiagramItem[]): void => {
      for (const item of items) {
        inside.add(item.id);
        if (item.kind === 'boundary') visit(item.children);
      }
    };
    visit((graph.roots.find((r) => r.id === 'agc-boundary') as DiagramBoundary).children);
    for (const id of ['okta', 'github', 'agency-users', 'partner-system', 'acme-staff']) assert.ok(!inside.has(id), `${id} is drawn inside the boundary`);
    assert.deepEqual(boxesOf(graph.roots).get('external')!.children, ['agency-users', 'github', 'okta', 'partner-system']);
    // A component naming no boundary is drawn outside every box.
    const loose = architectureGraph({ ...acme(), components: [...acme().components, { id: 'vendor', name: 'Vendor portal', type: 'saas' }] });
    assert.ok(loose.roots.some((r) => r.id === 'vendor' && r.kind === 'component'));
  });

  it('labels each edge with its protocol, port and data, and says when it is not encrypted', () => {
    const graph = architectureGraph(acme());
    const keyOf = new Map<string, string>();
    const visit = (items: readonly DiagramItem[]): void => {
      for (const item of items) {
        if (item.kind === 'component') keyOf.set(item.id, item.key);
        else visit(item.children);
      }
    };
    visit(graph.roots);
    const edge = (from: string, to: string) => graph.edges.find((e) => e.from === keyOf.get(from) && e.to === keyOf.get(to))!;
    assert.deepEqual(edge('eks', 'rds').labelLines, ['PostgreSQL over TLS', ':5432 \u00b7 CUI']);
    assert.equal(edge('eks', 'rds').flow, 'cui');
    assert.equal(edge('eks', 'rds').encrypted, true);
    assert.deepEqual(edge('partner-alb', 'eks').labelLines, ['HTTPS', ':8443 \u00b7 FCI']);
    assert.equal(edge('partner-alb', 'eks').flow, 'fci');
    assert.deepEqual(edge('cloudtrail', 'guardduty').labelLines, ['AWS service integration', 'TELEMETRY']);
    assert.equal(edge('eks', 'kms').flow, 'other');
    const plain = architectureGraph({
      ...acme(),
      connections: [
        { from: 'eks', to: 'rds', protocol: 'PostgreSQL', port: 5432, encrypted: false, data: ['cdi'] },
        { from: 'eks', to: 'kms' },
      ],
    });
    const [toKms, toRds] = plain.edges;
    assert.deepEqual(toRds!.labelLines, ['PostgreSQL', ':5432 \u00b7 CDI \u00b7 NOT ENCRYPTED']);
    assert.equal(toRds!.flow, 'cui');
    assert.equal(toRds!.encrypted, false);
    assert.deepEqual(toKms!.labelLines, ['protocol not stated']);
    assert.equal(toKms!.encrypted, undefined);
  });

  it('refuses boundaries that enclose each other, naming the cycle', () => {
    const inventory: Inventory = {
      boundaries: [
        { id: 'a', name: 'A', parent: 'b' },
        { id: 'b', name: 'B', parent: 'a' },
      ],
      components: [{ id: 'x', name: 'X', type: 'compute', boundary: 'a' }],
      connections: [],
    };
    assert.throws(
      () => architectureGraph(inventory),
      (e: unknown) => isInfracastError(e) && e.code === 'INVENTORY_INVALID' && /a -> b -> a/.test(e.message),
    );
  });
});

describe('architecture diagram: the SVG', () => {
  it('is byte-identical for the same inventory, whatever the order of its YAML', async () => {
    const first = await architectureSvg(acme());
    assert.equal(await architectureSvg(acme()), first);
    const body = acmeBody();
    const reversed = {
      ...body,
      boundaries: [...(body.boundaries as unknown[])].reverse(),
      components: [...(body.components as unknown[])].reverse(),
      connections: [...(body.connections as unknown[])].reverse(),
    };
    assert.equal(await architectureSvg(mergeInventories([{ file: 'x.yaml', body: reversed }]).inventory!), first);
    // Numbers with one decimal at most, never an exponent or -0.
    for (const value of first.matchAll(/ (?:x|y|width|height)="([^"]*)"/g)) assert.match(value[1]!, /^-?\d+(\.\d)?$/);
    assert.equal(num(-0.04), '0');
    assert.equal(num(1e-7), '0');
    assert.equal(num(12.345), '12.3');
  });

  it('draws a legend, the boxes, the edges and their labels', async () => {
    const svg = await architectureSvg(acme());
    assert.ok(XMLValidator.validate(svg) === true);
    for (const text of [
      'Authorization boundary',
      'CUI (or CDI) flows',
      'FCI flows (no CUI)',
      'Dashed: not encrypted',
      'Dotted: encryption not stated',
      'PostgreSQL over TLS',
    ]) {
      assert.ok(svg.includes(`>${text}`), `the SVG shows ${text}`);
    }
    assert.ok(
      svg.includes('>Amazon Aurora PostgreSQL</text>') || svg.includes('>Amazon Aurora PostgreSQL agc-core and</text>'),
      'the component names are drawn',
    );
    assert.equal(
      [...svg.matchAll(/marker-end="url\(#infracast-architecture-arrow-(cui|fci|other)\)"/g)].length,
      16 + 6,
      'one arrow per connection and per legend line',
    );
  });

  it('labels edges of one label from one component once, and into one component once from three on', async () => {
    const labels = (svg: string): number => [...svg.matchAll(/fill-opacity="0.92"/g)].length;
    const component = (id: string) => ({ id, name: id, type: 'compute' });
    const https = (from: string, to: string) => ({ from, to, protocol: 'HTTPS', port: 443, encrypted: true, data: ['cui'] });
    const fanOut: Inventory = {
      boundaries: [],
      components: ['u', 'a', 'b', 'c'].map(component),
      connections: [https('u', 'a'), https('u', 'b'), https('u', 'c')],
    };
    assert.equal(labels(await architectureSvg(fanOut)), 1);
    const fanIn: Inventory = { ...fanOut, connections: [https('a', 'u'), https('b', 'u'), https('c', 'u')] };
    assert.equal(labels(await architectureSvg(fanIn)), 1);
    const two: Inventory = { ...fanOut, connections: [https('a', 'u'), https('b', 'u'), { ...https('c', 'u'), port: 8443 }] };
    assert.equal(labels(await architectureSvg(two)), 3, 'two edges into one component keep a label each');
  });

  it('renders hostile names inert: escaped text, no reference but its own markers, nothing for the sanitiser to remove', async () => {
    const hostile = `<script>alert(1)</script> & "quoted" 'single' ]]> <a href="https://evil.example/x">x</a> \u0000\u0007\u001b[31m \u202e javascript:alert(1) url(https://evil.example/f)`;
    const inventory: Inventory = {
      name: hostile,
      boundaries: [
        { id: '<b id="x">', name: hostile, type: 'authorization-boundary' },
        { id: 'ext"', name: hostile, type: 'external' },
      ],
      components: [
        { id: 'app', name: hostile, type: 'compute', boundary: '<b id="x">', description: hostile },
        { id: 'evil', name: hostile, type: 'external', boundary: 'ext"', handles: ['cui'] },
      ],
      connections: [{ from: 'evil', to: 'app', protocol: hostile, port: 443, data: ['cui'], description: hostile }],
    };
    const svg = await architectureSvg(inventory, { title: hostile, banner: hostile, idPrefix: 'p-' });
    assert.ok(XMLValidator.validate(svg) === true, 'well-formed XML');
    assert.ok(!/<script|<a[\s>]|<foreignObject|<image|<use|on\w+=/i.test(svg));
    assert.ok(!/<[^>]*\bhref=/.test(svg), 'no href attribute at all');
    assert.deepEqual([...new Set([...svg.matchAll(/<[^>]*?="[^"]*url\(([^)]*)\)/g)].map((m) => m[1]))].sort(), [
      '#p-arrow-cui',
      '#p-arrow-fci',
      '#p-arrow-other',
    ]);
    assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39; ]]&gt;'));
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot hold
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(svg), 'characters XML cannot hold are dropped');
    // No inventory id becomes an attribute: ids are the SVG's own.
    assert.deepEqual([...svg.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]).sort(), ['p-arrow-cui', 'p-arrow-fci', 'p-arrow-other', 'p-title']);
    const sanitised = sanitiseSvg(svg);
    assert.ok('svg' in sanitised && sanitised.removed.length === 0, `the sanitiser finds nothing to remove: ${JSON.stringify(sanitised)}`);
    assert.equal(escapeXml('a\u0000b\ud800c'), 'abc');
  });
});

describe('architecture diagram: the workspace inventory', () => {
  const workspace = (records: { file: string; value: Record<string, unknown> }[]): LoadedWorkspace =>
    ({
      root: '/ws',
      records: records.map((r) => ({ kind: 'Inventory', value: r.value, source: { file: `/ws/${r.file}`, index: 0, count: 1 } })),
    }) as unknown as LoadedWorkspace;
  const definition = { type: 'architecture-diagram', source: { file: '/ws/reports/architecture-diagram.yaml', index: 0, count: 1 } } as OutputDefinition;

  it('a workspace without one: an error naming the definition and what to add', () => {
    assert.throws(
      () => requireInventory(workspace([]), definition),
      (e: unknown) =>
        isInfracastError(e) &&
        e.code === 'INVENTORY_MISSING' &&
        e.message.startsWith('reports/architecture-diagram.yaml: a architecture-diagram is drawn from') &&
        e.hints.some((h) => h.includes('inventory/<name>.yaml') && h.includes('kind: Inventory')),
    );
  });

  it('several inventory files make one graph, in path order; an id declared in two is refused', () => {
    const a = { kind: 'Inventory', name: 'A', components: [{ id: 'x', name: 'X', type: 'compute' }] };
    const b = { kind: 'Inventory', name: 'B', components: [{ id: 'y', name: 'Y', type: 'compute' }] };
    const merged = workspaceInventory(
      workspace([
        { file: 'inventory/b.yaml', value: b },
        { file: 'inventory/a.yaml', value: a },
      ]),
    )!;
    assert.equal(merged.name, 'A');
    assert.deepEqual(
      merged.components.map((c) => c.id),
      ['x', 'y'],
    );
    assert.throws(
      () =>
        workspaceInventory(
          workspace([
            { file: 'inventory/a.yaml', value: a },
            { file: 'inventory/c.yaml', value: a },
          ]),
        ),
      (e: unknown) =>
        isInfracastError(e) && e.code === 'INVENTORY_INVALID' && e.message === "inventory/c.yaml: component id 'x' is also declared in inventory/a.yaml",
    );
  });
});
