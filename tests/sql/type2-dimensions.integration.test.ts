/**
 * Type-2 dimensions against a real database (docs/sql.md, "Type-2 dimensions"): scores (the fact
 * hub, dated by `scored_on`) of partners (the dimension) whose rating changes, with a derived
 * rating band, a business-hub filter and deletes by a flag. A fact dated before, between and after
 * a partner's changes joins the version valid at the end of its date; a fact before the partner's
 * first version, or with no date, joins the unknown member; the current versions are the rows of
 * the type-1 dimension of the same fact; and for random histories every fact joins exactly one
 * version of its dimension, the one a naive reading of the landed batches says was valid then.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type Spec, type VaultModel } from '@vault/core';
import { quoteIdent, sqlManifestBlock } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const db = fileDatabase();

const ON = process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite';

const SPEC: Spec = {
  version: 1,
  model: 'type2',
  tables: {
    partners: {
      business_key: ['partner_id'],
      columns: { partner_id: { type: 'text', nullable: false }, rating: 'varchar(2)', is_deleted: 'boolean' },
    },
    scores: {
      business_key: ['score_id'],
      columns: { score_id: { type: 'text', nullable: false }, partner_id: 'text', scored_on: 'date', scored_at: 'timestamp', amount: 'int' },
      references: [{ columns: ['partner_id'], table: 'partners' }],
    },
  },
  business_vault: {
    rules: {
      partner: {
        derive: { rating_band: "CASE WHEN rating IN ('A', 'B') THEN 'GOOD' ELSE 'WEAK' END" },
        // A partner rated X is out of the business vault while it is.
        filter: "rating IS NULL OR rating <> 'X'",
      },
    },
  },
  access_layer: {
    dimensional_models: {
      star: { fact: 'score', measures: ['score_id', 'amount'], history: 'type2', fact_date: 'scored_on' },
      // The same fact, type 1: its dimension is the current versions of `star`'s.
      star_now: { fact: 'score', measures: ['score_id', 'amount'] },
      // Type 2 at the fact's load_ts: the versions the vault held when the score came.
      star_loaded: { fact: 'score', measures: ['score_id'], history: 'type2' },
      // Type 2 at a timestamp without time zone, read as UTC.
      star_at: { fact: 'score', measures: ['score_id'], history: 'type2', fact_date: 'scored_at' },
    },
  },
};

const ZERO = '0'.repeat(32);

interface Partner {
  readonly partner_id: string;
  readonly rating: string | null;
  readonly is_deleted: boolean | null;
}
interface Score {
  readonly score_id: string;
  readonly partner_id: string | null;
  readonly scored_on: string | null;
  readonly scored_at?: string;
  readonly amount: number;
}
interface Batch {
  readonly partners: ReadonlyArray<Partner>;
  readonly scores: ReadonlyArray<Score>;
}

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');
/** Batch `b` loads at noon UTC, ten days apart: 2024-01-10, 01-20, 01-30, 02-09. */
const loadTs = (b: number): string => new Date(Date.UTC(2024, 0, 10 + 10 * b, 12)).toISOString();

const setUp = (): Promise<VaultModel> => db.setUpModel(SPEC, 't2');

/** Lands one batch (every landing table emptied first) and runs every load under `ts`. */
/** Lands one batch (its partners and scores, by landing table) and runs every load under `ts`. */
const deliver = (model: VaultModel, batch: Batch, ts: string): Promise<void> => db.deliver(model, { ...batch }, ts);

function views(model: VaultModel): { readonly fact: string; readonly dimension: string; readonly factNow: string; readonly dimensionNow: string } {
  const block = (name: string) =>
    sqlManifestBlock(
      model.byKind.dimensional_model.find((m) => m.name === name)!,
      model,
    );
  const [star, now] = [block('star'), block('star_now')];
  return { fact: relation(star.table), dimension: relation(star.dimensions!['partner']!), factNow: relation(now.table), dimensionNow: relation(now.dimensions!['partner']!) };
}

/** What a fact joins: the partner and the attributes of its version, or the unknown member. */
interface Joined {
  readonly score_id: string;
  readonly partner_id: string | null;
  readonly rating: string | null;
  readonly rating_band: string | null;
}
const UNKNOWN = { partner_id: null, rating: null, rating_band: null } as const;

