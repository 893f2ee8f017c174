/**
 * lgd seeded batch 1, 2 and 3, run after each: the deletes vault seed writes reach the vault. The status
 * tracking satellites record exactly the deletes and re-appearances the landing rows hold, no
 * key currently deleted is in a current view, the multi-active satellite loads exactly the
 * partners whose set of ratings changed, every fact row has one member in each dimension, and
 * a rerun of the last batch adds nothing. Expectations come from the landing rows as seeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, table, type Query, type Workspace } from './workspace.js';

const ROWS = 200;
const LOADS = ['2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', '2024-05-03T00:00:00Z'] as const;
const RERUN = '2024-05-04T00:00:00Z';

/** What one batch's landing rows say, by key (as text). */
interface Batch {
  /** facility_collateral's keys, `facility_id|collateral_code`. */
  readonly pledges: ReadonlySet<string>;
  /** business_partner_id → is_deleted (every row of a partner agrees). */
  readonly flags: ReadonlyMap<string, boolean>;
  /** business_partner_id → its set of external ratings, as text. */
  readonly ratings: ReadonlyMap<string, string>;
}

describe(`seeded deletes through vault run on ${ON}`, () => {
  let ws: Workspace;
  const batches: Batch[] = [];
  /** Each load's status tracking rows, by key: whether it was deleted. */
  const stored: Array<{ readonly pledges: Map<string, boolean>; readonly partners: Map<string, boolean>; readonly ratings: Set<string> }> = [];
  beforeAll(async () => {
    ws = createWorkspace('specs/lgd.yaml', 'seeddel');
    for (const [i, at] of LOADS.entries()) {
      const seeded = ws.vault(['seed', ws.spec, '--rows', String(ROWS), '--batch', String(i + 1)]);
      expect(seeded.code, seeded.stderr).toBe(0);
      batches.push(await ws.session(landed));
      const run = ws.vault(['run', ws.spec, '--load-ts', at]);
      expect(run.code, run.stderr).toBe(0);
      stored.push(await ws.session((q) => loadedAt(q, at)));
    }
  }, 600_000);
  afterAll(async () => {
    await ws.cleanup();
  });

  const landing = (name: string): string => table(ws.model, 'landing', name);
  const raw = (name: string): string => table(ws.model, 'rawVault', name);

  async function landed(q: Query): Promise<Batch> {
    const pledges = new Set((await q(`SELECT facility_id::text || '|' || collateral_code AS k FROM ${landing('facility_collateral')}`)).map((r) => String(r['k'])));
    const flags = new Map<string, boolean>();
    for (const r of await q(`SELECT DISTINCT business_partner_id::text AS k, is_deleted FROM ${landing('business_partner')}`)) {
      const k = String(r['k']);
      expect(flags.has(k), `one flag per partner (${k})`).toBe(false);
      flags.set(k, r['is_deleted'] === true);
    }
    const ratings = new Map(
      (
        await q(
          `SELECT business_partner_id::text AS k, string_agg(DISTINCT concat_ws('|', rating_agency, agency_rating, rating_outlook, rated_on::text), '#' ORDER BY concat_ws('|', rating_agency, agency_rating, rating_outlook, rated_on::text)) AS s FROM ${landing('business_partner_external_rating')} GROUP BY 1`,
        )
      ).map((r) => [String(r['k']), String(r['s'])] as const),
    );
    return { pledges, flags, ratings };
  }

  async function loadedAt(q: Query, at: string): Promise<(typeof stored)[number]> {
    const byKey = async (sql: string): Promise<Map<string, boolean>> => new Map((await q(sql, [at])).map((r) => [String(r['k']), r['is_deleted'] === true] as const));
    return {
      pledges: await byKey(
        `SELECT l.facility_id::text || '|' || l.collateral_code AS k, s.is_deleted FROM ${raw('sts_facility_collateral')} AS s JOIN ${raw('lnk_facility_collateral')} AS l USING (facility_collateral_hk) WHERE s.load_ts >= $1 AND s.load_ts < $1::timestamptz + interval '1 hour'`,
      ),
      partners: await byKey(
        `SELECT h.business_partner_id::text AS k, s.is_deleted FROM ${raw('sts_business_partner')} AS s JOIN ${raw('hub_business_partner')} AS h USING (business_partner_hk) WHERE s.load_ts >= $1 AND s.load_ts < $1::timestamptz + interval '1 hour'`,
      ),
      ratings: new Set(
        (
          await q(
            `SELECT DISTINCT h.business_partner_id::text AS k FROM ${raw('msat_business_partner_external_rating')} AS m JOIN ${raw('hub_business_partner')} AS h USING (business_partner_hk) WHERE m.load_ts >= $1 AND m.load_ts < $1::timestamptz + interval '1 hour'`,
            [at],
          )
        ).map((r) => String(r['k'])),
      ),
    };
  }

  const minus = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> => new Set([...a].filter((x) => !b.has(x)));

  it('the full batches delete exactly the pledges they leave out and bring back exactly those they return', () => {
    const [one, two, three] = batches;
    if (one === undefined || two === undefined || three === undefined) throw new Error('three batches');
    // The first load: every pledge present.
    expect(stored[0]?.pledges).toEqual(new Map([...one.pledges].map((k) => [k, false])));
    for (const b of [1, 2]) {
      const [before, now] = [batches[b - 1]!.pledges, batches[b]!.pledges];
      const deleted = minus(before, now);
      const back = new Set([...now].filter((k) => batches.slice(0, b - 1).some((x) => x.pledges.has(k)) && !before.has(k)));
      expect(deleted.size, `pledges left out in batch ${b + 1}`).toBeGreaterThan(0);
      if (b === 2) expect(back.size, 'pledges back in batch 3').toBeGreaterThan(0);
      // A pledge a full batch does not bring is deleted; one it brings that the batch before did not is present.
      expect(stored[b]?.pledges).toEqual(new Map([...[...deleted].map((k) => [k, true] as const), ...[...minus(now, before)].map((k) => [k, false] as const)]));
    }
  });

  it('the delete flag records exactly each partner whose flag changed, deleted and back', () => {
    const latest = new Map<string, boolean>();
    let deletes = 0;
    let returns = 0;
    for (const [b, batch] of batches.entries()) {
      const expected = new Map([...batch.flags].filter(([k, flag]) => latest.get(k) !== flag));
      expect(stored[b]?.partners, `batch ${b + 1}`).toEqual(expected);
      for (const [k, flag] of expected) {
        if (flag) deletes++;
        else if (latest.get(k) === true) returns++;
        latest.set(k, flag);
      }
    }
    expect(deletes).toBeGreaterThan(0);
    expect(returns).toBeGreaterThan(0);
  });

  it('the multi-active satellite loads exactly the partners whose set of ratings changed', () => {
    const latest = new Map<string, string>();
    for (const [b, batch] of batches.entries()) {
      const changed = new Set([...batch.ratings].filter(([k, set]) => latest.get(k) !== set).map(([k]) => k));
      if (b > 0) expect(changed.size, `batch ${b + 1}`).toBeGreaterThan(0);
      expect(stored[b]?.ratings, `batch ${b + 1}`).toEqual(changed);
      for (const [k, set] of batch.ratings) latest.set(k, set);
    }
  });

  it('no key whose current status is deleted is in a current view, and every other key is', async () => {
    await ws.session(async (q) => {
      const current = (sts: string, hk: string): string => `SELECT DISTINCT ON (${hk}) ${hk}, is_deleted FROM ${raw(sts)} ORDER BY ${hk}, load_ts DESC`;
      const deletedPartners = `SELECT business_partner_hk FROM (${current('sts_business_partner', 'business_partner_hk')}) AS c WHERE is_deleted`;
      const deletedPledges = `SELECT facility_collateral_hk FROM (${current('sts_facility_collateral', 'facility_collateral_hk')}) AS c WHERE is_deleted`;
      // The current status is the last batch's flag (or the last flag a partner had), and the pledges the last full batch left out.
      const latest = new Map<string, boolean>();
      for (const batch of batches) for (const [k, flag] of batch.flags) latest.set(k, flag);
      const flagged = [...latest].filter(([, f]) => f).map(([k]) => k);
      expect(flagged.length).toBeGreaterThan(0);
      const rowsOf = async (sql: string): Promise<string[]> => (await q(sql)).map((r) => String(Object.values(r)[0])).sort();
      expect(await rowsOf(`SELECT h.business_partner_id::text FROM ${raw('hub_business_partner')} AS h WHERE business_partner_hk IN (${deletedPartners})`)).toEqual(flagged.sort());
      const everPledged = new Set(batches.flatMap((b) => [...b.pledges]));
      const last = batches[batches.length - 1]!.pledges;
      expect(await rowsOf(`SELECT l.facility_id::text || '|' || l.collateral_code FROM ${raw('lnk_facility_collateral')} AS l WHERE facility_collateral_hk IN (${deletedPledges})`)).toEqual(
        [...minus(everPledged, last)].sort(),
      );

      const partnersKept = new Set(minus(new Set(latest.keys()), new Set(flagged)));
      const bv = (name: string): string => table(ws.model, 'businessVault', name);
      const al = (name: string): string => table(ws.model, 'accessLayer', name);
      const ghost = `'${'0'.repeat(64)}'`;
      // Every partner of the hub is a landed one (no table has a key no partner row has).
      expect(await count(q, `SELECT count(*) FROM ${raw('hub_business_partner')} WHERE business_partner_hk <> ${ghost}`)).toBe(latest.size);
      for (const [view, where] of [
        [bv('bhub_business_partner'), `business_partner_hk <> ${ghost}`],
        [al('pv_business_partner'), 'true'],
        // The star keeps versions (type 2): its current members are its current versions.
        [al('dim_loss_given_default_star_business_partner'), `business_partner_hk <> ${ghost} AND is_current`],
      ] as const) {
        expect(new Set(await rowsOf(`SELECT business_partner_id::text FROM ${view} WHERE ${where}`)), view).toEqual(partnersKept);
      }
      expect(new Set(await rowsOf(`SELECT facility_id::text || '|' || collateral_code FROM ${bv('blnk_facility_collateral')} WHERE facility_collateral_hk <> ${ghost}`))).toEqual(last);
      expect(await count(q, `SELECT count(*) FROM ${al('fct_loss_given_default_star')} WHERE business_partner_hk IN (${deletedPartners})`)).toBe(0);
      // Facts whose partner is deleted point at the unknown member.
      expect(await count(q, `SELECT count(*) FROM ${al('fct_loss_given_default_star')} WHERE business_partner_hk = ${ghost}`)).toBeGreaterThan(0);
    });
  });

  it('every fact row joins exactly one member of each dimension', async () => {
    await ws.session(async (q) => {
      const al = (name: string): string => table(ws.model, 'accessLayer', name);
      const fact = al('fct_loss_given_default_star');
      const facts = await count(q, `SELECT count(*) FROM ${fact}`);
      expect(facts).toBe(await count(q, `SELECT count(*) FROM ${table(ws.model, 'businessVault', 'bhub_loss_given_default_score')} WHERE loss_given_default_score_hk <> '${'0'.repeat(64)}'`));
      // The star keeps versions (type 2): a fact joins its dimension by the version valid at its date.
      for (const [dim, key] of [
        ['dim_loss_given_default_star_business_partner', 'business_partner_version_key'],
        ['dim_loss_given_default_star_facility', 'facility_version_key'],
      ] as const) {
        const members = await q(`SELECT (SELECT count(*) FROM ${al(dim)} AS d WHERE d.${key} = f.${key})::int AS n FROM ${fact} AS f`);
        expect(members.length, dim).toBe(facts);
        expect(
          members.every((r) => r['n'] === 1),
          dim,
        ).toBe(true);
      }
    });
  });

  it('a rerun of the last batch adds nothing', async () => {
    const rerun = ws.vault(['run', ws.spec, '--load-ts', RERUN, '--no-skip-unchanged']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const inserted = insertedCounts(rerun.stdout);
    expect(inserted.size).toBeGreaterThan(10);
    expect(inserted.get('status_tracking_satellite facility_collateral')).toBe(0);
    // The snapshot control ends today: the rerun's later date is one new snapshot, and the bridge and
    // the PITs fill May 3, whose cut-off the rerun's timestamp reaches, as known before it; nothing else is new.
    const added = [...inserted].filter(([, n]) => n > 0);
    expect(added.map(([k]) => k).sort()).toEqual(['bridge partner_collateral', 'pit business_partner', 'pit facility', 'pit facility_collateral', `snapshot_control ${ws.model.name}`]);
    expect(inserted.get(`snapshot_control ${ws.model.name}`)).toBe(1);
    const filled = await ws.session((q) =>
      q(`SELECT DISTINCT to_char(snapshot_date, 'YYYY-MM-DD') AS d FROM ${table(ws.model, 'businessVault', 'bridge_partner_collateral')} WHERE load_ts = '${RERUN}'`),
    );
    expect(filled.map((r) => r['d'])).toEqual(['2024-05-03']);
  });
});
