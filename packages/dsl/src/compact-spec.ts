/**
 * The compact source-table string (`--source-tables`) as a spec: parsed by the compact grammar, then checked
 * by the same meaning checks as a YAML spec, with positions inside the string.
 */
import { severityOf, validateReadSpec, type Diagnostic } from '@vault/core/internal';
import { compactSource, parseSourceTables } from './compact/index.js';
import { limitDiagnostic, sizeProblem } from './input-limits.js';
import { LineIndex } from './positions.js';
import { resolveDiagnostics } from './source-map.js';
import type { ParsedSpec } from './yaml/load.js';

export const COMPACT_FILE = '<source-tables>';

export function parseSpecCompact(text: string, options: { readonly model: string; readonly description?: string }): ParsedSpec {
  // The compact grammar has no nesting and its lexer is linear: only the size is limited.
  const tooLarge = sizeProblem(Buffer.byteLength(text, 'utf8'), 'the source-table string');
  if (tooLarge !== undefined) {
    const at = { line: 1, col: 1 };
    return { spec: undefined, diagnostics: [limitDiagnostic(tooLarge, COMPACT_FILE)], source: { file: COMPACT_FILE, span: () => ({ file: COMPACT_FILE, start: at, end: at }) } };
  }
  const parsed = parseSourceTables(text, options);
  const source = compactSource(text, parsed.positions, COMPACT_FILE);
  const lines = new LineIndex(text);
  const syntax: Diagnostic[] = parsed.errors.map((e) => ({
    code: 'VLT006',
    severity: severityOf('VLT006'),
    message: e.message,
    span: { file: COMPACT_FILE, start: lines.position(e.offset), end: lines.position(e.offset + e.length) },
  }));
  // Duplicates point at the repeated name, which the spec (first occurrence wins) has no path for.
  const duplicates: Diagnostic[] = parsed.duplicates.map((d) => {
    const code = d.path.length === 2 ? 'VLT205' : 'VLT206';
    const message = d.path.length === 2 ? `table '${String(d.path[1])}' appears twice in the source-table string` : `column '${String(d.path[3])}' appears twice in table '${String(d.path[1])}'`;
    return { code, severity: severityOf(code), message, span: { file: COMPACT_FILE, start: lines.position(d.offset), end: lines.position(d.offset + d.length) } };
  });
  const meaning = parsed.spec === undefined || syntax.length > 0 ? [] : validateReadSpec(parsed.spec);
  const diagnostics = [...syntax, ...duplicates, ...resolveDiagnostics(source, meaning)];
  const ok = parsed.spec !== undefined && diagnostics.every((d) => d.severity !== 'error');
  return { spec: ok ? parsed.spec : undefined, diagnostics, source };
}
