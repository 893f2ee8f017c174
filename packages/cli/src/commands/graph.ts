import { hasErrors } from '@vault/core';
import { loadSpecFile } from '@vault/dsl';
import {
  findLineageNode, lineageDot, lineageGraph, lineageJson, lineageMermaid, selectLineage, type LineageDirection, type LineageGraph,
} from '@vault/emitters';
import { EXIT, UsageError } from '../exit.js';
import { analyze } from '../load.js';
import { printDiagnostics, type Output } from '../output.js';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphOptions {
  readonly format: GraphFormat;
  readonly entity?: string;
  readonly upstream: boolean;
  readonly downstream: boolean;
}

/**
 * `vault graph SPEC [--format mermaid|dot|json] [--entity NAME] [--upstream|--downstream]`:
 * the lineage graph, or the part of it around one entity or source table.
 */
export function graphCommand(file: string, opts: GraphOptions, o: Output): number {
  if (opts.entity === undefined && (opts.upstream || opts.downstream)) throw new UsageError('--upstream and --downstream need --entity NAME');
  const a = analyze(loadSpecFile(file));
  printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics) || a.model === undefined) return EXIT.failed;
  const graph = lineageGraph(a.model);
  if (opts.entity === undefined) {
    o.out(print(graph, opts.format).trimEnd());
    return EXIT.ok;
  }
  const found = findLineageNode(graph, opts.entity);
  if (found.kind === 'unknown') {
    const near = found.suggestions.map((n) => n.id);
    o.err(`vault: model '${graph.model}' has no entity or source table named '${opts.entity}'${near.length > 0 ? `; did you mean ${near.join(', ')}?` : ''}`);
    return EXIT.failed;
  }
  if (found.kind === 'ambiguous') {
    o.err(`vault: '${opts.entity}' names ${found.candidates.length} nodes of model '${graph.model}'; give one of: ${found.candidates.map((n) => n.id).join(', ')}`);
    return EXIT.failed;
  }
  // Neither flag or both: the whole neighbourhood.
  const direction: LineageDirection = opts.upstream === opts.downstream ? 'both' : opts.upstream ? 'upstream' : 'downstream';
  o.out(print(selectLineage(graph, found.node.id, direction), opts.format, found.node.id).trimEnd());
  return EXIT.ok;
}

const PRINTERS = {
  mermaid: lineageMermaid,
  dot: lineageDot,
  json: lineageJson,
} as const satisfies Record<GraphFormat, (graph: LineageGraph, options: { readonly focus?: string }) => string>;

function print(graph: LineageGraph, format: GraphFormat, focus?: string): string {
  return PRINTERS[format](graph, focus === undefined ? {} : { focus });
}
