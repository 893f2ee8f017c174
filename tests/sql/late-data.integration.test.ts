/**
 * Late and out-of-order data in a satellite with a delta order, against a real database
 * (docs/sql.md, "Late and out-of-order rows"): a row is compared with its true neighbours in
 * change order, whether they are stored or in the batch; the satellite's history (its rows less
 * those equal to the row before them in change order) is the history of every row delivered, and
 * the business vault's current row is the latest in change order.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, entityTable, historyView, landingTables, postgresDialect, registerTable, sparkDialect, sqlPlan, tableIdent } from '@vault/emitters/internal';
import { chosenStatements, dropSchemas, fileDatabase } from './database.js';
import { batchesArb, deliverInOrder, lateDataModel } from './late-data-model.js';
import { referenceHash } from './reference-hash.js';

const db = fileDatabase();

/** Prices of items, delivered as CDC rows ordered by `day`; the business vault brings their current value. */
const SPEC: Spec = {
  version: 1,
  model: 'late',
  tables: {
    items: {
      business_key: ['item'],
      columns: { item: { type: 'text', nullable: false }, price: 'text', day: 'int' },
      delta_order: 'day',
    },
  },
  business_vault: { rules: { item: { derive: { shout: 'UPPER(price)' } } } },
};

interface Row {
  readonly item: string;
  readonly price: string | null;
  readonly day: number | null;
}
const r = (item: string, price: string | null, day: number | null): Row => ({ item, price, day });

const ZERO = '0'.repeat(32);
const hk = (item: string): string => referenceHash('md5', [item], false);
const hd = (price: string | null): string => referenceHash('md5', [price], true);

interface Setup {
  readonly model: VaultModel;
  readonly sat: string;
  readonly bsat: string;
  readonly hist: string;
}

