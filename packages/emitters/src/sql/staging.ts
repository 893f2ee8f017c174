/**
 * Reading landing rows for a load: business key values cast to the key's type (so every source
 * hashes a key alike), the delta-order value, and the SQL names the load statements use for
 * their own working columns.
 */
import { byCodeUnit, TYPE_FAMILY, type Column, type ColumnType, type SourcedColumn } from '@vault/core/internal';
import { sourceColumn, type SqlContext } from './context.js';
import type { Dialect } from './dialect/dialect.js';
import { hashExpression, type HashInput } from './hashing.js';

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
  neighbours: '$neighbours',
  touched: '$touched',
  unstored: '$unstored',
  previousDelta: '$previous_delta',
  timed: '$timed',
  deltaOrder: '$delta_order',
  source: '$source',
  recordSource: '$record_source',
  row: '$row',
  previousHashdiff: '$previous_hashdiff',
  position: '$position',
  loadTimestamp: '$load_ts',
  key: '$key',
  grouped: '$grouped',
  previous: '$previous',
  firstLoad: '$first_load',
  bulk: '$bulk',
  isNew: '$is_new',
  registered: '$registered',
  inserted: '$inserted',
  inTable: '$in_table',
} as const;

/** The alias of the landing table in a staging query. */
export const SOURCE_ALIAS = 's';

/** `CAST("s"."column" AS <type>)`: a landing column as the entity's column type. */
export function castSource(d: Dialect, column: string, type: ColumnType): string {
  return `CAST(${d.quoteIdent(SOURCE_ALIAS)}.${d.quoteIdent(column)} AS ${d.columnType(type)})`;
}

/** Landing columns `columns` read as the key columns `keys` (they line up). */
export function keyInputs(d: Dialect, columns: ReadonlyArray<string>, keys: ReadonlyArray<Column>): ReadonlyArray<HashInput> {
  if (columns.length !== keys.length) throw new Error(`vault SQL: ${columns.length} landing columns for a ${keys.length}-column business key`);
  return keys.map((k, i) => ({ sql: castSource(d, columns[i]!, k.type), type: k.type }));
}

/** The delta-order column of a landing table, with its type. */
export function deltaOrderOf(ctx: SqlContext, table: string): { readonly column: string; readonly type: ColumnType } | undefined {
  const column = ctx.deltaOrder.get(table);
  return column === undefined ? undefined : { column, type: sourceColumn(ctx, table, column).type };
}

/**
 * An ORDER BY term for a value of `type`. Text sorts by code point (`Dialect.byteOrder`), so the
 * order, and what a load keeps, does not depend on the database's locale.
 */
export function orderTerm(d: Dialect, sql: string, type: ColumnType): string {
  return TYPE_FAMILY[type.kind] === 'text' ? d.byteOrder(sql) : sql;
}

/**
 * `min(<value>)` of values of `type` in `orderTerm`'s order (NULLs ignored, so an all-NULL group
 * is NULL and sorts last); undefined when the engine has no such aggregate (`Dialect.hasMin`).
 */
export function minOf(d: Dialect, type: ColumnType): ((sql: string) => string) | undefined {
  return d.hasMin(type.kind) ? (sql) => `min(${orderTerm(d, sql, type)})` : undefined;
}

/**
 * What the rows of landing table `table` hold in `record_source`, as a text literal: the table's
 * record source (docs/sql.md, "Record sources").
 */
export function recordSourceOf(ctx: SqlContext, table: string): string {
  const source = ctx.recordSources.get(table);
  if (source === undefined) throw new Error(`vault SQL: the model reads ${table}, which is not one of its landing tables`);
  return `CAST(${ctx.sql.quoteLiteral(source)} AS ${ctx.dialect.columnType({ kind: 'text' })})`;
}

/**
 * The hashdiff of a landing row over `payload` (a satellite's payload, a reference table's
 * descriptions): each source column cast to its type, in name order, as hashing.md says.
 */
export function payloadHashdiff(ctx: SqlContext, payload: ReadonlyArray<SourcedColumn>): string {
  const byName = [...payload].sort((a, b) => byCodeUnit(a.name, b.name)).map((c) => ({ sql: castSource(ctx.dialect, c.sourceColumn, c.type), type: c.type }));
  return hashExpression(ctx.dialect, ctx.model.hashing, byName, 'hashdiff');
}
