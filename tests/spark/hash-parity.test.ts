/**
 * Hashing parity of the Spark target with PostgreSQL (issue 19): random values of every column
 * type the Spark target stores are written to a table on each engine (typed as each dialect
 * types them), then read back through the hashing SQL of each dialect (`hashText`, steps 1-5 of
 * docs/hashing.md, both case policies; `hashExpression`, md5/sha1/sha256 over every column).
 * Both engines must give the same texts and digests, and the digests must be those of the
 * TypeScript reference over those texts. The session of each engine is far from UTC, so no text
 * may depend on the session's time zone.
 *
 * PostgreSQL: the server of VAULT_TEST_DATABASE_URL, or PGlite. Spark: the run's Thrift server
 * (tests/spark/server.ts); skipped with the reason printed when Spark is not installed.
 */
import { fc, test } from '@fast-check/vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnType, HashAlgorithm, Hashing } from '@vault/core';
import { postgresDialect } from '../../packages/emitters/src/sql/dialect/postgres/index.js';
import { sparkDialect } from '../../packages/emitters/src/sql/dialect/spark/index.js';
import type { Dialect } from '../../packages/emitters/src/sql/dialect/dialect.js';
import { hashExpression, hashText } from '../../packages/emitters/src/sql/hashing.js';
import type { Database } from '../../packages/cli/src/db/database.js';
import { openTestDatabase, type TestDatabase } from '../sql/database.js';
import { openSparkClient, queryText, uniqueSchema } from './client.js';
import { requiredSparkServer, sparkSkipReason } from './server.js';
import { edgeValues, pgValueSql, sparkValueSql, valueArb, type Value } from './values.js';
import { docFloatTexts } from '../sql/reference-hash.js';

const ALGORITHMS = ['md5', 'sha1', 'sha256'] as const satisfies ReadonlyArray<HashAlgorithm>;

/** One column of each type the Spark target accepts (validateSql refuses time, interval, json, jsonb, decimal without scale). */
const COLUMNS: ReadonlyArray<{ readonly name: string; readonly type: ColumnType }> = [
  { name: 'c_smallint', type: { kind: 'smallint' } },
  { name: 'c_int', type: { kind: 'int' } },
  { name: 'c_bigint', type: { kind: 'bigint' } },
  { name: 'c_dec_1_0', type: { kind: 'decimal', precision: 1, scale: 0 } },
  { name: 'c_dec_10_2', type: { kind: 'decimal', precision: 10, scale: 2 } },
  { name: 'c_dec_18_8', type: { kind: 'decimal', precision: 18, scale: 8 } },
  { name: 'c_dec_38_0', type: { kind: 'decimal', precision: 38, scale: 0 } },
  { name: 'c_dec_38_10', type: { kind: 'decimal', precision: 38, scale: 10 } },
  { name: 'c_dec_38_38', type: { kind: 'decimal', precision: 38, scale: 38 } },
  { name: 'c_dec_9', type: { kind: 'decimal', precision: 9 } },
  { name: 'c_real', type: { kind: 'real' } },
  { name: 'c_double', type: { kind: 'double' } },
  { name: 'c_text', type: { kind: 'text' } },
  { name: 'c_varchar', type: { kind: 'varchar', length: 12 } },
  { name: 'c_char', type: { kind: 'char', length: 6 } },
  { name: 'c_boolean', type: { kind: 'boolean' } },
  { name: 'c_date', type: { kind: 'date' } },
  { name: 'c_timestamp', type: { kind: 'timestamp' } },
  { name: 'c_timestamptz', type: { kind: 'timestamptz' } },
  { name: 'c_uuid', type: { kind: 'uuid' } },
  { name: 'c_bytea', type: { kind: 'bytea' } },
];

type Row = ReadonlyArray<Value | null>;
const rowArb: fc.Arbitrary<Row> = fc.tuple(...COLUMNS.map((c) => fc.option(valueArb(c.type), { freq: 8, nil: null })));

/** Output columns: each column's step 1-5 text for both case policies, then one digest per algorithm and policy over every column. */
const textColumn = (i: number, keepCase: boolean): string => `t${i}_${keepCase ? 'kc' : 'uc'}`;
const digestColumn = (a: HashAlgorithm, keepCase: boolean): string => `h_${a}_${keepCase ? 'kc' : 'uc'}`;