async function setUp(): Promise<Setup> {
  const { model: compiled, diagnostics } = compileSpec(SPEC);
  if (compiled === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const model: VaultModel = db.inNewSchemas(compiled, 'late');
  for (const st of sqlPlan(model).setup) await db.query(st.sql);
  const ctx = { model, dialect: postgresDialect };
  return {
    model,
    sat: tableIdent(entityTable(ctx, 'satellite', 'items')),
    bsat: tableIdent(entityTable(ctx, 'business_satellite', 'item')),
    hist: tableIdent(historyView(ctx, { kind: 'satellite', name: 'items' })),
  };
}

async function tearDown(s: Setup): Promise<void> {
  await dropSchemas(db, s.model);
}

/** Lands one batch and runs every load under load timestamp `ts`. */
async function deliver(s: Setup, rows: ReadonlyArray<Row>, ts: string): Promise<void> {
  const landing = landingTables(s.model).find((t) => t.source === 'items')!.sql;
  await db.query(`DELETE FROM ${landing}`);
  for (const x of rows) await db.query(`INSERT INTO ${landing} (item, price, day) VALUES ($1, $2, $3)`, [x.item, x.price, x.day]);
  for (const l of sqlPlan(s.model).loads) for (const st of await chosenStatements(db.query, l)) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
}

/** Batch b's load timestamp: a day apart. */
const day = (b: number): string => new Date(Date.UTC(2024, 0, 1 + b)).toISOString();

interface Version {
  readonly price: string | null;
  readonly day: number | null;
}

/** The satellite's rows of a key as (price, day), in change order. */
async function stored(s: Setup, item: string): Promise<Version[]> {
  const rows = await db.query<Version>(`SELECT price, delta_order AS day FROM ${s.sat} WHERE item_hk = $1 ORDER BY delta_order NULLS LAST, hashdiff`, [hk(item)]);
  return rows.rows;
}

/** The satellite's history view: its rows less those equal to the row before them in change order. */
async function history(s: Setup, item: string): Promise<Version[]> {
  const rows = await db.query<Version>(`SELECT price, delta_order AS day FROM ${s.hist} WHERE item_hk = $1 ORDER BY delta_order NULLS LAST, hashdiff`, [hk(item)]);
  return rows.rows;
}

/** The delta-order values of a key's rows in the satellite's register. */
async function registered(s: Setup, item: string): Promise<Array<number | null>> {
  const t = tableIdent(registerTable({ model: s.model, dialect: postgresDialect }, { kind: 'satellite', name: 'items' }));
  return (await db.query<{ d: number | null }>(`SELECT delta_order AS d FROM ${t} WHERE item_hk = $1 ORDER BY delta_order NULLS LAST, hashdiff`, [hk(item)])).rows.map((x) => x.d);
}

async function current(s: Setup, item: string): Promise<string | null | undefined> {
  const rows = await db.query<{ price: string | null }>(`SELECT price FROM ${s.bsat} WHERE item_hk = $1`, [hk(item)]);
  return rows.rows[0]?.price;
}

async function count(s: Setup): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${s.sat} WHERE item_hk <> '${ZERO}'`)).rows[0]!.n);
}

const v = (price: string | null, d: number | null): Version => ({ price, day: d });

const late = lateDataModel<Version>((x) => hd(x.price));
const { truth } = late;

describe('the load of a satellite with a delta order', () => {
  it('loads the satellite and its register in one statement on PostgreSQL, in two on Spark: vault run counts only the satellite rows as rows inserted', () => {
    const { model } = compileSpec(SPEC);
    const load = sqlPlan(model!).loads.find((l) => l.kind === 'satellite')!;
    const register = registerTable({ model: model!, dialect: postgresDialect }, { kind: 'satellite', name: 'items' });
    // The transaction's settings first (they write no table), then one statement into the satellite
    // that fills the register in a data-modifying WITH, from the same read of the batch.
    const settings = postgresDialect.loadSettings;
    expect(load.statements.map((st) => st.relation)).toEqual([...settings.map(() => undefined), load.target]);
    expect(load.statements.slice(0, settings.length).map((st) => st.sql)).toEqual(settings);
    const insert = load.statements[settings.length]!.sql;
    expect(insert).toMatch(/^\), "\$registered" AS \(\n\s+INSERT INTO "raw_vault"\."seen_sat_items" /m);
    expect(insert).toMatch(/^INSERT INTO "raw_vault"\."sat_items" /m);
    expect(insert.match(/FROM "landing"\."items"/g)).toHaveLength(1);
    // Spark has no data-modifying WITH: the satellite, then its register.
    const spark = sqlPlan(model!, sparkDialect).loads.find((l) => l.kind === 'satellite')!;
    expect(spark.statements.map((st) => st.relation?.name)).toEqual([spark.target.name, register.name]);
  });
});

describe(`late and out-of-order rows (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  it('a late batch whose two equal rows fall on either side of a stored change keeps both; the current value is the latest in delta order', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('K', 'A', 1), r('K', 'C', 3)], day(0));
      await deliver(s, [r('K', 'B', 2), r('K', 'B', 4)], day(1));
      expect(await stored(s, 'K')).toEqual([v('A', 1), v('B', 2), v('C', 3), v('B', 4)]);
      expect(await history(s, 'K')).toEqual([v('A', 1), v('B', 2), v('C', 3), v('B', 4)]);
      expect(await current(s, 'K')).toBe('B');
      await deliver(s, [r('K', 'B', 2), r('K', 'B', 4)], day(2));
      await deliver(s, [r('K', 'A', 1), r('K', 'C', 3)], day(3));
      expect(await count(s)).toBe(4);
    } finally {
      await tearDown(s);
    }
  });

  it('a late batch does not insert a row equal to the stored row before it in delta order, though the batch row before it differs', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('K', 'B', 3)], day(0));
      await deliver(s, [r('K', 'A', 1), r('K', 'B', 4)], day(1));
      expect(await stored(s, 'K')).toEqual([v('A', 1), v('B', 3)]);
      expect(await history(s, 'K')).toEqual([v('A', 1), v('B', 3)]);
      expect(await current(s, 'K')).toBe('B');
      await deliver(s, [r('K', 'A', 1), r('K', 'B', 4)], day(2));
      expect(await count(s)).toBe(2);
    } finally {
      await tearDown(s);
    }
  });

  it('a late row equal to the stored row after it is inserted; the stored row, now no change, stays in the table and leaves the history', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('K', 'A', 10), r('K', 'B', 30)], day(0));
      await deliver(s, [r('K', 'B', 20)], day(1));
      expect(await stored(s, 'K')).toEqual([v('A', 10), v('B', 20), v('B', 30)]);
      expect(await history(s, 'K')).toEqual([v('A', 10), v('B', 20)]);
      expect(await current(s, 'K')).toBe('B');
      // A later row between them makes the stored B (day 30) a change again.
      await deliver(s, [r('K', 'C', 25), r('K', null, null)], day(2));
      expect(await history(s, 'K')).toEqual([v('A', 10), v('B', 20), v('C', 25), v('B', 30), v(null, null)]);
      expect(await current(s, 'K')).toBeNull();
      await deliver(s, [r('K', 'C', 25), r('K', null, null)], day(3));
      expect(await count(s)).toBe(5);
    } finally {
      await tearDown(s);
    }
  });

  it('a row found unchanged is registered; when a later row falls between it and its equal predecessor, it is inserted, with the payload of its hashdiff', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('K', 'A', 1)], day(0));
      await deliver(s, [r('K', 'A', 3)], day(1));
      expect(await stored(s, 'K')).toEqual([v('A', 1)]);
      expect(await registered(s, 'K')).toEqual([3]);
      await deliver(s, [r('K', 'B', 2)], day(2));
      expect(await stored(s, 'K')).toEqual([v('A', 1), v('B', 2), v('A', 3)]);
      expect(await history(s, 'K')).toEqual(truth([v('A', 1), v('A', 3), v('B', 2)]));
      expect(await current(s, 'K')).toBe('A');
      // Each load's rows of a key get load_ts + 0, 1, ... µs in change order.
      const ts = await db.query<{ ts: string }>(`SELECT to_char(load_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts FROM ${s.sat} WHERE item_hk = $1 ORDER BY delta_order`, [hk('K')]);
      expect(ts.rows.map((x) => x.ts)).toEqual(['2024-01-01 00:00:00.000000', '2024-01-03 00:00:00.000000', '2024-01-03 00:00:00.000001']);
      for (const b of [0, 1, 2]) await deliver(s, b === 0 ? [r('K', 'A', 1)] : b === 1 ? [r('K', 'A', 3)] : [r('K', 'B', 2)], day(3 + b));
      expect(await count(s)).toBe(3);
    } finally {
      await tearDown(s);
    }
  });
});

