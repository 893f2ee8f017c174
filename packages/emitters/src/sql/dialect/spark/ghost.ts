/** The ghost ("unknown") record's placeholder of each column type, in Spark SQL. */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';
import { quoteLiteral } from './quote.js';
import { sparkType } from './types.js';

/**
 * The same placeholders as PostgreSQL's (docs/sql.md lists them), in Spark's input syntax, so a
 * ghost record hashes and reads alike on both engines. Types Spark stores as STRING (time,
 * interval, json: refused in user columns, VLT440) keep PostgreSQL's text.
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
  timestamptz: '0001-01-01 00:00:00Z',
  interval: '0 seconds',
  uuid: '00000000-0000-0000-0000-000000000000',
  json: 'null',
  jsonb: 'null',
  bytea: '',
} as const satisfies Record<ColumnTypeKind, string>;

/**
 * `CAST('<placeholder>' AS <type>)`.
 * @example ghostValue({ kind: 'timestamptz' }) // "CAST('0001-01-01 00:00:00Z' AS TIMESTAMP)"
 */
export function ghostValue(t: ColumnType): string {
  return `CAST(${quoteLiteral(GHOST_TEXT[t.kind])} AS ${sparkType(t)})`;
}
