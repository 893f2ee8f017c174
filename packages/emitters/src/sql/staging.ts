/**
 * Reading landing rows for a load: business key values cast to the key's type (so every source
 * hashes a key alike), the delta-order value, and the SQL names the load statements use for
 * their own working columns.
 */
import { TYPE_FAMILY, type Column, type ColumnType, type ColumnTypeKind } from '@vault/core/internal';
import { sourceColumn, type SqlContext } from './context.js';
import type { HashInput } from './hashing.js';
import { quoteIdent } from './quote.js';
import { pgType } from './types.js';

/**
 * Working columns and CTE names of load statements. `$` cannot occur in a spec's names
 * (`[A-Za-z_][A-Za-z0-9_]*`), so these never clash with a column of the model.
 */
export const WORK = {
  staged: '$staged',
  unseen: '$unseen',
  firstSeen: '$first_seen',
  ordered: '$ordered',
  changes: '$changes',
  newChanges: '$new',
  newRank: '$new_rank',
  timed: '$timed',
  deltaOrder: '$delta_order',
  source: '$source',
  row: '$row',
  previousHashdiff: '$previous_hashdiff',
  position: '$position',
  loadTimestamp: '$load_ts',
  key: '$key',
  grouped: '$grouped',
} as const;

/** The alias of the landing table in a staging query. */
export const SOURCE_ALIAS = 's';

/** `CAST("s"."column" AS <type>)`: a landing column as the entity's column type. */
export function castSource(column: string, type: ColumnType): string {
  return `CAST(${quoteIdent(SOURCE_ALIAS)}.${quoteIdent(column)} AS ${pgType(type)})`;
}

/** Landing columns `columns` read as the key columns `keys` (they line up). */
export function keyInputs(columns: ReadonlyArray<string>, keys: ReadonlyArray<Column>): ReadonlyArray<HashInput> {
  if (columns.length !== keys.length) throw new Error(`vault SQL: ${columns.length} landing columns for a ${keys.length}-column business key`);
  return keys.map((k, i) => ({ sql: castSource(columns[i]!, k.type), type: k.type }));
}

/** The delta-order column of a landing table, with its type. */
export function deltaOrderOf(ctx: SqlContext, table: string): { readonly column: string; readonly type: ColumnType } | undefined {
  const column = ctx.deltaOrder.get(table);
  return column === undefined ? undefined : { column, type: sourceColumn(ctx, table, column).type };
}

/**
 * An ORDER BY term for a value of `type`. Text sorts by code point (`COLLATE "C"`), so the order,
 * and what a load keeps, does not depend on the database's locale.
 */
export function orderTerm(sql: string, type: ColumnType): string {
  return TYPE_FAMILY[type.kind] === 'text' ? `${sql} COLLATE ${quoteIdent('C')}` : sql;
}

/**
 * Types with a `min()` aggregate whose order is `orderTerm`'s (NULLs ignored, so an all-NULL
 * group is NULL and sorts last). PostgreSQL has none for boolean, uuid, bytea, json or jsonb.
 */
const HAS_MIN = {
  smallint: true, int: true, bigint: true, decimal: true, real: true, double: true,
  text: true, varchar: true, char: true, date: true, time: true, timestamp: true, timestamptz: true, interval: true,
  boolean: false, uuid: false, bytea: false, json: false, jsonb: false,
} as const satisfies Record<ColumnTypeKind, boolean>;

/** `min(<value>)` of values of `type` in `orderTerm`'s order; undefined when PostgreSQL has no such aggregate. */
export function minOf(type: ColumnType): ((sql: string) => string) | undefined {
  return HAS_MIN[type.kind] ? (sql) => `min(${orderTerm(sql, type)})` : undefined;
}