// ------------------------------------------------------------------------------------------
// The property: random rows, split into random batches delivered in random order, with reruns

const rowArb = fc.record({
  item: fc.constantFrom('K1', 'K2'),
  price: fc.constantFrom('A', 'B', null),
  day: fc.option(fc.integer({ min: 1, max: 6 }), { freq: 6 }),
});
const deliveryArb = batchesArb(rowArb);

describe(`late and out-of-order rows, property (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  test.prop([deliveryArb], { numRuns: 25 })(
    'the satellite holds what the load model keeps; its history is the history of every row delivered, whatever the batches and their order; a rerun adds nothing',
    async (batches) => {
      const s = await setUp();
      try {
        const { loads: model, next } = await deliverInOrder(late, ['K1', 'K2'], batches, {
          deliver: (batch, b) => deliver(s, batch.rows, day(b)),
          count: () => count(s),
          versions: (batch, item) => batch.rows.filter((x) => x.item === item).map((x) => v(x.price, x.day)),
        });
        let b = next;
        const delivered = batches.flatMap((x) => x.rows);
        for (const [item, key] of model) {
          const all = delivered.filter((x) => x.item === item).map((x) => v(x.price, x.day));
          expect(await stored(s, item)).toEqual(key.stored);
          expect(await history(s, item)).toEqual(truth(all));
          expect(await current(s, item)).toBe(truth(all).at(-1)?.price);
        }
        // Every batch again, in the order they came: nothing is added.
        const before = await count(s);
        for (const batch of batches) await deliver(s, batch.rows, day(b++));
        expect(await count(s)).toBe(before);
      } finally {
        await tearDown(s);
      }
    },
  );
});