function selectSql(d: Dialect, table: string, run: number): string {
  const outputs: string[] = [];
  for (const keepCase of [false, true]) {
    COLUMNS.forEach((c, i) => outputs.push(`${hashText(d, { sql: c.name, type: c.type }, keepCase)} AS ${textColumn(i, keepCase)}`));
    for (const algorithm of ALGORITHMS) {
      const hashing: Hashing = { algorithm, caseSensitiveKeys: keepCase, caseSensitiveHashdiff: keepCase };
      outputs.push(
        `${hashExpression(
          d,
          hashing,
          COLUMNS.map((c) => ({ sql: c.name, type: c.type })),
          'key',
        )} AS ${digestColumn(algorithm, keepCase)}`,
      );
    }
  }
  return `SELECT i, ${outputs.join(',\n  ')} FROM ${table} WHERE r = ${run} ORDER BY i`;
}

function createSql(d: Dialect, table: string): string {
  return `CREATE TABLE ${table} (r INT, i INT, ${COLUMNS.map((c) => `${c.name} ${d.columnType(c.type)}`).join(', ')})${d === sparkDialect ? ' USING PARQUET' : ''}`;
}

function insertSql(table: string, run: number, rows: ReadonlyArray<Row>, value: (t: ColumnType, v: Value | null) => string): string {
  return `INSERT INTO ${table} (r, i, ${COLUMNS.map((c) => c.name).join(', ')}) VALUES\n${rows.map((row, i) => `(${run}, ${i}, ${COLUMNS.map((c, j) => value(c.type, row[j] ?? null)).join(', ')})`).join(',\n')}`;
}

type Result = Record<string, string | null>;

/** Spark runs a statement in 0.2-2 s, more on a busy machine. */
const SLOW = 900_000;

/** The digest the reference gives for the texts of one row (steps 6-7 of docs/hashing.md). */
const reference = (a: HashAlgorithm, texts: ReadonlyArray<string | null>): string =>
  createHash(a)
    .update(texts.map((t) => t ?? '<NULL>').join('||'), 'utf8')
    .digest('hex');

