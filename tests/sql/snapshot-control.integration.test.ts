/**
 * Snapshot control loaded into the database (docs/sql.md, "Snapshot control"): the load inserts
 * the dates up to the batch's date once each, with their period-end flags; a rerun or a late
 * batch adds nothing; the kept view offers what the retention keeps, counted back from the latest
 * snapshot. Compared with the date rules of core, for random settings. Runs on the PostgreSQL
 * server of VAULT_TEST_DATABASE_URL, else PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type SnapshotsSpec, type VaultModel } from '@vault/core';
import { formatDate, keeps, parseDate, periodEnds, snapshotDates } from '@vault/core/internal';
import { bindParameters, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const db = fileDatabase();

/** The model with `snapshots`, set up in new schemas, or in those of `over` (the same vault after a spec change). */
async function setUp(snapshots: SnapshotsSpec, over?: VaultModel): Promise<VaultModel> {
  const { model: compiled, diagnostics } = compileSpec({
    version: 1,
    model: 'snap',
    tables: { customers: { business_key: ['id'], columns: { id: { type: 'int', nullable: false }, name: 'text' } } },
    snapshots,
  });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model: VaultModel = over === undefined ? db.inNewSchemas(compiled!, 's') : { ...compiled!, schemas: over.schemas };
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  return model;
}

/** Runs the snapshot control's load at `loadTs`. */
async function load(model: VaultModel, loadTs: string): Promise<void> {
  const l = sqlPlan(model).loads.find((x) => x.kind === 'snapshot_control')!;
  // After the raw vault (two waves: the hub, then its satellite), though it reads nothing.
  expect(l.wave).toBe(2);
  expect(l.sources).toEqual([]);
  // Ending today, its rows depend on the batch's date: vault run never skips it as unchanged.
  expect(l.datedByLoad).toBe(model.byKind.snapshot_control[0]!.end === 'today' ? true : undefined);
  for (const s of l.statements) await db.query(s.sql, bindParameters(s, { load_ts: loadTs }));
}

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');
const block = (model: VaultModel): { table: string; kept_view: string } => sqlManifestBlock(model.byKind.snapshot_control[0]!, model) as { table: string; kept_view: string };

/** Rows as `date|week|month|quarter|year` (flags as 0/1), in date order. */
async function rows(model: VaultModel, which: 'table' | 'kept_view'): Promise<string[]> {
  const { rows } = await db.query<{ r: string }>(
    `SELECT concat_ws('|', to_char(snapshot_date, 'YYYY-MM-DD'), is_week_end::int, is_month_end::int, is_quarter_end::int, is_year_end::int) AS r FROM ${relation(block(model)[which])} ORDER BY snapshot_date`,
  );
  return rows.map((x) => x.r);
}

const expected = (days: ReadonlyArray<number>): string[] =>
  days.map((d) => {
    const e = periodEnds(d);
    return [formatDate(d), +e.week_end, +e.month_end, +e.quarter_end, +e.year_end].join('|');
  });

