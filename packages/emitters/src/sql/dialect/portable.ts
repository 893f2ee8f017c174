/**
 * Forms in plain SQL:2003 for engines that lack a shortcut: a dialect without `DISTINCT ON`
 * (capabilities.distinctOn false) gives each key's first row by numbering rows instead; one
 * without lateral subqueries looks rows up by key with a join.
 */
import type { FirstRowPerKey, KeyLookup } from './dialect.js';

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

/**
 * `keyLookup` as a plain join: each pointer's row of the table, found by its key. The same rows
 * as PostgreSQL's lateral probe; the engine's planner chooses how to find them.
 * @example keyLookupByJoin({ table: '`t`', columns: ['`k`'], key: [{ column: '`k`', equals: '`p`.`k`' }], alias: '`r`' }) // 'JOIN `t` AS `r` ON `r`.`k` = `p`.`k`'
 */
export function keyLookupByJoin(q: KeyLookup): string {
  return `JOIN ${q.table} AS ${q.alias} ON ${q.key.map((k) => `${q.alias}.${k.column} = ${k.equals}`).join(' AND ')}`;
}
