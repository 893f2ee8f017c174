/**
 * YAML text → validated `Spec`, with every problem as a diagnostic at its line and column.
 * Never throws on bad input.
 */
import type { Diagnostic, PathDiagnostic, Spec } from '@vault/core';
import { validateReadSpec } from '@vault/core/internal';
import { guardStack, limitDiagnostic } from '../input-limits.js';
import { validateSpecShape } from '../schema/validate-schema.js';
import { resolveDiagnostics, type SpecSource } from '../source-map.js';
import { parseYamlMapping } from './document.js';

export interface ParsedSpec {
  /** The spec, when it has no error (warnings allowed). */
  readonly spec: Spec | undefined;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** Resolves later diagnostics (inference, rules) against the same text. */
  readonly source: SpecSource;
}

export function parseSpecYaml(text: string, file: string): ParsedSpec {
  return guardStack(
    () => parseChecked(text, file),
    (problem) => {
      const at = { line: problem.line, col: problem.col };
      return { spec: undefined, diagnostics: [limitDiagnostic(problem, file)], source: { file, span: () => ({ file, start: at, end: at }) } };
    },
    'the spec',
  );
}

/**
 * An empty name where the spec has a key is a YAML null key (`null:`, `~:`) unless the key is
 * quoted (`"":`): say so, since `null` reads as a name to the one who wrote it.
 */
function nullKeyNote(d: Diagnostic, at: PathDiagnostic, text: string): Diagnostic {
  if (at.target !== 'key' || at.path.at(-1) !== '') return d;
  const line = text.split('\n', d.span.start.line)[d.span.start.line - 1] ?? '';
  const first = line[d.span.start.col - 1];
  if (first === '"' || first === "'") return d;
  return { ...d, message: `${d.message}; the key is YAML null (null, ~ or no key at all): quote it, as 'null', if it is meant as a name` };
}

function parseChecked(text: string, file: string): ParsedSpec {
  const parsed = parseYamlMapping(text, file, 'the spec', 'version, model and tables');
  if (parsed.data === undefined) return { spec: undefined, diagnostics: parsed.diagnostics, source: parsed.source };
  const shape = validateSpecShape(parsed.data);
  const pathDiagnostics: PathDiagnostic[] = shape.spec === undefined ? shape.diagnostics : validateReadSpec(shape.spec);
  const diagnostics = resolveDiagnostics(parsed.source, pathDiagnostics).map((d, i) => nullKeyNote(d, pathDiagnostics[i]!, text));
  const ok = shape.spec !== undefined && diagnostics.every((d) => d.severity !== 'error');
  return { spec: ok ? shape.spec : undefined, diagnostics, source: parsed.source };
}
