/**
 * Business satellite history views against a real database (docs/sql.md, "History in the
 * business vault"): a business satellite over two raw satellites (one with a delta order and a
 * late row), a derived attribute and a status tracking delete gives the history rows worked out by
 * hand; the current view equals the history's current rows that are not deleted, for every key;
 * and for random histories the rows valid at any time equal a naive as-of computation from the
 * raw tables. As-of presentation and reporting views: the rows of each kept snapshot are the
 * naive as-of rows at its cut-off, deletes and filters applied to the values of then, and the
 * latest snapshot's are the current view's when no later load happened.
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

/** Accounts: a CDC feed ordered by `seq` with a delete flag (a status tracking satellite), and notes about them from a second table. */
const SPEC: Spec = {
  version: 1,
  model: 'hist',
  tables: {
    accounts: {
      business_key: ['account_id'],
      delta_order: 'seq',
      columns: { account_id: { type: 'text', nullable: false }, seq: 'int', balance: 'int', is_deleted: 'boolean' },
    },
    account_notes: { hub: 'account', business_key: ['account_id'], columns: { account_id: { type: 'text', nullable: false }, note: 'text' } },
  },
  business_vault: { rules: { account: { derive: { doubled: 'balance * 2' } } } },
};

type Batch = Readonly<Record<string, ReadonlyArray<Readonly<Record<string, unknown>>>>>;

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');
const day = (b: number): string => new Date(Date.UTC(2024, 0, 1 + b)).toISOString();

const setUp = (spec: Spec = SPEC): Promise<VaultModel> => db.setUpModel(spec, 'bh');

/** Lands one batch and runs every load under `ts`. */
const deliver = (model: VaultModel, batch: Batch, ts: string): Promise<void> => db.deliver(model, batch, ts);

function bsat(model: VaultModel): { readonly current: string; readonly history: string } {
  const block = sqlManifestBlock(
    model.byKind.business_satellite.find((s) => s.name === 'account')!,
    model,
  );
  return { current: relation(block.table), history: relation(block.history!) };
}

/** The raw tables of the model, quoted. */
function raw(model: VaultModel): { readonly hub: string; readonly accounts: string; readonly notes: string; readonly status: string } {
  const table = (e: Parameters<typeof sqlManifestBlock>[0]): string => relation(sqlManifestBlock(e, model).table);
  const sat = (source: string) => model.byKind.satellite.find((s) => s.source.table === source)!;
  return { hub: table(model.byKind.hub[0]!), accounts: table(sat('accounts')), notes: table(sat('account_notes')), status: table(model.byKind.status_tracking_satellite[0]!) };
}

interface Seen {
  readonly account_id: string;
  readonly balance: number | null;
  readonly note: string | null;
  readonly doubled: number | null;
  readonly key_is_deleted: boolean;
}

/** What the history view holds at time `t`: its rows valid then. */
async function historyAt(model: VaultModel, t: string): Promise<Seen[]> {
  const { history } = bsat(model);
  const rows = await db.query<Seen>(
    `SELECT account_id, balance, note, CAST(doubled AS int) AS doubled, key_is_deleted FROM ${history} WHERE valid_from < $1 AND (valid_to IS NULL OR valid_to >= $1) ORDER BY account_id`,
    [t],
  );
  return rows.rows;
}

/**
 * The same, computed naively from the raw tables by the definition (docs/sql.md, "As of a
 * snapshot"): every key loaded before `t`; per raw satellite, among its rows loaded before `t`, the
 * latest in change order (delta order NULLS LAST, then the compared value, then load_ts; without
 * a delta order, load_ts).
 */
