/**
 * The run's Spark Thrift server (server.ts) and the engine's connection to it: a query, and a
 * Parquet table written and read back exactly (BIGINT and DECIMAL as text, a string with a
 * backslash and a quote, NULL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../packages/cli/src/db/database.js';
import { ident, insertRows, queryText, sparkSession, uniqueSchema } from './client.js';
import { sparkServer, sparkSkipReason, type SparkEndpoint } from './server.js';

describe.skipIf(sparkSkipReason() !== undefined)('the Spark Thrift server of the test run', () => {
  let endpoint: SparkEndpoint;
  let db: Database;
  const schema = uniqueSchema('vt_smoke');
  beforeAll(async () => {
    ({ endpoint, db } = await sparkSession());
  }, 300_000);
  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`).catch(() => undefined);
    await db?.close();
  });

  it('listens on 127.0.0.1 and answers SELECT 1', async () => {
    expect(endpoint.host).toBe('127.0.0.1');
    expect(endpoint.url).toBe(`spark://127.0.0.1:${endpoint.port}`);
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // The session is in UTC, as vault's PostgreSQL sessions are.
    expect(await queryText(db, 'SELECT current_timezone() AS tz')).toEqual([{ tz: 'UTC' }]);
    // One server for the run: asking again gives the same one.
    expect(await sparkServer()).toEqual(endpoint);
  });

  it('writes a Parquet table and reads it back exactly', async () => {
    const table = `${ident(schema)}.${ident('t')}`;
    await db.query(`CREATE SCHEMA ${ident(schema)}`);
    await db.query(`CREATE TABLE ${table} (id BIGINT, amount DECIMAL(20,4), name STRING, day DATE, ts TIMESTAMP, ok BOOLEAN) USING PARQUET`);
    await insertRows(db, table, [
      { id: 9007199254740993n, amount: '1234567890123456.7891', name: "it's a \\ back", day: '2024-05-01', ts: '2024-05-01 12:34:56.123456', ok: true },
      { id: 1, amount: null, name: null, day: null, ts: null, ok: false },
    ]);
    const rows = await queryText(
      db,
      `SELECT CAST(id AS STRING) AS id, CAST(amount AS STRING) AS amount, name, CAST(day AS STRING) AS day, CAST(ts AS STRING) AS ts, CAST(ok AS STRING) AS ok FROM ${table} ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: '1', amount: null, name: null, day: null, ts: null, ok: 'false' },
      { id: '9007199254740993', amount: '1234567890123456.7891', name: "it's a \\ back", day: '2024-05-01', ts: '2024-05-01 12:34:56.123456', ok: 'true' },
    ]);
    const described = await db.query<{ col_name: string; data_type: string }>(`DESCRIBE TABLE EXTENDED ${table}`);
    expect(described.rows.find((r) => r.col_name === 'Provider')?.data_type.toLowerCase()).toBe('parquet');
  });

  it("reports Spark's errors on one line with their SQLSTATE", async () => {
    const e = await db.query(`SELECT * FROM ${ident(schema)}.${ident('no_such_table')}`).then(
      () => undefined,
      (x: unknown) => x as Error & { code?: string },
    );
    expect(e?.name).toBe('DatabaseError');
    expect(e?.code).toBe('42P01');
    expect(e?.message).toMatch(/^\[TABLE_OR_VIEW_NOT_FOUND\] The table or view .*no_such_table.* cannot be found/);
    expect(e?.message).not.toMatch(/\n|\bat org\.apache|HiveSQLException/);
  });
});
