/**
 * `vault run` counts the landing rows a hub leaves out because their own business key is
 * missing (blank or NULL), per hub, on each load line and once more at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, createWorkspace, table, type Workspace } from './workspace.js';

describe(`vault run reports rows without a business key on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('tests/corpus/good/shop.yaml', 'missingkeys');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('names the hub and the count; a blank key is missing like NULL; a rerun that loads reports it again', async () => {
    const setup = ws.vault(['run', ws.spec, '--load-ts', '2024-05-01T00:00:00Z']);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).not.toContain('without a business key');
    // product_code is NOT NULL in landing: blank is the only way it can be missing.
    await ws.session(async (q) => {
      await q(`INSERT INTO ${table(ws.model, 'landing', 'products')} (product_code, product_name) VALUES ('P1', 'Pen'), ('', 'Blank'), ('   ', 'Spaces')`);
    });
    const run = ws.vault(['run', ws.spec, '--load-ts', '2024-05-02T00:00:00Z']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\] +hub product +1 rows inserted +\S+ m?s {2}2 rows without a business key, not loaded\n/);
    expect(run.stdout).toMatch(/\n {2}2 rows without a business key, not loaded \(hub product: 2\)\n/);
    // Hubs whose keys are all present say nothing.
    expect(run.stdout).not.toMatch(/hub customer .*without a business key/);
    // Without a change the ledger skips the load, and with it the count.
    const again = ws.vault(['run', ws.spec, '--load-ts', '2024-05-03T00:00:00Z']);
    expect(again.stdout).not.toContain('without a business key');
    const forced = ws.vault(['run', ws.spec, '--load-ts', '2024-05-03T00:00:00Z', '--no-skip-unchanged']);
    expect(forced.stdout).toMatch(/\] +hub product +0 rows inserted +\S+ m?s {2}2 rows without a business key, not loaded\n/);
  });
});