async function naiveAt(model: VaultModel, t: string): Promise<Seen[]> {
  const r = raw(model);
  const rows = await db.query<Seen>(
    `SELECT h.account_id, a.balance, n.note, a.balance * 2 AS doubled, COALESCE(st.is_deleted, FALSE) AS key_is_deleted
     FROM ${r.hub} AS h
     LEFT JOIN LATERAL (SELECT * FROM ${r.accounts} AS x WHERE x.account_hk = h.account_hk AND x.load_ts < $1 ORDER BY x.delta_order DESC NULLS FIRST, x.hashdiff DESC, x.load_ts DESC LIMIT 1) AS a ON TRUE
     LEFT JOIN LATERAL (SELECT * FROM ${r.notes} AS x WHERE x.account_hk = h.account_hk AND x.load_ts < $1 ORDER BY x.load_ts DESC LIMIT 1) AS n ON TRUE
     LEFT JOIN LATERAL (SELECT * FROM ${r.status} AS x WHERE x.account_hk = h.account_hk AND x.load_ts < $1 ORDER BY x.delta_order DESC NULLS FIRST, x.load_ts DESC LIMIT 1) AS st ON TRUE
     WHERE h.load_ts < $1
     ORDER BY h.account_id`,
    [t],
  );
  return rows.rows;
}

/** The current view equals the history's current rows that are not deleted, for every key. */
async function expectCurrentIsLatest(model: VaultModel): Promise<void> {
  const { current, history } = bsat(model);
  const columns = 'account_hk, load_ts, record_source, hashdiff, note, balance, is_deleted, doubled';
  const now = await db.query(`SELECT ${columns} FROM ${current} ORDER BY account_hk`);
  const latest = await db.query(`SELECT ${columns} FROM ${history} WHERE is_current AND NOT key_is_deleted ORDER BY account_hk`);
  expect(latest.rows).toEqual(now.rows);
  // One current row per key, and each key's rows tile time: each ends where the next starts.
  const gaps = await db.query(
    `SELECT account_hk FROM (SELECT account_hk, valid_to, is_current, lead(valid_from) OVER (PARTITION BY account_hk ORDER BY valid_from) AS next FROM ${history}) AS x
     WHERE valid_to IS DISTINCT FROM next OR is_current <> (next IS NULL)`,
  );
  expect(gaps.rows).toEqual([]);
}

const A = { accounts: 'accounts', notes: 'account_notes' } as const;

/** Random batches: CDC rows of three accounts (several per key, ordered by seq, NULL seq too), notes (one per key).*/
const key = fc.constantFrom('A', 'B', 'C');
const batchArb = fc.record({
  accounts: fc.uniqueArray(
    fc.record({ account_id: key, seq: fc.option(fc.integer({ min: 1, max: 6 }), { freq: 6 }), balance: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }), is_deleted: fc.boolean() }),
    {
      maxLength: 4,
      selector: (r) => `${r.account_id}\u0000${r.seq}`,
    },
  ),
  notes: fc.uniqueArray(fc.record({ account_id: key, note: fc.option(fc.constantFrom('x', 'y', 'z'), { freq: 5 }) }), { maxLength: 3, selector: (r) => r.account_id }),
});

