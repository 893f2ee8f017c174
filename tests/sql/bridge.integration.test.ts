/**
 * Bridge tables against a real database (docs/sql.md, "Bridge tables"): a path partner →
 * facility → collateral where a facility moves to another partner and loses it (effectivity, a
 * NULL reference is the zero key), a partner disappears from a full batch and comes back (status
 * tracking of a hub) and pledges are released (status tracking of a link). Each snapshot holds
 * exactly the chains effective at its cut-off, written by the first batch after it; a rerun adds
 * nothing and a later batch fills only the snapshots it newly passed. A late batch (dated before
 * the cut-off of a snapshot the bridge holds) is found by the load's probe, as a PIT's is, and
 * enters only the snapshots filled after it, until a rebuild. A property compares random
 * histories with a naive per-snapshot query written from the definition, and an incremental load
 * with a rebuild.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, entityTable, postgresDialect, sqlPlan, tableIdent } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const db = fileDatabase();

function spec(options: { readonly start: string; readonly every?: 'day' | 'week_end'; readonly deltaOrder?: boolean; readonly fullFacilities?: boolean }): Spec {
  return {
    version: 1,
    model: 'br',
    tables: {
      partners: { business_key: ['partner'], batches: 'full', columns: { partner: { type: 'text', nullable: false }, name: 'text' } },
      facilities: {
        business_key: ['facility'],
        columns: { facility: { type: 'text', nullable: false }, partner: 'text', seq: 'int' },
        references: [{ columns: ['partner'], table: 'partners' }],
        ...(options.deltaOrder === true ? { delta_order: 'seq' } : {}),
        // Full batches track the facilities, the hub in the middle of the path.
        ...(options.fullFacilities === true ? { batches: 'full' as const } : {}),
      },
      collaterals: { business_key: ['collateral'], columns: { collateral: { type: 'text', nullable: false }, value: 'int' } },
      facility_collaterals: {
        primary_key: ['facility', 'collateral'],
        batches: 'full',
        columns: { facility: { type: 'text', nullable: false }, collateral: { type: 'text', nullable: false }, share: 'int' },
        references: [
          { columns: ['facility'], table: 'facilities' },
          { columns: ['collateral'], table: 'collaterals' },
        ],
      },
    },
    snapshots: { start: options.start, ...(options.every === undefined ? {} : { every: options.every }) },
    business_vault: { bridges: { chain: { path: ['partner', 'facility_partner', 'facility', 'facility_collateral', 'collateral'] } } },
  };
}

const setUp = (s: Spec): Promise<VaultModel> => db.setUpModel(s, 'br');

type Batch = Readonly<Record<string, ReadonlyArray<Readonly<Record<string, unknown>>>>>;

/** Runs every load, or the bridge's only, under `ts`. */
const runLoads = (model: VaultModel, ts: string, only?: 'bridge'): Promise<void> => db.runLoads(model, ts, only);

/** Lands one batch and runs every load under `ts`. */
const deliver = (model: VaultModel, batch: Batch, ts: string): Promise<void> => db.deliver(model, batch, ts);

const ctxOf = (model: VaultModel) => ({ model, dialect: postgresDialect });
const table = (model: VaultModel, kind: 'hub' | 'link' | 'bridge' | 'effectivity_satellite' | 'status_tracking_satellite' | 'snapshot_control', name: string): string =>
  tableIdent(entityTable(ctxOf(model), kind, name));

/** The bridge's rows as `date|partner|facility|collateral` (business keys through the hubs), in order. */
async function bridgeRows(model: VaultModel, where = 'TRUE'): Promise<string[]> {
  const { rows } = await db.query<{ r: string }>(
    `SELECT concat_ws('|', to_char(b.snapshot_date, 'YYYY-MM-DD'), p.partner, f.facility, c.collateral) AS r
     FROM ${table(model, 'bridge', 'chain')} AS b
     JOIN ${table(model, 'hub', 'partner')} AS p ON p.partner_hk = b.partner_hk
     JOIN ${table(model, 'hub', 'facility')} AS f ON f.facility_hk = b.facility_hk
     JOIN ${table(model, 'hub', 'collateral')} AS c ON c.collateral_hk = b.collateral_hk
     WHERE ${where} ORDER BY 1`,
  );
  return rows.map((x) => x.r);
}

