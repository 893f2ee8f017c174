/**
 * A load into an empty table builds the table's keys once after inserting (docs/sql.md, "First
 * loads: keys built after the rows"): `vault run` drops its primary and unique keys in the load's transaction and adds them
 * again, with the same names and definitions, from the catalog. Seen here through the keys'
 * indexes: a table loaded empty gets new ones, a table that held rows keeps its own, and a table a
 * foreign key refers to always keeps its keys. What the loads insert is checked elsewhere (every
 * property test of the loads starts from empty tables).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, type Query, type Workspace } from './workspace.js';

/** Every primary and unique key of the model's loaded tables and registers: `schema.key` → its table (`schema.table`), definition and index. */
async function keys(q: Query, schemas: ReadonlyArray<string>): Promise<Map<string, { table: string; definition: string; index: number }>> {
  const rows = await q(
    `SELECT n.nspname || '.' || c.conname AS key, n.nspname || '.' || t.relname AS table, pg_get_constraintdef(c.oid) AS definition, CAST(c.conindid AS bigint) AS index
     FROM pg_constraint AS c JOIN pg_class AS t ON t.oid = c.conrelid JOIN pg_namespace AS n ON n.oid = t.relnamespace
     WHERE c.contype IN ('p', 'u') AND n.nspname = ANY($1) AND t.relname NOT LIKE 'vault%'`,
    [[...schemas]],
  );
  return new Map(rows.map((r) => [String(r['key']), { table: String(r['table']), definition: String(r['definition']), index: Number(r['index']) }]));
}

describe(`vault run builds an empty table's keys after its load, on ${ON}`, () => {
  let ws: Workspace;
  let schemas: ReadonlyArray<string>;
  const rv = (name: string): string => `${ws.model.schemas.rawVault}.${name}`;
  const bv = (name: string): string => `${ws.model.schemas.businessVault}.${name}`;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'firstkeys');
    schemas = [ws.model.schemas.rawVault, ws.model.schemas.businessVault];
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('rebuilds the keys of the tables a load found empty, with the same names and definitions, and keeps those of the others', async () => {
    expect(ws.vault(['seed', ws.spec, '--rows', '300']).code).toBe(0);
    const first = ws.vault(['run', ws.spec, '--load-ts', '2024-05-01T00:00:00Z']);
    expect(first.code, first.stderr).toBe(0);
    const before = await ws.session((q) => keys(q, schemas));
    // Hubs, links, satellites, effectivity satellites, PITs.
    for (const t of [
      rv('hub_business_partner_pkey'),
      rv('lnk_early_warning_signal_business_partner_pkey'),
      rv('eff_early_warning_signal_business_partner_pkey'),
      rv('sat_early_warning_signal_pkey'),
      bv('pit_early_warning_signal_pkey'),
    ])
      expect([...before.keys()], t).toContain(t);

    // Empty a hub, an effectivity satellite with its register (its delta order's) and a PIT (a PIT
    // is filled by the first load after a snapshot's cut-off), then load the next batch. A PIT the
    // first batch left empty (no key known at any cut-off yet) is empty too.
    const register = [...before.values()].map((k) => k.table).find((t) => t.startsWith(rv('seen_eff_early_warning_signal_business_partner')));
    expect(register).toBeDefined();
    const emptied = [rv('hub_business_partner'), rv('eff_early_warning_signal_business_partner'), register!, bv('pit_early_warning_signal')];
    const emptyPits = await ws.session(async (q) => {
      await q(`TRUNCATE ${emptied.map((t) => t.replace(/^([^.]+)\.(.+)$/, '"$1"."$2"')).join(', ')}`);
      const pits = ['pit_early_warning_signal', 'pit_early_warning_signal_business_partner'];
      const empty = [];
      for (const p of pits) if ((await count(q, `SELECT count(*) FROM ${bv(p)}`)) === 0) empty.push(bv(p));
      return empty;
    });
    const second = ws.vault(['run', ws.spec, '--load-ts', '2024-06-01T00:00:00Z']);
    expect(second.code, second.stderr).toBe(0);
    expect(insertedCounts(second.stdout).get('hub business_partner')).toBeGreaterThan(0);
    expect(insertedCounts(second.stdout).get('pit early_warning_signal')).toBeGreaterThan(0);
    const after = await ws.session((q) => keys(q, schemas));

    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const rebuilt = [...after].filter(([k, v]) => v.index !== before.get(k)!.index).map(([k]) => k);
    const expected = [...after].filter(([, v]) => [...emptied, ...emptyPits].includes(v.table)).map(([k]) => k);
    // The hub's key, the effectivity satellite's (primary and delta order's), its register's, the PITs'.
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(rebuilt.sort()).toEqual(expected.sort());
    for (const [k, v] of after) expect(v.definition, k).toBe(before.get(k)!.definition);
    // The keys hold: the hub has each key once, the PIT each (snapshot, key) once.
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) - count(DISTINCT business_partner_hk) FROM ${rv('hub_business_partner')}`)).toBe(0);
      expect(await count(q, `SELECT count(*) - count(DISTINCT (snapshot_date, early_warning_signal_hk)) FROM ${bv('pit_early_warning_signal')}`)).toBe(0);
    });
  });

  it('keeps the keys of an empty table a foreign key refers to', async () => {
    const orders = `${ws.model.schemas.rawVault}.partner_orders`;
    await ws.session(async (q) => {
      await q(`CREATE TABLE ${orders} (business_partner_hk char(32) REFERENCES ${rv('hub_business_partner')})`);
      await q(`TRUNCATE ${rv('hub_business_partner')}, ${orders}`);
    });
    const before = await ws.session((q) => keys(q, schemas));
    const run = ws.vault(['run', ws.spec, '--load-ts', '2024-07-01T00:00:00Z']);
    expect(run.code, run.stderr).toBe(0);
    expect(insertedCounts(run.stdout).get('hub business_partner')).toBeGreaterThan(0);
    const after = await ws.session((q) => keys(q, schemas));
    expect(after.get(rv('hub_business_partner_pkey'))).toEqual(before.get(rv('hub_business_partner_pkey')));
  });
});