/** Every fact with the version it points at, by an inner join; the fact count is checked apart, so a lost fact shows. */
async function joined(model: VaultModel): Promise<Joined[]> {
  const v = views(model);
  const facts = await db.query<{ n: number }>(`SELECT CAST(count(*) AS int) AS n FROM ${v.fact}`);
  const rows = await db.query<Joined & { ghost: boolean }>(
    `SELECT f.score_id, d.partner_hk = $1 AS ghost, d.partner_id, d.rating, d.rating_band
     FROM ${v.fact} AS f JOIN ${v.dimension} AS d ON d.partner_version_key = f.partner_version_key
     ORDER BY f.score_id`,
    [ZERO],
  );
  expect(rows.rows.length, 'every fact joins exactly one version').toBe(facts.rows[0]!.n);
  // The ghost's business key is a placeholder: say "unknown" instead. Its attributes are what the
  // view shows: the unknown member has no value, derived ones included.
  return rows.rows.map(({ ghost, ...r }) => (ghost ? { ...r, partner_id: UNKNOWN.partner_id } : r));
}

/** The dimension's current versions are the type-1 dimension's rows; the facts' hash keys are the type-1 fact's. */
async function expectCurrentIsTypeOne(model: VaultModel): Promise<void> {
  const v = views(model);
  const columns = 'partner_hk, partner_id, is_deleted, rating, rating_band';
  const current = await db.query(`SELECT ${columns} FROM ${v.dimension} WHERE is_current ORDER BY partner_hk`);
  const typeOne = await db.query(`SELECT ${columns} FROM ${v.dimensionNow} ORDER BY partner_hk`);
  expect(current.rows).toEqual(typeOne.rows);
  const keys = await db.query(`SELECT score_id, partner_hk, amount FROM ${v.fact} ORDER BY score_id`);
  const keysNow = await db.query(`SELECT score_id, partner_hk, amount FROM ${v.factNow} ORDER BY score_id`);
  expect(keys.rows).toEqual(keysNow.rows);
  // Each version key names one version.
  const twice = await db.query(`SELECT partner_version_key FROM ${v.dimension} GROUP BY partner_version_key HAVING count(*) > 1`);
  expect(twice.rows).toEqual([]);
}

const partner = (partner_id: string, rating: string | null, is_deleted: boolean | null = false): Partner => ({ partner_id, rating, is_deleted });
const score = (score_id: string, partner_id: string | null, scored_on: string | null): Score => ({ score_id, partner_id, scored_on, amount: 1 });

