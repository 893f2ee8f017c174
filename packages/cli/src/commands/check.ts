import { hasErrors, sortDiagnostics, type Diagnostic } from '@vault/core';
import { loadSpecFile } from '@vault/dsl';
import { EXIT } from '../exit.js';
import { countSummary, diagnosticsJson, green, printDiagnostics, type Output } from '../output.js';
import { analyze, loadCompact } from '../load.js';

export interface CheckOptions {
  readonly sourceTables?: string;
  readonly model?: string;
  readonly businessContext?: string;
  readonly format: 'text' | 'json';
}

/** `vault check FILE... | --source-tables STRING`: validate, print diagnostics, exit 0 when no errors. */
export function checkCommand(files: ReadonlyArray<string>, opts: CheckOptions, o: Output): number {
  const all: Diagnostic[] = [];
  const results: Array<{ file: string; ok: boolean; diagnostics: ReadonlyArray<Diagnostic> }> = [];
  const inputs = files.map((f) => () => loadSpecFile(f));
  if (opts.sourceTables !== undefined) {
    const text = opts.sourceTables;
    inputs.push(() => loadCompact(text, opts.model ?? 'model', opts.businessContext));
  }
  for (const load of inputs) {
    const parsed = load();
    const diagnostics = sortDiagnostics(analyze(parsed).diagnostics);
    all.push(...diagnostics);
    results.push({ file: parsed.source.file, ok: !hasErrors(diagnostics), diagnostics });
  }
  if (opts.format === 'json') {
    o.out(JSON.stringify(diagnosticsJson(all), null, 2));
  } else {
    printDiagnostics(o, all);
    for (const r of results) {
      o.err(r.ok ? `${r.file}: ${green(o, 'ok')}${r.diagnostics.length ? ` (${countSummary(r.diagnostics)})` : ''}` : `${r.file}: ${countSummary(r.diagnostics)}`);
    }
  }
  return hasErrors(all) ? EXIT.failed : EXIT.ok;
}
