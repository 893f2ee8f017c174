import { hasErrors, type Diagnostic } from '@vault/core';
import { loadSpecFile } from '@vault/dsl';
import { lineageDot, lineageGraph, lineageJsonValue, lineageMermaid, selectLineage, type LineageDirection, type LineageGraph } from '@vault/emitters/internal';
import { nameFailureFields, resolveEntityName } from '../entity-name.js';
import { EXIT, UsageError } from '../exit.js';
import { analyze } from '../load.js';
import { failureJson, printDiagnostics, printJson, sortedDiagnosticsJson, type Output } from '../output.js';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphOptions {
  readonly format: GraphFormat;
  readonly entity?: string;
  readonly upstream: boolean;
  readonly downstream: boolean;
}

/**
 * `vault graph SPEC [--format mermaid|dot|json | --json] [--entity NAME] [--upstream|--downstream]`:
 * the lineage graph, or the part of it around one entity or source table. With JSON, standard
 * output holds one document also when the command fails (the diagnostics, the names to choose from).
 */
export function graphCommand(file: string, opts: GraphOptions, o: Output): number {
  if (opts.entity === undefined && (opts.upstream || opts.downstream)) throw new UsageError('--upstream and --downstream need --entity NAME');
  const json = opts.format === 'json';
  const a = analyze(loadSpecFile(file));
  if (!json) printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics) || a.model === undefined) {
    const error = `${a.parsed.source.file}: graph stopped; fix the spec first`;
    if (json) printJson(o, failureJson(error, a.diagnostics));
    else o.err(`vault: ${error}`);
    return EXIT.failed;
  }
  const graph = lineageGraph(a.model);
  if (opts.entity === undefined) {
    print(o, graph, opts.format, a.diagnostics);
    return EXIT.ok;
  }
  const found = resolveEntityName(graph, opts.entity);
  if (found.kind !== 'found') {
    if (json) printJson(o, failureJson(found.error, a.diagnostics, nameFailureFields(found)));
    else o.err(`vault: ${found.error}`);
    return EXIT.failed;
  }
  // Neither flag or both: the whole neighbourhood.
  const direction: LineageDirection = opts.upstream === opts.downstream ? 'both' : opts.upstream ? 'upstream' : 'downstream';
  print(o, selectLineage(graph, found.node.id, direction), opts.format, a.diagnostics, found.node.id);
  return EXIT.ok;
}

function print(o: Output, graph: LineageGraph, format: GraphFormat, diagnostics: ReadonlyArray<Diagnostic>, focus?: string): void {
  const options = focus === undefined ? {} : { focus };
  switch (format) {
    case 'mermaid':
      o.out(lineageMermaid(graph, options).trimEnd());
      return;
    case 'dot':
      o.out(lineageDot(graph, options).trimEnd());
      return;
    case 'json':
      printJson(o, { status: 'ok', ...lineageJsonValue(graph, options), diagnostics: sortedDiagnosticsJson(diagnostics) });
      return;
  }
  format satisfies never;
}
