/**
 * Front end shared by every command: spec text → spec → IR, with all diagnostics resolved
 * to file positions.
 */
import { compileSpec, sortDiagnostics, type Diagnostic, type Stage, type VaultModel } from '@vault/core';
import { parseSpecCompact, resolveDiagnostics, type ParsedSpec } from '@vault/dsl';

export interface Analysis {
  readonly parsed: ParsedSpec;
  /** The IR, when the spec has no error. */
  readonly model: VaultModel | undefined;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

export function analyze(parsed: ParsedSpec, stage?: Stage): Analysis {
  if (parsed.spec === undefined) return { parsed, model: undefined, diagnostics: sortDiagnostics(parsed.diagnostics) };
  const compiled = compileSpec(parsed.spec, { specValidated: true, ...(stage ? { stage } : {}) });
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...resolveDiagnostics(parsed.source, compiled.diagnostics)]);
  return { parsed, model: compiled.model, diagnostics };
}

export function loadCompact(text: string, model: string, description?: string): ParsedSpec {
  return parseSpecCompact(text, description === undefined ? { model } : { model, description });
}
