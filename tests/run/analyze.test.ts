/**
 * `vault run` analyses a table its load grew a lot (ANALYZE_AFTER: at least 1,000 rows and a
 * fifth of the rows counted before), so that the loads after it and the queries after the run
 * are planned for its new size.
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
});
