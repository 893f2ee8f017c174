/**
 * YAML text → validated `Spec`, with every problem as a diagnostic at its line and column.
 * Never throws on bad input.
 */
import { isMap, parseDocument, type Document } from 'yaml';
import { severityOf, validateSpec, type Diagnostic, type DiagnosticCode, type PathDiagnostic, type Spec } from '@vault/core';
import { LineIndex } from '../positions.js';
import { validateSpecShape } from '../schema/validate-schema.js';
import { resolveDiagnostics, type SpecSource } from '../source-map.js';
import { yamlSource } from './source.js';

export interface ParsedSpec {
  /** The spec, when it has no error (warnings allowed). */
  readonly spec: Spec | undefined;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** Resolves later diagnostics (inference, rules) against the same text. */
  readonly source: SpecSource;
  /** The YAML document, for tools that edit the spec keeping comments. */
  readonly document: Document | undefined;
}

export function parseSpecYaml(text: string, file: string): ParsedSpec {
  const lines = new LineIndex(text);
  const at = (code: DiagnosticCode, message: string, start: number, end: number): Diagnostic => ({
    code, severity: severityOf(code), message, span: { file, start: lines.position(start), end: lines.position(end) },
  });
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  const source = yamlSource(doc, text, file);
  const fail = (diagnostics: Diagnostic[]): ParsedSpec => ({ spec: undefined, diagnostics, source, document: doc });

  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) =>
      e.code === 'DUPLICATE_KEY'
        ? at('VLT003', `duplicate key '${keyText(text, e.pos[0])}': a key may appear only once in a mapping`, e.pos[0], e.pos[1])
        : at('VLT002', `YAML syntax error: ${firstLine(e.message)}`, e.pos[0], e.pos[1])));
  }
  if (doc.contents === null || (text.trim() === '' )) {
    return fail([at('VLT004', 'the spec is empty; it needs at least version, model and tables', 0, 0)]);
  }
  if (!isMap(doc.contents)) {
    const r = doc.contents.range ?? [0, 0];
    return fail([at('VLT005', 'the spec must be a mapping with keys such as version, model and tables', r[0], r[1])]);
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const shape = validateSpecShape(data);
  const pathDiagnostics: PathDiagnostic[] = shape.spec === undefined ? shape.diagnostics : validateSpec(shape.spec);
  const diagnostics = resolveDiagnostics(source, pathDiagnostics);
  const ok = shape.spec !== undefined && diagnostics.every((d) => d.severity !== 'error');
  return { spec: ok ? shape.spec : undefined, diagnostics, source, document: doc };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function keyText(text: string, offset: number): string {
  return /^[^:\n]*/.exec(text.slice(offset))![0].trim().replace(/^["']|["']$/g, '');
}
