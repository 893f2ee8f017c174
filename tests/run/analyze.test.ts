/**
 * `vault run` analyses a table its load grew a lot (ANALYZE_AFTER: at least 1,000 rows and a
 * fifth of the rows counted before), so that the loads after it and the queries after the run
 * are planned for its new size, and summarizes the new page ranges of its BRIN indexes (a
 * satellite's load order index, read by the PIT's incremental load).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, table, type Workspace } from './workspace.js';

describe(`vault run's statistics on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'analyze');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('analyses a satellite its first load filled, so its statistics count its rows', async () => {
    expect(ws.vault(['seed', ws.spec, '--rows', '1500']).code).toBe(0);
    const run = ws.vault(['run', ws.spec, '--load-ts', '2024-05-01T00:00:00Z']);
    expect(run.code, run.stderr).toBe(0);
    const inserted = insertedCounts(run.stdout).get('satellite early_warning_signal') ?? 0;
    expect(inserted).toBeGreaterThanOrEqual(1000);
    const sat = table(ws.model, 'rawVault', 'sat_early_warning_signal');
    await ws.session(async (q) => {
      // A table this small is sampled whole: the count is exact (never analysed, it would be -1 or 0).
      expect(await count(q, `SELECT CAST(reltuples AS bigint) FROM pg_class WHERE oid = to_regclass($1)`, [sat])).toBe(inserted + 1);
    });
  });

  it('summarizes the load order index of a satellite its load grew: no full page range is left for autovacuum', async () => {
    // More rows, so that the satellite fills page ranges (128 pages each) beyond the one the first load's rows left partly filled.
    expect(ws.vault(['seed', ws.spec, '--rows', '12000', '--batch', '2']).code).toBe(0);
    const run = ws.vault(['run', ws.spec, '--load-ts', '2024-05-02T00:00:00Z']);
    expect(run.code, run.stderr).toBe(0);
    const sat = table(ws.model, 'rawVault', 'sat_early_warning_signal');
    await ws.session(async (q) => {
      expect(await count(q, `SELECT pg_relation_size(to_regclass($1)) / 8192`, [sat])).toBeGreaterThan(2 * 128);
      // Summarizing again finds nothing new (right after the load, autovacuum has not got to them).
      expect(await count(q, `SELECT brin_summarize_new_values(CAST($1 AS regclass))`, [`${ws.model.schemas.rawVault}.sat_early_warning_signal_load_ts`])).toBe(0);
    });
  });
});
