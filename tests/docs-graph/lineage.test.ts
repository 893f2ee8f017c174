/**
 * The lineage graph as data: a DAG whose edges are exactly the manifest's `derived_from`
 * relation, for the example specs and for random ones; and the part around one node.
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type VaultModel } from '@vault/core';
import { buildManifest, emitDocs, findLineageNode, lineageDot, lineageGraph, lineageJson, lineageMermaid, selectLineage, type LineageGraph, type Manifest } from '@vault/emitters';
import { specArb } from '../arbitraries/spec.js';
import { EXAMPLE_SPECS, modelOf } from './helpers.js';

/** `from -> to` for every (entity, derived_from element) of the manifest. */
function manifestRelation(manifest: Manifest): string[] {
  const out: string[] = [];
  for (const layer of [manifest.raw_vault, manifest.business_vault, manifest.access_layer]) {
    for (const [plural, entities] of Object.entries(layer)) {
      const prefix = layer === manifest.raw_vault ? 'raw_vault' : layer === manifest.business_vault ? 'business_vault' : 'access_layer';
      for (const e of entities) for (const from of e.derived_from) out.push(`${from} -> ${prefix}.${plural}.${e.name}`);
    }
  }
  return out.sort();
}

/** Kahn's algorithm: every node can be ordered so that edges point forwards. */
function isDag(graph: { nodes: ReadonlyArray<{ id: string }>; edges: ReadonlyArray<{ from: string; to: string }> }): boolean {
  const indegree = new Map(graph.nodes.map((n) => [n.id, 0]));
  for (const e of graph.edges) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const ready = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
  let ordered = 0;
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    ordered++;
    for (const e of graph.edges.filter((x) => x.from === id)) {
      const d = indegree.get(e.to)! - 1;
      indegree.set(e.to, d);
      if (d === 0) ready.push(e.to);
    }
  }
  return ordered === graph.nodes.length;
}

