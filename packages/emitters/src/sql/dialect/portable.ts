/**
 * Forms in plain SQL:2003 for engines that lack a shortcut: a dialect without `DISTINCT ON`
 * (capabilities.distinctOn false) gives each key's first row by numbering rows instead.
 */
import type { FirstRowPerKey } from './dialect.js';

/** The numbering column the row-number form adds to the rows it gives. */
export const FIRST_ROW_COLUMN = '$first';

/**
 * `firstRowPerKey` by `row_number()`: each key's first row, every column of `from` and
 * `FIRST_ROW_COLUMN` (always 1). Same rows as `DISTINCT ON`, for the same order.
 * @example firstRowByRowNumber(quoteIdent)({ key: '"k"', from: '"t"', order: ['"v"'] })
 */
export function firstRowByRowNumber(quoteIdent: (name: string) => string): (q: FirstRowPerKey) => ReadonlyArray<string> {
  const first = quoteIdent(FIRST_ROW_COLUMN);
  return (q) => [
    `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ${q.key} ORDER BY ${[q.key, ...q.order].join(', ')}) AS ${first} FROM ${q.from}) AS ${quoteIdent('$ranked')}`,
    `WHERE ${first} = 1`,
  ];
}
