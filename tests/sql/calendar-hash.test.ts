/**
 * Hashing standard v2 for dates, timestamps and timestamptz values: every distinct value has a
 * canonical text of its own (BC dates, `infinity`, `-infinity`, dates after 294276 AD), and every
 * value v1 represented keeps v1's text. Checked in the database against the TypeScript reference,
 * then through the loads: each distinct state is a satellite row, each distinct key a hub row.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileSpec, type ColumnType, type VaultModel } from '@vault/core';
import { HASHING_STANDARD, bindParameters, entityTable, landingTables, quoteIdent, sqlPlan } from '@vault/emitters/internal';
import { postgresDialect } from '../../packages/emitters/src/sql/dialect/postgres/index.js';
import { hashText } from '../../packages/emitters/src/sql/hashing.js';
import { dropSchemas, openTestDatabase, type TestDatabase } from './database.js';
import { calendarLiteral, referenceCalendarText, referenceHash, referenceHashText, type CalendarValue } from './reference-hash.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
  // The canonical text must not depend on the session: a zone far from UTC and another DateStyle.
  await db.query("SET TIME ZONE 'Pacific/Kiritimati'");
  await db.query("SET DateStyle = 'SQL, DMY'");
});

afterAll(async () => {
  await db?.close();
});

type CalendarKind = 'date' | 'timestamp' | 'timestamptz';
const PG_TYPE = { date: 'date', timestamp: 'timestamp', timestamptz: 'timestamptz' } as const satisfies Record<CalendarKind, string>;

const leap = (year: number, bc: boolean): boolean => {
  const y = bc ? 1 - year : year; // astronomical numbering: 1 BC is year 0, a leap year
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
};
const daysIn = (year: number, bc: boolean, month: number): number => [31, leap(year, bc) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;

/** Finite values of `kind`, weighted toward the edges: BC, the first years AD, five-digit and far years. */
function finiteArb(kind: CalendarKind, bcOnly = false, adInTimestampRange = false): fc.Arbitrary<CalendarValue> {
  const lastYear = kind === 'date' && !adInTimestampRange ? 5874897 : 294276;
  const years = fc
    .oneof(
      fc.integer({ min: 1, max: 3000 }).map((year) => ({ year, bc: false })),
      fc.integer({ min: 1, max: 4713 }).map((year) => ({ year, bc: true })),
      fc.integer({ min: 9990, max: 10010 }).map((year) => ({ year, bc: false })),
      fc.integer({ min: 10000, max: lastYear }).map((year) => ({ year, bc: false })),
      fc.constantFrom({ year: 1, bc: false }, { year: 1, bc: true }, { year: 294276, bc: false }, { year: lastYear, bc: false }),
    )
    .filter((y) => (bcOnly ? y.bc : !(adInTimestampRange && y.bc)));
  const time = fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }), second: fc.integer({ min: 0, max: 59 }), micro: fc.constantFrom(0, 1, 500000, 999999) });
  return fc.tuple(years, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), time).map(([{ year, bc }, month, day, t]) => ({
    year,
    bc,
    month,
    day: Math.min(day, daysIn(year, bc, month)),
    ...(kind === 'date' ? {} : { time: t }),
  }));
}

const valueArb = (kind: CalendarKind): fc.Arbitrary<CalendarValue> => fc.oneof(finiteArb(kind), fc.constantFrom<CalendarValue>('infinity', '-infinity'));

/** Step 1-5 texts of `values` in the database, in order, for one case policy. */
async function sqlTexts(kind: CalendarKind, values: ReadonlyArray<CalendarValue | null>, keepCase: boolean, expression?: (x: string) => string): Promise<Array<string | null>> {
  const type: ColumnType = { kind };
  const rows = values.map((v, i) => `(${i}, CAST(${v === null ? 'NULL' : `'${calendarLiteral(v, kind === 'timestamptz')}'`} AS ${PG_TYPE[kind]}))`).join(', ');
  const text = expression?.('v') ?? hashText(postgresDialect, { sql: 'v', type }, keepCase);
  const { rows: got } = await db.query<{ t: string | null }>(`SELECT ${text} AS t FROM (VALUES ${rows}) AS x(i, v) ORDER BY i`);
  return got.map((r) => r.t);
}

