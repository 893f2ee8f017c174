/**
 * Identifiers and literals in the SQL of a dialect. Quoting itself is the dialect's
 * (dialect/postgres/quote.ts for PostgreSQL), the one place where text becomes SQL; the
 * builders compose it here and never splice a name or a value into SQL any other way.
 */
import type { Dialect } from './dialect/dialect.js';
import type { SqlTable } from './names.js';

/** The quoting a builder uses, from its dialect; properties, so a builder may destructure them. */
export interface SqlText {
  readonly quoteIdent: (name: string) => string;
  readonly quoteLiteral: (value: string) => string;
  /** A table or view of the model, quoted and qualified: `"schema"."name"`. */
  readonly tableIdent: (t: SqlTable) => string;
  /** `"alias"."column"`. */
  readonly col: (alias: string, name: string) => string;
  /** `expression AS "name"`. */
  readonly as: (expression: string, name: string) => string;
}

export function sqlText(d: Dialect): SqlText {
  const q = d.quoteIdent;
  return {
    quoteIdent: q,
    quoteLiteral: d.quoteLiteral,
    tableIdent: (t) => `${q(t.schema)}.${q(t.name)}`,
    col: (alias, name) => `${q(alias)}.${q(name)}`,
    as: (expression, name) => `${expression} AS ${q(name)}`,
  };
}

/** Text for a `--` comment: one line, control characters shown as `\uXXXX`. */
export function sqlCommentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