describe(`business satellite history (${ON})`, () => {
  it('gives the history worked out by hand: a late row changes nothing known, a delete stays with key_is_deleted', async () => {
    const model = await setUp();
    try {
      await deliver(
        model,
        {
          [A.accounts]: [
            { account_id: 'A', seq: 1, balance: 100, is_deleted: false },
            { account_id: 'B', seq: 1, balance: 50, is_deleted: false },
          ],
          [A.notes]: [{ account_id: 'A', note: 'hello' }],
        },
        day(0),
      );
      await deliver(model, { [A.accounts]: [{ account_id: 'A', seq: 3, balance: 300, is_deleted: false }], [A.notes]: [{ account_id: 'B', note: 'hi' }] }, day(1));
      // Late: seq 2 comes after seq 3; B is deleted (its flag is a payload column too, so its satellite gets a row).
      await deliver(
        model,
        {
          [A.accounts]: [
            { account_id: 'A', seq: 2, balance: 200, is_deleted: false },
            { account_id: 'B', seq: 2, balance: 50, is_deleted: true },
          ],
        },
        day(2),
      );
      await deliver(model, { [A.notes]: [{ account_id: 'A', note: 'bye' }] }, day(3));
      const { history } = bsat(model);
      const rows = await db.query<Record<string, unknown>>(
        `SELECT account_id, valid_from, valid_to, is_current, load_ts, balance, note, CAST(doubled AS int) AS doubled, key_is_deleted FROM ${history} WHERE account_hk <> $1 ORDER BY account_id, valid_from`,
        ['0'.repeat(32)],
      );
      const d = (b: number): Date => new Date(day(b));
      const row = (id: string, from: number, to: number | null, loaded: number, balance: number, note: string | null, deleted = false) => ({
        account_id: id,
        valid_from: d(from),
        valid_to: to === null ? null : d(to),
        is_current: to === null,
        load_ts: d(loaded),
        balance,
        note,
        doubled: balance * 2,
        key_is_deleted: deleted,
      });
      expect(rows.rows).toEqual([
        // A: seq 3 replaces seq 1 at day 1; the late seq 2 (day 2) is never what was known; the note changes at day 3.
        row('A', 0, 1, 0, 100, 'hello'),
        row('A', 1, 3, 1, 300, 'hello'),
        row('A', 3, null, 3, 300, 'bye'),
        // B: a note at day 1, deleted at day 2 (its satellite row of the delete is loaded then too).
        row('B', 0, 1, 0, 50, null),
        row('B', 1, 2, 1, 50, 'hi'),
        row('B', 2, null, 2, 50, 'hi', true),
      ]);
      await expectCurrentIsLatest(model);
      for (const t of [day(0), day(0.5), day(1), day(1.5), day(2), day(2.5), day(3), day(9)]) expect(await historyAt(model, t), t).toEqual(await naiveAt(model, t));
    } finally {
      await dropSchemas(db, model);
    }
  });

  test.prop([fc.array(batchArb, { minLength: 1, maxLength: 4 })], { numRuns: 25 })('for random histories, the rows valid at any time are the naive as-of rows from the raw tables', async (batches) => {
    const model = await setUp();
    try {
      for (const [b, batch] of batches.entries()) await deliver(model, { [A.accounts]: batch.accounts, [A.notes]: batch.notes }, day(b));
      for (let b = 0; b <= batches.length; b++) {
        for (const t of [day(b), day(b + 0.5)]) expect(await historyAt(model, t), t).toEqual(await naiveAt(model, t));
      }
      await expectCurrentIsLatest(model);
    } finally {
      await dropSchemas(db, model);
    }
  });
});

/** SPEC with snapshots, a business hub filter, presentation views and a filtered reporting view. */
const AS_OF_SPEC: Spec = {
  ...SPEC,
  business_vault: { rules: { account: { derive: { doubled: 'balance * 2' }, filter: 'balance >= 1' } } },
  access_layer: { presentation_views: 'all', reporting_views: { noted: { from: 'account', columns: ['account_id', 'balance', 'note'], filter: "note <> 'z'" } } },
  snapshots: { start: '2024-01-01', end: 'today', every: 'day' },
};

interface AsOfRow {
  readonly snapshot_date: string;
  readonly account_id: string;
  readonly balance: number | null;
  readonly note: string | null;
}

function asOfViews(model: VaultModel): { readonly pv: string; readonly rv: string; readonly pvNow: string; readonly rvNow: string; readonly kept: string } {
  const pv = sqlManifestBlock(
    model.byKind.presentation_view.find((v) => v.name === 'account')!,
    model,
  );
  const rv = sqlManifestBlock(
    model.byKind.reporting_view.find((v) => v.name === 'noted')!,
    model,
  );
  const control = sqlManifestBlock(model.byKind.snapshot_control[0]!, model);
  return { pv: relation(pv.as_of_view!), rv: relation(rv.as_of_view!), pvNow: relation(pv.table), rvNow: relation(rv.table), kept: relation(control.kept_view!) };
}

/** The as-of rows of a view, per snapshot, by the definition: the naive rows at the cut-off, deletes and filters applied. */
async function naiveAsOf(model: VaultModel, filter: (r: Seen) => boolean): Promise<AsOfRow[]> {
  const { kept } = asOfViews(model);
  const dates = (await db.query<{ d: string }>(`SELECT CAST(snapshot_date AS text) AS d FROM ${kept} ORDER BY 1`)).rows.map((r) => r.d);
  const out: AsOfRow[] = [];
  for (const d of dates) {
    // The cut-off: the start of the next day in UTC.
    const cutoff = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
    for (const r of await naiveAt(model, cutoff)) {
      if (r.account_id === '?' || r.key_is_deleted || !filter(r)) continue;
      out.push({ snapshot_date: d, account_id: r.account_id, balance: r.balance, note: r.note });
    }
  }
  return out;
}

