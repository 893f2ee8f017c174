/**
 * One link per relationship, loaded into the database: Northwind-shaped orders with a customer,
 * an employee and a shipper give order_customer, order_employee and order_shipper, each driven
 * by the order. An order whose employee changes and whose shipper is NULL, then set, gives each
 * link exactly its own rows over several batches; reruns add nothing; a star on the order hub
 * reads each dimension at its link's current row. Runs on the PostgreSQL server of
 * VAULT_TEST_DATABASE_URL, else on PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type TableSpec, type VaultModel } from '@vault/core';
import { bindParameters, landingTables, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { referenceHash } from './reference-hash.js';

const REFERENCES = ['customer', 'employee', 'shipper'] as const;
type Reference = (typeof REFERENCES)[number];

/** Orders with the first `k` references (customer, employee, shipper), and a star on the order hub. */
function specOf(k: number): Spec {
  const refs = REFERENCES.slice(0, k);
  const tables: Record<string, TableSpec> = {
    orders: {
      business_key: ['order_id'],
      columns: { order_id: 'int', ...Object.fromEntries(refs.map((r) => [`${r}_id`, 'int'])), freight: 'decimal(10,2)' },
    },
  };
  for (const r of refs) tables[`${r}s`] = { business_key: [`${r}_id`], columns: { [`${r}_id`]: { type: 'int', nullable: false }, label: 'text' } };
  return { version: 1, model: 'orders', tables, access_layer: { presentation_views: 'none', dimensional_models: { order_star: { fact: 'order', measures: ['freight'] } } } };
}

interface Order {
  readonly order_id: number | null;
  readonly customer_id: number | null;
  readonly employee_id: number | null;
  readonly shipper_id: number | null;
  readonly freight: number;
}

const db = fileDatabase();

async function setUp(k: number): Promise<VaultModel> {
  const { model: compiled, diagnostics } = compileSpec(specOf(k));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model: VaultModel = db.inNewSchemas(compiled!, 'l');
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  return model;
}

async function tearDown(model: VaultModel): Promise<void> {
  await dropSchemas(db, model);
}

async function land(model: VaultModel, k: number, orders: ReadonlyArray<Order>): Promise<void> {
  const table = landingTables(model).find((t) => t.source === 'orders')!.sql;
  const columns = ['order_id', ...REFERENCES.slice(0, k).map((r) => `${r}_id` as const), 'freight'] as const;
  await db.query(`DELETE FROM ${table}`);
  for (const o of orders) {
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((c) => o[c]),
    );
  }
}

async function load(model: VaultModel, day: number): Promise<void> {
  for (const l of sqlPlan(model).loads) {
    await db.query('BEGIN');
    for (const s of l.statements) await db.query(s.sql, bindParameters(s, { load_ts: `2024-01-${String(day).padStart(2, '0')}T00:00:00Z` }));
    await db.query('COMMIT');
  }
}

const ZERO = '0'.repeat(32);
const tableOf = (model: VaultModel, kind: 'link' | 'dimensional_model', name: string): string => {
  const entity = model.entities.find((e) => e.kind === kind && e.name === name)!;
  return sqlManifestBlock(entity, model).table.split('.').map(quoteIdent).join('.');
};
const hash = (...values: ReadonlyArray<number | null>): string =>
  referenceHash(
    'md5',
    values.map((v) => (v === null ? null : String(v))),
    false,
  );

/** One link row as `order|reference|hash`: the keys (NULL when missing) and whether each hub column holds the zero key. */
const rowOf = (order: number | null, ref: number | null): string =>
  `${order ?? 'NULL'}|${ref ?? 'NULL'}|${hash(order, ref)}|${order === null ? 'zero' : hash(order)}|${ref === null ? 'zero' : hash(ref)}`;

/** The rows of link order_<ref> but the ghost record. */
async function linkRows(model: VaultModel, ref: Reference): Promise<string[]> {
  const name = `order_${ref}`;
  const { rows } = await db.query<{ r: string }>(
    `SELECT concat_ws('|', coalesce(order_id::text, 'NULL'), coalesce(${ref}_id::text, 'NULL'), ${name}_hk, CASE WHEN order_hk = '${ZERO}' THEN 'zero' ELSE order_hk END, CASE WHEN ${ref}_hk = '${ZERO}' THEN 'zero' ELSE ${ref}_hk END) AS r FROM ${tableOf(model, 'link', name)} WHERE ${name}_hk <> '${ZERO}' ORDER BY 1`,
  );
  return rows.map((x) => x.r);
}