function expectAgreesWithManifest(model: VaultModel): void {
  const graph = lineageGraph(model);
  // What tools read: the JSON printer's output.
  const json = JSON.parse(lineageJson(graph)) as { nodes: Array<{ id: string }>; edges: Array<{ from: string; to: string }> };
  const ids = new Set(json.nodes.map((n) => n.id));
  expect(ids.size).toBe(json.nodes.length);
  for (const e of json.edges) {
    expect(ids.has(e.from), e.from).toBe(true);
    expect(ids.has(e.to), e.to).toBe(true);
  }
  expect(isDag(json)).toBe(true);
  const manifest = buildManifest(model, { specPath: 'spec.yaml', files: [] });
  expect(json.edges.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(manifestRelation(manifest));
  // Every entity of the manifest and every source table is a node.
  const entities = manifestRelation(manifest).map((r) => r.split(' -> ')[1]!);
  for (const id of entities) expect(ids.has(id)).toBe(true);
  for (const t of model.sources) expect(ids.has(`source.tables.${t.name}`)).toBe(true);
}

describe.each(EXAMPLE_SPECS)('lineage of %s', (spec) => {
  const model = modelOf(spec);

  it('is a DAG whose edges are the manifest derived_from relation', () => {
    expectAgreesWithManifest(model);
  });

  it('lists nodes layer by layer, upstream first', () => {
    const layers = lineageGraph(model).nodes.map((n) => n.layer);
    const order = ['source', 'raw_vault', 'business_vault', 'access_layer'];
    expect(layers.map((l) => order.indexOf(l))).toEqual([...layers.map((l) => order.indexOf(l))].sort((a, b) => a - b));
  });
});

describe('lineage of random specs', () => {
  test.prop([specArb], { numRuns: 40 })('is a DAG whose edges are the manifest derived_from relation', (spec) => {
    const { model } = compileSpec(spec);
    expectAgreesWithManifest(model!);
  });

  test.prop([specArb], { numRuns: 15 })('docs and every printer give the same bytes twice', (spec) => {
    const model = compileSpec(spec).model!;
    expect(emitDocs(model, { specPath: 'spec.yaml' })).toStrictEqual(emitDocs(compileSpec(spec).model!, { specPath: 'spec.yaml' }));
    const g = lineageGraph(model);
    for (const print of [lineageDot, lineageMermaid, lineageJson]) expect(print(g)).toBe(print(lineageGraph(compileSpec(spec).model!)));
  });
});

describe('the part of the graph around the snapshot control (lgd)', () => {
  const graph = lineageGraph(modelOf('specs/lgd.yaml'));
  const down = selectLineage(graph, 'business_vault.snapshot_controls.lgd', 'downstream');
  const ids = down.nodes.map((n) => n.id);

  it('downstream: every table filled for its dates, the bridge as the point-in-time tables', () => {
    expect(ids).toContain('business_vault.pits.facility');
    expect(ids).toContain('business_vault.bridges.partner_collateral');
    expect(down.edges).toContainEqual({ from: 'business_vault.snapshot_controls.lgd', to: 'business_vault.bridges.partner_collateral' });
  });

  it('downstream: every presentation and reporting view, whose as-of view reads its kept dates', () => {
    expect(down.edges).toContainEqual({ from: 'business_vault.snapshot_controls.lgd', to: 'access_layer.reporting_views.high_lgd_facilities' });
    expect(down.edges).toContainEqual({ from: 'business_vault.snapshot_controls.lgd', to: 'access_layer.presentation_views.facility' });
    // A dimensional model has no as-of view: the snapshot dates do not reach it.
    expect(ids).not.toContain('access_layer.dimensional_models.loss_given_default_star');
  });
});

describe('the part of the graph around one node (ews)', () => {
  const graph = lineageGraph(modelOf('specs/ews.yaml'));
  const ids = (g: LineageGraph): string[] => g.nodes.map((n) => n.id);

  it('downstream of a source table: everything loaded from it, and nothing else', () => {
    const down = selectLineage(graph, 'source.tables.early_warning_signal_input', 'downstream');
    expect(ids(down)).toContain('raw_vault.satellites.early_warning_signal_input');
    expect(ids(down)).toContain('access_layer.presentation_views.early_warning_signal_input');
    expect(ids(down)).not.toContain('source.tables.early_warning_signal');
    expect(ids(down)).not.toContain('access_layer.reporting_views.high_risk_signals');
    for (const e of down.edges) expect(ids(down)).toContain(e.from);
    expect(isDag(down)).toBe(true);
  });

  it('upstream of a reporting view: the entities and tables it is built from', () => {
    const up = selectLineage(graph, 'access_layer.reporting_views.high_risk_signals', 'upstream');
    expect(ids(up)).toEqual([
      'source.tables.early_warning_signal',
      'raw_vault.hubs.early_warning_signal',
      'raw_vault.satellites.early_warning_signal',
      // ews has snapshots: the view's as-of view reads the kept snapshot dates.
      'business_vault.snapshot_controls.ews',
      'business_vault.hubs.early_warning_signal',
      'business_vault.satellites.early_warning_signal',
      'access_layer.reporting_views.high_risk_signals',
    ]);
    expect(up.edges).toContainEqual({ from: 'business_vault.satellites.early_warning_signal', to: 'access_layer.reporting_views.high_risk_signals' });
  });

  it('both directions by default, without edges that bypass the node', () => {
    const focus = 'raw_vault.hubs.early_warning_signal';
    const both = selectLineage(graph, focus, 'both');
    expect(ids(both)).toContain('source.tables.early_warning_signal');
    expect(ids(both)).toContain('access_layer.dimensional_models.early_warning_signal_star');
    // source → raw satellite → business satellite does not pass through the hub.
    expect(ids(both)).not.toContain('raw_vault.satellites.early_warning_signal');
    for (const e of both.edges) expect(e.from === focus || e.to === focus || ids(both).includes(e.from)).toBe(true);
  });

  it('finds nodes by full id, by a unique tail, and says when a name is ambiguous or unknown', () => {
    expect(findLineageNode(graph, 'raw_vault.hubs.business_partner')).toMatchObject({ kind: 'found', node: { id: 'raw_vault.hubs.business_partner' } });
    expect(findLineageNode(graph, 'high_risk_signals')).toMatchObject({ kind: 'found', node: { id: 'access_layer.reporting_views.high_risk_signals' } });
    const ambiguous = findLineageNode(graph, 'hubs.business_partner');
    expect(ambiguous.kind === 'ambiguous' && ambiguous.candidates.map((n) => n.id)).toEqual(['raw_vault.hubs.business_partner', 'business_vault.hubs.business_partner']);
    const unknown = findLineageNode(graph, 'high_risk_signal');
    expect(unknown.kind === 'unknown' && unknown.suggestions.map((n) => n.id)).toEqual(['access_layer.reporting_views.high_risk_signals']);
    const nothing = findLineageNode(graph, 'zzz');
    expect(nothing).toEqual({ kind: 'unknown', suggestions: [] });
  });

  it('accepts every spelling vault prints: kind-, layer- and layer-and-kind-qualified names, source tables alike', () => {
    const found = (name: string): string | undefined => {
      const r = findLineageNode(graph, name);
      return r.kind === 'found' ? r.node.id : undefined;
    };
    expect(found('hub.business_partner')).toBe('raw_vault.hubs.business_partner');
    expect(found('business_hub.business_partner')).toBe('business_vault.hubs.business_partner');
    expect(found('raw_vault.business_partner')).toBe('raw_vault.hubs.business_partner');
    expect(found('raw_vault.hub.business_partner')).toBe('raw_vault.hubs.business_partner');
    expect(found('business_vault.business_hub.business_partner')).toBe('business_vault.hubs.business_partner');
    expect(found('source.early_warning_signal')).toBe('source.tables.early_warning_signal');
    expect(found('tables.early_warning_signal')).toBe('source.tables.early_warning_signal');
    expect(found('source_table.early_warning_signal')).toBe('source.tables.early_warning_signal');
    expect(found('reporting_view.high_risk_signals')).toBe('access_layer.reporting_views.high_risk_signals');
    const both = findLineageNode(graph, 'raw_vault.early_warning_signal');
    expect(both.kind === 'ambiguous' && both.candidates.map((n) => n.id)).toEqual(['raw_vault.hubs.early_warning_signal', 'raw_vault.satellites.early_warning_signal']);
    const near = findLineageNode(graph, 'hub.busines_partner');
    expect(near.kind === 'unknown' && near.suggestions.map((n) => n.id)).toEqual(['raw_vault.hubs.business_partner']);
  });
});
