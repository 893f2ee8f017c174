/**
 * What parsing a compact source-table string produces, besides the spec: syntax errors,
 * duplicate names, and where each spec node sits in the string. Plain data, no behaviour.
 */
import type { Spec, SpecPath } from '@vault/core';

/** A range of 0-based UTF-16 offsets into the string, end exclusive. */
export interface CompactRange {
  readonly start: number;
  readonly end: number;
}

/** Where a spec node sits: `key` is its name token (absent for nodes the string has no name for), `value` what it stands for. */
export interface CompactNodeRange {
  readonly key?: CompactRange;
  readonly value: CompactRange;
}

/**
 * Spec path (joined by {@link compactPathKey}) → range. Entries:
 * `['tables', t]` (key: the table name; value: the whole table), `['tables', t, 'columns']`
 * (value: the column list), `['tables', t, 'columns', c]` (key: the column name; value: the
 * type text) and `['tables', t, 'columns', c, 'type']` (value: the type text).
 */
export type CompactPositions = ReadonlyMap<string, CompactNodeRange>;

export interface CompactError {
  /** 0-based offset into the string. */
  readonly offset: number;
  readonly length: number;
  /** What was expected and what was found, e.g. `expected ':' after table name 'orders' but found ','`. */
  readonly message: string;
}

/** A table or column name seen a second time; the spec keeps the first occurrence. */
export interface CompactDuplicate {
  /** `['tables', t]` or `['tables', t, 'columns', c]`. */
  readonly path: SpecPath;
  /** The second occurrence's name token. */
  readonly offset: number;
  readonly length: number;
}

export interface CompactParse {
  /** Undefined when there is any syntax error. */
  readonly spec: Spec | undefined;
  /** Syntax errors, in string order. */
  readonly errors: ReadonlyArray<CompactError>;
  /** Not syntax errors: the caller decides how to report them. */
  readonly duplicates: ReadonlyArray<CompactDuplicate>;
  readonly positions: CompactPositions;
}

/** The key of a spec path in {@link CompactPositions}. NUL cannot occur in a name, so keys never collide. */
export function compactPathKey(path: SpecPath): string {
  return path.map(String).join('\u0000');
}
