/**
 * Multi-active satellites loaded into the database (docs/sql.md, "Multi-active satellites"): a
 * partner's phone numbers by type. The unit of change is a key's set of rows: a set that grows,
 * shrinks or changes a row is inserted whole under one load_ts; the same set delivered again, in
 * any row order, adds nothing; reruns add nothing; with a delta order, several sets of one key in
 * one batch are loaded in order. The current view holds each key's latest set.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, landingTables, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const spec = (deltaOrder: boolean): Spec => ({
  version: 1,
  model: 'phones',
  tables: {
    partners: { columns: { partner_id: { type: 'int', nullable: false }, partner_name: 'text' } },
    partner_phones: {
      primary_key: ['partner_id', 'phone_type'],
      multi_active_key: ['phone_type'],
      columns: { partner_id: { type: 'int', nullable: false }, phone_type: { type: 'text', nullable: false }, digits: 'text', ...(deltaOrder ? { seq: 'int' } : {}) },
      ...(deltaOrder ? { delta_order: 'seq' } : {}),
    },
  },
});

/** One landing row: partner, phone type, number, and the delta-order value when the table has one. */
interface Phone {
  readonly p: number;
  readonly type: string;
  readonly digits: string | null;
  readonly seq?: number;
}
const ph = (p: number, type: string, digits: string | null, seq?: number): Phone => ({ p, type, digits, ...(seq === undefined ? {} : { seq }) });

const db = fileDatabase();

interface Setup {
  readonly model: VaultModel;
  readonly deltaOrder: boolean;
  readonly msat: string;
  readonly current: string;
  readonly hub: string;
}

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');

async function setUp(deltaOrder: boolean): Promise<Setup> {
  const { model: compiled, diagnostics } = compileSpec(spec(deltaOrder));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(compiled!.byKind.multi_active_satellite.map((s) => s.name)).toEqual(['partner_phones']);
  const model: VaultModel = db.inNewSchemas(compiled!, 'ma');
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  const block = sqlManifestBlock(model.byKind.multi_active_satellite[0]!, model);
  return { model, deltaOrder, msat: relation(block.table), current: relation(block.current_view!), hub: relation(sqlManifestBlock(model.byKind.hub[0]!, model).table) };
}

/** Batch b's load timestamp: a day apart. */
const day = (b: number): string => new Date(Date.UTC(2024, 0, 1 + b)).toISOString();

/** Lands one batch of phone rows (in the order given) and runs every load under load timestamp `ts`. */
async function deliver(s: Setup, rows: ReadonlyArray<Phone>, ts: string): Promise<void> {
  const landing = landingTables(s.model).find((t) => t.source === 'partner_phones')!.sql;
  await db.query(`DELETE FROM ${landing}`);
  for (const x of rows) {
    if (s.deltaOrder) await db.query(`INSERT INTO ${landing} (partner_id, phone_type, digits, seq) VALUES ($1, $2, $3, $4)`, [x.p, x.type, x.digits, x.seq ?? null]);
    else await db.query(`INSERT INTO ${landing} (partner_id, phone_type, digits) VALUES ($1, $2, $3)`, [x.p, x.type, x.digits]);
  }
  for (const l of sqlPlan(s.model).loads) for (const st of l.statements) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
}

/** A set as text: its rows `type=digits` in type order. */
const setText = (rows: ReadonlyArray<{ readonly type: string; readonly digits: string | null }>): string =>
  [...rows]
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
    .map((r) => `${r.type}=${r.digits ?? 'NULL'}`)
    .join(',');

interface StoredRow {
  readonly p: number;
  readonly ts: string;
  readonly type: string;
  readonly digits: string | null;
}

