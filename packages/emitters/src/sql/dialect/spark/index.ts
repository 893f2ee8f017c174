/**
 * Apache Spark SQL 3.5 or later, as Databricks runs it: the second dialect of the SQL target
 * (docs/spark.md). Tables are Parquet; Spark has no transactions, locks, key constraints,
 * procedural blocks or `DISTINCT ON`, so the builders choose their portable forms, and every
 * construct only Spark has lives in this folder.
 */
import type { ColumnTypeKind } from '@vault/core';
import { statement } from '../../sql-writer.js';
import type { Dialect } from '../dialect.js';
import { firstRowByRowNumber, keyLookupByJoin } from '../portable.js';
import { dates } from './dates.js';
import { callFunction } from './functions.js';
import { ghostValue } from './ghost.js';
import { byteOrder, canonicalText, digest, digestSetup, trimSpaces, upperAscii } from './hashing.js';
import { ledgerStatements } from './ledger.js';
import { marker } from './parameters.js';
import { MAX_SPARK_IDENTIFIER_BYTES, numericLiteral, quoteIdent, quoteLiteral, sparkName } from './quote.js';
import { sparkRefusal, sparkType } from './types.js';

export { inlineParameters, type InlineValue } from './parameters.js';
export { MAX_SPARK_IDENTIFIER_BYTES, quoteIdent as sparkQuoteIdent, quoteLiteral as sparkQuoteLiteral, sparkName, tableIdent as sparkTableIdent } from './quote.js';
export { sparkRefusal, sparkType } from './types.js';

/** The batch load timestamp: a named marker, bound (or inlined) as ISO 8601 text. */
export const SPARK_LOAD_TIMESTAMP = `CAST(${marker('load_ts')} AS TIMESTAMP)`;

/** Spark's min() orders every type it stores; kept as PostgreSQL's so loads pick rows alike on both. */
const HAS_MIN = {
  smallint: true,
  int: true,
  bigint: true,
  decimal: true,
  real: true,
  double: true,
  text: true,
  varchar: true,
  char: true,
  date: true,
  time: true,
  timestamp: true,
  timestamptz: true,
  interval: true,
  boolean: false,
  uuid: false,
  bytea: false,
  json: false,
  jsonb: false,
} as const satisfies Record<ColumnTypeKind, boolean>;

/** A JSON object of the entries as text (Spark has no JSON type); NULL values are left out, as `to_json` does. */
function jsonObject(entries: ReadonlyArray<{ readonly key: string; readonly sql: string }>): string {
  if (entries.length === 0) return "'{}'";
  return `to_json(named_struct(${entries.map((e) => `${quoteLiteral(e.key)}, ${e.sql}`).join(', ')}))`;
}

export const sparkDialect: Dialect = {
  name: 'Spark SQL',
  title: 'Apache Spark SQL 3.5 or later (Databricks)',
  capabilities: {
    transactions: false,
    advisoryLocks: false,
    distinctOn: false,
    namedWindows: true,
    proceduralBlocks: false,
    extensions: false,
    correlatedJoinConditions: false,
    writableCtes: false,
    // DECIMAL division keeps max(6, s1 + p2 + 1) decimals, PostgreSQL at least 16 significant digits.
    exactDivision: false,
    keyConstraints: false,
  },
  quoteIdent,
  quoteLiteral,
  numericLiteral,
  maxIdentifierBytes: MAX_SPARK_IDENTIFIER_BYTES,
  // Spark and Parquet set no limit on a table's columns.
  maxColumns: undefined,
  identifier: sparkName,
  // spark.sql.caseSensitive is false: `Customer` and `customer` are one table, one column.
  foldName: (name) => name.toLowerCase(),
  columnType: sparkType,
  columnTypeProblem: sparkRefusal,
  // Left as Spark types it: +, -, * and round(x, n) of DECIMALs keep PostgreSQL's scales; a cast to one fixed DECIMAL(p,s) would not.
  // Whole numbers become DECIMAL(20,0) (every bigint fits), as Spark divides integers as doubles.
  exactNumber: (sql, family) => (family === 'integer' ? `CAST(${sql} AS DECIMAL(20,0))` : sql),
  ghostValue,
  loadTimestamp: { sql: SPARK_LOAD_TIMESTAMP, name: marker('load_ts') },
  canonicalText,
  upperAscii,
  trimSpaces,
  digest,
  digestSetup,
  byteOrder,
  // collect_list skips NULLs, as string_agg does; array_sort orders by code point.
  joinedInOrder: (sql, separator) => `array_join(array_sort(collect_list(${sql})), ${separator})`,
  hasMin: (kind) => HAS_MIN[kind],
  sortable: (kind) => kind !== 'json' && kind !== 'jsonb' && kind !== 'interval' && kind !== 'time',
  firstRowPerKey: firstRowByRowNumber(quoteIdent),
  jsonObject,
  addMicroseconds: (timestamp, count) => `timestampadd(MICROSECOND, ${count}, ${timestamp})`,
  callFunction,
  // CREATE OR REPLACE VIEW replaces a view whatever its columns: nothing needs dropping first.
  dropViews: () => undefined,
  restoreViewGrants: () => undefined,
  // No key constraints: the row goes in unless a row with the same values is there (the ghost record's values never change).
  insertOnce: (table, columns, values) =>
    statement((w) => {
      w.line(`INSERT INTO ${table} (${columns.join(', ')})`);
      w.line(`SELECT ${values.join(', ')}`);
      w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE ${columns.map((c, i) => `${c} <=> ${values[i]}`).join(' AND ')})`);
    }),
  // Parquet tables are not altered by setup: a column added to the spec needs ALTER TABLE ... ADD COLUMNS by hand (docs/spark.md).
  evolveTables: () => [],
  // raise_error fails the query at the first row.
  failIfAny: (rows, message) => `SELECT raise_error(${message}) FROM (${rows}) AS r`,
  proceduralBlock: () => {
    throw new Error('vault SQL: Spark SQL has no procedural blocks (capabilities.proceduralBlocks is false)');
  },
  ledger: ledgerStatements,
  dates,
  loadSettings: [],
  changedRowsSettings: [],
  // Parquet: what every Spark reads and writes with nothing to fetch (Delta needs its jars; docs/spark.md).
  tableStorage: 'USING PARQUET',
  keyLookup: keyLookupByJoin,
  // Not ORDER BY ... LIMIT 1: Spark decorrelates that into a global sort of the table and a row_number() per key without the order (docs/spark.md).
  // Two terms: a struct compares field by field, a NULL field below any value, so `first IS NULL` leads (NULL is greatest).
  latestValue: (q) => [
    `SELECT max_by(${q.value}, ${q.first === undefined ? q.latest : `named_struct('absent', ${q.first} IS NULL, 'first', ${q.first}, 'latest', ${q.latest})`}) FROM ${q.from}`,
    `WHERE ${q.where}`,
  ],
  // Spark has no indexes: an incremental PIT load reads the satellites whole.
  loadOrderIndex: () => undefined,
};
