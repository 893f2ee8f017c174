/**
 * Status tracking and deletes against a real database (docs/sql.md, "Status tracking"): a key
 * missing from a full batch is deleted once and present again when it comes back; CDC delete
 * flags and operation columns mark deletes in delta order; current views (business vault,
 * presentation views, facts) leave deleted keys out while raw tables keep everything; reruns add
 * nothing; an empty full batch deletes nothing.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { dimensionTable, entityTable, postgresDialect, sqlPlan, tableIdent } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { referenceHash } from './reference-hash.js';

const db = fileDatabase();

/** A shop read whole each batch (batches: full), and two CDC feeds: one with an operation column, one with a delete flag. */
const SPEC: Spec = {
  version: 1,
  model: 'sts',
  tables: {
    customers: { business_key: ['customer_id'], batches: 'full', columns: { customer_id: { type: 'int', nullable: false }, name: 'text' } },
    products: { business_key: ['product_id'], columns: { product_id: { type: 'int', nullable: false }, label: 'text' } },
    orders: {
      business_key: ['order_id'],
      batches: 'full',
      columns: { order_id: { type: 'int', nullable: false }, customer_id: 'int', placed: 'text' },
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
    accounts: { business_key: ['account_id'], delta_order: 'seq', columns: { account_id: { type: 'text', nullable: false }, op: 'char(1)', seq: 'int', owner: 'text' } },
    members: { business_key: ['member_id'], columns: { member_id: { type: 'int', nullable: false }, is_deleted: 'boolean', nick: 'text' } },
  },
  business_vault: { rules: { order_product: { derive: { amount: 'quantity * price' } } } },
  access_layer: { dimensional_models: { sales: { fact: 'order_product', measures: ['amount'] } } },
};

type Batch = Readonly<Record<string, ReadonlyArray<Readonly<Record<string, unknown>>>>>;

const hk = (...key: ReadonlyArray<string>): string => referenceHash('md5', key, false);

const setUp = (): Promise<VaultModel> => db.setUpModel(SPEC, 'sts');

/** Lands one batch and runs every load under `ts`. */
const deliver = (model: VaultModel, batch: Batch, ts: string): Promise<void> => db.deliver(model, batch, ts);

const day = (b: number): string => new Date(Date.UTC(2024, 0, 1 + b)).toISOString();
const ctxOf = (model: VaultModel) => ({ model, dialect: postgresDialect });
const sts = (model: VaultModel, name: string): string => tableIdent(entityTable(ctxOf(model), 'status_tracking_satellite', name));

/** A key's statuses in load order: true = deleted. */
async function statuses(model: VaultModel, name: string, hashKey: string, key: string): Promise<boolean[]> {
  const rows = await db.query<{ d: boolean }>(`SELECT is_deleted AS d FROM ${sts(model, name)} WHERE ${hashKey} = $1 ORDER BY load_ts`, [key]);
  return rows.rows.map((r) => r.d);
}

async function count(model: VaultModel, table: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
}

/** Rows of every status tracking satellite. */
async function statusRows(model: VaultModel): Promise<number> {
  let n = 0;
  for (const s of model.byKind.status_tracking_satellite) n += await count(model, sts(model, s.name));
  return n;
}

async function ids(model: VaultModel, relation: string, column: string): Promise<number[]> {
  return (await db.query<{ id: number }>(`SELECT ${column} AS id FROM ${relation} WHERE ${column} IS NOT NULL ORDER BY 1`)).rows.map((r) => Number(r.id));
}

async function salesTotal(model: VaultModel): Promise<number> {
  const fact = tableIdent(entityTable(ctxOf(model), 'dimensional_model', 'sales'));
  return Number((await db.query<{ t: string }>(`SELECT COALESCE(sum(amount), 0) AS t FROM ${fact}`)).rows[0]!.t);
}

const SHOP: Batch = {
  customers: [
    { customer_id: 1, name: 'Ada' },
    { customer_id: 2, name: 'Bob' },
  ],
  products: [
    { product_id: 10, label: 'tea' },
    { product_id: 11, label: 'cake' },
  ],
  orders: [
    { order_id: 100, customer_id: 1, placed: 'mon' },
    { order_id: 101, customer_id: 2, placed: 'tue' },
  ],
  order_lines: [
    { order_id: 100, product_id: 10, quantity: 2, price: 5 },
    { order_id: 100, product_id: 11, quantity: 1, price: 7 },
    { order_id: 101, product_id: 10, quantity: 3, price: 5 },
  ],
};

describe(`status tracking (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  it('a deleted order line leaves the sales total, by exactly its amount, and stays in the raw link', async () => {
    const model = await setUp();
    try {
      await deliver(model, SHOP, day(0));
      expect(await salesTotal(model)).toBe(10 + 7 + 15);
      await deliver(model, { ...SHOP, order_lines: SHOP.order_lines!.filter((l) => l.product_id !== 11) }, day(1));
      expect(await salesTotal(model)).toBe(10 + 15);
      expect(await statuses(model, 'order_product', 'order_product_hk', hk('100', '11'))).toEqual([false, true]);
      expect(await count(model, tableIdent(entityTable(ctxOf(model), 'link', 'order_product')))).toBe(4); // with the ghost
      const blink = tableIdent(entityTable(ctxOf(model), 'business_link', 'order_product'));
      expect(await db.query(`SELECT 1 FROM ${blink} WHERE order_product_hk = $1`, [hk('100', '11')]).then((r) => r.rows.length)).toBe(0);
      // The line comes back: the total is whole again.
      await deliver(model, SHOP, day(2));
      expect(await salesTotal(model)).toBe(32);
      expect(await statuses(model, 'order_product', 'order_product_hk', hk('100', '11'))).toEqual([false, true, false]);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('a customer missing from a full batch is deleted once, present again when it comes back; current views leave it out meanwhile', async () => {
    const model = await setUp();
    try {
      const pv = tableIdent(entityTable(ctxOf(model), 'presentation_view', 'customer'));
      const bhub = tableIdent(entityTable(ctxOf(model), 'business_hub', 'customer'));
      const bsat = tableIdent(entityTable(ctxOf(model), 'business_satellite', 'customer'));
      const hub = tableIdent(entityTable(ctxOf(model), 'hub', 'customer'));
      const withoutBob: Batch = { ...SHOP, customers: SHOP.customers!.filter((c) => c.customer_id !== 2) };
      await deliver(model, SHOP, day(0));
      await deliver(model, withoutBob, day(1));
      await deliver(model, withoutBob, day(2));
      expect(await statuses(model, 'customers', 'customer_hk', hk('2'))).toEqual([false, true]);
      expect(await ids(model, pv, 'customer_id')).toEqual([1]);
      const names = await db.query<{ n: string }>(`SELECT name AS n FROM ${bsat} WHERE name IS NOT NULL ORDER BY 1`);
      expect(names.rows.map((r) => r.n)).toEqual(['Ada']);
      // The business hub keeps the ghost record (-1), as the unknown member of dimensions; the raw hub keeps every key.
      expect(await ids(model, bhub, 'customer_id')).toEqual([-1, 1]);
      expect(await ids(model, hub, 'customer_id')).toEqual([-1, 1, 2]);
      // Bob's order is no customer's now: its relationship stays, pointing at a deleted key (only a driving hub's delete removes it).
      await deliver(model, SHOP, day(3));
      expect(await statuses(model, 'customers', 'customer_hk', hk('2'))).toEqual([false, true, false]);
      expect(await ids(model, pv, 'customer_id')).toEqual([1, 2]);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('a deleted order takes its relationship to its customer out of the business link (the order drives it)', async () => {
    const model = await setUp();
    try {
      const blink = tableIdent(entityTable(ctxOf(model), 'business_link', 'order_customer'));
      await deliver(model, SHOP, day(0));
      expect(await ids(model, blink, 'order_id')).toEqual([-1, 100, 101]);
      await deliver(model, { ...SHOP, orders: SHOP.orders!.filter((o) => o.order_id !== 101) }, day(1));
      expect(await ids(model, blink, 'order_id')).toEqual([-1, 100]);
      // The dimension leaves the order out (its unknown member stays); the order's lines, still in
      // their own full extract, point at the unknown member.
      const dim = tableIdent(dimensionTable(ctxOf(model), 'sales', 'order'));
      const kept = await db.query<{ k: string }>(`SELECT order_hk AS k FROM ${dim} ORDER BY 1`);
      expect(kept.rows.map((r) => r.k).sort()).toEqual(['0'.repeat(32), hk('100')].sort());
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('reruns add nothing, with the same or another load timestamp', async () => {
    const model = await setUp();
    try {
      const less: Batch = { ...SHOP, customers: SHOP.customers!.slice(0, 1), order_lines: SHOP.order_lines!.slice(1) };
      await deliver(model, SHOP, day(0));
      await deliver(model, less, day(1));
      const n = await statusRows(model);
      await deliver(model, less, day(1));
      await deliver(model, less, day(2));
      expect(await statusRows(model)).toBe(n);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('an empty full batch deletes nothing: a landing table left empty is no source that lost every key', async () => {
    const model = await setUp();
    try {
      await deliver(model, SHOP, day(0));
      const n = await statusRows(model);
      await deliver(model, {}, day(1));
      expect(await statusRows(model)).toBe(n);
      expect(await salesTotal(model)).toBe(32);
      expect(await statuses(model, 'customers', 'customer_hk', hk('1'))).toEqual([false]);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('an operation column marks deletes in delta order, several operations of one key in one batch, case-insensitively', async () => {
    const model = await setUp();
    try {
      const pv = tableIdent(entityTable(ctxOf(model), 'presentation_view', 'account'));
      const rows = async (key: string) =>
        (await db.query<{ d: boolean; o: number }>(`SELECT is_deleted AS d, delta_order AS o FROM ${sts(model, 'accounts')} WHERE account_hk = $1 ORDER BY load_ts`, [hk(key)])).rows.map((r) => [
          r.d,
          r.o,
        ]);
      const batch1: Batch = {
        accounts: [
          { account_id: 'A', op: 'I', seq: 1, owner: 'x' },
          { account_id: 'A', op: 'U', seq: 2, owner: 'y' },
          { account_id: 'A', op: 'D', seq: 3, owner: 'y' },
          { account_id: 'B', op: 'I', seq: 1, owner: 'z' },
        ],
      };
      await deliver(model, batch1, day(0));
      expect(await rows('A')).toEqual([
        [false, 1],
        [true, 3],
      ]);
      expect(await rows('B')).toEqual([[false, 1]]);
      expect((await db.query<{ a: string }>(`SELECT account_id AS a FROM ${pv} ORDER BY 1`)).rows.map((r) => r.a)).toEqual(['B']);
      // A delta batch says nothing of keys it does not bring: B stays present.
      const batch2: Batch = {
        accounts: [
          { account_id: 'A', op: 'i', seq: 4, owner: 'w' },
          { account_id: 'C', op: 'd', seq: 1, owner: null },
        ],
      };
      await deliver(model, batch2, day(1));
      expect(await rows('A')).toEqual([
        [false, 1],
        [true, 3],
        [false, 4],
      ]);
      expect(await rows('B')).toEqual([[false, 1]]);
      expect(await rows('C')).toEqual([[true, 1]]);
      expect((await db.query<{ a: string }>(`SELECT account_id AS a FROM ${pv} ORDER BY 1`)).rows.map((r) => r.a)).toEqual(['A', 'B']);
      const n = await statusRows(model);
      await deliver(model, batch1, day(2));
      await deliver(model, batch2, day(3));
      expect(await statusRows(model)).toBe(n);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('delete values with letters beyond ASCII match the column as the loads upper-case it (ASCII letters only)', async () => {
    const spec: Spec = {
      ...SPEC,
      tables: {
        ...SPEC.tables,
        accounts: { ...SPEC.tables['accounts']!, columns: { ...SPEC.tables['accounts']!.columns, op: 'text' }, deletes: { operation: 'op', delete_values: ['gelöscht'] } },
      },
    };
    const model = await db.setUpModel(spec, 'stu');
    try {
      await deliver(
        model,
        {
          accounts: [
            { account_id: 'A', op: 'Gelöscht', seq: 1, owner: 'x' },
            { account_id: 'B', op: 'neu', seq: 1, owner: 'y' },
          ],
        },
        day(0),
      );
      const deleted = await db.query<{ d: boolean }>(`SELECT is_deleted AS d FROM ${sts(model, 'accounts')} WHERE account_hk = $1`, [hk('A')]);
      expect(deleted.rows).toEqual([{ d: true }]);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('a late CDC batch falls in place in delta order: an update older than the delete does not bring the key back', async () => {
    const model = await setUp();
    try {
      const pv = tableIdent(entityTable(ctxOf(model), 'presentation_view', 'account'));
      const current = async () => (await db.query<{ a: string }>(`SELECT account_id AS a FROM ${pv} ORDER BY 1`)).rows.map((r) => r.a);
      await deliver(
        model,
        {
          accounts: [
            { account_id: 'A', op: 'I', seq: 1, owner: 'x' },
            { account_id: 'A', op: 'D', seq: 5, owner: 'x' },
          ],
        },
        day(0),
      );
      await deliver(model, { accounts: [{ account_id: 'A', op: 'U', seq: 3, owner: 'y' }] }, day(1));
      expect(await current()).toEqual([]);
      // A late delete between them is kept; the key is still deleted, and comes back only with a later insert.
      await deliver(model, { accounts: [{ account_id: 'A', op: 'D', seq: 2, owner: 'x' }] }, day(2));
      expect(await current()).toEqual([]);
      await deliver(model, { accounts: [{ account_id: 'A', op: 'I', seq: 9, owner: 'z' }] }, day(3));
      expect(await current()).toEqual(['A']);
      // Every change in delta order is stored, whatever the order the rows arrived in: the history,
      // equal neighbours once, is the feed's (the update at 3 became a change when the delete at 2 arrived).
      const rows = await db.query<{ d: boolean; o: number }>(`SELECT is_deleted AS d, delta_order AS o FROM ${sts(model, 'accounts')} WHERE account_hk = $1 ORDER BY delta_order, load_ts`, [hk('A')]);
      const history = rows.rows.filter((r, i, all) => i === 0 || r.d !== all[i - 1]!.d).map((r) => [r.d, r.o]);
      expect(history).toEqual([
        [false, 1],
        [true, 2],
        [false, 3],
        [true, 5],
        [false, 9],
      ]);
      const n = await statusRows(model);
      await deliver(model, { accounts: [{ account_id: 'A', op: 'U', seq: 3, owner: 'y' }] }, day(4));
      await deliver(model, { accounts: [{ account_id: 'A', op: 'D', seq: 2, owner: 'x' }] }, day(5));
      expect(await statusRows(model)).toBe(n);
    } finally {
      await dropSchemas(db, model);
    }
  });

  it('a delete flag marks deletes and stays payload of its satellite', async () => {
    const model = await setUp();
    try {
      const sat = tableIdent(entityTable(ctxOf(model), 'satellite', 'members'));
      const pv = tableIdent(entityTable(ctxOf(model), 'presentation_view', 'member'));
      await deliver(
        model,
        {
          members: [
            { member_id: 1, is_deleted: false, nick: 'a' },
            { member_id: 2, is_deleted: false, nick: 'b' },
          ],
        },
        day(0),
      );
      await deliver(model, { members: [{ member_id: 2, is_deleted: true, nick: 'b' }] }, day(1));
      expect(await statuses(model, 'members', 'member_hk', hk('2'))).toEqual([false, true]);
      expect(await statuses(model, 'members', 'member_hk', hk('1'))).toEqual([false]);
      expect(await ids(model, pv, 'member_id')).toEqual([1]);
      const flags = await db.query<{ f: boolean }>(`SELECT is_deleted AS f FROM ${sat} WHERE member_hk = $1 ORDER BY load_ts`, [hk('2')]);
      expect(flags.rows.map((r) => r.f)).toEqual([false, true]);
    } finally {
      await dropSchemas(db, model);
    }
  });
});

/** One customer hub fed by two systems, each extracted whole. */
const TWO_SOURCES: Spec = {
  version: 1,
  model: 'sts2',
  tables: {
    crm_customers: { hub: 'customer', business_key: ['customer_id'], batches: 'full', columns: { customer_id: { type: 'int', nullable: false }, name: 'text' } },
    shop_customers: { hub: 'customer', business_key: ['customer_id'], batches: 'full', columns: { customer_id: { type: 'int', nullable: false }, nick: 'text' } },
  },
};

describe(`a hub fed by two full tables (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  it('a key is deleted only when every table that knows it has deleted it', async () => {
    const { model: compiled } = compileSpec(TWO_SOURCES);
    const model = db.inNewSchemas(compiled!, 'sts');
    for (const st of sqlPlan(model).setup) await db.query(st.sql);
    try {
      const pv = tableIdent(entityTable(ctxOf(model), 'presentation_view', 'customer'));
      const crm = (ids: number[]) => ids.map((k) => ({ customer_id: k, name: `n${k}` }));
      const shop = (ids: number[]) => ids.map((k) => ({ customer_id: k, nick: `k${k}` }));
      await deliver(model, { crm_customers: crm([1, 2, 3]), shop_customers: shop([2, 3]) }, day(0));
      expect(await ids(model, pv, 'customer_id')).toEqual([1, 2, 3]);
      // 2 left the CRM but the shop still has it; 1 left the CRM, the only system that knew it.
      await deliver(model, { crm_customers: crm([3]), shop_customers: shop([2, 3]) }, day(1));
      expect(await ids(model, pv, 'customer_id')).toEqual([2, 3]);
      await deliver(model, { crm_customers: crm([3]), shop_customers: shop([3]) }, day(2));
      expect(await ids(model, pv, 'customer_id')).toEqual([3]);
      expect(await statuses(model, 'crm_customers', 'customer_hk', hk('2'))).toEqual([false, true]);
      expect(await statuses(model, 'shop_customers', 'customer_hk', hk('2'))).toEqual([false, true]);
    } finally {
      await dropSchemas(db, model);
    }
  });
});

/** The status history of each key over a sequence of full batches, as vault should record it; an empty batch changes nothing. */
function truth(batches: ReadonlyArray<ReadonlySet<number>>, keys: ReadonlyArray<number>): Map<number, boolean[]> {
  const out = new Map<number, boolean[]>(keys.map((k) => [k, []]));
  for (const batch of batches) {
    if (batch.size === 0) continue;
    for (const k of keys) {
      const h = out.get(k)!;
      const last = h[h.length - 1];
      if (batch.has(k) && last !== false) h.push(false);
      if (!batch.has(k) && last === false) h.push(true);
    }
  }
  return out;
}

describe(`status tracking over random full batches (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  const KEYS = [1, 2, 3, 4];
  test.prop([fc.array(fc.subarray(KEYS), { minLength: 1, maxLength: 5 })], { numRuns: 12 })(
    'deleted keys never show in current views; the history is the truth; a rerun adds nothing',
    async (sets) => {
      const model = await setUp();
      try {
        const batches = sets.map((s) => new Set(s));
        const pv = tableIdent(entityTable(ctxOf(model), 'presentation_view', 'customer'));
        for (const [i, batch] of batches.entries()) {
          await deliver(model, { customers: [...batch].map((k) => ({ customer_id: k, name: `c${k}` })) }, day(i));
          const expected = truth(batches.slice(0, i + 1), KEYS);
          const current = KEYS.filter((k) => expected.get(k)!.at(-1) === false);
          expect(await ids(model, pv, 'customer_id')).toEqual(current);
        }
        const expected = truth(batches, KEYS);
        for (const k of KEYS) expect(await statuses(model, 'customers', 'customer_hk', hk(String(k)))).toEqual(expected.get(k));
        const n = await statusRows(model);
        const last = batches[batches.length - 1]!;
        await deliver(model, { customers: [...last].map((k) => ({ customer_id: k, name: `c${k}` })) }, day(batches.length - 1));
        await deliver(model, { customers: [...last].map((k) => ({ customer_id: k, name: `c${k}` })) }, day(batches.length));
        expect(await statusRows(model)).toBe(n);
      } finally {
        await dropSchemas(db, model);
      }
    },
  );
});
