/**
 * PostgreSQL 11 or later (and PGlite): the first dialect of the SQL target. Every construct only
 * PostgreSQL has lives in this folder.
 */
import type { ColumnTypeKind } from '@vault/core';
import { statement } from '../../sql-writer.js';
import type { Dialect } from '../dialect.js';
import { evolveTables, proceduralBlock } from './evolve.js';
import { callFunction } from './functions.js';
import { ghostValue } from './ghost.js';
import { byteOrder, canonicalText, digest, digestSetup, upperAscii } from './hashing.js';
import { dates } from './dates.js';
import { landingChangeStatements } from './landing-changes.js';
import { ledgerStatements } from './ledger.js';
import { dropViewsKeepingGrants, restoreViewGrants } from './view-grants.js';
import { MAX_SQL_IDENTIFIER_BYTES, numericLiteral, quoteIdent, quoteLiteral, sqlName } from './quote.js';
import { pgType } from './types.js';

export { DELTA_ORDER_REFUSED } from './evolve.js';
export { GHOST_LOAD_TIMESTAMP } from './ghost.js';
export { FINGERPRINTED_KINDS } from './ledger.js';
export { MAX_SQL_IDENTIFIER_BYTES, numericLiteral, quoteIdent, quoteLiteral, sqlName, tableIdent } from './quote.js';
export { pgType } from './types.js';

/** The batch load timestamp: always bound, never spliced. */
export const LOAD_TIMESTAMP_PARAMETER = '$1::timestamptz';

/**
 * Types with a `min()` aggregate whose order is `byteOrder`'s for text (NULLs ignored, so an
 * all-NULL group is NULL and sorts last). PostgreSQL has none for boolean, uuid, bytea, json or jsonb.
 */
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

/** `jsonb_build_object` takes 100 arguments at most: 50 entries a call, the calls joined with `||`. */
function jsonObject(entries: ReadonlyArray<{ readonly key: string; readonly sql: string }>): string {
  if (entries.length === 0) return "'{}'::jsonb";
  const calls: string[] = [];
  for (let i = 0; i < entries.length; i += 50)
    calls.push(
      `jsonb_build_object(${entries
        .slice(i, i + 50)
        .map((e) => `${quoteLiteral(e.key)}, ${e.sql}`)
        .join(', ')})`,
    );
  return calls.join(' || ');
}

export const postgresDialect: Dialect = {
  name: 'PostgreSQL',
  title: 'PostgreSQL 11 or later',
  capabilities: {
    transactions: true,
    advisoryLocks: true,
    distinctOn: true,
    namedWindows: true,
    proceduralBlocks: true,
    extensions: true,
    correlatedJoinConditions: true,
    writableCtes: true,
    exactDivision: true,
    keyConstraints: true,
  },
  quoteIdent,
  quoteLiteral,
  numericLiteral,
  maxIdentifierBytes: MAX_SQL_IDENTIFIER_BYTES,
  // MaxHeapAttributeNumber: `tables can have at most 1600 columns`, views too.
  maxColumns: 1600,
  identifier: sqlName,
  // Quoted names are compared byte for byte.
  foldName: (name) => name,
  columnType: pgType,
  // PostgreSQL's own types: the hashing standard is written in them.
  columnTypeProblem: () => undefined,
  exactNumber: (sql) => `CAST(${sql} AS numeric)`,
  ghostValue,
  loadTimestamp: { sql: LOAD_TIMESTAMP_PARAMETER, name: '$1' },
  canonicalText,
  upperAscii,
  trimSpaces: (text) => `btrim(${text})`,
  digest,
  digestSetup,
  byteOrder,
  joinedInOrder: (sql, separator) => `string_agg(${sql}, ${separator} ORDER BY ${byteOrder(sql)})`,
  hasMin: (kind) => HAS_MIN[kind],
  // json has no ordering (jsonb has).
  sortable: (kind) => kind !== 'json',
  firstRowPerKey: (q) => [`SELECT DISTINCT ON (${q.key}) * FROM ${q.from}`, `ORDER BY ${[q.key, ...q.order].join(', ')}`],
  jsonObject,
  addMicroseconds: (timestamp, count) => `${timestamp} + ${count} * INTERVAL '1 microsecond'`,
  callFunction,
  dropViews: dropViewsKeepingGrants,
  restoreViewGrants,
  insertOnce: (table, columns, values) =>
    statement((w) => {
      w.line(`INSERT INTO ${table} (${columns.join(', ')})`);
      w.line(`VALUES (${values.join(', ')})`);
      w.line('ON CONFLICT DO NOTHING');
    }),
  evolveTables,
  failIfAny: (rows, message) => proceduralBlock(`IF EXISTS (${rows}) THEN\n  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = (SELECT ${message} FROM (${rows}) AS r LIMIT 1);\nEND IF;`),
  proceduralBlock,
  ledger: ledgerStatements,
  landingChanges: landingChangeStatements,
  dates,
  // LOCAL: for the load's transaction only (outside one, PostgreSQL warns and changes nothing).
  // The texts floats and intervals hash by (docs/hashing.md) read with the settings that make them
  // exact, whatever the server's or role's are.
  loadSettings: ['SET LOCAL jit = off', 'SET LOCAL extra_float_digits = 1', `SET LOCAL IntervalStyle = 'postgres'`],
  // A lower setting of the session's (an SSD-tuned server's 1.0) stays.
  changedRowsSettings: [`SELECT set_config('random_page_cost', CAST(least(CAST(current_setting('random_page_cost') AS float8), 1.1) AS text), true)`],
  tableStorage: '',
  latestValue: (q) => [`SELECT ${q.value} FROM ${q.from}`, `WHERE ${q.where}`, `ORDER BY ${q.first === undefined ? '' : `${q.first} DESC NULLS FIRST, `}${q.latest} DESC LIMIT 1`],
  // OFFSET 0 keeps the subquery a probe of the key per pointer (joined, the planner would hash the whole table).
  keyLookup: (q) => `CROSS JOIN LATERAL (SELECT ${q.columns.join(', ')} FROM ${q.table} WHERE ${q.key.map((k) => `${k.column} = ${k.equals}`).join(' AND ')} OFFSET 0) AS ${q.alias}`,
  // BRIN: a page range's least and greatest load_ts; rows appended in load_ts order keep the ranges narrow.
  // autosummarize: a range is summarized once filled (autovacuum), not only by VACUUM; a range not yet summarized is always read.
  loadOrderIndex: (table, name, column) => `CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${table} USING brin (${quoteIdent(column)}) WITH (autosummarize = on)`,
};
