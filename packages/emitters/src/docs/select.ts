/**
 * The part of a lineage graph around one node: what feeds it (upstream), what it feeds
 * (downstream), or both. This is the question "what does a change of this source touch?".
 */
import { editDistance } from '@vault/core/internal';
import type { LineageEdge, LineageGraph, LineageNode } from './lineage.js';

export type LineageDirection = 'upstream' | 'downstream' | 'both';

/** How a name given by a user resolves to nodes of the graph. */
export type NodeLookup =
  | { readonly kind: 'found'; readonly node: LineageNode }
  | { readonly kind: 'ambiguous'; readonly candidates: ReadonlyArray<LineageNode> }
  | { readonly kind: 'unknown'; readonly suggestions: ReadonlyArray<LineageNode> };

/**
 * Finds a node by its full id (`raw_vault.hubs.customer`), or by a dot-separated tail of it:
 * the bare name (`customer`) or kind and name (`hubs.customer`). A bare name is often
 * ambiguous (a table, its hub and its satellite share it); the candidates then say which ids
 * to use. An unknown name comes with the nodes whose names are close to it.
 * @example findLineageNode(graph, 'hubs.business_partner') // ambiguous: raw_vault and business_vault
 */
export function findLineageNode(graph: LineageGraph, query: string): NodeLookup {
  const exact = graph.nodes.find((n) => n.id === query);
  if (exact !== undefined) return { kind: 'found', node: exact };
  const tail = graph.nodes.filter((n) => n.id.endsWith(`.${query}`));
  const [only] = tail;
  if (tail.length === 1 && only !== undefined) return { kind: 'found', node: only };
  if (tail.length > 1) return { kind: 'ambiguous', candidates: tail };
  return { kind: 'unknown', suggestions: closeNodes(graph, query) };
}

/**
 * The nodes closest to `query` (at most five, in graph order): the query is compared with as
 * many trailing parts of each id as it has (`hubs.custmer` with `hubs.customer`), allowing one
 * edit per three characters; a part that starts the other counts as one edit.
 */
function closeNodes(graph: LineageGraph, query: string): ReadonlyArray<LineageNode> {
  const q = query.toLowerCase();
  const parts = q.split('.').length;
  const limit = Math.max(1, Math.floor(q.length / 3));
  const scored = graph.nodes.map((node) => {
    const tail = node.id.toLowerCase().split('.').slice(-parts).join('.');
    return { node, d: tail.startsWith(q) || q.startsWith(tail) ? 1 : editDistance(q, tail) };
  });
  const best = Math.min(limit + 1, ...scored.map((x) => x.d));
  return scored.filter((x) => x.d === best).slice(0, 5).map((x) => x.node);
}

/**
 * The sub-graph of the nodes upstream and/or downstream of `focus` (which is kept), with the
 * edges walked to reach them. An edge from an ancestor straight to a descendant does not pass
 * through `focus` and is left out. Nodes and edges keep the graph's order.
 * @example selectLineage(graph, 'source.tables.customer', 'downstream') // everything loaded from customer
 */
export function selectLineage(graph: LineageGraph, focus: string, direction: LineageDirection): LineageGraph {
  const up = direction === 'downstream' ? new Set<string>() : reach(graph.edges, focus, 'to', 'from');
  const down = direction === 'upstream' ? new Set<string>() : reach(graph.edges, focus, 'from', 'to');
  const upOrFocus = (id: string): boolean => id === focus || up.has(id);
  const downOrFocus = (id: string): boolean => id === focus || down.has(id);
  return {
    model: graph.model,
    nodes: graph.nodes.filter((n) => n.id === focus || up.has(n.id) || down.has(n.id)),
    edges: graph.edges.filter((e) => (up.has(e.from) && upOrFocus(e.to)) || (downOrFocus(e.from) && down.has(e.to))),
  };
}

/** Every node reached from `start` by following edges from their `along` end to their `to` end. */
function reach(edges: ReadonlyArray<LineageEdge>, start: string, along: 'from' | 'to', next: 'from' | 'to'): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e[along]);
    if (list === undefined) out.set(e[along], [e[next]]);
    else list.push(e[next]);
  }
  const seen = new Set<string>();
  const stack = [start];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    for (const n of out.get(id) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return seen;
}