describe(`type-2 dimensions (${ON})`, () => {
  it('a fact joins the version valid at the end of its date, or the unknown member', async () => {
    const model = await setUp();
    try {
      // P: A on Jan 10, B on Jan 20, C on Jan 30 (noon UTC). R: A, then X (filtered out). D: deleted on Jan 30.
      await deliver(model, { partners: [partner('P', 'A'), partner('R', 'A'), partner('D', 'B')], scores: [] }, loadTs(0));
      await deliver(model, { partners: [partner('P', 'B'), partner('R', 'X')], scores: [] }, loadTs(1));
      await deliver(
        model,
        {
          partners: [partner('P', 'C'), partner('D', 'B', true)],
          scores: [
            score('p1-before', 'P', '2024-01-05'),
            score('p2-first-day', 'P', '2024-01-10'),
            score('p3-between', 'P', '2024-01-15'),
            score('p4-second-day', 'P', '2024-01-20'),
            score('p5-between', 'P', '2024-01-25'),
            score('p6-after', 'P', '2024-02-05'),
            score('p7-no-date', 'P', null),
            score('r1-rated-a', 'R', '2024-01-15'),
            score('r2-rated-x', 'R', '2024-01-25'),
            score('d1-present', 'D', '2024-01-25'),
            score('d2-deleted', 'D', '2024-02-05'),
            // Q is first known from this batch's scores (Jan 30), without a rating.
            score('q1-unknown-yet', 'Q', '2024-01-25'),
            score('q2-known', 'Q', '2024-02-05'),
            score('z1-no-partner', null, '2024-02-05'),
            // B is loaded at noon on Jan 20: a timestamp sees it from that instant on.
            { ...score('t1-before-noon', 'P', null), scored_at: '2024-01-20 11:59:59' },
            { ...score('t2-at-noon', 'P', null), scored_at: '2024-01-20 12:00:00' },
          ],
        },
        loadTs(2),
      );
      const at = (rating: string | null) => ({ rating, rating_band: rating === 'A' || rating === 'B' ? 'GOOD' : 'WEAK' });
      expect(await joined(model)).toEqual([
        { score_id: 'd1-present', partner_id: 'D', ...at('B') },
        { score_id: 'd2-deleted', ...UNKNOWN },
        { score_id: 'p1-before', ...UNKNOWN },
        { score_id: 'p2-first-day', partner_id: 'P', ...at('A') },
        { score_id: 'p3-between', partner_id: 'P', ...at('A') },
        { score_id: 'p4-second-day', partner_id: 'P', ...at('B') },
        { score_id: 'p5-between', partner_id: 'P', ...at('B') },
        { score_id: 'p6-after', partner_id: 'P', ...at('C') },
        { score_id: 'p7-no-date', ...UNKNOWN },
        { score_id: 'q1-unknown-yet', ...UNKNOWN },
        { score_id: 'q2-known', partner_id: 'Q', ...at(null) },
        { score_id: 'r1-rated-a', partner_id: 'R', ...at('A') },
        { score_id: 'r2-rated-x', ...UNKNOWN },
        { score_id: 't1-before-noon', ...UNKNOWN },
        { score_id: 't2-at-noon', ...UNKNOWN },
        { score_id: 'z1-no-partner', ...UNKNOWN },
      ]);
      // P's three versions tile time from its first load; the ghost is one version for all time.
      const v = views(model);
      const versions = await db.query<{ rating: string; valid_from: Date; valid_to: Date | null; is_current: boolean }>(
        `SELECT rating, valid_from, valid_to, is_current FROM ${v.dimension} WHERE partner_id = 'P' ORDER BY valid_from`,
      );
      const ts = (b: number) => new Date(loadTs(b));
      expect(versions.rows).toEqual([
        { rating: 'A', valid_from: ts(0), valid_to: ts(1), is_current: false },
        { rating: 'B', valid_from: ts(1), valid_to: ts(2), is_current: false },
        { rating: 'C', valid_from: ts(2), valid_to: null, is_current: true },
      ]);
      const ghost = await db.query<{ partner_version_key: string; valid_to: Date | null; is_current: boolean; starts: boolean }>(
        `SELECT partner_version_key, valid_to, is_current, valid_from < TIMESTAMPTZ '1000-01-01T00:00:00Z' AS starts FROM ${v.dimension} WHERE partner_hk = $1`,
        [ZERO],
      );
      expect(ghost.rows).toEqual([{ partner_version_key: ZERO, valid_to: null, is_current: true, starts: true }]);
      await expectCurrentIsTypeOne(model);
      // A report by the derived band counts the facts of the unknown member under no band, not under
      // the band a rule's ELSE gives NULL values ('WEAK').
      const byBand = await db.query<{ rating_band: string | null; facts: number }>(
        `SELECT d.rating_band, CAST(count(*) AS int) AS facts FROM ${v.factNow} AS f JOIN ${v.dimensionNow} AS d USING (partner_hk)
         GROUP BY d.rating_band ORDER BY d.rating_band NULLS LAST`,
      );
      expect(byBand.rows).toEqual([
        { rating_band: 'WEAK', facts: 11 },
        { rating_band: null, facts: 5 },
      ]);
      // At load_ts, a score sees the versions loaded with it: P's C (same batch), R's X (filtered out).
      const loaded = sqlManifestBlock(
        model.byKind.dimensional_model.find((m) => m.name === 'star_loaded')!,
        model,
      );
      const atLoad = await db.query<{ score_id: string; ghost: boolean; rating: string | null }>(
        `SELECT f.score_id, d.partner_hk = $1 AS ghost, d.rating FROM ${relation(loaded.table)} AS f JOIN ${relation(loaded.dimensions!['partner']!)} AS d USING (partner_version_key)
         WHERE f.score_id IN ('p1-before', 'r1-rated-a', 'd1-present', 'q1-unknown-yet') ORDER BY f.score_id`,
        [ZERO],
      );
      // D is deleted and R rated X in that batch or before: the unknown member; Q is known, without a rating.
      expect(atLoad.rows).toEqual([
        { score_id: 'd1-present', ghost: true, rating: null },
        { score_id: 'p1-before', ghost: false, rating: 'C' },
        { score_id: 'q1-unknown-yet', ghost: false, rating: null },
        { score_id: 'r1-rated-a', ghost: true, rating: null },
      ]);
      // A timestamp without time zone is UTC, whatever the session's time zone.
      const stamped = sqlManifestBlock(
        model.byKind.dimensional_model.find((m) => m.name === 'star_at')!,
        model,
      );
      await db.query("SET TIME ZONE 'Pacific/Auckland'");
      const atTime = await db.query<{ score_id: string; rating: string | null }>(
        `SELECT f.score_id, d.rating FROM ${relation(stamped.table)} AS f JOIN ${relation(stamped.dimensions!['partner']!)} AS d USING (partner_version_key)
         WHERE f.score_id LIKE 't%' ORDER BY f.score_id`,
      );
      expect(atTime.rows).toEqual([
        { score_id: 't1-before-noon', rating: 'A' },
        { score_id: 't2-at-noon', rating: 'B' },
      ]);
    } finally {
      await db.query('RESET TIME ZONE');
      await dropSchemas(db, model);
    }
  });

  const partnerId = fc.constantFrom('P', 'Q', 'R');
  const rating = fc.option(fc.constantFrom('A', 'B', 'C', 'X'), { freq: 6 });
  // Any day from before the first batch to after the last, and often a load's own day or a neighbour, where the end of the day decides.
  const dayNumber = fc.oneof(
    fc.integer({ min: 5, max: 50 }),
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -1, max: 1 })).map(([b, d]) => 10 + 10 * b + d),
  );
  const date = fc.option(
    dayNumber.map((d) => new Date(Date.UTC(2024, 0, d)).toISOString().slice(0, 10)),
    { freq: 8 },
  );
  const batchArb = fc.record({
    partners: fc.uniqueArray(fc.record({ partner_id: partnerId, rating, is_deleted: fc.option(fc.boolean(), { freq: 4 }) }), { maxLength: 3, selector: (p) => p.partner_id }),
    scores: fc.array(fc.record({ partner_id: fc.option(partnerId, { freq: 8 }), scored_on: date }), { maxLength: 4 }),
  });

  test.prop([fc.array(batchArb, { minLength: 1, maxLength: 4 })], { numRuns: 20 })(
    'for random histories and fact dates, every fact joins exactly one version, the one valid at its date',
    async (drawn) => {
      const batches: Batch[] = drawn.map((b, i) => ({ partners: b.partners, scores: b.scores.map((s, j) => ({ ...s, score_id: `s${i}-${j}`, amount: j })) }));
      const model = await setUp();
      try {
        for (const [b, batch] of batches.entries()) await deliver(model, batch, loadTs(b));
        const expected = batches
          .flatMap((b) => b.scores)
          .map((s) => ({ score_id: s.score_id, ...naiveVersion(batches, s) }))
          .sort((a, b) => (a.score_id < b.score_id ? -1 : 1));
        expect(await joined(model)).toEqual(expected);
        await expectCurrentIsTypeOne(model);
      } finally {
        await dropSchemas(db, model);
      }
    },
  );
});

