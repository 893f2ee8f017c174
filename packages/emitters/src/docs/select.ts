/**
 * The part of a lineage graph around one node: what feeds it (upstream), what it feeds
 * (downstream), or both. This is the question "what does a change of this source touch?".
 */
import { KINDS, editDistance } from '@vault/core/internal';
import type { LineageEdge, LineageGraph, LineageNode } from './lineage.js';

export type LineageDirection = 'upstream' | 'downstream' | 'both';

/** How a name given by a user resolves to nodes of the graph. */
export type NodeLookup =
  | { readonly kind: 'found'; readonly node: LineageNode }
  | { readonly kind: 'ambiguous'; readonly candidates: ReadonlyArray<LineageNode> }
  | { readonly kind: 'unknown'; readonly suggestions: ReadonlyArray<LineageNode> };

/**
 * Every spelling that names `node`: its id (`raw_vault.hubs.customer`), the id with the kind
 * instead of its plural (`raw_vault.hub.customer`), layer and name (`raw_vault.customer`, as
 * `vault explain` and the IR's `derivedFrom` say it), plural kind and name (`hubs.customer`), kind
 * and name (`hub.customer`, `business_hub.customer`), and the bare name. Source tables alike:
 * `source.tables.t`, `source.source_table.t`, `source.t`, `tables.t`, `source_table.t`, `t`.
 */
export function nodeSpellings(node: LineageNode): ReadonlyArray<string> {
  const plural = node.kind === 'source_table' ? 'tables' : KINDS[node.kind].plural;
  return [node.id, `${node.layer}.${node.kind}.${node.name}`, `${node.layer}.${node.name}`, `${plural}.${node.name}`, `${node.kind}.${node.name}`, node.name];
}

/**
 * Finds a node by any of its spellings (`nodeSpellings`): the one resolver of `vault graph
 * --entity` and `vault explain`, so a name one accepts the other accepts too. A bare name is
 * often ambiguous (a table, its hub and its satellite share it); the candidates then say which
 * ids to use. An unknown name comes with the nodes whose spellings are close to it.
 * @example findLineageNode(graph, 'hubs.business_partner') // ambiguous: raw_vault and business_vault
 * @example findLineageNode(graph, 'hub.business_partner')  // found: raw_vault.hubs.business_partner
 */
export function findLineageNode(graph: LineageGraph, query: string): NodeLookup {
  const exact = graph.nodes.find((n) => n.id === query);
  if (exact !== undefined) return { kind: 'found', node: exact };
  const named = graph.nodes.filter((n) => nodeSpellings(n).includes(query));
  const [only] = named;
  if (named.length === 1 && only !== undefined) return { kind: 'found', node: only };
  if (named.length > 1) return { kind: 'ambiguous', candidates: named };
  return { kind: 'unknown', suggestions: closeNodes(graph, query) };
}

/**
 * The nodes closest to `query` (at most five, in graph order): the query is compared with each
 * spelling of a node that has as many dot-separated parts (`hub.custmer` with `hub.customer`),
 * allowing one edit per three characters; a spelling that starts the query, or that the query
 * starts, counts as one edit.
 */
function closeNodes(graph: LineageGraph, query: string): ReadonlyArray<LineageNode> {
  const q = query.toLowerCase();
  const parts = q.split('.').length;
  const limit = Math.max(1, Math.floor(q.length / 3));
  const scored = graph.nodes.map((node) => {
    const spellings = nodeSpellings(node)
      .map((x) => x.toLowerCase())
      .filter((x) => x.split('.').length === parts);
    const d = Math.min(Infinity, ...spellings.map((x) => (x.startsWith(q) || q.startsWith(x) ? 1 : editDistance(q, x))));
    return { node, d };
  });
  const best = Math.min(limit + 1, ...scored.map((x) => x.d));
  return scored
    .filter((x) => x.d === best)
    .slice(0, 5)
    .map((x) => x.node);
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
