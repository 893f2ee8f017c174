/**
 * The lineage graph as JSON, for tools: the nodes with their layer and kind, the edges as
 * `{ from, to }` pairs of node ids (the manifest's qualified names).
 */
import type { LineageGraph } from './lineage.js';

export interface LineageJsonOptions {
  /** The node `vault graph --entity` asked about; printed as `focus` when given. */
  readonly focus?: string;
}

/**
 * Two-space JSON with a final newline; keys always in the same order.
 * @example JSON.parse(lineageJson(graph)).edges[0] // { from: 'source.tables.customer', to: 'raw_vault.hubs.customer' }
 */
export function lineageJson(graph: LineageGraph, options: LineageJsonOptions = {}): string {
  return `${JSON.stringify(lineageJsonValue(graph, options), null, 2)}\n`;
}

/** What `lineageJson` prints, as a value to embed in a larger document. */
export function lineageJsonValue(graph: LineageGraph, options: LineageJsonOptions = {}): { readonly model: string; readonly focus?: string; readonly nodes: unknown[]; readonly edges: unknown[] } {
  return {
    model: graph.model,
    ...(options.focus !== undefined ? { focus: options.focus } : {}),
    nodes: graph.nodes.map((n) => ({ id: n.id, layer: n.layer, kind: n.kind, name: n.name })),
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to })),
  };
}