describe.skipIf(sparkSkipReason() !== undefined)('hashing parity: Spark gives the texts and hashes PostgreSQL gives', () => {
  let pg: TestDatabase;
  let spark: Database;
  const schema = uniqueSchema('vt_hash');
  let pgTable: string;
  const sparkTable = `${schema}.parity`;
  let run = 0;

  beforeAll(async () => {
    const server = await requiredSparkServer();
    [pg, spark] = await Promise.all([openTestDatabase(), openSparkClient(server)]);
    pgTable = `${pg.prefix}_hash.parity`;
    // Sessions far from UTC (and another DateStyle): no canonical text may depend on them.
    await pg.query("SET TIME ZONE 'Pacific/Kiritimati'");
    await pg.query("SET DateStyle = 'SQL, DMY'");
    await pg.query(`CREATE SCHEMA ${pg.prefix}_hash`);
    await pg.query(createSql(postgresDialect, pgTable));
    await spark.query("SET TIME ZONE 'Pacific/Kiritimati'");
    await spark.query(`CREATE SCHEMA ${schema}`);
    await spark.query(createSql(sparkDialect, sparkTable));
  }, 300_000);

  afterAll(async () => {
    await spark?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await spark?.close();
    await pg?.close();
  });

  /** Writes `rows` on both engines and gives what each engine's hashing SQL makes of them. */
  async function both(rows: ReadonlyArray<Row>): Promise<{ pg: Result[]; spark: Result[] }> {
    const r = run++;
    await pg.query(insertSql(pgTable, r, rows, pgValueSql));
    await spark.query(insertSql(sparkTable, r, rows, sparkValueSql));
    const [p, s] = await Promise.all([pg.query<Record<string, unknown>>(selectSql(postgresDialect, pgTable, r)), queryText(spark, selectSql(sparkDialect, sparkTable, r))]);
    return { pg: p.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)]))), spark: s };
  }

  /** The first difference, named by column, type and value, for the failure message. */
  function differences(rows: ReadonlyArray<Row>, got: { pg: Result[]; spark: Result[] }): string[] {
    const out: string[] = [];
    got.pg.forEach((p, i) => {
      const s = got.spark[i] ?? {};
      for (const [k, v] of Object.entries(p)) {
        if (s[k] === v) continue;
        const m = /^t(\d+)_/.exec(k);
        const col = m === null ? undefined : COLUMNS[Number(m[1])];
        out.push(`row ${i} ${k}${col === undefined ? '' : ` (${col.name} = ${JSON.stringify(rows[i]?.[Number(m![1])])})`}: PostgreSQL ${JSON.stringify(v)}, Spark ${JSON.stringify(s[k])}`);
      }
    });
    return out;
  }

  test.prop([fc.array(rowArb, { minLength: 1, maxLength: 40 })], { numRuns: 15 })(
    'random values of every type',
    async (rows) => {
      const got = await both(rows);
      expect(got.spark.length).toBe(rows.length);
      expect(differences(rows, got)).toEqual([]);
      // The digests are the reference's over the texts, and NULL is the token, never a NULL text.
      for (const r of got.pg) {
        for (const keepCase of [false, true]) {
          const texts = COLUMNS.map((_, i) => r[textColumn(i, keepCase)] ?? null);
          expect(texts).not.toContain(null);
          for (const a of ALGORITHMS) expect(r[digestColumn(a, keepCase)]).toBe(reference(a, texts));
        }
      }
    },
    SLOW,
  );

  it(
    'the edges of every type',
    async () => {
      const rows: Row[] = [];
      const edges = COLUMNS.map((c) => edgeValues(c.type));
      const longest = Math.max(...edges.map((e) => e.length));
      for (let i = 0; i < longest; i++) rows.push(edges.map((e) => e[i % e.length] ?? null));
      const got = await both(rows);
      expect(differences(rows, got)).toEqual([]);
    },
    SLOW,
  );

  it('docs/hashing.md: its test vectors hash alike on Spark', async () => {
    const doc = readFileSync(new URL('../../docs/hashing.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/```jsonl\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim().split('\n'));
    const vectors = (blocks[0] ?? []).map((l) => JSON.parse(l) as { algorithm: HashAlgorithm; keepCase: boolean; values: Array<string | null>; hash: string });
    expect(vectors.length).toBeGreaterThan(5);
    const outputs = vectors.map((v, i) => {
      const inputs = v.values.map((x) => ({ sql: x === null ? 'CAST(NULL AS STRING)' : sparkDialect.quoteLiteral(x), type: { kind: 'text' } as const }));
      return `${hashExpression(sparkDialect, { algorithm: v.algorithm, caseSensitiveKeys: v.keepCase, caseSensitiveHashdiff: v.keepCase }, inputs, 'key')} AS v${i}`;
    });
    const [row] = await queryText(spark, `SELECT ${outputs.join(', ')}`);
    expect(vectors.map((_, i) => row?.[`v${i}`])).toEqual(vectors.map((v) => v.hash));
  });

  it("docs/hashing.md: its canonical texts of floats are Spark's", async () => {
    const lines = docFloatTexts();
    expect(new Set(lines.map((l) => l.type))).toEqual(new Set(['real', 'double']));
    const outputs = lines.map(
      (l, i) => `${hashText(sparkDialect, { sql: `CAST(${sparkDialect.quoteLiteral(l.value)} AS ${l.type === 'real' ? 'FLOAT' : 'DOUBLE'})`, type: { kind: l.type } }, true)} AS v${i}`,
    );
    const [row] = await queryText(spark, `SELECT ${outputs.join(', ')}`);
    expect(lines.map((_, i) => row?.[`v${i}`])).toEqual(lines.map((l) => l.text));
  });

  it("docs/hashing.md: its canonical texts of dates and timestamps are Spark's (all but the infinities, which Spark has not)", async () => {
    const doc = readFileSync(new URL('../../docs/hashing.md', import.meta.url), 'utf8');
    const block = [...doc.matchAll(/```jsonl\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('"type":"date"')) ?? '';
    const lines = block
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: 'date' | 'timestamp' | 'timestamptz'; value: string; text: string });
    const finite = lines.filter((l) => !l.value.endsWith('infinity'));
    expect(lines.length - finite.length).toBe(4);
    const outputs = finite.map((l, i) => `${hashText(sparkDialect, { sql: sparkCalendarLiteral(l.type, l.value), type: { kind: l.type } }, true)} AS v${i}`);
    const [row] = await queryText(spark, `SELECT ${outputs.join(', ')}`);
    expect(finite.map((_, i) => row?.[`v${i}`])).toEqual(finite.map((l) => l.text));
  });
});

/** PostgreSQL's spelling of a calendar value (`0044-03-15 BC`, `… 10:30:00+02`) as a typed Spark value. */
function sparkCalendarLiteral(type: 'date' | 'timestamp' | 'timestamptz', value: string): string {
  const m = /^(\d{4,})-(\d\d-\d\d)( [\d:.]+)?([+-]\d\d)?( BC)?$/.exec(value);
  if (m === null) throw new Error(`not a calendar value: ${value}`);
  const year = Number(m[1]);
  const astronomical = m[5] === undefined ? year : 1 - year;
  const text = `${astronomical < 0 ? '-' : ''}${String(Math.abs(astronomical)).padStart(4, '0')}-${m[2]}${m[3] ?? ''}${m[4] === undefined ? (type === 'timestamptz' ? 'Z' : '') : `${m[4]}:00`}`;
  const sqlType = { date: 'DATE', timestamp: 'TIMESTAMP_NTZ', timestamptz: 'TIMESTAMP' }[type];
  return `CAST(${sparkDialect.quoteLiteral(text)} AS ${sqlType})`;
}
