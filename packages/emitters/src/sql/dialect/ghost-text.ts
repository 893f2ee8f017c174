/**
 * The ghost ("unknown") record's placeholder of each column type, as text every dialect casts to
 * the type (docs/sql.md lists them): what the ghost record holds in a business key column, a value
 * of the column's type, so the column keeps its type. A real key equal to the placeholder is no
 * problem: the ghost is told apart by its all-zero hash key. The same values on every engine, so a
 * ghost record hashes and reads alike; a dialect respells only what its input syntax needs.
 */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';

export const GHOST_TEXT = {
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

/**
 * The placeholder of a column of type `t`: its kind's (`GHOST_TEXT`), but `0` for a decimal whose
 * scale is its precision (`decimal(3,3)`, a rate), which holds no `-1` (only values between -1 and 1).
 * @example ghostText({ kind: 'decimal', precision: 3, scale: 3 }) // "0"
 */
export function ghostText(t: ColumnType): string {
  if (t.kind === 'decimal' && t.precision !== undefined && t.scale !== undefined && t.scale >= t.precision) return '0';
  return GHOST_TEXT[t.kind];
}
