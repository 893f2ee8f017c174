/**
 * The lineage graph of a model: source tables and every entity as nodes, an edge from each
 * thing an entity is built from to the entity. Node ids are the manifest's qualified names
 * (`source.tables.customer`, `raw_vault.hubs.customer`), so the graph and `derived_from` in
 * manifest.json say the same thing in the same words.
 */
import {
  ENTITY_KINDS,
  allEntities,
  byCodeUnit,
  dispatch,
  qualifiedName,
  type EntityKind,
  type KindHandlers,
  type EntityRef,
  type Layer,
  type VaultEntity,
  type VaultModel,
} from '@vault/core/internal';

/** What a node is: an entity kind, or a landing table. */
export type LineageKind = EntityKind | 'source_table';

export interface LineageNode {
  /** The qualified name, e.g. `raw_vault.hubs.business_partner`. */
  readonly id: string;
  readonly layer: Layer;
  readonly kind: LineageKind;
  readonly name: string;
}

/** Data flows `from` → `to`: `to` is built from `from`. */
export interface LineageEdge {
  readonly from: string;
  readonly to: string;
}

export interface LineageGraph {
  readonly model: string;
  /** Layer by layer (source tables first), then kind, then name. */
  readonly nodes: ReadonlyArray<LineageNode>;
  /** Grouped by target in node order; a target's edges in the compiler's order (main source first). */
  readonly edges: ReadonlyArray<LineageEdge>;
}

/** Drawing order of the kinds, upstream to downstream. */
export const LINEAGE_KINDS: ReadonlyArray<LineageKind> = ['source_table', ...ENTITY_KINDS];

/** The layers, upstream to downstream. */
export const LINEAGE_LAYERS = ['source', 'raw_vault', 'business_vault', 'access_layer'] as const satisfies ReadonlyArray<Layer>;

/**
 * The lineage graph of a compiled model. Pure: the same model gives the same graph.
 * @example
 * const g = lineageGraph(model);
 * g.edges.filter((e) => e.to === 'raw_vault.hubs.business_partner');
 * // [{ from: 'source.tables.early_warning_signal', to: 'raw_vault.hubs.business_partner' }, ...]
 */
export function lineageGraph(model: VaultModel): LineageGraph {
  const entities = allEntities(model).map(({ layer, entity }) => ({ node: nodeOf(layer, entity.kind, entity.name), entity }));
  const sources = model.sources.map((t) => ({ node: nodeOf('source', 'source_table', t.name), entity: undefined }));
  const rank = (n: LineageNode): number => LINEAGE_KINDS.indexOf(n.kind);
  const all = [...sources, ...entities].sort((a, b) => rank(a.node) - rank(b.node) || byCodeUnit(a.node.name, b.node.name));
  const ids = new Set(all.map((x) => x.node.id));
  const edges: LineageEdge[] = [];
  for (const { node, entity } of all) {
    if (entity === undefined) continue;
    for (const from of upstreamIds(entity)) {
      // derivedFrom always names something the model has: a dangling one is a compiler bug.
      if (!ids.has(from)) throw new Error(`vault: ${node.id} is derived from ${from}, which the model does not have`);
      edges.push({ from, to: node.id });
    }
  }
  return { model: model.name, nodes: all.map((x) => x.node), edges };
}

function nodeOf(layer: Layer, kind: LineageKind, name: string): LineageNode {
  return { id: qualifiedName({ kind, name }), layer, kind, name };
}

const noTables = (): ReadonlyArray<string> => [];

/** The source tables each kind reads, besides what its `derivedFrom` names. */
const SOURCE_TABLES: KindHandlers<ReadonlyArray<string>> = {
  hub: (h) => h.sources.map((s) => s.table),
  link: (l) => l.sources.map((s) => s.table),
  non_historized_link: (l) => l.sources.map((s) => s.table),
  satellite: (s) => [s.source.table],
  link_satellite: (s) => [s.source.table],
  effectivity_satellite: (e) => [e.source.table],
  multi_active_satellite: (s) => [s.source.table],
  status_tracking_satellite: (s) => [s.source.table],
  reference_table: (r) => [r.source.table],
  snapshot_control: noTables,
  pit: noTables,
  business_hub: noTables,
  business_link: noTables,
  business_satellite: noTables,
  business_link_satellite: noTables,
  presentation_view: noTables,
  dimensional_model: noTables,
  reporting_view: noTables,
};

/**
 * What an entity is built from: its `derivedFrom`, then any source table of a raw entity that
 * `derivedFrom` does not name already; each once, in that order.
 */
function upstreamIds(entity: VaultEntity): ReadonlyArray<string> {
  const tables = dispatch(entity, SOURCE_TABLES);
  const refs: ReadonlyArray<Pick<EntityRef, 'kind' | 'name'>> = [...entity.derivedFrom, ...tables.map((name) => ({ kind: 'source_table' as const, name }))];
  return [...new Set(refs.map(qualifiedName))];
}
