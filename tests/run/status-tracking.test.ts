/**
 * `vault run` and deletes: a table whose batches are full (lgd's pledge register) loads its
 * status tracking satellite, and an empty batch of it deletes nothing and says so on its line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, table, type Workspace } from './workspace.js';

describe(`vault run tracks deletes on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/lgd.yaml', 'status');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  const line = /\] +status_tracking_satellite facility_collateral +(\d+) rows inserted +\S+ m?s(.*)\n/;

  it('an empty full batch marks nothing deleted and says so; a pledge missing from the next batch is deleted once', async () => {
    const empty = ws.vault(['run', ws.spec, '--load-ts', '2024-05-01T00:00:00Z']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout.match(line)?.slice(1)).toEqual(['0', '  empty full batch: no key marked deleted']);
    const landing = table(ws.model, 'landing', 'facility_collateral');
    const sts = table(ws.model, 'rawVault', 'sts_facility_collateral');
    await ws.session(async (q) => {
      await q(`INSERT INTO ${landing} (facility_id, collateral_code, allocated_amount) VALUES (1, 'C1', 10), (1, 'C2', 20)`);
    });
    const two = ws.vault(['run', ws.spec, '--load-ts', '2024-05-02T00:00:00Z']);
    expect(two.stdout.match(line)?.slice(1)).toEqual(['2', '']);
    await ws.session(async (q) => {
      await q(`DELETE FROM ${landing} WHERE collateral_code = 'C2'`);
    });
    const one = ws.vault(['run', ws.spec, '--load-ts', '2024-05-03T00:00:00Z']);
    expect(insertedCounts(one.stdout).get('status_tracking_satellite facility_collateral')).toBe(1);
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${sts} WHERE is_deleted`)).toBe(1);
      await q(`DELETE FROM ${landing}`);
    });
    const emptied = ws.vault(['run', ws.spec, '--load-ts', '2024-05-04T00:00:00Z']);
    expect(emptied.stdout.match(line)?.slice(1)).toEqual(['0', '  empty full batch: no key marked deleted']);
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${sts} WHERE is_deleted`)).toBe(1);
    });
  });
});
