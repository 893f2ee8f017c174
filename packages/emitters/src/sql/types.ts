/** The placeholder the ghost record holds in a business key column of each type. */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';
import type { Dialect } from './dialect/dialect.js';

/**
 * What the ghost ("unknown") record holds in a business key column: a value of the column's
 * type, so the column can keep its type; docs/sql.md lists them. A real key equal to the
 * placeholder is no problem: the ghost is told apart by its all-zero hash key.
 */
const GHOST_KEY = {
  smallint: '-1',
  int: '-1',
  bigint: '-1',
  decimal: '-1',
  real: '-1',
  double: '-1',
  text: '?',
  varchar: '?',
  char: '?',
  boolean: 'false',
  date: '0001-01-01',
  time: '00:00:00',
  timestamp: '0001-01-01 00:00:00',
  timestamptz: '0001-01-01 00:00:00+00',
  interval: '0 seconds',
  uuid: '00000000-0000-0000-0000-000000000000',
  json: 'null',
  jsonb: 'null',
  bytea: '',
} as const satisfies Record<ColumnTypeKind, string>;

/** `CAST('<placeholder>' AS <type>)`. */
export function ghostKeyValue(d: Dialect, t: ColumnType): string {
  return `CAST(${d.quoteLiteral(GHOST_KEY[t.kind])} AS ${d.columnType(t)})`;
}

/** The ghost value of a type, as text (for docs and tests). */
export function ghostKeyText(t: ColumnType): string {
  return GHOST_KEY[t.kind];
}