async function asOfRows(relation: string): Promise<AsOfRow[]> {
  return (await db.query<AsOfRow>(`SELECT CAST(snapshot_date AS text) AS snapshot_date, account_id, balance, note FROM ${relation} ORDER BY snapshot_date, account_id`)).rows;
}

/** The business hub's filter, then the reporting view's, as SQL reads them (NULL drops the row). */
const keptByHub = (r: Seen): boolean => r.balance !== null && r.balance >= 1;
const keptByReport = (r: Seen): boolean => keptByHub(r) && r.note !== null && r.note !== 'z';

async function expectAsOfViews(model: VaultModel): Promise<void> {
  const v = asOfViews(model);
  expect(await asOfRows(v.pv)).toEqual(await naiveAsOf(model, keptByHub));
  expect(await asOfRows(v.rv)).toEqual(await naiveAsOf(model, keptByReport));
  // The latest snapshot's cut-off is after the last load: its rows are the current view's.
  for (const [asOf, now] of [
    [v.pv, v.pvNow],
    [v.rv, v.rvNow],
  ] as const) {
    const latest = await db.query(`SELECT account_id, balance, note FROM ${asOf} WHERE snapshot_date = (SELECT max(snapshot_date) FROM ${v.kept}) ORDER BY account_id`);
    const current = await db.query(`SELECT account_id, balance, note FROM ${now} ORDER BY account_id`);
    expect(latest.rows).toEqual(current.rows);
  }
}

describe(`as-of presentation and reporting views (${ON})`, () => {
  it('give each kept snapshot the rows of its cut-off: a batch loaded on a date counts from the next date', async () => {
    const model = await setUp(AS_OF_SPEC);
    try {
      await deliver(
        model,
        {
          [A.accounts]: [
            { account_id: 'A', seq: 1, balance: 1, is_deleted: false },
            { account_id: 'B', seq: 1, balance: 0, is_deleted: false },
          ],
          [A.notes]: [{ account_id: 'A', note: 'x' }],
        },
        day(0),
      );
      await deliver(
        model,
        {
          [A.accounts]: [
            { account_id: 'A', seq: 2, balance: 2, is_deleted: true },
            { account_id: 'B', seq: 2, balance: 5, is_deleted: false },
          ],
        },
        day(1),
      );
      await deliver(model, { [A.notes]: [{ account_id: 'B', note: 'z' }] }, day(2));
      const v = asOfViews(model);
      expect(await asOfRows(v.pv)).toEqual([
        // 2024-01-01: the first batch (loaded at its start) counts; B's balance 0 fails the hub's filter.
        { snapshot_date: '2024-01-01', account_id: 'A', balance: 1, note: 'x' },
        // 2024-01-02: A is deleted; B passes now.
        { snapshot_date: '2024-01-02', account_id: 'B', balance: 5, note: null },
        { snapshot_date: '2024-01-03', account_id: 'B', balance: 5, note: 'z' },
      ]);
      // The reporting view's filter reads the note of then: B's 'z' leaves it on 2024-01-03.
      expect(await asOfRows(v.rv)).toEqual([{ snapshot_date: '2024-01-01', account_id: 'A', balance: 1, note: 'x' }]);
      await expectAsOfViews(model);
    } finally {
      await dropSchemas(db, model);
    }
  });

  test.prop([fc.array(batchArb, { minLength: 1, maxLength: 4 })], { numRuns: 15 })('for random histories, every kept snapshot holds the naive as-of rows', async (batches) => {
    const model = await setUp(AS_OF_SPEC);
    try {
      for (const [b, batch] of batches.entries()) await deliver(model, { [A.accounts]: batch.accounts, [A.notes]: batch.notes }, day(b));
      await expectAsOfViews(model);
    } finally {
      await dropSchemas(db, model);
    }
  });
});

