/**
 * The time rule of as-of structures (docs/sql.md, "As of a snapshot"): for any rows a satellite
 * holds, the validity intervals (sql/validity.ts) give at every time T exactly the row a naive
 * as-of query finds, the latest in change order among the rows loaded before T, or none. Checked
 * for a satellite with a delta order (late rows), one without, a multi-active satellite's sets
 * and a status tracking satellite of a CDC table. Runs on the PostgreSQL server of
 * VAULT_TEST_DATABASE_URL, else PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { compileSpec, type VaultModel } from '@vault/core';
import {
  cutoffPassed,
  postgresDialect,
  quoteLiteral,
  snapshotCutoff,
  sqlContext,
  sqlPlan,
  tableIdent,
  entityTable,
  validAt,
  validityIntervals,
  validityLeaders,
  type TimedSatellite,
} from '@vault/emitters/internal';
import { fileDatabase } from './database.js';

const db = fileDatabase();

async function setUp(): Promise<VaultModel> {
  const { model: compiled, diagnostics } = compileSpec({
    version: 1,
    model: 'validity',
    tables: {
      accounts: {
        business_key: ['id'],
        columns: { id: { type: 'int', nullable: false }, balance: 'int', op: 'text', updated_at: { type: 'timestamptz', role: 'technical' } },
        delta_order: 'updated_at',
        deletes: { operation: 'op', delete_values: ['D'] },
      },
      notes: { business_key: ['note_id'], columns: { note_id: { type: 'int', nullable: false }, body: 'text' } },
      partners: { columns: { partner_id: { type: 'int', nullable: false }, partner_name: 'text' } },
      ratings: {
        primary_key: ['partner_id', 'agency'],
        multi_active_key: ['agency'],
        columns: { partner_id: { type: 'int', nullable: false }, agency: { type: 'text', nullable: false }, grade: 'text' },
      },
    },
  });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model: VaultModel = db.inNewSchemas(compiled!, 'v');
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  return model;
}

/** One stored row: key 1..3, load day (distinct per key), delta-order day or NULL, state a..c. */
interface Row {
  readonly key: number;
  readonly loaded: number;
  readonly day: number | null;
  readonly state: 'a' | 'b' | 'c';
}

const rowsArb = fc
  .array(
    fc.record({ key: fc.integer({ min: 1, max: 3 }), loaded: fc.integer({ min: 0, max: 20 }), day: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }), state: fc.constantFrom('a', 'b', 'c') }),
    {
      maxLength: 18,
    },
  )
  // The primary key, one row per key and load; and a stored change once (key, delta order, state).
  .map((rows) => rows.filter((r, i) => rows.findIndex((x) => x.key === r.key && (x.loaded === r.loaded || (r.day !== null && x.day === r.day && x.state === r.state))) === i));

const ts = (day: number): string => `TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL '${day} days' + INTERVAL '6 hours'`;
const hash = (text: string): string => quoteLiteral(text.padEnd(32, '0'));

/** Fills `sat`'s table with `rows` (a multi-active satellite: two rows per set), nothing else. */
async function fill(model: VaultModel, sat: TimedSatellite, rows: ReadonlyArray<Row>): Promise<void> {
  const table = tableIdent(entityTable({ model, dialect: postgresDialect }, sat.kind, sat.name));
  await db.query(`TRUNCATE ${table}`);
  const hk = (sat.kind === 'effectivity_satellite' ? sat.drivingKey[0] : sat.parentHashKey)!;
  const insert = async (columns: Record<string, string>): Promise<void> => {
    await db.query(
      `INSERT INTO ${table} (${Object.keys(columns)
        .map((c) => `"${c}"`)
        .join(', ')}) VALUES (${Object.values(columns).join(', ')})`,
    );
  };
  for (const r of rows) {
    const base = { [hk]: hash(`k${r.key}`), load_ts: ts(r.loaded), record_source: `'test'` };
    const delta: Record<string, string> = sat.deltaOrder === undefined ? {} : { delta_order: r.day === null ? 'NULL' : ts(r.day) };
    if (sat.kind === 'status_tracking_satellite') await insert({ ...base, ...delta, is_deleted: String(r.state === 'a') });
    else if (sat.kind === 'multi_active_satellite') for (const agency of ['x', 'y']) await insert({ ...base, ...delta, hashdiff: hash(r.state), agency: `'${agency}'` });
    else await insert({ ...base, ...delta, hashdiff: hash(r.state) });
  }
}