describe('snapshot control', () => {
  it('loads the dates up to the batch date, incrementally; a rerun and a late batch add nothing', async () => {
    const model = await setUp({ start: '2024-02-25', end: 'today', every: 'day', keep: [{ every: 'day', for_days: 3 }, { every: 'month_end' }] });
    try {
      // 23:30 in New York on March 1 is March 2 in UTC.
      await load(model, '2024-03-01T23:30:00-05:00');
      const first = await rows(model, 'table');
      expect(first).toEqual(expected(snapshotDates(parseDate('2024-02-25')!, parseDate('2024-03-02')!, 'day')));
      expect(first).toContain('2024-02-25|1|0|0|0');
      expect(first).toContain('2024-02-29|0|1|0|0');
      await load(model, '2024-03-01T23:30:00-05:00');
      expect(await rows(model, 'table')).toEqual(first);
      await load(model, '2024-04-02T06:00:00Z');
      const second = await rows(model, 'table');
      expect(second.length).toBe(first.length + 31);
      expect(second).toContain('2024-03-31|1|1|1|0');
      const { rows: loads } = await db.query<{ n: number }>(`SELECT count(DISTINCT load_ts)::int AS n FROM ${relation(block(model).table)}`);
      expect(loads[0]!.n).toBe(2);
      await load(model, '2024-03-10T00:00:00Z');
      expect(await rows(model, 'table')).toEqual(second);
      // Kept: the month ends, and the 3 days up to the latest snapshot (April 2).
      expect((await rows(model, 'kept_view')).map((r) => r.slice(0, 10))).toEqual(['2024-02-29', '2024-03-31', '2024-04-01', '2024-04-02']);
      const { rows: latest } = await db.query<{ d: string }>(`SELECT to_char(snapshot_date, 'YYYY-MM-DD') AS d FROM ${relation(block(model).kept_view)} WHERE is_latest`);
      expect(latest).toEqual([{ d: '2024-04-02' }]);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('offers in the kept view the dates the settings give now: a change of start, end or every between runs changes the view, the table keeps its rows', async () => {
    const model = await setUp({ start: '2024-01-01', end: 'today', every: 'day' });
    try {
      await load(model, '2024-03-02T06:00:00Z');
      const daily = await rows(model, 'table');
      expect(daily.length).toBe(62);
      // Month-end reporting from January 15 on: the daily rows stay in the table, not in the view.
      const monthly = await setUp({ start: '2024-01-15', end: 'today', every: 'month_end' }, model);
      await load(monthly, '2024-04-01T06:00:00Z');
      expect(await rows(monthly, 'table')).toEqual([...daily, '2024-03-31|1|1|1|0']);
      expect((await rows(monthly, 'kept_view')).map((r) => r.slice(0, 10))).toEqual(['2024-01-31', '2024-02-29', '2024-03-31']);
      const latest = async (m: VaultModel): Promise<unknown[]> => (await db.query(`SELECT to_char(snapshot_date, 'YYYY-MM-DD') AS d FROM ${relation(block(m).kept_view)} WHERE is_latest`)).rows;
      expect(await latest(monthly)).toEqual([{ d: '2024-03-31' }]);
      // An end fixed before the latest date stored: the view ends there, and so does the retention's count back.
      const ended = await setUp({ start: '2024-01-01', end: '2024-02-29', every: 'day', keep: [{ every: 'day', for_days: 2 }] }, model);
      expect((await rows(ended, 'kept_view')).map((r) => r.slice(0, 10))).toEqual(['2024-02-28', '2024-02-29']);
      expect(await latest(ended)).toEqual([{ d: '2024-02-29' }]);
    } finally {
      await dropSchemas(db, model);
    }
  });

  const every = fc.constantFrom('day', 'week_end', 'month_end', 'quarter_end', 'year_end' as const);
  const settings = fc.record({
    start: fc.integer({ min: parseDate('2023-01-01')!, max: parseDate('2025-01-01')! }),
    length: fc.integer({ min: 0, max: 500 }),
    fixedEnd: fc.boolean(),
    every,
    keep: fc.option(fc.array(fc.record({ every, for_days: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }) }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    batches: fc.array(fc.integer({ min: -30, max: 600 }), { minLength: 1, maxLength: 3 }),
  });

  test.prop([settings], { numRuns: 15 })('the table and the kept view hold the dates the TypeScript rules give, for random settings and batches', async (s) => {
    const end = s.start + s.length;
    const keep = s.keep?.map((r) => (r.for_days === undefined ? { every: r.every } : { every: r.every, for_days: r.for_days }));
    const model = await setUp({ start: formatDate(s.start), end: s.fixedEnd ? formatDate(end) : 'today', every: s.every, ...(keep === undefined ? {} : { keep }) });
    try {
      let reached = -Infinity;
      for (const b of s.batches) {
        const day = s.start + b;
        await load(model, `${formatDate(day)}T12:00:00Z`);
        reached = Math.max(reached, s.fixedEnd ? end : day);
      }
      const stored = snapshotDates(s.start, reached, s.every);
      expect(await rows(model, 'table')).toEqual(expected(stored));
      const latest = stored.at(-1);
      expect(await rows(model, 'kept_view')).toEqual(expected(latest === undefined ? [] : stored.filter((d) => keeps(d, latest, keep))));
    } finally {
      await dropSchemas(db, model);
    }
  });
});
