import { hasErrors, sortDiagnostics, type Diagnostic } from '@vault/core';
import { loadSpecFile, type ParsedSpec } from '@vault/dsl';
import { EXIT } from '../exit.js';
import { countSummary, diagnosticsJson, green, printDiagnostics, type Output } from '../output.js';
import { analyze, loadCompact } from '../load.js';
import { checkTargets } from '../target-checks.js';
import { CHECKED_TARGETS, parseTargets } from '../targets.js';

export interface CheckOptions {
  readonly sourceTables?: string;
  readonly model?: string;
  readonly businessContext?: string;
  readonly format: 'text' | 'json';
  /** The targets to ask (`--target`); default every target but spark (`CHECKED_TARGETS`). */
  readonly target?: string;
}

/** `vault check FILE... | --source-tables STRING`: validate, print diagnostics, exit 0 when no errors. */
export async function checkCommand(files: ReadonlyArray<string>, opts: CheckOptions, o: Output): Promise<number> {
  const targets = opts.target === undefined ? new Set(CHECKED_TARGETS) : parseTargets(opts.target);
  const all: Diagnostic[] = [];
  const results: Array<{ file: string; ok: boolean; diagnostics: ReadonlyArray<Diagnostic> }> = [];
  const inputs: Array<{ load: () => ParsedSpec; path: string | undefined }> = files.map((f) => ({ load: () => loadSpecFile(f), path: f }));
  if (opts.sourceTables !== undefined) {
    const text = opts.sourceTables;
    inputs.push({ load: () => loadCompact(text, opts.model ?? 'model', opts.businessContext), path: undefined });
  }
  for (const input of inputs) {
    const parsed = input.load();
    const a = analyze(parsed);
    // What compile would refuse later (profile, each target's emitter), check refuses now.
    const late = a.model === undefined || hasErrors(a.diagnostics) ? [] : (await checkTargets(parsed, a.model, input.path, targets)).diagnostics;
    const diagnostics = sortDiagnostics([...a.diagnostics, ...late]);
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
