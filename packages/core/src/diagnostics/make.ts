import { severityOf, type DiagnosticCode } from './codes.js';
import type { InnerRange, PathDiagnostic, SpecPath } from './diagnostic.js';

/** Builds a path diagnostic with the catalog's severity, so a code's severity lives in one place. */
export function pathDiag(code: DiagnosticCode, path: SpecPath, message: string, extra: { readonly target?: 'key' | 'value'; readonly inner?: InnerRange } = {}): PathDiagnostic {
  return { code, severity: severityOf(code), message, path, ...extra };
}