describe(`one link per relationship loads into ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  it('an order whose employee changes and whose shipper is NULL, then set: each link gets exactly its own rows; a rerun adds nothing; the star reads the current ones', async () => {
    const model = await setUp(3);
    try {
      expect(model.byKind.link.map((l) => [l.name, l.drivingKey])).toEqual([
        ['order_customer', ['order_hk']],
        ['order_employee', ['order_hk']],
        ['order_shipper', ['order_hk']],
      ]);
      const day1: Order = { order_id: 1, customer_id: 10, employee_id: 1, shipper_id: null, freight: 5 };
      const day2: Order = { ...day1, employee_id: 2 };
      const day3: Order = { ...day2, shipper_id: 3 };
      const star = async (): Promise<Array<Record<string, string>>> =>
        (await db.query<Record<string, string>>(`SELECT customer_hk, employee_hk, shipper_hk, freight::text AS freight FROM ${tableOf(model, 'dimensional_model', 'order_star')}`)).rows;

      await land(model, 3, [day1]);
      await load(model, 1);
      expect(await linkRows(model, 'customer')).toEqual([rowOf(1, 10)]);
      expect(await linkRows(model, 'employee')).toEqual([rowOf(1, 1)]);
      expect(await linkRows(model, 'shipper')).toEqual([rowOf(1, null)]);
      expect(await star()).toEqual([{ customer_hk: hash(10), employee_hk: hash(1), shipper_hk: ZERO, freight: '5.00' }]);

      await land(model, 3, [day2]);
      await load(model, 2);
      expect(await linkRows(model, 'customer')).toEqual([rowOf(1, 10)]);
      expect(await linkRows(model, 'employee')).toEqual([rowOf(1, 1), rowOf(1, 2)].sort());
      expect(await linkRows(model, 'shipper')).toEqual([rowOf(1, null)]);
      expect(await star()).toEqual([{ customer_hk: hash(10), employee_hk: hash(2), shipper_hk: ZERO, freight: '5.00' }]);

      await land(model, 3, [day3]);
      await load(model, 3);
      await load(model, 3); // a rerun of the batch
      await load(model, 4); // and the same rows again the next day
      expect(await linkRows(model, 'customer')).toEqual([rowOf(1, 10)]);
      expect(await linkRows(model, 'employee')).toEqual([rowOf(1, 1), rowOf(1, 2)].sort());
      expect(await linkRows(model, 'shipper')).toEqual([rowOf(1, null), rowOf(1, 3)].sort());
      // one fact per order, whatever the links' history
      expect(await star()).toEqual([{ customer_hk: hash(10), employee_hk: hash(2), shipper_hk: hash(3), freight: '5.00' }]);
    } finally {
      await tearDown(model);
    }
  });

  const orderArb: fc.Arbitrary<Order> = fc.record({
    order_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 6 }),
    customer_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 3 }),
    employee_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 3 }),
    shipper_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 3 }),
    freight: fc.integer({ min: 0, max: 9 }),
  });

  test.prop([fc.integer({ min: 1, max: 3 }), fc.array(fc.array(orderArb, { maxLength: 6 }), { minLength: 1, maxLength: 3 })], { numRuns: 10 })(
    // hashing.md, "Missing keys": a missing key is the zero key; a row needs one of the link's two keys.
    'k references: every landing row reaches exactly one row of each relationship’s link (the missing reference as the zero key); reruns add nothing',
    async (k, batches) => {
      const model = await setUp(k);
      try {
        const refs = REFERENCES.slice(0, k);
        expect(model.byKind.link.map((l) => l.name)).toEqual(refs.map((r) => `order_${r}`));
        const expected = new Map<Reference, Set<string>>(refs.map((r) => [r, new Set()]));
        for (const [b, batch] of batches.entries()) {
          await land(model, k, batch);
          await load(model, b + 1);
          await load(model, b + 1);
          for (const o of batch) {
            for (const r of refs) if (o.order_id !== null || o[`${r}_id`] !== null) expected.get(r)!.add(rowOf(o.order_id, o[`${r}_id`]));
          }
          for (const r of refs) expect(await linkRows(model, r), `order_${r} after batch ${b + 1}`).toEqual([...expected.get(r)!].sort());
        }
      } finally {
        await tearDown(model);
      }
    },
    180_000,
  );
});
