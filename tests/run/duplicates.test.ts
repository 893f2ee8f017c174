/**
 * `vault run` and duplicate keys inside one batch (docs/run.md, "Duplicate keys"): the count on
 * each satellite's line and once more at the end, the rows written to `vault_duplicates` under
 * `error_table` (once), and `reject`, which refuses the whole run before any load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, table, type Query, type Workspace } from './workspace.js';

const RAW_TABLES = ['hub_customer', 'hub_product', 'hub_event', 'sat_customers', 'sat_products', 'sat_events', 'sat_prices'];

describe(`vault run reports duplicate keys on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('tests/fixtures/duplicates.yaml', 'dupkeys');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  const landing = (name: string): string => table(ws.model, 'landing', name);
  const raw = (name: string): string => table(ws.model, 'rawVault', name);
  const land = (statements: ReadonlyArray<string>): Promise<void> =>
    ws.session(async (q) => {
      for (const s of statements) await q(s);
    });
  const counts = (): Promise<Record<string, number>> =>
    ws.session(async (q: Query) => {
      const out: Record<string, number> = {};
      for (const t of RAW_TABLES) out[t] = await count(q, `SELECT count(*) FROM ${raw(t)}`);
      return out;
    });
  const errorRows = (): Promise<number> => ws.session((q) => count(q, `SELECT count(*) FROM ${raw('vault_duplicates')}`));

  it('counts per satellite, routes error_table rows once, and reject refuses the run before any load', async () => {
    const setup = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-04-30T00:00:00Z']);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).not.toContain('duplicate');
    await land([
      `INSERT INTO ${landing('customers')} (customer_id, name) VALUES ('C1', 'Ann'), ('C2', 'Bo')`,
      `INSERT INTO ${landing('products')} (product_code, title) VALUES ('P1', 'Pen'), ('P1', 'Pencil'), ('P2', 'Ink'), ('P2', 'Ink')`,
      `INSERT INTO ${landing('events')} (event_id, status, changed_at) VALUES ('E1', 'open', 1), ('E1', 'held', 1), ('E1', 'closed', 2)`,
      `INSERT INTO ${landing('prices')} (product_code, price, extracted_at) VALUES ('P1', 10, 1), ('P1', 12, 2), ('P2', 5, 3), ('P2', 6, 3)`,
    ]);
    const first = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-05-01T00:00:00Z']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\] +satellite products +2 rows inserted +\S+ m?s {2}1 duplicate key \(e\.g\. product_code=P1\), one row kept\n/);
    expect(first.stdout).toMatch(/\] +satellite prices +2 rows inserted +\S+ m?s {2}1 duplicate key \(e\.g\. product_code=P2\), tied on the keep_last_by column, one row kept\n/);
    expect(first.stdout).toMatch(
      new RegExp(`\\] +satellite events +2 rows inserted +\\S+ m?s {2}1 duplicate key \\(e\\.g\\. event_id=E1\\), 1 row to ${ws.model.schemas.rawVault}\\.vault_duplicates\\n`),
    );
    expect(first.stdout).not.toMatch(/satellite customers .*duplicate/);
    expect(first.stdout).toMatch(/\n {2}3 duplicate keys in the batch, one row kept per key \(satellite events: 1, satellite prices: 1, satellite products: 1\)\n/);
    expect(first.stdout).toMatch(new RegExp(`\\n {2}1 row of satellite events written to ${ws.model.schemas.rawVault}\\.vault_duplicates\\n`));
    expect(await errorRows()).toBe(1);
    // keep_last_by: P1's latest price (extracted_at 2) is the one stored; P2's tie keeps one of its two (the smaller hashdiff).
    const prices = (await ws.session((q) => q(`SELECT price FROM ${raw('sat_prices')} WHERE price IS NOT NULL ORDER BY price`))).map((r) => r['price']);
    expect(prices).toHaveLength(2);
    expect(prices).toContain(12);

    // Every load again: the error table gets nothing twice.
    const forced = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-05-02T00:00:00Z', '--no-skip-unchanged']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/satellite events +0 rows inserted +\S+ m?s {2}1 duplicate key \(e\.g\. event_id=E1\), 0 rows to /);
    expect(forced.stdout).not.toContain('written to');
    expect(await errorRows()).toBe(1);

    // A customer twice with two names: the run is refused, nothing at all is loaded, not even the new product.
    const before = await counts();
    await land([
      `INSERT INTO ${landing('customers')} (customer_id, name) VALUES ('C3', 'Cy'), ('C3', 'Cyd'), ('C4', 'Di')`,
      `INSERT INTO ${landing('products')} (product_code, title) VALUES ('P9', 'Pad')`,
    ]);
    const refused = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-05-03T00:00:00Z']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'refused: duplicates: reject refuses the batch of landing table customers: 1 duplicate key (e.g. customer_id=C3) of satellite customers with rows of different payloads',
    );
    expect(refused.stderr).toContain('nothing was loaded');
    expect(refused.stdout).not.toContain('rows inserted');
    expect(await counts()).toEqual(before);

    // The same row twice is no duplicate: once fixed, the batch loads.
    await land([`DELETE FROM ${landing('customers')} WHERE name = 'Cyd'`, `INSERT INTO ${landing('customers')} (customer_id, name) VALUES ('C4', 'Di')`]);
    const fixed = ws.vault(['run', ws.spec, '--stage', 'raw', '--load-ts', '2024-05-03T00:00:00Z']);
    expect(fixed.code, fixed.stderr).toBe(0);
    const after = await counts();
    expect(after['hub_customer']).toBe(before['hub_customer']! + 2);
    expect(after['hub_product']).toBe(before['hub_product']! + 1);
  });
});
