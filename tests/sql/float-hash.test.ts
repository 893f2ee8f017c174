/**
 * Hashing standard v2 for reals and doubles: docs/hashing.md's canonical texts of floats are the
 * SQL's of the PostgreSQL target (the server of VAULT_TEST_DATABASE_URL, or PGlite) under the
 * settings every load begins with, whatever the session's float settings are;
 * tests/spark/hash-parity.test.ts checks the same lines on Spark.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresDialect } from '../../packages/emitters/src/sql/dialect/postgres/index.js';
import { hashText } from '../../packages/emitters/src/sql/hashing.js';
import { openTestDatabase, type TestDatabase } from './database.js';
import { docFloatTexts } from './reference-hash.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
  // The canonical text must not depend on the session: the fewest digits PostgreSQL 11 wrote.
  await db.query('SET extra_float_digits = 0');
});

afterAll(async () => {
  await db?.close();
});

it("docs/hashing.md: its canonical texts of floats are the SQL's, a text half-way between two floats never the shortest", async () => {
  const lines = docFloatTexts();
  expect(new Set(lines.map((l) => l.type))).toEqual(new Set(['real', 'double']));
  // The lines that make the point: JavaScript's shortest text of 2^54 + 8 stops half-way.
  expect(String(2 ** 54 + 8)).toBe('18014398509481990');
  expect(lines).toContainEqual({ type: 'double', value: '18014398509481992', text: '1.8014398509481992e+16' });
  const texts = async (settings: ReadonlyArray<string>): Promise<ReadonlyArray<string | undefined>> => {
    await db.query('BEGIN');
    try {
      for (const s of settings) await db.query(s);
      const out: Array<string | undefined> = [];
      for (const l of lines) {
        const sql = hashText(postgresDialect, { sql: `CAST($1 AS ${l.type === 'real' ? 'real' : 'double precision'})`, type: { kind: l.type } }, true);
        const { rows } = await db.query<{ t: string }>(`SELECT ${sql} AS t`, [l.value]);
        out.push(rows[0]?.t);
      }
      return out;
    } finally {
      await db.query('ROLLBACK');
    }
  };
  expect(await texts(postgresDialect.loadSettings)).toEqual(lines.map((l) => l.text));
  // Without the loads' settings this session would write fewer digits: the settings are needed.
  expect(await texts([])).not.toEqual(lines.map((l) => l.text));
});
