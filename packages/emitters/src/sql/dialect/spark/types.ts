/**
 * Spark's name of each column type. Tables are Parquet: every type here is one Parquet stores.
 * Types without a Spark equivalent that stores and hashes as PostgreSQL does (time, interval,
 * json, jsonb, decimal without a scale) are refused by `validateSql` (VLT440) before any SQL is
 * written; they still have a name here, STRING, because vault's own columns may use them (the
 * duplicates error table's row is JSON text) and the table must cover every kind.
 */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';

type Of<K extends ColumnTypeKind> = Extract<ColumnType, { kind: K }>;

/** Spark's widest decimal. */
export const MAX_DECIMAL_PRECISION = 38;

const SPARK_TYPES = {
  smallint: () => 'SMALLINT',
  int: () => 'INT',
  bigint: () => 'BIGINT',
  // numeric(p) is numeric(p,0) in PostgreSQL; numeric without a precision is refused (VLT440).
  decimal: (t: Of<'decimal'>) => (t.precision === undefined ? 'DECIMAL(38,18)' : `DECIMAL(${t.precision},${t.scale ?? 0})`),
  real: () => 'FLOAT',
  double: () => 'DOUBLE',
  text: () => 'STRING',
  // Length limits and char padding are not stored: padding is trimmed before hashing anyway, and
  // STRING keeps the text as landed (Spark's CHAR(n) would pad, VARCHAR(n) refuse long values).
  varchar: () => 'STRING',
  char: () => 'STRING',
  boolean: () => 'BOOLEAN',
  date: () => 'DATE',
  time: () => 'STRING',
  // Wall-clock time without a zone, as PostgreSQL's timestamp.
  timestamp: () => 'TIMESTAMP_NTZ',
  // An instant, as PostgreSQL's timestamptz (Spark's TIMESTAMP is "with local time zone").
  timestamptz: () => 'TIMESTAMP',
  interval: () => 'STRING',
  // Lower-case hex with hyphens: the canonical text lower-cases it (hashing.ts).
  uuid: () => 'STRING',
  json: () => 'STRING',
  jsonb: () => 'STRING',
  bytea: () => 'BINARY',
} as const satisfies { [K in ColumnTypeKind]: (t: Of<K>) => string };

/**
 * @example sparkType({ kind: 'timestamptz' })                        // 'TIMESTAMP'
 * @example sparkType({ kind: 'decimal', precision: 18, scale: 2 })   // 'DECIMAL(18,2)'
 */
export function sparkType(t: ColumnType): string {
  return (SPARK_TYPES[t.kind] as (t: ColumnType) => string)(t);
}

/**
 * Why a column type cannot be a Spark column that stores and hashes as in PostgreSQL, and what to
 * declare instead; undefined when it can (VLT440).
 */
export function sparkRefusal(t: ColumnType): string | undefined {
  switch (t.kind) {
    case 'time':
      return 'Spark has no time-of-day type; declare it text (HH:MM:SS) or a timestamp';
    case 'interval':
      return 'Spark cannot store intervals in tables; declare the length as a number (bigint seconds, or decimal)';
    case 'json':
    case 'jsonb':
      return `Spark has no ${t.kind} type, and PostgreSQL's ${t.kind} text (the canonical text) cannot be reproduced; declare it text`;
    case 'decimal':
      if (t.precision === undefined) return "a decimal without precision and scale keeps each value's own scale in PostgreSQL, which Spark cannot store; declare decimal(p,s)";
      if (t.precision > MAX_DECIMAL_PRECISION) return `Spark's decimals hold at most ${MAX_DECIMAL_PRECISION} digits; declare decimal(38,s) or less, or double`;
      return undefined;
    default:
      return undefined;
  }
}