/** A shop read whole each batch: order lines (a link with a satellite and a status), orders driving their customer (an effectivity satellite). */
const SHOP_SPEC: Spec = {
  version: 1,
  model: 'shop',
  tables: {
    customers: { business_key: ['customer_id'], batches: 'full', columns: { customer_id: { type: 'int', nullable: false }, name: 'text' } },
    products: { business_key: ['product_id'], columns: { product_id: { type: 'int', nullable: false }, label: 'text' } },
    orders: {
      business_key: ['order_id'],
      batches: 'full',
      columns: { order_id: { type: 'int', nullable: false }, customer_id: 'int' },
      references: [{ columns: ['customer_id'], table: 'customers' }],
    },
    order_lines: {
      primary_key: ['order_id', 'product_id'],
      batches: 'full',
      columns: { order_id: { type: 'int', nullable: false }, product_id: { type: 'int', nullable: false }, quantity: 'int', price: 'int' },
      references: [
        { columns: ['order_id'], table: 'orders' },
        { columns: ['product_id'], table: 'products' },
      ],
    },
  },
  business_vault: { rules: { order_product: { derive: { amount: 'quantity * price' } } } },
  access_layer: {
    reporting_views: {
      big_lines: { from: 'order_product', columns: ['order_id', 'product_id', 'amount'], filter: 'amount > 5' },
      buyers: { from: 'order_customer', columns: ['order_id', 'customer_id'] },
    },
  },
  snapshots: { start: '2024-01-01', end: 'today', every: 'day' },
};

