/**
 * Diagnostics. Core never knows where text came from: it reports problems against a
 * *path* into the spec (`['tables', 'orders', 'columns', 'id', 'type']`) plus, for problems
 * inside a scalar (an expression, a column type), an offset range within that scalar.
 * The front end that parsed the text (YAML, compact string) resolves paths to file
 * positions in exactly one place.
 */
import { byCodeUnit } from '../compare.js';
import type { DiagnosticCode } from './codes.js';
import { visible } from './visible.js';

export type Severity = 'error' | 'warning';

export type SpecPath = ReadonlyArray<string | number>;

/** A range of UTF-16 offsets inside one scalar value, end exclusive. */
export interface InnerRange {
  readonly start: number;
  readonly end: number;
}

/** A diagnostic that names a spec node, not yet a file position. */
export interface PathDiagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly path: SpecPath;
  /** Which part of the node: its key (the name) or its value. Default 'value'. */
  readonly target?: 'key' | 'value';
  /** Offsets inside the scalar value, for errors inside expressions or types. */
  readonly inner?: InnerRange;
}

/** 1-based line and column, as editors and compilers print them. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface Span {
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
}

/** A diagnostic resolved to a place in a file. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
}

/** The result of any front-end step: a value when there was no error, and every problem found. */
export interface Result<T> {
  readonly value: T | undefined;
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

export function hasErrors(diagnostics: ReadonlyArray<{ readonly severity: Severity }>): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by file, then position, then code, so output is stable whatever order checks ran in. */
export function sortDiagnostics(diagnostics: ReadonlyArray<Diagnostic>): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => byCodeUnit(a.span.file, b.span.file) || a.span.start.line - b.span.start.line || a.span.start.col - b.span.start.col || byCodeUnit(a.code, b.code) || byCodeUnit(a.message, b.message),
  );
}

/**
 * `file:line:col: error VLT123: message`, the format compilers and linters use: one line, with
 * the control and invisible characters of a name quoted from the spec written as `\uXXXX`
 * (`visible`), so that a bidirectional override in a table name cannot reorder what the
 * terminal shows.
 */
export function formatDiagnostic(d: Diagnostic): string {
  return `${visible(d.span.file)}:${d.span.start.line}:${d.span.start.col}: ${d.severity} ${d.code}: ${visible(d.message)}`;
}
