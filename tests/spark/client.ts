/**
 * Test helpers over the Spark engine's `Database` (packages/cli/src/db/spark/): open the run's
 * Spark server (server.ts), read rows as text, and fill tables with typed literals.
 */
import { randomBytes } from 'node:crypto';
import { openSpark } from '../../packages/cli/src/db/spark/index.js';
import type { Database } from '../../packages/cli/src/db/database.js';
import { requiredSparkServer, type SparkEndpoint } from './server.js';

/** A value to write: text, a number (written as its digits), a bigint, a boolean, or NULL. */
export type SparkValue = string | number | bigint | boolean | null;

/** Opens a session on `endpoint`, without credentials (the test server has no authentication). */
export function openSparkClient(endpoint: SparkEndpoint): Promise<Database> {
  return openSpark(endpoint.url, {});
}

/** The run's Spark server and a session on it, for a suite that runs only where Spark does. */
export async function sparkSession(): Promise<{ readonly endpoint: SparkEndpoint; readonly db: Database }> {
  const endpoint = await requiredSparkServer();
  return { endpoint, db: await openSparkClient(endpoint) };
}

/** A schema name no other call in this run returns: `<tag>_<random>`. */
export function uniqueSchema(tag: string): string {
  return `${tag}_${randomBytes(4).toString('hex')}`;
}

/** `name` quoted for Spark: in backticks, a backtick doubled. */
export const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** `value` as a Spark string literal: a backslash is an escape character there, so it is doubled, and `'` is written `\'`. */
export const literal = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The rows of `sql` with every value as text (null as null). Values the driver reads as
 * numbers lose digits beyond 2^53: select `CAST(x AS STRING)` where exactness matters.
 */
export async function queryText(db: Database, sql: string): Promise<Array<Record<string, string | null>>> {
  const r = await db.query<Record<string, unknown>>(sql);
  return r.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])));
}

/** The column types of table `table` (`schema.name`, quoted or not), by column name, as `DESCRIBE` gives them. */
export async function columnTypes(db: Database, table: string): Promise<ReadonlyMap<string, string>> {
  const r = await db.query<{ col_name: string; data_type: string }>(`DESCRIBE TABLE ${table}`);
  const types = new Map<string, string>();
  for (const row of r.rows) {
    // DESCRIBE lists partitioning and detail sections after a blank or '#' row.
    if (row.col_name === '' || row.col_name.startsWith('#')) break;
    types.set(row.col_name, row.data_type);
  }
  return types;
}

/**
 * Inserts `rows` into `table` (`schema.name` as SQL) in one INSERT, each value a literal cast to
 * its column's type (`CAST('2024-05-01' AS DATE)`, `CAST(NULL AS INT)`), so the rows land typed
 * whatever Spark's store-assignment rules. Every row names its columns; a column the table
 * lacks is an error here, not a silent NULL.
 */
export async function insertRows(db: Database, table: string, rows: ReadonlyArray<Readonly<Record<string, SparkValue>>>): Promise<void> {
  if (rows.length === 0) return;
  const types = await columnTypes(db, table);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  for (const c of columns) if (!types.has(c)) throw new Error(`insertRows: ${table} has no column ${c} (it has ${[...types.keys()].join(', ')})`);
  const values = rows.map((row) => `(${columns.map((c) => `CAST(${valueSql(row[c] ?? null)} AS ${types.get(c)!})`).join(', ')})`);
  await db.query(`INSERT INTO ${table} (${columns.map(ident).join(', ')}) VALUES\n${values.join(',\n')}`);
}

function valueSql(v: SparkValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return `'${String(v)}'`;
    return String(v);
  }
  return literal(v);
}
