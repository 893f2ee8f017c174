import type { Diagnostic, PathDiagnostic, Span } from '@vault/core';

/**
 * Where a parsed spec came from. Core reports problems against spec paths; a SpecSource
 * turns a path (and an optional range inside a scalar) into a span in the original text.
 */
export interface SpecSource {
  /** The name diagnostics print: a path relative to the working directory, or `<source-tables>`. */
  readonly file: string;
  /** Resolves to the node at `path`, or to its nearest ancestor that exists in the text. */
  span(d: Pick<PathDiagnostic, 'path' | 'target' | 'inner'>): Span;
}

export function resolveDiagnostics(source: SpecSource, diagnostics: ReadonlyArray<PathDiagnostic>): Diagnostic[] {
  return diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, span: source.span(d) }));
}