async function count(relation: string, where = 'TRUE'): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${relation} WHERE ${where}`)).rows[0]!.n);
}

const at = (day: number, hour = 6): string => new Date(Date.UTC(2024, 0, day, hour)).toISOString();
const partners = (...ids: ReadonlyArray<string>) => ids.map((partner) => ({ partner, name: partner.toLowerCase() }));
const pledges = (...pairs: ReadonlyArray<string>) =>
  pairs.map((p) => {
    const [facility, collateral] = p.split('-');
    return { facility, collateral, share: 100 };
  });

describe('bridge tables', () => {
  it('hold per snapshot the chains effective at its cut-off: moves, ends, deletes and returns; insert-only, filled once', async () => {
    const model = await setUp(spec({ start: '2024-01-01' }));
    const bridge = table(model, 'bridge', 'chain');
    try {
      const load = sqlPlan(model).loads.find((l) => l.kind === 'bridge')!;
      // After the links, their satellites and the snapshot control; never skipped as unchanged.
      expect(load.wave).toBeGreaterThan(sqlPlan(model).loads.find((l) => l.kind === 'effectivity_satellite')!.wave);
      expect(load.datedByLoad).toBe(true);
      expect(load.sources.map((s) => s.name)).toEqual(['lnk_facility_partner', 'lnk_facility_collateral', 'eff_facility_partner', 'sts_partners', 'sts_facility_collateral', 'snapshot_control_br']);

      // Jan 1: three partners, each with a facility and its collateral.
      await deliver(
        model,
        {
          partners: partners('P1', 'P2', 'P3'),
          facilities: [
            { facility: 'F1', partner: 'P1' },
            { facility: 'F2', partner: 'P2' },
            { facility: 'F3', partner: 'P3' },
          ],
          collaterals: [
            { collateral: 'C1', value: 1 },
            { collateral: 'C2', value: 2 },
            { collateral: 'C3', value: 3 },
          ],
          facility_collaterals: pledges('F1-C1', 'F2-C2', 'F3-C3'),
        },
        at(1),
      );
      // No snapshot's cut-off has passed: January 1 ends at midnight.
      expect(await count(bridge)).toBe(0);

      // Jan 2: F1 moves to P2 and is pledged C2 too.
      await deliver(model, { partners: partners('P1', 'P2', 'P3'), facilities: [{ facility: 'F1', partner: 'P2' }], facility_collaterals: pledges('F1-C1', 'F2-C2', 'F3-C3', 'F1-C2') }, at(2));
      const jan1 = ['2024-01-01|P1|F1|C1', '2024-01-01|P2|F2|C2', '2024-01-01|P3|F3|C3'];
      expect(await bridgeRows(model)).toEqual(jan1);

      // Jan 3: P3 is missing from the full batch (deleted), F2 loses its partner (NULL: the zero key), F2-C2 is released.
      await deliver(model, { partners: partners('P1', 'P2'), facilities: [{ facility: 'F2', partner: null }], facility_collaterals: pledges('F1-C1', 'F3-C3', 'F1-C2') }, at(3));
      const jan2 = ['2024-01-02|P2|F1|C1', '2024-01-02|P2|F1|C2', '2024-01-02|P2|F2|C2', '2024-01-02|P3|F3|C3'];
      expect(await bridgeRows(model)).toEqual([...jan1, ...jan2]);

      // Jan 4: P3 is back, F2 restarts with P1 (its pledge stays released), F1-C2 is released.
      await deliver(model, { partners: partners('P1', 'P2', 'P3'), facilities: [{ facility: 'F2', partner: 'P1' }], facility_collaterals: pledges('F1-C1', 'F3-C3') }, at(4));
      const jan3 = ['2024-01-03|P2|F1|C1', '2024-01-03|P2|F1|C2'];
      expect(await bridgeRows(model)).toEqual([...jan1, ...jan2, ...jan3]);

      // Jan 5: nothing changes; a rerun of every load adds nothing.
      const same: Batch = { partners: partners('P1', 'P2', 'P3'), facility_collaterals: pledges('F1-C1', 'F3-C3') };
      await deliver(model, same, at(5));
      const jan4 = ['2024-01-04|P2|F1|C1', '2024-01-04|P3|F3|C3'];
      expect(await bridgeRows(model)).toEqual([...jan1, ...jan2, ...jan3, ...jan4]);
      const before = await count(bridge);
      await runLoads(model, at(5));
      await runLoads(model, at(5), 'bridge');
      expect(await count(bridge)).toBe(before);

      // Jan 8, after two days without a batch: it fills January 5 to 7, each as known then, and nothing before.
      await deliver(model, same, at(8));
      expect(await count(bridge, `load_ts = '${at(8)}'`)).toBe(6);
      expect(await bridgeRows(model, `b.snapshot_date >= DATE '2024-01-05'`)).toEqual(['05', '06', '07'].flatMap((d) => [`2024-01-${d}|P2|F1|C1`, `2024-01-${d}|P3|F3|C3`]));
      // Each snapshot was written by the first batch after its cut-off.
      const { rows: writers } = await db.query<{ r: string }>(`SELECT DISTINCT concat_ws('|', to_char(snapshot_date, 'DD'), to_char(load_ts AT TIME ZONE 'UTC', 'DD')) AS r FROM ${bridge} ORDER BY 1`);
      expect(writers.map((x) => x.r)).toEqual(['01|02', '02|03', '03|04', '04|05', '05|08', '06|08', '07|08']);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('made for another path: setup stops, naming the table and how to rebuild it; dropped, the next load fills every snapshot for the new path', async () => {
    const short: Spec = { ...spec({ start: '2024-01-01' }), business_vault: { bridges: { chain: { path: ['partner', 'facility_partner', 'facility'] } } } };
    const model = await setUp(short);
    try {
      const batch: Batch = {
        partners: partners('P1'),
        facilities: [{ facility: 'F1', partner: 'P1' }],
        collaterals: [
          { collateral: 'C1', value: 1 },
          { collateral: 'C2', value: 2 },
        ],
        facility_collaterals: pledges('F1-C1', 'F1-C2'),
      };
      await deliver(model, batch, at(1));
      await deliver(model, batch, at(2));
      expect(await count(table(model, 'bridge', 'chain'))).toBe(1);
      // The spec's path now goes on to the collateral: a chain per pledge, a key of two links.
      const { model: compiled } = compileSpec(spec({ start: '2024-01-01' }));
      const longer: VaultModel = { ...compiled!, schemas: model.schemas };
      const setup = async (): Promise<void> => {
        for (const s of sqlPlan(longer).setup) await db.query(s.sql);
      };
      const bridge = table(longer, 'bridge', 'chain');
      await expect(setup()).rejects.toThrow(`bridge table ${bridge} was made for another path than the spec gives`);
      await db.query(`DROP TABLE ${bridge}`);
      await setup();
      await runLoads(longer, at(3), 'bridge');
      expect(await bridgeRows(longer)).toEqual(['2024-01-01|P1|F1|C1', '2024-01-01|P1|F1|C2', '2024-01-02|P1|F1|C1', '2024-01-02|P1|F1|C2']);
      // Set up again with nothing changed, it goes on.
      await setup();
    } finally {
      await dropSchemas(db, model);
    }
  });

  it("a late batch: the probe names the latest snapshot held; the snapshots held miss the batch's rows, the ones filled later and a rebuild take them in", async () => {
    const model = await setUp(spec({ start: '2024-01-01' }));
    const bridge = table(model, 'bridge', 'chain');
    try {
      const probe = sqlPlan(model).loads.find((l) => l.kind === 'bridge')!.filledAfter!;
      expect(probe.kind).toBe('probe');
      const latestHeld = async (ts: string): Promise<unknown[]> => (await db.query(probe.sql, bindParameters(probe, { load_ts: ts }))).rows;
      expect(await latestHeld(at(1))).toEqual([]);
      const jan1: Batch = { partners: partners('P1'), facilities: [{ facility: 'F1', partner: 'P1' }], collaterals: [{ collateral: 'C1', value: 1 }], facility_collaterals: pledges('F1-C1') };
      await deliver(model, jan1, at(1));
      // Jan 3 fills January 1 and 2.
      await deliver(model, { partners: partners('P1'), facility_collaterals: pledges('F1-C1') }, at(3));
      expect(await bridgeRows(model)).toEqual(['2024-01-01|P1|F1|C1', '2024-01-02|P1|F1|C1']);
      // A batch at or after January 2's cut-off is not late; one before it is, even after January 1's.
      expect(await latestHeld(at(3))).toEqual([]);
      expect(await latestHeld(at(3, 0))).toEqual([]);
      expect(await latestHeld(at(2, 23))).toEqual([{ snapshot_date: '2024-01-02' }]);
      expect(await latestHeld(at(1, 12))).toEqual([{ snapshot_date: '2024-01-02' }]);

      // A late batch, January 2 at noon: F2, of P1, pledged C2.
      const late: Batch = {
        partners: partners('P1'),
        facilities: [{ facility: 'F2', partner: 'P1' }],
        collaterals: [{ collateral: 'C2', value: 2 }],
        facility_collaterals: pledges('F1-C1', 'F2-C2'),
      };
      await deliver(model, late, at(2, 12));
      // January 2, held, stays as it was, though the chain was loaded before its cut-off.
      expect(await bridgeRows(model)).toEqual(['2024-01-01|P1|F1|C1', '2024-01-02|P1|F1|C1']);
      // January 3, filled later from the raw vault, has it.
      await deliver(model, { partners: partners('P1'), facility_collaterals: pledges('F1-C1', 'F2-C2') }, at(4));
      const jan3 = ['2024-01-03|P1|F1|C1', '2024-01-03|P1|F2|C2'];
      expect(await bridgeRows(model)).toEqual(['2024-01-01|P1|F1|C1', '2024-01-02|P1|F1|C1', ...jan3]);
      // Rebuilt (TRUNCATE, then the load), January 2 has it too.
      await db.query(`TRUNCATE ${bridge}`);
      await runLoads(model, at(4), 'bridge');
      expect(await bridgeRows(model)).toEqual(['2024-01-01|P1|F1|C1', '2024-01-02|P1|F1|C1', '2024-01-02|P1|F2|C2', ...jan3]);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('fills a snapshot with no effective chain as empty, and again as empty', async () => {
    const model = await setUp(spec({ start: '2024-01-01' }));
    try {
      await deliver(model, { partners: partners('P1'), facilities: [{ facility: 'F1', partner: null }], facility_collaterals: [] }, at(1));
      await deliver(model, { partners: partners('P1') }, at(3));
      await runLoads(model, at(3), 'bridge');
      expect(await count(table(model, 'bridge', 'chain'))).toBe(0);
    } finally {
      await dropSchemas(db, model);
    }
  });

  /** The chains of every snapshot whose cut-off is at or before `loadTs` by the definition (docs/sql.md, "Bridge tables"), one correlated as-of lookup per link and key. */
  function naive(model: VaultModel, deltaOrder: boolean, fullFacilities: boolean, loadTs: string): string {
    const zero = `'${'0'.repeat(32)}'`;
    const lp = table(model, 'link', 'facility_partner');
    const lc = table(model, 'link', 'facility_collateral');
    const eff = table(model, 'effectivity_satellite', 'facility_partner');
    const status = (sts: string, hk: string, key: string, t: string): string =>
      `(SELECT st.is_deleted FROM ${table(model, 'status_tracking_satellite', sts)} AS st WHERE st.${hk} = ${key} AND st.load_ts < ${t} ORDER BY st.load_ts DESC LIMIT 1) IS NOT TRUE`;
    // The driving key's start row valid at t: the latest in change order among those loaded before t.
    const changeOrder = [...(deltaOrder ? ['e.delta_order DESC NULLS FIRST', 'e.facility_partner_hk DESC'] : []), 'e.load_ts DESC'].join(', ');
    return `SELECT concat_ws('|', to_char(s.snapshot_date, 'YYYY-MM-DD'), p.partner, f.facility, c.collateral) AS r
      FROM (SELECT snapshot_date, CAST(snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC' AS t FROM ${table(model, 'snapshot_control', 'br')}) AS s
      JOIN ${lp} AS a ON a.load_ts < s.t AND a.facility_partner_hk <> ${zero} AND a.partner_hk <> ${zero} AND a.facility_hk <> ${zero}
      JOIN ${lc} AS b ON b.facility_hk = a.facility_hk AND b.load_ts < s.t AND b.facility_collateral_hk <> ${zero} AND b.collateral_hk <> ${zero}
      JOIN ${table(model, 'hub', 'partner')} AS p ON p.partner_hk = a.partner_hk
      JOIN ${table(model, 'hub', 'facility')} AS f ON f.facility_hk = a.facility_hk
      JOIN ${table(model, 'hub', 'collateral')} AS c ON c.collateral_hk = b.collateral_hk
      WHERE s.t <= '${loadTs}'
        AND (SELECT e.facility_partner_hk FROM ${eff} AS e WHERE e.facility_hk = a.facility_hk AND e.load_ts < s.t ORDER BY ${changeOrder} LIMIT 1) = a.facility_partner_hk
        AND ${status('partners', 'partner_hk', 'a.partner_hk', 's.t')}
        AND ${status('facility_collateral', 'facility_collateral_hk', 'b.facility_collateral_hk', 's.t')}
        ${fullFacilities ? `AND ${status('facilities', 'facility_hk', 'a.facility_hk', 's.t')}` : ''}
      ORDER BY 1`;
  }

  const F = ['F1', 'F2', 'F3'];
  const P = ['P1', 'P2', 'P3'];
  const C = ['C1', 'C2'];
  const batchArb = fc.record({
    gapDays: fc.integer({ min: 0, max: 4 }),
    hour: fc.integer({ min: 0, max: 23 }),
    partners: fc.subarray(P, { minLength: 1 }),
    facilities: fc.array(fc.record({ facility: fc.constantFrom(...F), partner: fc.option(fc.constantFrom(...P), { nil: null }), seq: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }) }), {
      maxLength: 3,
    }),
    pledges: fc.subarray(
      F.flatMap((f) => C.map((c) => `${f}-${c}`)),
      { minLength: 1 },
    ),
  });
  const historyArb = fc.record({
    deltaOrder: fc.boolean(),
    fullFacilities: fc.boolean(),
    every: fc.constantFrom('day', 'day', 'week_end' as const),
    startOffset: fc.integer({ min: -2, max: 4 }),
    batches: fc.array(batchArb, { minLength: 2, maxLength: 5 }),
    // The bridge's load run again, 0 to 4 days after the last batch.
    tail: fc.integer({ min: 0, max: 4 }),
  });

  test.prop([historyArb], { numRuns: 20 })('hold exactly the chains effective at each filled snapshot, for random histories; incremental equals a rebuild; a rerun adds nothing', async (h) => {
    const model = await setUp(spec({ start: `2024-01-${String(10 + h.startOffset).padStart(2, '0')}`, every: h.every, deltaOrder: h.deltaOrder, fullFacilities: h.fullFacilities }));
    const bridge = table(model, 'bridge', 'chain');
    try {
      let day = 10;
      let last = '';
      for (const b of h.batches) {
        day += b.gapDays;
        // Load timestamps grow from batch to batch.
        const ts = new Date(Date.UTC(2024, 0, day, b.hour, h.batches.indexOf(b))).toISOString();
        if (ts <= last) continue;
        last = ts;
        // One row per facility and batch, so that a delta-order value is not repeated with another partner.
        const facilities = b.facilities.filter((x, i) => b.facilities.findIndex((y) => y.facility === x.facility) === i).map((x) => ({ ...x, seq: h.deltaOrder ? x.seq : null }));
        await deliver(model, { partners: partners(...b.partners), facilities, facility_collaterals: pledges(...b.pledges) }, ts);
      }
      const closing = new Date(Date.parse(last) + h.tail * 86_400_000).toISOString();
      await runLoads(model, closing, 'bridge');
      const rows = await bridgeRows(model);
      // Every snapshot whose cut-off has passed, each with exactly its chains by the definition.
      const expected = (await db.query<{ r: string }>(naive(model, h.deltaOrder, h.fullFacilities, closing))).rows.map((x) => x.r);
      expect(rows).toEqual(expected);
      // A rerun adds nothing; a rebuild at the last batch gives the same rows.
      await runLoads(model, closing, 'bridge');
      expect(await bridgeRows(model)).toEqual(rows);
      await db.query(`TRUNCATE ${bridge}`);
      await runLoads(model, closing, 'bridge');
      expect(await bridgeRows(model)).toEqual(rows);
    } finally {
      await dropSchemas(db, model);
    }
  });
});
