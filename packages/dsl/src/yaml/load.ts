/**
 * YAML text → validated `Spec`, with every problem as a diagnostic at its line and column.
 * Never throws on bad input.
 */
import { isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { describeYamlError } from './syntax-errors.js';
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
    return fail(doc.errors.map((e) => {
      const p = describeYamlError(e, text);
      return at(p.code, p.message, p.start, p.end);
    }));
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return fail([at('VLT004', 'the spec is empty; it needs at least version, model and tables', 0, 0)]);
  }
  if (!isMap(doc.contents)) {
    const r = doc.contents.range ?? [0, 0];
    return fail([at('VLT005', 'the spec must be a mapping with keys such as version, model and tables', r[0], r[1])]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    // Unresolved aliases and alias bombs surface only when the document is converted.
    const alias = firstAlias(doc);
    const message = /Excessive alias count/.test((e as Error).message)
      ? 'YAML syntax error: aliases expand to too many nodes; do not use anchors and aliases to repeat large parts of a spec'
      : `YAML syntax error: ${firstLine((e as Error).message).replace(/^Unresolved alias \(the anchor must be set before the alias\): (.*)$/, "alias '*$1' refers to an anchor '&$1' that is not defined before it")}`;
    return fail([at('VLT002', message, alias?.[0] ?? 0, alias?.[1] ?? 0)]);
  }
  const shape = validateSpecShape(data);
  const pathDiagnostics: PathDiagnostic[] = shape.spec === undefined ? shape.diagnostics : validateSpec(shape.spec);
  const diagnostics = resolveDiagnostics(source, pathDiagnostics);
  const ok = shape.spec !== undefined && diagnostics.every((d) => d.severity !== 'error');
  return { spec: ok ? shape.spec : undefined, diagnostics, source, document: doc };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function firstAlias(doc: Document): readonly [number, number] | undefined {
  let found: readonly [number, number] | undefined;
  visit(doc, {
    Alias(_, node) {
      if (found === undefined && node.range) found = [node.range[0], node.range[1]];
    },
  });
  return found;
}