describe(`${HASHING_STANDARD}: canonical text of dates and timestamps`, () => {
  it('is v2', () => {
    expect(HASHING_STANDARD).toBe('vault hashing standard v2');
  });

  it.each(['date', 'timestamp', 'timestamptz'] as const)('%s: five distinct states have five distinct texts, in SQL as in the reference', async (kind) => {
    const t = kind === 'date' ? undefined : { hour: 0, minute: 0, second: 0, micro: 0 };
    const at = (year: number, bc: boolean): CalendarValue => ({ year, bc, month: 1, day: 1, ...(t === undefined ? {} : { time: t }) });
    const states: CalendarValue[] = [at(2000, false), 'infinity', '-infinity', at(2000, true), at(1, true)];
    for (const keepCase of [true, false]) {
      const texts = await sqlTexts(kind, [...states, null], keepCase);
      expect(texts).toEqual([...states.map((v) => referenceHashText(referenceCalendarText(v), keepCase)), '^^']);
      expect(new Set(texts).size).toBe(states.length + 1);
    }
    expect(states.map(referenceCalendarText)).toEqual(
      kind === 'date'
        ? ['2000-01-01', 'infinity', '-infinity', '2000-01-01 BC', '0001-01-01 BC']
        : ['2000-01-01 00:00:00.000000', 'infinity', '-infinity', '2000-01-01 00:00:00.000000 BC', '0001-01-01 00:00:00.000000 BC'],
    );
  });

  it('dates after the last timestamp (294276 AD) up to the last date (5874897 AD) have their text', async () => {
    const values: CalendarValue[] = [
      { year: 294276, bc: false, month: 12, day: 31 },
      { year: 294277, bc: false, month: 1, day: 1 },
      { year: 300000, bc: false, month: 2, day: 29 },
      { year: 5874897, bc: false, month: 12, day: 31 },
      { year: 4714, bc: true, month: 11, day: 24 },
    ];
    expect(await sqlTexts('date', values, true)).toEqual(['294276-12-31', '294277-01-01', '300000-02-29', '5874897-12-31', '4714-11-24 BC']);
  });

  for (const kind of ['date', 'timestamp', 'timestamptz'] as const) {
    test.prop([fc.array(valueArb(kind), { minLength: 1, maxLength: 40 }), fc.boolean()], { numRuns: 15 })(`${kind}: the SQL gives the reference's text for any value`, async (values, keepCase) => {
      expect(await sqlTexts(kind, values, keepCase)).toEqual(values.map((v) => referenceHashText(referenceCalendarText(v), keepCase)));
    });

    test.prop([fc.array(finiteArb(kind, false, true), { minLength: 1, maxLength: 40 })], { numRuns: 10 })(
      `${kind}: every value v1 could represent (AD, up to 294276) keeps v1's text`,
      async (values) => {
        const format = kind === 'date' ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH24:MI:SS.US';
        const v1 = (x: string): string => `to_char(${kind === 'timestamptz' ? `(${x} AT TIME ZONE 'UTC')` : x}, '${format}')`;
        expect(await sqlTexts(kind, values, false)).toEqual(await sqlTexts(kind, values, false, v1));
      },
    );
  }

  it("docs/hashing.md: its canonical texts of dates and timestamps are the SQL's", async () => {
    const doc = readFileSync(new URL('../../docs/hashing.md', import.meta.url), 'utf8');
    const block = [...doc.matchAll(/```jsonl\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('"type":"date"')) ?? '';
    const lines = block
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: CalendarKind; value: string; text: string });
    expect(new Set(lines.map((l) => l.type))).toEqual(new Set(['date', 'timestamp', 'timestamptz']));
    for (const l of lines) {
      const { rows } = await db.query<{ t: string }>(`SELECT ${hashText(postgresDialect, { sql: `CAST($1 AS ${PG_TYPE[l.type]})`, type: { kind: l.type } }, true)} AS t`, [l.value]);
      expect(rows[0]?.t, JSON.stringify(l)).toBe(l.text);
    }
  });

  it('a timestamptz is hashed as its instant in UTC, whatever the offset it was written with', async () => {
    const { rows } = await db.query<{ t: string }>(
      `SELECT ${hashText(postgresDialect, { sql: 'v', type: { kind: 'timestamptz' } }, true)} AS t FROM (VALUES (1, timestamptz '2000-01-01 02:00:00+02 BC'), (2, timestamptz '2001-12-31 22:00:00-02 BC')) AS x(i, v) ORDER BY i`,
    );
    expect(rows.map((r) => r.t)).toEqual(['2000-01-01 00:00:00.000000 BC', '2000-01-01 00:00:00.000000 BC']);
  });
});

// ------------------------------------------------------------------------------------------
// Through the loads

/** A key that is a date, and a payload of each calendar type. */
function calendarModel(prefix: string): VaultModel {
  const { model } = compileSpec({
    version: 1,
    model: 'calendar',
    record_source: 'test',
    tables: {
      event: {
        business_key: ['day'],
        columns: { day: { type: 'date', nullable: true }, d: 'date', ts: 'timestamp', tz: 'timestamptz' },
      },
    },
  });
  if (model === undefined) throw new Error('the calendar spec does not compile');
  return { ...model, schemas: { landing: `${prefix}_l`, rawVault: `${prefix}_rv`, businessVault: `${prefix}_bv`, accessLayer: `${prefix}_al` } };
}

describe(`loads of calendar values into ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  let model: VaultModel;
  const rv = (kind: 'hub' | 'satellite'): string => {
    const t = entityTable({ model, dialect: postgresDialect }, kind, 'event');
    return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
  };

  beforeAll(async () => {
    model = calendarModel(`${db.prefix}_cal`);
    await db.query("SET DateStyle = 'ISO, YMD'");
    for (const s of sqlPlan(model).setup) await db.query(s.sql);
  });

  afterAll(async () => {
    await dropSchemas(db, model);
  });

  async function loadBatch(rows: ReadonlyArray<readonly [string | null, string | null, string | null, string | null]>, loadTs: string): Promise<void> {
    const landing = landingTables(model)[0]!.sql;
    await db.query(`DELETE FROM ${landing}`);
    for (const r of rows) await db.query(`INSERT INTO ${landing} (day, d, ts, tz) VALUES ($1, $2, $3, $4)`, [...r]);
    for (const l of sqlPlan(model).loads) {
      await db.query('BEGIN');
      for (const statement of l.statements) await db.query(statement.sql, bindParameters(statement, { load_ts: loadTs }));
      await db.query('COMMIT');
    }
  }

  it('five distinct states of one key are five satellite rows; a BC key, an infinite key and a far key are keys of their own', async () => {
    const states: Array<readonly [string, string, string]> = [
      ['2000-01-01', '2000-01-01 00:00', '2000-01-01 00:00+00'],
      ['infinity', 'infinity', 'infinity'],
      ['-infinity', '-infinity', '-infinity'],
      ['2000-01-01 BC', '2000-01-01 00:00 BC', '2000-01-01 00:00+00 BC'],
      ['300000-01-01', '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00'],
    ];
    for (const [i, [d, ts, tz]] of states.entries()) await loadBatch([['2024-01-01', d, ts, tz]], `2024-02-0${i + 1}T00:00:00Z`);
    // Back to the first state: a change again.
    await loadBatch([['2024-01-01', ...states[0]!]], '2024-02-06T00:00:00Z');
    const sat = await db.query<{ d: string }>(`SELECT d::text AS d FROM ${rv('satellite')} WHERE load_ts > '2000-01-01' ORDER BY load_ts`);
    expect(sat.rows.map((r) => r.d)).toEqual(['2000-01-01', 'infinity', '-infinity', '2000-01-01 BC', '300000-01-01', '2000-01-01']);

    await loadBatch(
      [
        ['2000-01-01', null, null, null],
        ['2000-01-01 BC', null, null, null],
        ['infinity', null, null, null],
        ['-infinity', null, null, null],
        ['5874897-12-31', null, null, null],
        [null, null, null, null],
      ],
      '2024-03-01T00:00:00Z',
    );
    const hub = await db.query<{ day: string; hk: string }>(`SELECT day::text AS day, event_hk AS hk FROM ${rv('hub')} WHERE load_ts > '2000-01-01' ORDER BY day`);
    const days = ['-infinity', '2000-01-01 BC', '2000-01-01', '2024-01-01', '5874897-12-31', 'infinity'];
    expect(hub.rows.map((r) => r.day).sort()).toEqual([...days].sort());
    const text: Record<string, string> = {
      '2000-01-01 BC': '2000-01-01 BC',
      '2000-01-01': '2000-01-01',
      '2024-01-01': '2024-01-01',
      infinity: 'infinity',
      '-infinity': '-infinity',
      '5874897-12-31': '5874897-12-31',
    };
    for (const r of hub.rows) expect(r.hk, r.day).toBe(referenceHash(model.hashing.algorithm, [text[r.day]!], model.hashing.caseSensitiveKeys));

    // The business vault and the access layer read the far and infinite values too.
    for (const s of [model.schemas.businessVault, model.schemas.accessLayer]) {
      const views = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.views WHERE table_schema = $1`, [s]);
      expect(views.rows.length).toBeGreaterThan(0);
      for (const v of views.rows) await db.query(`SELECT count(*) FROM ${quoteIdent(s)}.${quoteIdent(v.name)}`);
    }
  });
});
