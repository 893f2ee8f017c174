/**
 * `vault run` and late rows in a satellite and a reference table with a delta order (docs/sql.md,
 * "Late and out-of-order rows", "Reference tables"): a row found unchanged goes to the table's
 * register, not counted as a row inserted; a late row that splits it from its equal predecessor
 * brings it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, table, type Workspace } from './workspace.js';

describe(`vault run with late rows on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('tests/fixtures/duplicates.yaml', 'laterows');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('counts the satellite rows inserted, not the rows registered; a late row brings a registered row back', async () => {
    const landing = table(ws.model, 'landing', 'events');
    const raw = (name: string): string => table(ws.model, 'rawVault', name);
    const deliver = (values: string): Promise<void> =>
      ws.session(async (q) => {
        await q(`DELETE FROM ${landing}`);
        await q(`INSERT INTO ${landing} (event_id, status, changed_at) VALUES ${values}`);
      });
    const statuses = (): Promise<string[]> =>
      ws.session(async (q) => (await q(`SELECT status FROM ${raw('sat_events')} WHERE status IS NOT NULL ORDER BY delta_order, hashdiff`)).map((r) => String(r['status'])));
    const setup = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-04-30T00:00:00Z']);
    expect(setup.code, setup.stderr).toBe(0);

    // open (1), open (3): no change, registered; shut (5).
    await deliver(`('E9', 'open', 1), ('E9', 'open', 3), ('E9', 'shut', 5)`);
    const first = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-05-01T00:00:00Z']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\] +satellite events +2 rows inserted /);
    expect(await statuses()).toEqual(['open', 'shut']);
    expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${raw('seen_sat_events')}`))).toBe(1);

    // A late held (2) comes between open (1) and open (3): both are changes now.
    await deliver(`('E9', 'held', 2)`);
    const second = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-05-02T00:00:00Z']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\] +satellite events +2 rows inserted /);
    expect(await statuses()).toEqual(['open', 'held', 'open', 'shut']);
  });
});

describe(`vault run with late rows in a reference table on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('tests/fixtures/late-reference.yaml', 'lateref');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('counts the rows inserted, not the rows registered; a late batch keeps every change and adds no non-change', async () => {
    const landing = table(ws.model, 'landing', 'currencies');
    const raw = (name: string): string => table(ws.model, 'rawVault', name);
    const run = (ts: string): string => {
      const r = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', ts]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    const deliver = (values: string): Promise<void> =>
      ws.session(async (q) => {
        await q(`DELETE FROM ${landing}`);
        await q(`INSERT INTO ${landing} (currency_code, currency_name, changed_at) VALUES ${values}`);
      });
    const names = (code: string): Promise<string[]> =>
      ws.session(async (q) =>
        (await q(`SELECT currency_name, delta_order FROM ${raw('ref_currency')} WHERE currency_code = $1 ORDER BY delta_order, hashdiff`, [code])).map(
          (r) => `${String(r['currency_name'])}@${String(r['delta_order'])}`,
        ),
      );
    const registered = (): Promise<number> => ws.session((q) => count(q, `SELECT count(*) FROM ${raw('seen_ref_currency')}`));
    run('2024-04-30T00:00:00Z');

    // EUR: A (1), C (3); USD: B (3).
    await deliver(`('EUR', 'A', 1), ('EUR', 'C', 3), ('USD', 'B', 3)`);
    expect(run('2024-05-01T00:00:00Z')).toMatch(/\] +reference_table currency +3 rows inserted /);
    // Late: EUR B (2), B (4) are both changes; USD A (1) is one, B (4) is not (registered).
    await deliver(`('EUR', 'B', 2), ('EUR', 'B', 4), ('USD', 'A', 1), ('USD', 'B', 4)`);
    expect(run('2024-05-02T00:00:00Z')).toMatch(/\] +reference_table currency +3 rows inserted /);
    expect(await names('EUR')).toEqual(['A@1', 'B@2', 'C@3', 'B@4']);
    expect(await names('USD')).toEqual(['A@1', 'B@3']);
    expect(await registered()).toBe(1);
    // The first batch again, after the late one: nothing new.
    await deliver(`('EUR', 'A', 1), ('EUR', 'C', 3), ('USD', 'B', 3)`);
    expect(run('2024-05-03T00:00:00Z')).toMatch(/\] +reference_table currency +0 rows inserted /);
  });
});
