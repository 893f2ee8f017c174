/**
 * hashText leaves out the trim, upper-case, blank and escape steps for types whose canonical
 * text they cannot change. Checked in the database: for tricky values of every such type, the
 * short form and the full standard (all five steps) give the same text, for both case policies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnType } from '@vault/core';
import { hashText } from '../../packages/emitters/src/sql/hashing.js';
import { openTestDatabase, type TestDatabase } from './database.js';

/** The standard written out in full, as it was before the short forms. */
function fullHashText(canonical: string, keepCase: boolean): string {
  const trimmed = `btrim(${canonical})`;
  const cased = keepCase ? trimmed : `upper(${trimmed} COLLATE "C")`;
  return `replace(replace(COALESCE(NULLIF(${cased}, ''), '^^'), E'\\\\', E'\\\\\\\\'), '|', E'\\\\|')`;
}

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
  [{ kind: 'date' }, 'date', ["'2024-02-29'", "'infinity'", "'0044-03-15 BC'", 'NULL'], "to_char(v, 'YYYY-MM-DD')"],
  [{ kind: 'time' }, 'time', ["'23:59:59.999999'", 'NULL'], "to_char(v, 'HH24:MI:SS.US')"],
  [{ kind: 'timestamp' }, 'timestamp', ["'2024-01-01 00:00:00'", "'-infinity'", 'NULL'], "to_char(v, 'YYYY-MM-DD HH24:MI:SS.US')"],
  [{ kind: 'timestamptz' }, 'timestamptz', ["'2024-01-01 12:00:00+02'", "'infinity'", 'NULL'], "to_char((v AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS.US')"],
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
    const short = hashText({ sql: 'v', type }, false);
    expect(short.length, 'the short form leaves steps out').toBeLessThan(fullHashText(canonical, false).length);
    for (const keepCase of [false, true]) {
      const sql = `SELECT ${hashText({ sql: 'v', type }, keepCase)} AS short, ${fullHashText(canonical, keepCase)} AS full FROM (VALUES ${values.map((v) => `(CAST(${v} AS ${pgType}))`).join(', ')}) AS x(v)`;
      const { rows } = await db.query<{ short: string; full: string }>(sql);
      expect(rows).toHaveLength(values.length);
      for (const r of rows) expect(r.short, `${pgType} keepCase=${keepCase}`).toBe(r.full);
    }
  });
});
