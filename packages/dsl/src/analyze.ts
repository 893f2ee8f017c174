/**
 * The library entry point: spec text → spec → vault IR, with every diagnostic resolved to a
 * file position. What `vault check` and `vault compile` run, and what other tools import.
 */
import { compileSpec, sortDiagnostics, type Diagnostic, type Stage, type VaultModel } from '@vault/core';
import { resolveDiagnostics } from './source-map.js';
import type { ParsedSpec } from './yaml/load.js';
import { loadSpecFile } from './yaml/load-file.js';

export interface Analysis {
  readonly parsed: ParsedSpec;
  /** The IR, when the spec has no error. */
  readonly model: VaultModel | undefined;
  /** Every problem, sorted by position. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

export function analyzeSpec(parsed: ParsedSpec, options: { readonly stage?: Stage } = {}): Analysis {
  if (parsed.spec === undefined) return { parsed, model: undefined, diagnostics: sortDiagnostics(parsed.diagnostics) };
  const compiled = compileSpec(parsed.spec, { specValidated: true, ...(options.stage ? { stage: options.stage } : {}) });
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...resolveDiagnostics(parsed.source, compiled.diagnostics)]);
  return { parsed, model: compiled.model, diagnostics };
}

/**
 * Loads a spec file and compiles it to the IR.
 * @example
 * const { model, diagnostics } = loadSpec('specs/ews.yaml');
 * if (model) console.log(model.byKind.hub.map((h) => h.name));
 */
export function loadSpec(path: string, options: { readonly stage?: Stage } = {}): Analysis {
  return analyzeSpec(loadSpecFile(path), options);
}
