import { seedRows, type SeedTable, type SeedValue } from '@vault/emitters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedChanges, rowsByKey } from './changes.js';
import { ON, count, createWorkspace, insertedCounts, skippedEntities, table, type Workspace } from './workspace.js';

const T1 = '2024-05-01T00:00:00Z';
const T2 = '2024-05-02T00:00:00Z';
const ROWS = 200;

describe(`vault seed and vault run on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'run');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  const landing = (batch: number, name: string): SeedTable => {
    const t = seedRows(ws.model, { rows: ROWS, seed: 1, batch }).find((x) => x.table === name);
    if (t === undefined) throw new Error(`no landing table ${name}`);
    return t;
  };
  const raw = (name: string): string => table(ws.model, 'rawVault', name);

  it('seed --rows 200 then run fills every layer', async () => {
    const seeded = ws.vault(['seed', ws.spec, '--rows', String(ROWS)]);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/_landing\.early_warning_signal\s+200 rows/);
    expect(seeded.stdout).toMatch(/_landing\.early_warning_signal_input\s+200 rows/);
    expect(seeded.stdout).toMatch(/setup\s+created \d+ tables and views/);

    const run = ws.vault(['run', ws.spec, '--load-ts', T1, '--count-views']);
    expect(run.code, run.stderr).toBe(0);
    const inserted = insertedCounts(run.stdout);
    const rv = ws.model.byKind;
    // In dependency order, however many loads ran at once (--jobs, 4 on a server).
    expect([...inserted.keys()]).toEqual([
      ...rv.hub.map((h) => `hub ${h.name}`),
      ...rv.link.map((l) => `link ${l.name}`),
      ...rv.satellite.map((s) => `satellite ${s.name}`),
      ...rv.effectivity_satellite.map((e) => `effectivity_satellite ${e.name}`),
      ...rv.snapshot_control.map((c) => `snapshot_control ${c.name}`),
      ...rv.pit.map((p) => `pit ${p.name}`),
    ]);
    // The month ends from January to April are new snapshots; no key was loaded before their
    // cut-offs, so the PITs hold nothing yet.
    expect(inserted.get(`snapshot_control ${ws.model.name}`)).toBe(4);
    for (const [entity, n] of inserted) {
      if (entity.startsWith('pit ')) expect(n, entity).toBe(0);
      else expect(n, entity).toBeGreaterThan(0);
    }
    expect(run.stdout).toMatch(/setup\s+nothing to create/);
    expect(run.stdout).toMatch(/business vault\n/);
    expect(run.stdout).toMatch(/access layer\n/);

    await ws.session(async (q) => {
      for (const h of rv.hub) {
        // Every key the landing tables carry, once, plus the ghost record.
        expect(await count(q, `SELECT count(*) FROM ${raw(`hub_${h.name}`)}`), h.name).toBe((inserted.get(`hub ${h.name}`) ?? 0) + 1);
      }
      const keys = present(landing(1, 'early_warning_signal'), 'early_warning_signal_id');
      expect(await count(q, `SELECT count(*) FROM ${raw('hub_early_warning_signal')} WHERE load_ts = $1`, [T1])).toBe(keys.size);
      for (const l of rv.link) expect(await count(q, `SELECT count(*) FROM ${raw(`lnk_${l.name}`)}`)).toBeGreaterThan(1);
      for (const s of rv.satellite) expect(await count(q, `SELECT count(*) FROM ${raw(`sat_${s.name}`)}`)).toBeGreaterThan(1);
      for (const v of ws.model.byKind.presentation_view) {
        const view = table(ws.model, 'accessLayer', `pv_${v.name}`);
        const keyList = v.businessKeys.map((k) => `"${k}"`).join(', ');
        const rows = await count(q, `SELECT count(*) FROM ${view}`);
        expect(rows, v.name).toBeGreaterThan(0);
        expect(await count(q, `SELECT count(*) FROM (SELECT DISTINCT ${keyList} FROM ${view}) AS k`), `one row per key in ${v.name}`).toBe(rows);
      }
      const pvPartners = await count(q, `SELECT count(*) FROM ${table(ws.model, 'accessLayer', 'pv_business_partner')}`);
      expect(pvPartners).toBe(inserted.get('hub business_partner'));
      // --count-views printed the same count; the business hub view also holds the ghost record.
      expect(run.stdout).toMatch(new RegExp(`\\n {4}presentation_view business_partner +${pvPartners} rows\\n`));
      expect(run.stdout).toMatch(new RegExp(`\\n {4}business_hub business_partner +${pvPartners + 1} rows\\n`));
    });
  });

  it('run again with the same --load-ts inserts 0 rows everywhere', async () => {
    const before = await tableCounts();
    const again = ws.vault(['run', ws.spec, '--load-ts', T1]);
    expect(again.code, again.stderr).toBe(0);
    const inserted = insertedCounts(again.stdout);
    expect(inserted.size).toBe(15); // 4 hubs, 3 links (one per relationship), 2 satellites, 3 effectivity satellites (one per link), the snapshot control, 2 PITs
    for (const [entity, n] of inserted) expect(n, entity).toBe(0);
    // The landing tables are as the first run left them: the ledger skips every raw vault load;
    // the snapshot control (it ends today) and the PITs follow the batch's timestamp and run.
    const dated = (e: string): boolean => e.startsWith('snapshot_control ') || e.startsWith('pit ');
    expect(skippedEntities(again.stdout)).toEqual(new Map([...inserted.keys()].filter((e) => !dated(e)).map((e) => [e, T1])));
    expect(again.stdout).toContain('✓ 0 rows inserted into 15 entities (12 unchanged since their last load, skipped)');
    // Without --count-views the views are not evaluated, only listed by layer.
    // The business vault's views follow its tables (the PITs), under its one title.
    expect(again.stdout).toMatch(/ {4}\[\d+\/\d+\] pit [^\n]*\n {4}\d+ views up to date \(--count-views to count their rows\)\n {2}access layer\n {4}\d+ views up to date/);
    expect(again.stdout.match(/^ {2}business vault$/gm)).toHaveLength(1);
    expect(again.stdout).not.toMatch(/business_hub business_partner +\d+ rows/);
    expect(await tableCounts()).toEqual(before);
  });

  it('run again with a later or an earlier --load-ts, every load run (--no-skip-unchanged), inserts 0 rows everywhere', async () => {
    const before = await tableCounts();
    for (const loadTs of ['2024-05-01T12:00:00Z', '2024-04-30T00:00:00Z']) {
      const again = ws.vault(['run', ws.spec, '--load-ts', loadTs, '--no-skip-unchanged']);
      expect(again.code, again.stderr).toBe(0);
      expect(insertedCounts(again.stdout).size).toBe(15);
      // No new month end, and no snapshot whose cut-off either timestamp passes has a key known before it.
      for (const [entity, n] of insertedCounts(again.stdout)) expect(n, `${entity} at ${loadTs}`).toBe(0);
      expect(skippedEntities(again.stdout).size).toBe(0);
      expect(again.stdout).toContain('✓ 0 rows inserted into 15 entities in');
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('seed --batch 2 then run inserts only the new keys and the changed rows', async () => {
    expect(ws.vault(['seed', ws.spec, '--rows', String(ROWS), '--batch', '2']).code).toBe(0);
    const run = ws.vault(['run', ws.spec, '--load-ts', T2]);
    expect(run.code, run.stderr).toBe(0);
    const inserted = insertedCounts(run.stdout);

    const expectations = [
      { table: 'early_warning_signal', key: 'early_warning_signal_id', delta: 'updated_at' },
      { table: 'early_warning_signal_input', key: 'early_warning_signal_input_id', delta: 'received_at' },
    ] as const;
    await ws.session(async (q) => {
      for (const e of expectations) {
        const [one, two] = [landing(1, e.table), landing(2, e.table)];
        const known = present(one, e.key);
        const fresh = [...present(two, e.key)].filter((k) => !known.has(k));
        expect(fresh.length, `new keys of ${e.table}`).toBeGreaterThan(0);
        expect(inserted.get(`hub ${e.table}`), `hub ${e.table}`).toBe(fresh.length);

        const changes = expectedChanges(one, two, e.key, e.delta);
        const total = [...changes.values()].reduce((a, b) => a + b, 0);
        expect(total).toBeLessThan(ROWS / 2); // most of the batch is unchanged
        expect(inserted.get(`satellite ${e.table}`), `satellite ${e.table}`).toBe(total);
        // …and they are the rows of exactly those keys.
        const stored = await q(
          `SELECT h."${e.key}" AS key, count(*)::int AS n FROM ${raw(`sat_${e.table}`)} AS s JOIN ${raw(`hub_${e.table}`)} AS h USING ("${e.table}_hk") WHERE s.load_ts >= $1 GROUP BY 1`,
          [T2],
        );
        expect(new Map(stored.map((r) => [Number(r['key']), Number(r['n'])]))).toEqual(new Map([...changes].map(([k, n]) => [Number(k), n])));
      }
      // No table owns business_partner: its keys are drawn from the same pool in every batch.
      expect(inserted.get('hub business_partner')).toBe(0);
      expect(await count(q, `SELECT count(*) FROM ${raw('hub_business_partner')} WHERE load_ts >= $1`, [T2])).toBe(0);
    });
  });

  it('after batch 2 some signals have moved to another partner, and the star still has exactly one fact row per signal, at its partner now', async () => {
    await ws.session(async (q) => {
      const eff = raw('eff_early_warning_signal_business_partner');
      // Batch 2 changes some signals' partner: starts loaded at T2 for signals known before.
      const moved = await count(
        q,
        `SELECT count(DISTINCT early_warning_signal_hk) FROM ${eff} WHERE load_ts >= $1 AND early_warning_signal_hk IN (SELECT early_warning_signal_hk FROM ${eff} WHERE load_ts < $1)`,
        [T2],
      );
      expect(moved).toBeGreaterThan(0);
      const signals = await count(q, `SELECT count(*) FROM ${raw('hub_early_warning_signal')} WHERE early_warning_signal_hk <> '${'0'.repeat(32)}'`);
      const fact = table(ws.model, 'accessLayer', 'fct_early_warning_signal_star');
      expect(await count(q, `SELECT count(*) FROM ${fact}`)).toBe(signals);
      const blnk = table(ws.model, 'businessVault', 'blnk_early_warning_signal_business_partner');
      // The star is type 2: each fact joins exactly one version of each dimension, by inner joins.
      const zero = `'${'0'.repeat(32)}'`;
      const dimension = (d: string): string => table(ws.model, 'accessLayer', `dim_early_warning_signal_star_${d}`);
      const versions = `${fact} AS f JOIN ${dimension('early_warning_signal')} AS s USING (early_warning_signal_version_key) JOIN ${dimension('business_partner')} AS p USING (business_partner_version_key)`;
      expect(await count(q, `SELECT count(*) FROM ${versions}`)).toBe(signals);
      // A signal's version is the one the vault held when its partner link was loaded: the unknown
      // member exactly when the business hub's filter (signal_date IS NOT NULL) left that version out.
      const history = table(ws.model, 'businessVault', 'hist_bsat_early_warning_signal');
      const wrong = await count(
        q,
        `SELECT count(*) FROM ${versions}
         JOIN ${blnk} AS l ON l.early_warning_signal_hk = f.early_warning_signal_hk
         JOIN ${history} AS h ON h.early_warning_signal_hk = l.early_warning_signal_hk AND h.valid_from <= l.load_ts AND (h.valid_to IS NULL OR h.valid_to > l.load_ts)
         WHERE f.early_warning_signal_hk <> ${zero} AND (s.early_warning_signal_hk = ${zero}) <> (h.signal_date IS NULL)`,
      );
      expect(wrong).toBe(0);
      // One per signal: the business link offers one relationship per driving key (the fact's own
      // signal key is the zero key where the business hub's filter leaves the signal out).
      expect(await count(q, `SELECT count(DISTINCT early_warning_signal_hk) FROM ${blnk} WHERE early_warning_signal_hk <> '${'0'.repeat(32)}'`)).toBe(signals);
      // Each fact row's partner is the one the signal's latest landing row (in delta order) names.
      const landed = landing(2, 'early_warning_signal');
      const [id, partner, updated] = ['early_warning_signal_id', 'business_partner_id', 'updated_at'].map((c) => landed.columns.indexOf(c));
      const latest = new Map<string, { at: string; partner: string }>();
      for (const row of landed.rows) {
        const [k, p, at] = [String(row[id!]), String(row[partner!]), String(row[updated!])];
        const seen = latest.get(k);
        if (seen === undefined || seen.at < at) latest.set(k, { at, partner: p });
      }
      const rows = await q(
        `SELECT s.early_warning_signal_id AS signal, p.business_partner_id AS partner FROM ${fact} AS f
         JOIN ${table(ws.model, 'businessVault', 'bhub_early_warning_signal')} AS s USING (early_warning_signal_hk)
         JOIN ${table(ws.model, 'businessVault', 'bhub_business_partner')} AS p USING (business_partner_hk)`,
      );
      for (const r of rows) {
        const expected = latest.get(String(r['signal']));
        if (expected !== undefined) expect(String(r['partner']), `signal ${String(r['signal'])}`).toBe(expected.partner);
      }
    });
  });

  async function tableCounts(): Promise<Record<string, number>> {
    const rv = ws.model.byKind;
    const names = [...rv.hub.map((h) => `hub_${h.name}`), ...rv.link.map((l) => `lnk_${l.name}`), ...rv.satellite.map((s) => `sat_${s.name}`), ...rv.effectivity_satellite.map((e) => `eff_${e.name}`)];
    return ws.session(async (q) => {
      const out: Record<string, number> = {};
      for (const n of names) out[n] = await count(q, `SELECT count(*) FROM ${raw(n)}`);
      return out;
    });
  }
});

function present(t: SeedTable, key: string): Set<SeedValue> {
  return new Set(rowsByKey(t, key).keys());
}
