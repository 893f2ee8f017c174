/** The ghost ("unknown") record's placeholder of each column type, in PostgreSQL. */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';
import { quoteLiteral } from './quote.js';
import { pgType } from './types.js';

/**
 * What the ghost record holds in a business key column: a value of the column's type, so the
 * column can keep its type; docs/sql.md lists them. A real key equal to the placeholder is no
 * problem: the ghost is told apart by its all-zero hash key. Each is text in PostgreSQL's input
 * syntax for the type (`0 seconds` is an interval only there).
 */
const GHOST_TEXT = {
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

/** The load timestamp of ghost records: the timestamptz placeholder, before any real load. */
export const GHOST_LOAD_TIMESTAMP = GHOST_TEXT.timestamptz;

/**
 * `CAST('<placeholder>' AS <type>)`.
 * @example ghostValue({ kind: 'interval' }) // "CAST('0 seconds' AS interval)"
 */
export function ghostValue(t: ColumnType): string {
  return `CAST(${quoteLiteral(GHOST_TEXT[t.kind])} AS ${pgType(t)})`;
}
