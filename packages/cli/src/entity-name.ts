import { findLineageNode, type LineageGraph, type LineageNode } from '@vault/emitters';

/** A name given on the command line, resolved to one node of the lineage graph, or why not. */
export type EntityName =
  | { readonly kind: 'found'; readonly node: LineageNode }
  | { readonly kind: 'unknown'; readonly error: string; readonly suggestions: ReadonlyArray<string> }
  | { readonly kind: 'ambiguous'; readonly error: string; readonly candidates: ReadonlyArray<string> };

/**
 * The one resolver of `vault explain SPEC NAME` and `vault graph SPEC --entity NAME`, so both take
 * the same names (an id such as `raw_vault.hubs.customer`, `hub.customer`, `raw_vault.customer`,
 * `hubs.customer`, `customer`, source tables alike) and say the same when a name fits none or
 * several.
 */
export function resolveEntityName(graph: LineageGraph, name: string): EntityName {
  const found = findLineageNode(graph, name);
  if (found.kind === 'found') return found;
  if (found.kind === 'unknown') {
    const suggestions = found.suggestions.map((n) => n.id);
    return { kind: 'unknown', suggestions, error: `model '${graph.model}' has no entity or source table named '${name}'${suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''}` };
  }
  const candidates = found.candidates.map((n) => n.id);
  return { kind: 'ambiguous', candidates, error: `'${name}' names ${candidates.length} entities or source tables of model '${graph.model}'; give one of: ${candidates.join(', ')}` };
}

/** What `--json` adds to the failure document for a name that fits no node or several. */
export function nameFailureFields(found: Exclude<EntityName, { kind: 'found' }>): Readonly<Record<string, unknown>> {
  return found.kind === 'unknown' ? { suggestions: found.suggestions } : { candidates: found.candidates };
}
