/**
 * YAML text → plain data, with syntax problems as diagnostics at their line and column.
 * Shared by specs and framework profiles. Never throws on bad input.
 */
import { isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { severityOf, type Diagnostic, type DiagnosticCode } from '@vault/core/internal';
import { checkYamlLimits, limitDiagnostic } from '../input-limits.js';
import { LineIndex } from '../positions.js';
import type { SpecSource } from '../source-map.js';
import { readYamlData } from './data-reader.js';
import { yamlSource } from './source.js';
import { describeYamlError } from './syntax-errors.js';

export interface YamlData {
  /** The document's data, when it parsed to a mapping. */
  readonly data: Record<string, unknown> | undefined;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  readonly source: SpecSource;
}

// logLevel 'error': the yaml package would print warnings (a mapping used as a key) on standard error;
// what is wrong with such a spec is reported as a diagnostic.
const PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false, keepSourceTokens: false, logLevel: 'error' } as const;
const reparse = (text: string): Document => parseDocument(text, PARSE_OPTIONS);
/**
 * For positions only, after the text has been read: without the duplicate-key check, which the
 * yaml package does by comparing each key with every earlier one (quadratic in a mapping's size).
 */
const reparseForPositions = (text: string): Document => parseDocument(text, { ...PARSE_OPTIONS, uniqueKeys: false });

/** `what` names the document in messages: "the spec", "the framework profile". */
export function parseYamlMapping(raw: string, file: string, what: string, needs: string): YamlData {
  // YAML reads a lone CR (classic Mac line ends) as a line break; the yaml package and LineIndex
  // do not. CR to LF keeps every offset, so js-yaml, the yaml package and positions then agree.
  const text = raw.includes('\r') ? raw.replace(/\r(?!\n)/g, '\n') : raw;
  // Size, line length and nesting first, in one linear pass: no parser sees text beyond them.
  const limit = checkYamlLimits(text, what);
  if (limit !== undefined) return { data: undefined, diagnostics: [limitDiagnostic(limit, file)], source: fixedSource(file, limit) };
  // Most specs are well-formed: js-yaml reads them without building a syntax tree. Errors, and
  // positions when a diagnostic needs one, come from the yaml package's tree, built then.
  const data = readYamlData(text);
  if (data !== undefined) return { data, diagnostics: [], source: yamlSource(undefined, text, file, reparseForPositions) };
  const lines = new LineIndex(text);
  const at = (code: DiagnosticCode, message: string, start: number, end: number): Diagnostic => ({
    code,
    severity: severityOf(code),
    message,
    span: { file, start: lines.position(start), end: lines.position(end) },
  });
  const doc = reparse(text);
  const source = yamlSource(doc, text, file, reparseForPositions);
  const fail = (diagnostics: Diagnostic[]): YamlData => ({ data: undefined, diagnostics, source });

  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map((e) => {
        const p = describeYamlError(e, text);
        return at(p.code, p.message, p.start, p.end);
      }),
    );
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return fail([at('VLT004', `${what} is empty; it needs at least ${needs}`, 0, 0)]);
  }
  if (!isMap(doc.contents)) {
    const r = doc.contents.range ?? [0, 0];
    return fail([at('VLT005', `${what} must be a mapping with keys such as ${needs}`, r[0], r[1])]);
  }
  try {
    return { data: doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>, diagnostics: [], source };
  } catch (e) {
    // Unresolved aliases and alias bombs surface only when the document is converted.
    const alias = firstAlias(doc);
    const message = /Excessive alias count/.test((e as Error).message)
      ? 'YAML syntax error: aliases expand to too many nodes; do not use anchors and aliases to repeat large parts of a file'
      : `YAML syntax error: ${firstLine((e as Error).message).replace(/^Unresolved alias \(the anchor must be set before the alias\): (.*)$/, "alias '*$1' refers to an anchor '&$1' that is not defined before it")}`;
    return fail([at('VLT002', message, alias?.[0] ?? 0, alias?.[1] ?? 0)]);
  }
}

/** Every later position of a text refused by a limit is the limit's: the text is not parsed. */
function fixedSource(file: string, at: { line: number; col: number }): SpecSource {
  const position = { line: at.line, col: at.col };
  return { file, span: () => ({ file, start: position, end: position }) };
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