/** Each partner's stored sets in load order, a set as `setText` with its load timestamp: `ts|set`. */
async function storedSets(s: Setup, from = s.msat): Promise<Record<number, string[]>> {
  const { rows } = await db.query<StoredRow>(
    `SELECT h.partner_id AS p, to_char(m.load_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS ts, m.phone_type AS type, m.digits FROM ${from} AS m JOIN ${s.hub} AS h ON h.partner_hk = m.partner_hk WHERE m.record_source <> 'SYSTEM' ORDER BY h.partner_id, m.load_ts, m.phone_type`,
  );
  const out: Record<number, Array<{ ts: string; rows: StoredRow[] }>> = {};
  for (const r of rows) {
    const sets = (out[r.p] ??= []);
    const last = sets[sets.length - 1];
    if (last?.ts === r.ts) last.rows.push(r);
    else sets.push({ ts: r.ts, rows: [r] });
  }
  return Object.fromEntries(Object.entries(out).map(([p, sets]) => [p, sets.map((x) => `${x.ts}|${setText(x.rows)}`)]));
}

/** Each partner's sets without their timestamps. */
const setsOnly = (sets: Record<number, string[]>): Record<number, string[]> => Object.fromEntries(Object.entries(sets).map(([p, list]) => [p, list.map((x) => x.split('|')[1]!)]));