/** The load_ts valid at each (key, time) by the intervals and by the naive query, as `key|time|load day`. */
async function compare(model: VaultModel, sat: TimedSatellite, sinceDay?: number): Promise<void> {
  const ctx = sqlContext(model, postgresDialect);
  const table = tableIdent(entityTable(ctx, sat.kind, sat.name));
  const full = validityIntervals(ctx, sat);
  const time = sinceDay === undefined ? undefined : `(${ts(sinceDay)})`;
  // Incremental: the rows loaded from `time` on, and each key's row valid just before it, by the full intervals.
  const valid = `SELECT ${[...full.keys, 'load_ts'].map((c) => `"p"."${c}"`).join(', ')} FROM (${full.lines.join('\n')}) AS "p" WHERE ${validAt(ctx, 'p', time ?? 'NULL')}`;
  const pointers = [valid];
  // Nothing known before (no time): every row, as without `since`.
  const intervals = time === undefined ? validityIntervals(ctx, sat, {}) : validityIntervals(ctx, sat, { time, pointers });
  const key = intervals.keys[0]!;
  // With a time, the leaders since say nothing of a key before its first one: then its row valid just before the time holds.
  const before = (since: string): string => (time === undefined ? since : `COALESCE(${since}, (SELECT v.load_ts FROM (${valid}) AS v WHERE v."${key}" = keys.k))`);
  const hasDelta = sat.deltaOrder !== undefined;
  // Change order, latest first: delta order (NULL latest), then the compared value, then load.
  const compared = sat.kind === 'status_tracking_satellite' ? [] : ['hashdiff DESC'];
  const latestFirst = [...(hasDelta ? ['delta_order DESC NULLS FIRST', ...compared] : []), 'load_ts DESC'].join(', ');
  const times = `(SELECT ${ts(0)} + INTERVAL '1 hour' * g AS t FROM generate_series(-24, 22 * 24, 5) AS g${time === undefined ? '' : ` WHERE ${ts(0)} + INTERVAL '1 hour' * g >= ${time}`}) AS times`;
  const keys = `(SELECT DISTINCT "${key}" AS k FROM ${table}) AS keys`;
  const naive = await db.query<{ r: string }>(
    `SELECT concat_ws('|', keys.k, times.t, (SELECT s.load_ts FROM ${table} AS s WHERE s."${key}" = keys.k AND s.load_ts < times.t ORDER BY ${latestFirst} LIMIT 1)) AS r FROM ${keys} CROSS JOIN ${times} ORDER BY 1`,
  );
  const fast = await db.query<{ r: string }>(
    `SELECT concat_ws('|', keys.k, times.t, ${before('i.load_ts')}) AS r FROM ${keys} CROSS JOIN ${times} LEFT JOIN (\n${intervals.lines.join('\n')}\n) AS i ON i."${key}" = keys.k AND ${validAt(ctx, 'i', 'times.t')} ORDER BY 1`,
  );
  expect(fast.rows.map((x) => x.r)).toEqual(naive.rows.map((x) => x.r));
  // The leaders alone: the row valid at T is the leader loaded last before T. Incremental, bounded
  // by `until`: the times up to it need no row loaded at or after it.
  const until = sinceDay === undefined ? undefined : `(${ts(sinceDay + 4)})`;
  const leaders = time === undefined ? validityLeaders(ctx, sat) : validityLeaders(ctx, sat, { time, pointers, until }, { carried: false });
  const upTo = until === undefined ? '' : ` WHERE times.t <= ${until}`;
  const byLeaders = await db.query<{ r: string }>(
    `SELECT concat_ws('|', keys.k, times.t, ${before(`(SELECT max(l.load_ts) FROM (\n${leaders.lines.join('\n')}\n) AS l WHERE l."${key}" = keys.k AND l.load_ts < times.t)`)}) AS r FROM ${keys} CROSS JOIN ${times}${upTo} ORDER BY 1`,
  );
  const naiveUpTo = await db.query<{ r: string }>(
    `SELECT concat_ws('|', keys.k, times.t, (SELECT s.load_ts FROM ${table} AS s WHERE s."${key}" = keys.k AND s.load_ts < times.t ORDER BY ${latestFirst} LIMIT 1)) AS r FROM ${keys} CROSS JOIN ${times}${upTo} ORDER BY 1`,
  );
  expect(byLeaders.rows.map((x) => x.r)).toEqual(naiveUpTo.rows.map((x) => x.r));
}