/**
 * The partner version a score should join, read off the batches by the definition: what the
 * vault knew at the end of the score's date (batches loaded before the next midnight UTC). The
 * partner is known from the first such batch naming it (as a partner or in a score); its rating
 * and delete flag are the latest landed (a batch without the partner changes neither); it is in
 * the dimension unless deleted or rated X.
 */
function naiveVersion(batches: ReadonlyArray<Batch>, s: Score): Omit<Joined, 'score_id'> {
  if (s.partner_id === null || s.scored_on === null) return UNKNOWN;
  const cutoff = new Date(`${s.scored_on}T00:00:00Z`).getTime() + 86_400_000;
  let known = false;
  let rating: string | null = null;
  let deleted = false;
  for (const [b, batch] of batches.entries()) {
    if (new Date(loadTs(b)).getTime() >= cutoff) break;
    const row = batch.partners.find((p) => p.partner_id === s.partner_id);
    if (row !== undefined) {
      known = true;
      rating = row.rating;
      deleted = row.is_deleted === true;
    }
    if (batch.scores.some((x) => x.partner_id === s.partner_id)) known = true;
  }
  if (!known || deleted || rating === 'X') return UNKNOWN;
  return { partner_id: s.partner_id, rating, rating_band: rating === 'A' || rating === 'B' ? 'GOOD' : 'WEAK' };
}