async function count(s: Setup): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${s.msat} WHERE record_source <> 'SYSTEM'`)).rows[0]!.n);
}

describe('a multi-active satellite without a delta order', () => {
  it('inserts a set that grows, shrinks or changes whole, under one load_ts, and nothing for a reordered set or a rerun', async () => {
    const s = await setUp(false);
    try {
      await deliver(s, [ph(1, 'home', '111'), ph(1, 'work', '222'), ph(2, 'home', '333')], day(1));
      // Partner 1: the same set, rows in another order (no change); partner 2: grows.
      await deliver(s, [ph(2, 'mobile', '444'), ph(1, 'work', '222'), ph(2, 'home', '333'), ph(1, 'home', '111')], day(2));
      // Partner 1: shrinks; partner 2: one row changes.
      await deliver(s, [ph(1, 'home', '111'), ph(2, 'home', '333'), ph(2, 'mobile', '555')], day(3));
      const expected = {
        1: ['2024-01-02T00:00:00.000000|home=111,work=222', '2024-01-04T00:00:00.000000|home=111'],
        2: ['2024-01-02T00:00:00.000000|home=333', '2024-01-03T00:00:00.000000|home=333,mobile=444', '2024-01-04T00:00:00.000000|home=333,mobile=555'],
      };
      expect(await storedSets(s)).toEqual(expected);
      // Reruns, with the same load timestamp and with a later one, add nothing.
      const rows = await count(s);
      await deliver(s, [ph(2, 'mobile', '555'), ph(1, 'home', '111'), ph(2, 'home', '333')], day(3));
      await deliver(s, [ph(1, 'home', '111'), ph(2, 'home', '333'), ph(2, 'mobile', '555')], day(4));
      expect(await count(s)).toBe(rows);
      // A partner missing from a batch keeps its set; the current view holds each one's latest set.
      await deliver(s, [ph(2, 'home', '333')], day(5));
      expect(setsOnly(await storedSets(s, s.current))).toEqual({ 1: ['home=111'], 2: ['home=333'] });
      // The hub's presentation view keeps one row per partner: the sets are not joined into it.
      const pv = relation(sqlManifestBlock(s.model.byKind.presentation_view[0]!, s.model).table);
      const { n, p } = (await db.query<{ n: string; p: string }>(`SELECT count(*) AS n, count(DISTINCT partner_id) AS p FROM ${pv}`)).rows[0]!;
      expect([Number(n), Number(p)]).toEqual([2, 2]);
      // Two rows of one set with one multi-active key keep the smallest row hashdiff, whatever their order.
      await deliver(s, [ph(1, 'home', '999'), ph(1, 'home', '111')], day(6));
      const kept = await storedSets(s);
      await deliver(s, [ph(1, 'home', '111'), ph(1, 'home', '999')], day(7));
      expect(await storedSets(s)).toEqual(kept);
    } finally {
      await dropSchemas(db, s.model);
    }
  });
});

describe('a multi-active satellite with a delta order', () => {
  it('loads several sets of one key in one batch in delta order, each changed set whole, and reruns add nothing', async () => {
    const s = await setUp(true);
    try {
      // seq 3 repeats seq 2's set (no change); landing rows in no particular order.
      await deliver(s, [ph(1, 'work', '222', 2), ph(1, 'home', '111', 1), ph(1, 'home', '111', 3), ph(1, 'work', '222', 4), ph(1, 'home', '111', 2), ph(1, 'work', '222', 3)], day(1));
      expect(await storedSets(s)).toEqual({
        1: ['2024-01-02T00:00:00.000000|home=111', '2024-01-02T00:00:00.000001|home=111,work=222', '2024-01-02T00:00:00.000002|work=222'],
      });
      const rows = await count(s);
      await deliver(s, [ph(1, 'home', '111', 1), ph(1, 'work', '222', 2), ph(1, 'home', '111', 2), ph(1, 'home', '111', 3), ph(1, 'work', '222', 3), ph(1, 'work', '222', 4)], day(1));
      await deliver(s, [ph(1, 'home', '111', 1), ph(1, 'work', '222', 2), ph(1, 'home', '111', 2), ph(1, 'home', '111', 3), ph(1, 'work', '222', 3), ph(1, 'work', '222', 4)], day(2));
      expect(await count(s)).toBe(rows);
      // The next batch's first set equals the latest stored one: no change; then a change.
      await deliver(s, [ph(1, 'work', '222', 5), ph(1, 'home', '999', 6)], day(3));
      expect(setsOnly(await storedSets(s))).toEqual({ 1: ['home=111', 'home=111,work=222', 'work=222', 'home=999'] });
      expect(setsOnly(await storedSets(s, s.current))).toEqual({ 1: ['home=999'] });
    } finally {
      await dropSchemas(db, s.model);
    }
  });
});

/** A batch: per partner, absent or the sets it delivers (with a delta order, one or two in order). */
const TYPES = ['a', 'b', 'c'] as const;
const phoneSet = fc.uniqueArray(fc.record({ type: fc.constantFrom(...TYPES), digits: fc.constantFrom('1', '2', null) }), { minLength: 1, maxLength: 3, selector: (r) => r.type });
const batch = (deltaOrder: boolean) =>
  fc.record({
    sets: fc.array(fc.option(fc.array(phoneSet, { minLength: 1, maxLength: deltaOrder ? 2 : 1 }), { nil: undefined }), { minLength: 3, maxLength: 3 }),
    order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  });

describe('multi-active satellite property', () => {
  test.prop([fc.boolean().chain((deltaOrder) => fc.tuple(fc.constant(deltaOrder), fc.array(batch(deltaOrder), { minLength: 1, maxLength: 5 })))], { numRuns: 40 })(
    'stores exactly the distinct consecutive sets delivered per key; a rerun adds nothing; the current view is the last set delivered',
    async ([deltaOrder, batches]) => {
      const s = await setUp(deltaOrder);
      try {
        const delivered: Record<number, string[]> = {};
        let seq = 0;
        const landed: Phone[][] = [];
        for (const b of batches) {
          const rows: Phone[] = [];
          b.sets.forEach((sets, i) => {
            for (const set of sets ?? []) {
              seq++;
              for (const r of set) rows.push(ph(i + 1, r.type, r.digits, deltaOrder ? seq : undefined));
              (delivered[i + 1] ??= []).push(setText(set));
            }
          });
          // The landing rows in a shuffled order: a set's rows are no ordered list.
          const shuffled = rows
            .map((r, i) => ({ r, k: b.order[i % b.order.length]! * 100 + i }))
            .sort((x, y) => x.k - y.k)
            .map((x) => x.r);
          landed.push(shuffled);
          await deliver(s, shuffled, day(landed.length));
        }
        const expected = Object.fromEntries(Object.entries(delivered).map(([p, sets]) => [p, sets.filter((x, i) => i === 0 || sets[i - 1] !== x)]));
        expect(setsOnly(await storedSets(s))).toEqual(expected);
        const rows = await count(s);
        await deliver(s, landed[landed.length - 1]!, day(landed.length));
        await deliver(s, landed[landed.length - 1]!, day(landed.length + 1));
        expect(await count(s)).toBe(rows);
        expect(setsOnly(await storedSets(s, s.current))).toEqual(Object.fromEntries(Object.entries(delivered).map(([p, sets]) => [p, [sets[sets.length - 1]!]])));
      } finally {
        await dropSchemas(db, s.model);
      }
    },
    120_000,
  );
});