describe(`history and as-of views of links (${ON})`, () => {
  it('a business link satellite keeps a deleted relationship with key_is_deleted; as-of reporting views follow deletes and effectivity', async () => {
    const model = await setUp(SHOP_SPEC);
    try {
      const base = {
        customers: [
          { customer_id: 1, name: 'Ada' },
          { customer_id: 2, name: 'Bob' },
        ],
        products: [
          { product_id: 10, label: 'tea' },
          { product_id: 11, label: 'cake' },
        ],
      };
      await deliver(
        model,
        {
          ...base,
          orders: [{ order_id: 100, customer_id: 1 }],
          order_lines: [
            { order_id: 100, product_id: 10, quantity: 2, price: 5 },
            { order_id: 100, product_id: 11, quantity: 1, price: 7 },
          ],
        },
        day(0),
      );
      // The order moves to Bob; its cake line is gone from the extract (deleted).
      await deliver(model, { ...base, orders: [{ order_id: 100, customer_id: 2 }], order_lines: [{ order_id: 100, product_id: 10, quantity: 2, price: 5 }] }, day(1));
      // The cake line is back; the tea line's quantity changes.
      await deliver(
        model,
        {
          ...base,
          orders: [{ order_id: 100, customer_id: 2 }],
          order_lines: [
            { order_id: 100, product_id: 10, quantity: 3, price: 5 },
            { order_id: 100, product_id: 11, quantity: 1, price: 7 },
          ],
        },
        day(2),
      );
      const sat = model.byKind.business_link_satellite.find((s) => s.name === 'order_product')!;
      const block = sqlManifestBlock(sat, model);
      const history = await db.query<Record<string, unknown>>(
        `SELECT product_id, valid_from, valid_to, CAST(amount AS int) AS amount, key_is_deleted FROM ${relation(block.history!)} WHERE order_id = 100 ORDER BY product_id, valid_from`,
      );
      const d = (b: number): Date => new Date(day(b));
      expect(history.rows).toEqual([
        { product_id: 10, valid_from: d(0), valid_to: d(2), amount: 10, key_is_deleted: false },
        { product_id: 10, valid_from: d(2), valid_to: null, amount: 15, key_is_deleted: false },
        { product_id: 11, valid_from: d(0), valid_to: d(1), amount: 7, key_is_deleted: false },
        { product_id: 11, valid_from: d(1), valid_to: d(2), amount: 7, key_is_deleted: true },
        { product_id: 11, valid_from: d(2), valid_to: null, amount: 7, key_is_deleted: false },
      ]);
      // The current business link satellite is the history's current rows that are not deleted.
      const columns = `${sat.parentHashKey}, load_ts, record_source, hashdiff, quantity, price, amount`;
      const now = await db.query(`SELECT ${columns} FROM ${relation(block.table)} ORDER BY 1`);
      const latest = await db.query(`SELECT ${columns} FROM ${relation(block.history!)} WHERE is_current AND NOT key_is_deleted ORDER BY 1`);
      expect(latest.rows).toEqual(now.rows);

      const rv = (name: string) =>
        sqlManifestBlock(
          model.byKind.reporting_view.find((v) => v.name === name)!,
          model,
        );
      const lines = await db.query(`SELECT CAST(snapshot_date AS text) AS d, product_id, CAST(amount AS int) AS amount FROM ${relation(rv('big_lines').as_of_view!)} ORDER BY 1, 2`);
      expect(lines.rows).toEqual([
        { d: '2024-01-01', product_id: 10, amount: 10 },
        { d: '2024-01-01', product_id: 11, amount: 7 },
        // Deleted on 2024-01-02.
        { d: '2024-01-02', product_id: 10, amount: 10 },
        { d: '2024-01-03', product_id: 10, amount: 15 },
        { d: '2024-01-03', product_id: 11, amount: 7 },
      ]);
      const buyers = await db.query(`SELECT CAST(snapshot_date AS text) AS d, order_id, customer_id FROM ${relation(rv('buyers').as_of_view!)} ORDER BY 1, 2`);
      expect(buyers.rows).toEqual([
        { d: '2024-01-01', order_id: 100, customer_id: 1 },
        { d: '2024-01-02', order_id: 100, customer_id: 2 },
        { d: '2024-01-03', order_id: 100, customer_id: 2 },
      ]);
      // The latest snapshot is the current view.
      for (const name of ['big_lines', 'buyers']) {
        const view = rv(name);
        const cols = name === 'buyers' ? 'order_id, customer_id' : 'order_id, product_id, amount';
        const asOf = await db.query(`SELECT ${cols} FROM ${relation(view.as_of_view!)} WHERE snapshot_date = DATE '2024-01-03' ORDER BY 1, 2`);
        expect(asOf.rows).toEqual((await db.query(`SELECT ${cols} FROM ${relation(view.table)} ORDER BY 1, 2`)).rows);
      }
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('an as-of reporting view of a link with effectivity leaves out a relationship ended by a missing reference, as the current view does', async () => {
    const model = await setUp(SHOP_SPEC);
    try {
      const customers = [
        { customer_id: 1, name: 'Ada' },
        { customer_id: 2, name: 'Bob' },
      ];
      const view = sqlManifestBlock(
        model.byKind.reporting_view.find((v) => v.name === 'buyers')!,
        model,
      );
      const buyersAsOf = async (): Promise<unknown[]> => (await db.query(`SELECT CAST(snapshot_date AS text) AS d, order_id, customer_id FROM ${relation(view.as_of_view!)} ORDER BY 1, 2`)).rows;
      await deliver(model, { customers, products: [], orders: [{ order_id: 100, customer_id: 1 }], order_lines: [] }, day(0));
      // The order's customer is gone from the source (NULL): the relationship ends, none is effective.
      await deliver(model, { customers, products: [], orders: [{ order_id: 100, customer_id: null }], order_lines: [] }, day(1));
      expect((await db.query(`SELECT order_id, customer_id FROM ${relation(view.table)}`)).rows).toEqual([]);
      expect(await buyersAsOf()).toEqual([{ d: '2024-01-01', order_id: 100, customer_id: 1 }]);
      // Bob is its customer from the next day.
      await deliver(model, { customers, products: [], orders: [{ order_id: 100, customer_id: 2 }], order_lines: [] }, day(2));
      expect(await buyersAsOf()).toEqual([
        { d: '2024-01-01', order_id: 100, customer_id: 1 },
        { d: '2024-01-03', order_id: 100, customer_id: 2 },
      ]);
    } finally {
      await dropSchemas(db, model);
    }
  });
});
