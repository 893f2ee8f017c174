/** PostgreSQL's name of each column type. */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';

type Of<K extends ColumnTypeKind> = Extract<ColumnType, { kind: K }>;

const PG_TYPES = {
  smallint: () => 'smallint',
  int: () => 'integer',
  bigint: () => 'bigint',
  decimal: (t: Of<'decimal'>) => (t.precision === undefined ? 'numeric' : t.scale === undefined ? `numeric(${t.precision})` : `numeric(${t.precision},${t.scale})`),
  real: () => 'real',
  double: () => 'double precision',
  text: () => 'text',
  varchar: (t: Of<'varchar'>) => (t.length === undefined ? 'varchar' : `varchar(${t.length})`),
  // `char` without a length is char(1) in PostgreSQL, as a user writing PostgreSQL types means.
  char: (t: Of<'char'>) => (t.length === undefined ? 'char' : `char(${t.length})`),
  boolean: () => 'boolean',
  date: () => 'date',
  time: () => 'time',
  timestamp: () => 'timestamp',
  timestamptz: () => 'timestamptz',
  interval: () => 'interval',
  uuid: () => 'uuid',
  json: () => 'json',
  jsonb: () => 'jsonb',
  bytea: () => 'bytea',
} as const satisfies { [K in ColumnTypeKind]: (t: Of<K>) => string };

/**
 * @example pgType({ kind: 'double' })                              // 'double precision'
 * @example pgType({ kind: 'decimal', precision: 18, scale: 2 })     // 'numeric(18,2)'
 */
export function pgType(t: ColumnType): string {
  return (PG_TYPES[t.kind] as (t: ColumnType) => string)(t);
}
