/**
 * hashText leaves out the trim, upper-case, blank and escape steps for types whose canonical
 * text they cannot change. Checked in the database: for tricky values of every such type, the
 * short form and the full standard (all five steps) give the same text, for both case policies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnType } from '@vault/core';
import { postgresDialect } from '../../packages/emitters/src/sql/dialect/postgres/index.js';
import { hashText } from '../../packages/emitters/src/sql/hashing.js';
import { openTestDatabase, type TestDatabase } from './database.js';

/** The standard written out in full, as it was before the short forms. */
function fullHashText(canonical: string, keepCase: boolean): string {
  const trimmed = `btrim(${canonical})`;
  const cased = keepCase ? trimmed : `upper(${trimmed} COLLATE "C")`;
  return `replace(replace(COALESCE(NULLIF(${cased}, ''), '^^'), E'\\\\', E'\\\\\\\\'), '|', E'\\\\|')`;
}

/** Standard v2's text of an infinity, else of a finite value; written apart from the emitter's. */
const v2Calendar = (x: string, finite: string): string =>
  `CASE WHEN ${x} = 'infinity' THEN 'infinity' WHEN ${x} = '-infinity' THEN '-infinity' ELSE ${finite} || CASE WHEN ${x} < '0001-01-01' THEN ' BC' ELSE '' END END`;
/** From the date's fields (extract reads dates past 294276 AD natively since PostgreSQL 14). */
const v2Date = (x: string): string => {
  const field = (f: string, width: number): string => `(repeat('0', ${width} - length(abs(extract(${f} from ${x}))::bigint::text)) || abs(extract(${f} from ${x}))::bigint::text)`;
  return v2Calendar(x, `${field('year', 4)} || '-' || ${field('month', 2)} || '-' || ${field('day', 2)}`);
};
const v2Timestamp = (x: string): string => v2Calendar(x, `to_char(${x}, 'YYYY-MM-DD HH24:MI:SS.US')`);

const CASES: ReadonlyArray<readonly [ColumnType, string, ReadonlyArray<string>, string]> = [
  [{ kind: 'smallint' }, 'smallint', ['0', '-32768', '32767', 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'int' }, 'integer', ['0', '-7', '2147483647', 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'bigint' }, 'bigint', ['-9223372036854775808', '42', 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'decimal', precision: 18, scale: 2 }, 'numeric(18,2)', ['12.5', '-0.01', "'NaN'", 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'real' }, 'real', ["'NaN'", "'Infinity'", "'-Infinity'", '1e20', '0.1', 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'double' }, 'double precision', ["'NaN'", '1e-300', '-2.5', 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'boolean' }, 'boolean', ['true', 'false', 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'uuid' }, 'uuid', ["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'interval' }, 'interval', ["'1 day 02:00:00'", "'-1 mons'", "'0'", 'NULL'], 'CAST(v AS text)'],
  [{ kind: 'date' }, 'date', ["'2024-02-29'", "'infinity'", "'-infinity'", "'0044-03-15 BC'", "'300000-01-01'", 'NULL'], v2Date('v')],
  [{ kind: 'time' }, 'time', ["'23:59:59.999999'", 'NULL'], "to_char(v, 'HH24:MI:SS.US')"],
  [{ kind: 'timestamp' }, 'timestamp', ["'2024-01-01 00:00:00'", "'-infinity'", "'infinity'", "'0001-12-31 23:00 BC'", 'NULL'], v2Timestamp('v')],
  [{ kind: 'timestamptz' }, 'timestamptz', ["'2024-01-01 12:00:00+02'", "'infinity'", "'-infinity'", "'0001-01-01 01:00:00+02'", 'NULL'], v2Timestamp("(v AT TIME ZONE 'UTC')")],
];

describe('short hash texts equal the full standard', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
    await db.query("SET TIME ZONE 'UTC'");
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(CASES)('%o', async (type, pgType, values, canonical) => {
    const short = hashText(postgresDialect, { sql: 'v', type }, false);
    expect(short.length, 'the short form leaves steps out').toBeLessThan(fullHashText(canonical, false).length);
    for (const keepCase of [false, true]) {
      const sql = `SELECT ${hashText(postgresDialect, { sql: 'v', type }, keepCase)} AS short, ${fullHashText(canonical, keepCase)} AS full FROM (VALUES ${values.map((v) => `(CAST(${v} AS ${pgType}))`).join(', ')}) AS x(v)`;
      const { rows } = await db.query<{ short: string; full: string }>(sql);
      expect(rows).toHaveLength(values.length);
      for (const r of rows) expect(r.short, `${pgType} keepCase=${keepCase}`).toBe(r.full);
    }
  });
});