describe('validity intervals', () => {
  let model: VaultModel | undefined;
  const ready = async (): Promise<VaultModel> => (model ??= await setUp());
  const sat = (m: VaultModel, kind: TimedSatellite['kind'], name: string): TimedSatellite => {
    const found = (m.byKind[kind] as ReadonlyArray<TimedSatellite>).find((s) => s.name === name);
    if (found === undefined) throw new Error(`no ${kind} ${name}: ${(m.byKind[kind] as ReadonlyArray<TimedSatellite>).map((s) => s.name).join(', ')}`);
    return found;
  };
  const cases: ReadonlyArray<readonly [TimedSatellite['kind'], string]> = [
    ['satellite', 'accounts'],
    ['satellite', 'notes'],
    ['multi_active_satellite', 'ratings'],
    ['status_tracking_satellite', 'accounts'],
  ];
  for (const [kind, name] of cases) {
    test.prop([rowsArb], { numRuns: 25 })(`give the naive as-of row at every time: ${kind} ${name}`, async (rows) => {
      const m = await ready();
      const s = sat(m, kind, name);
      await fill(m, s, rows);
      await compare(m, s);
    });
    test.prop([rowsArb, fc.integer({ min: 0, max: 21 })], { numRuns: 15 })(`from a time on, read from the rows since and the rows valid then: ${kind} ${name}`, async (rows, since) => {
      const m = await ready();
      const s = sat(m, kind, name);
      await fill(m, s, rows);
      await compare(m, s, since);
    });
  }

  test('a snapshot date is cut off at the start of the next day in UTC', async () => {
    const m = await ready();
    const ctx = sqlContext(m, postgresDialect);
    await db.query(`SET TIME ZONE 'America/New_York'`);
    try {
      const { rows } = await db.query<{ t: string }>(`SELECT to_char(${snapshotCutoff(ctx, `DATE '2024-03-31'`)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS t`);
      expect(rows[0]!.t).toBe('2024-04-01 00:00');
    } finally {
      await db.query('RESET TIME ZONE');
    }
  });

  test('the sargable filter on cut-offs is cut-off <= t, in any session time zone', async () => {
    const m = await ready();
    const ctx = sqlContext(m, postgresDialect);
    const dates = `(SELECT DATE '2024-02-26' + g AS d FROM generate_series(0, 6) AS g) AS dates`;
    const times = `(SELECT t FROM generate_series(TIMESTAMPTZ '2024-02-26 00:00:00+00', TIMESTAMPTZ '2024-03-05 00:00:00+00', INTERVAL '37 minutes') AS t UNION ALL VALUES (TIMESTAMPTZ '2024-03-01 00:00:00+00'), (TIMESTAMPTZ '2024-02-29 23:59:59.999999+00'), (TIMESTAMPTZ 'infinity'), (TIMESTAMPTZ '-infinity')) AS times`;
    for (const zone of ['UTC', 'Pacific/Kiritimati', 'America/St_Johns', 'Pacific/Pago_Pago', 'Asia/Kathmandu']) {
      await db.query(`SET TIME ZONE '${zone}'`);
      try {
        const { rows } = await db.query<{ n: number; wrong: number; passed: number }>(
          `SELECT CAST(count(*) AS int) AS n, CAST(count(*) FILTER (WHERE (${snapshotCutoff(ctx, 'dates.d')} <= times.t) IS DISTINCT FROM (${cutoffPassed(ctx, 'dates.d', 'times.t')})) AS int) AS wrong, CAST(count(*) FILTER (WHERE ${cutoffPassed(ctx, 'dates.d', 'times.t')}) AS int) AS passed FROM ${dates} CROSS JOIN ${times}`,
        );
        expect(rows[0]!.wrong).toBe(0);
        expect(rows[0]!.passed).toBeGreaterThan(0);
        expect(rows[0]!.passed).toBeLessThan(rows[0]!.n);
      } finally {
        await db.query('RESET TIME ZONE');
      }
    }
  });
});
