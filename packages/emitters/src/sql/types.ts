/**
 * The PostgreSQL dialect of column types: the type text of each `ColumnType`, and the
 * placeholder the ghost record holds in a business key column of that type.
 */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';
import { quoteLiteral } from './quote.js';

type Of<K extends ColumnTypeKind> = Extract<ColumnType, { kind: K }>;

const PG_TYPES = {
  smallint: () => 'smallint',
  int: () => 'integer',
  bigint: () => 'bigint',
  decimal: (t: Of<'decimal'>) =>
    t.precision === undefined ? 'numeric' : t.scale === undefined ? `numeric(${t.precision})` : `numeric(${t.precision},${t.scale})`,
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

/**
 * What the ghost ("unknown") record holds in a business key column: a value of the column's
 * type, so the column can keep its type; docs/sql.md lists them. A real key equal to the
 * placeholder is no problem: the ghost is told apart by its all-zero hash key.
 */
const GHOST_KEY = {
  smallint: '-1', int: '-1', bigint: '-1', decimal: '-1', real: '-1', double: '-1',
  text: '?', varchar: '?', char: '?',
  boolean: 'false',
  date: '0001-01-01', time: '00:00:00', timestamp: '0001-01-01 00:00:00', timestamptz: '0001-01-01 00:00:00+00',
  interval: '0 seconds',
  uuid: '00000000-0000-0000-0000-000000000000',
  json: 'null', jsonb: 'null',
  bytea: '',
} as const satisfies Record<ColumnTypeKind, string>;

/** `CAST('<placeholder>' AS <type>)`. */
export function ghostKeyValue(t: ColumnType): string {
  return `CAST(${quoteLiteral(GHOST_KEY[t.kind])} AS ${pgType(t)})`;
}

/** The ghost value of a type, as text (for docs and tests). */
export function ghostKeyText(t: ColumnType): string {
  return GHOST_KEY[t.kind];
}
