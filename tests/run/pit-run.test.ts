/**
 * lgd seeded batch 1 and 2 through `vault run`, a day apart: the first run fills no PIT row (no
 * snapshot's cut-off has passed with a key known before it); the second fills the first batch's
 * day, one row per key the first batch brought, every pointer at a row of that batch or a ghost.
 * A third run dated before that day's cut-off (a late batch) warns for each PIT and for the
 * bridge, which holds that day too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, table, type Workspace } from './workspace.js';

const LOADS = ['2024-05-01T06:00:00Z', '2024-05-02T06:00:00Z'] as const;
const PITS = { business_partner: 'hub_business_partner', facility: 'hub_facility', facility_collateral: 'lnk_facility_collateral' } as const;

describe(`PITs through vault run on ${ON}`, () => {
  let ws: Workspace;
  const inserted: Array<Map<string, number>> = [];
  const warnings: string[] = [];
  beforeAll(async () => {
    ws = createWorkspace('specs/lgd.yaml', 'pitrun');
    for (const [i, at] of LOADS.entries()) {
      const seeded = ws.vault(['seed', ws.spec, '--rows', '40', '--batch', String(i + 1)]);
      expect(seeded.code, seeded.stderr).toBe(0);
      const run = ws.vault(['run', ws.spec, '--load-ts', at]);
      expect(run.code, run.stderr).toBe(0);
      inserted.push(insertedCounts(run.stdout));
      warnings.push(run.stderr);
    }
  }, 600_000);
  afterAll(async () => {
    await ws.cleanup();
  });

  it('fill the first batch day on the next run, with the keys and rows known then', async () => {
    for (const pit of Object.keys(PITS)) expect(inserted[0]!.get(`pit ${pit}`), pit).toBe(0);
    await ws.session(async (q) => {
      for (const [pit, parent] of Object.entries(PITS)) {
        const rows = table(ws.model, 'businessVault', `pit_${pit}`);
        const keys = await count(q, `SELECT count(*) FROM ${table(ws.model, 'rawVault', parent)} WHERE load_ts = $1`, [LOADS[0]]);
        expect(keys, pit).toBeGreaterThan(0);
        expect(inserted[1]!.get(`pit ${pit}`), pit).toBe(keys);
        expect(await q(`SELECT DISTINCT to_char(snapshot_date, 'YYYY-MM-DD') AS d, load_ts = $1 AS by_second FROM ${rows}`, [LOADS[1]]), pit).toEqual([{ d: '2024-05-01', by_second: true }]);
        // Every pointer is a row of the first batch or the ghost (load_ts 0001-01-01): nothing of the second.
        const pointers = (
          await q(`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name LIKE '%\\_load\\_ts'`, [
            ws.model.schemas.businessVault,
            `pit_${pit}`,
          ])
        ).map((r) => String(r['c']));
        expect(pointers.length, pit).toBeGreaterThan(1);
        for (const c of pointers) {
          expect(await count(q, `SELECT count(*) FROM ${rows} WHERE "${c}" <> $1 AND "${c}" >= '0002-01-01'`, [LOADS[0]]), `${pit}.${c}`).toBe(0);
        }
        expect(await count(q, `SELECT count(*) FROM ${rows} WHERE "${pointers[0]}" = $1`, [LOADS[0]]), pit).toBeGreaterThan(0);
      }
    });
  });

  it('are recorded in the ledger without a signature (never skipped, so their satellites are not read for one); the satellites with one', async () => {
    await ws.session(async (q) => {
      const ledger = table(ws.model, 'rawVault', 'vault_loads');
      for (const pit of Object.keys(PITS)) {
        const rows = await q(`SELECT signature FROM ${ledger} WHERE entity_table = $1`, [`${ws.model.schemas.businessVault}.pit_${pit}`]);
        expect(rows, pit).toEqual([{ signature: null }]);
      }
      expect(await count(q, `SELECT count(*) FROM ${ledger} WHERE entity_table LIKE $1 AND signature IS NOT NULL`, [`${ws.model.schemas.rawVault}.sat_%`])).toBeGreaterThan(0);
    });
  });

  it('warn, naming each PIT and the bridge, when a batch is dated before a snapshot it holds; a batch dated after none', async () => {
    for (const w of warnings) expect(w).not.toContain('warning: load_ts');
    // The bridge holds 2024-05-01 too, filled by the second run.
    const bridge = `${ws.model.schemas.businessVault}.bridge_partner_collateral`;
    await ws.session(async (q) => {
      expect(await q(`SELECT DISTINCT to_char(snapshot_date, 'YYYY-MM-DD') AS d FROM ${table(ws.model, 'businessVault', 'bridge_partner_collateral')}`)).toEqual([{ d: '2024-05-01' }]);
    });
    // 2024-05-01 is filled (its cut-off: 2024-05-02T00:00Z); a batch at noon that day is late.
    const late = ws.vault(['run', ws.spec, '--load-ts', '2024-05-01T12:00:00Z']);
    expect(late.code, late.stderr).toBe(0);
    const before = 'vault: warning: load_ts 2024-05-01T12:00:00Z is before the cut-off of 2024-05-01';
    for (const pit of Object.keys(PITS)) {
      expect(late.stderr).toContain(
        `${before}, a snapshot ${ws.model.schemas.businessVault}.pit_${pit} already holds: a point-in-time table takes load timestamps to grow, so this batch's rows enter none of its snapshots until it is rebuilt (TRUNCATE it, then vault run)\n`,
      );
    }
    expect(late.stderr).toContain(
      `${before}, a snapshot ${bridge} already holds: a bridge table takes load timestamps to grow, so this batch's rows enter none of the snapshots it holds until it is rebuilt (TRUNCATE it, then vault run)\n`,
    );
    expect(late.stderr.match(/warning: load_ts/g)).toHaveLength(Object.keys(PITS).length + 1);
  });
});
