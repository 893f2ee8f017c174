/**
 * Entities fed by several source tables, loaded into the database: a hub fed by three tables
 * whose rows say which table brought each key, a link two tables form (one row per link key),
 * and a satellite a table keeps of a hub it only references. Runs on the PostgreSQL server of
 * VAULT_TEST_DATABASE_URL, else on PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultEntity, type VaultModel } from '@vault/core';
import { bindParameters, landingTables, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const SPEC: Spec = {
  version: 1,
  model: 'shop',
  record_source: 'erp',
  tables: {
    customers: { record_source: 'crm.customers', business_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, name: 'text' } },
    web_customers: { hub: 'customer', business_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, channel: 'text' } },
    orders: {
      business_key: ['order_id'],
      columns: { order_id: { type: 'int', nullable: false }, customer_id: 'int', amount: 'int', customer_name: 'text' },
      satellites: { order_customer_names: { parent: 'customer', columns: ['customer_name'] } },
    },
    order_history: { link: 'order_customer', primary_key: ['order_id', 'customer_id'], columns: { order_id: 'int', customer_id: 'int', note: 'text' } },
  },
};

type Row = Readonly<Record<string, string | number | null>>;
type Batch = Readonly<Partial<Record<string, ReadonlyArray<Row>>>>;

const db = fileDatabase();

async function setUp(spec: Spec): Promise<VaultModel> {
  const { model: compiled, diagnostics } = compileSpec(spec);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model: VaultModel = db.inNewSchemas(compiled!, 'ms');
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  return model;
}

async function tearDown(model: VaultModel): Promise<void> {
  await dropSchemas(db, model);
}

/** Replaces every landing table's rows with the batch's (a table the batch leaves out is empty). */
async function land(model: VaultModel, batch: Batch): Promise<void> {
  for (const t of landingTables(model)) {
    await db.query(`DELETE FROM ${t.sql}`);
    for (const row of batch[t.source] ?? []) {
      const columns = Object.keys(row);
      await db.query(`INSERT INTO ${t.sql} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
    }
  }
}

async function load(model: VaultModel, day: number): Promise<void> {
  for (const l of sqlPlan(model).loads) {
    await db.query('BEGIN');
    for (const s of l.statements) await db.query(s.sql, bindParameters(s, { load_ts: `2024-01-${String(day).padStart(2, '0')}T00:00:00Z` }));
    await db.query('COMMIT');
  }
}

const tableOf = (model: VaultModel, kind: VaultEntity['kind'], name: string): string => {
  const entity = model.entities.find((e) => e.kind === kind && e.name === name)!;
  return sqlManifestBlock(entity, model).table.split('.').map(quoteIdent).join('.');
};
const ZERO = '0'.repeat(32);

/** `value|record_source|day` per row but the ghost record, sorted. */
async function rows(model: VaultModel, kind: VaultEntity['kind'], name: string, key: string, value: string): Promise<string[]> {
  const { rows: got } = await db.query<{ r: string }>(
    `SELECT concat_ws('|', ${value}, record_source, to_char(load_ts AT TIME ZONE 'UTC', 'DD')) AS r FROM ${tableOf(model, kind, name)} WHERE ${quoteIdent(key)} <> '${ZERO}'`,
  );
  return got.map((x) => x.r).sort();
}

async function ghostSource(model: VaultModel, kind: VaultEntity['kind'], name: string, key: string): Promise<string[]> {
  const { rows: got } = await db.query<{ r: string }>(`SELECT record_source AS r FROM ${tableOf(model, kind, name)} WHERE ${quoteIdent(key)} = '${ZERO}'`);
  return got.map((x) => x.r);
}

const BATCH_1: Batch = {
  customers: [{ customer_id: 1, name: 'Ann' }],
  web_customers: [
    { customer_id: 1, channel: 'web' },
    { customer_id: 2, channel: 'app' },
  ],
  orders: [
    { order_id: 10, customer_id: 3, amount: 5, customer_name: 'Cy' },
    { order_id: 11, customer_id: null, amount: 7, customer_name: 'Nobody' },
  ],
  order_history: [{ order_id: 10, customer_id: 3, note: 'placed' }],
};
const BATCH_2: Batch = {
  customers: [{ customer_id: 1, name: 'Ann B' }],
  web_customers: [{ customer_id: 4, channel: 'web' }],
  orders: [
    { order_id: 12, customer_id: 5, amount: 1, customer_name: 'Eve' },
    { order_id: 13, customer_id: 3, amount: 2, customer_name: 'Cyril' },
    { order_id: 14, customer_id: 1, amount: 3, customer_name: 'Ann' },
  ],
  order_history: [{ order_id: 12, customer_id: 5, note: 'placed' }],
};

describe(`entities fed by several tables, loaded into ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  it('compiles one customer hub from four tables, one order_customer link from two, and a customer satellite from orders', async () => {
    const model = await setUp(SPEC);
    try {
      expect(model.byKind.hub.find((h) => h.name === 'customer')!.sources.map((s) => s.table)).toEqual(['customers', 'order_history', 'orders', 'web_customers']);
      const link = model.byKind.link.find((l) => l.name === 'order_customer')!;
      expect(link.sources).toEqual([
        { table: 'order_history', columns: ['order_id', 'customer_id'] },
        { table: 'orders', columns: ['order_id', 'customer_id'] },
      ]);
      expect(link.evidence.map((e) => e.rule)).toContain('link.same_relationship');
      const sat = model.byKind.satellite.find((s) => s.name === 'order_customer_names')!;
      expect([sat.parent, sat.parentKey, sat.payload.map((c) => c.name)]).toEqual(['customer', ['customer_id'], ['customer_name']]);
      expect(model.byKind.satellite.find((s) => s.name === 'orders')!.payload.map((c) => c.name)).toEqual(['amount']);
      expect(model.sources.map((t) => [t.name, t.recordSource])).toEqual([
        ['customers', 'crm.customers'],
        ['order_history', 'erp.order_history'],
        ['orders', 'erp.orders'],
        ['web_customers', 'erp.web_customers'],
      ]);
    } finally {
      await tearDown(model);
    }
  });

  it('records per hub row the table that brought the key first, over batches and reruns; the ghost record keeps SYSTEM', async () => {
    const model = await setUp(SPEC);
    try {
      const hub = (): Promise<string[]> => rows(model, 'hub', 'customer', 'customer_hk', 'customer_id');
      await land(model, BATCH_1);
      await load(model, 1);
      // 1: customers and web_customers carry it, customers comes first in table order; 3: order_history before orders.
      const day1 = ['1|crm.customers|01', '2|erp.web_customers|01', '3|erp.order_history|01'];
      expect(await hub()).toEqual(day1);
      await load(model, 1);
      await load(model, 2);
      expect(await hub()).toEqual(day1);
      await land(model, BATCH_2);
      await load(model, 3);
      const day3 = [...day1, '4|erp.web_customers|03', '5|erp.order_history|03'];
      expect(await hub()).toEqual(day3);
      await load(model, 3);
      await load(model, 4);
      expect(await hub()).toEqual(day3);
      expect(await ghostSource(model, 'hub', 'customer', 'customer_hk')).toEqual(['SYSTEM']);
    } finally {
      await tearDown(model);
    }
  });

  it('loads one link row per link key from both tables, the missing customer as the zero key; reruns add nothing', async () => {
    const model = await setUp(SPEC);
    try {
      const link = (): Promise<string[]> => rows(model, 'link', 'order_customer', 'order_customer_hk', `order_id, CASE WHEN customer_hk = '${ZERO}' THEN 'zero' ELSE customer_id::text END`);
      await land(model, BATCH_1);
      await load(model, 1);
      await load(model, 1);
      const day1 = ['10|3|erp.order_history|01', '11|zero|erp.orders|01'];
      expect(await link()).toEqual(day1);
      await land(model, BATCH_2);
      await load(model, 2);
      await load(model, 3);
      expect(await link()).toEqual([...day1, '12|5|erp.order_history|02', '13|3|erp.orders|02', '14|1|erp.orders|02']);
      const { rows: n } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${tableOf(model, 'link', 'order_customer')} GROUP BY order_customer_hk HAVING count(*) > 1`);
      expect(n).toEqual([]);
      expect(await ghostSource(model, 'link', 'order_customer', 'order_customer_hk')).toEqual(['SYSTEM']);
      // order_history's notes: the link satellite it gives the shared link.
      expect(await rows(model, 'link_satellite', 'order_customer', 'order_customer_hk', 'note')).toEqual(['placed|erp.order_history|01', 'placed|erp.order_history|02']);
    } finally {
      await tearDown(model);
    }
  });

  it('keeps the customer names orders carry in a customer satellite: a missing reference loads nothing, a change a new row', async () => {
    const model = await setUp(SPEC);
    try {
      const sat = (): Promise<string[]> => rows(model, 'satellite', 'order_customer_names', 'customer_hk', 'customer_name');
      await land(model, BATCH_1);
      await load(model, 1);
      // Order 11 has no customer: its name goes nowhere, not to the zero key.
      expect(await sat()).toEqual(['Cy|erp.orders|01']);
      const { rows: onZero } = await db.query(`SELECT 1 FROM ${tableOf(model, 'satellite', 'order_customer_names')} WHERE customer_name = 'Nobody'`);
      expect(onZero).toEqual([]);
      await land(model, BATCH_2);
      await load(model, 2);
      await load(model, 2);
      await load(model, 3);
      expect(await sat()).toEqual(['Ann|erp.orders|02', 'Cy|erp.orders|01', 'Cyril|erp.orders|02', 'Eve|erp.orders|02'].sort());
      // The customer's own satellite still comes from customers only.
      expect(await rows(model, 'satellite', 'customers', 'customer_hk', 'name')).toEqual(['Ann B|crm.customers|02', 'Ann|crm.customers|01']);
    } finally {
      await tearDown(model);
    }
  });

  const pairArb = (order: fc.Arbitrary<number | null>): fc.Arbitrary<{ order_id: number | null; customer_id: number | null }> =>
    fc.record({ order_id: order, customer_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 4 }) });
  const linkBatchArb = fc.record({
    orders: fc.array(pairArb(fc.integer({ min: 1, max: 4 })), { maxLength: 5 }),
    order_history: fc.array(pairArb(fc.option(fc.integer({ min: 1, max: 4 }), { freq: 4 })), { maxLength: 5 }),
  });

  test.prop([fc.array(linkBatchArb, { minLength: 1, maxLength: 3 })], { numRuns: 10 })(
    'the link two tables form holds each relationship once, with the record source of its first arrival (order_history before orders); reruns add nothing',
    async (batches) => {
      const model = await setUp(SPEC);
      try {
        const expected = new Map<string, string>();
        for (const [b, batch] of batches.entries()) {
          await land(model, {
            orders: batch.orders.map((r, i) => ({ ...r, amount: i, customer_name: null })),
            order_history: batch.order_history.map((r) => ({ ...r, note: 'n' })),
          });
          await load(model, b + 1);
          await load(model, b + 1);
          for (const [table, list] of [
            ['order_history', batch.order_history],
            ['orders', batch.orders],
          ] as const) {
            for (const r of list) {
              const k = `${r.order_id ?? 'zero'}|${r.customer_id ?? 'zero'}`;
              if ((r.order_id !== null || r.customer_id !== null) && !expected.has(k)) expected.set(k, `erp.${table}`);
            }
          }
          const got = await rows(
            model,
            'link',
            'order_customer',
            'order_customer_hk',
            `CASE WHEN order_hk = '${ZERO}' THEN 'zero' ELSE order_id::text END, CASE WHEN customer_hk = '${ZERO}' THEN 'zero' ELSE customer_id::text END`,
          );
          expect(got.map((r) => r.split('|').slice(0, 3).join('|'))).toEqual([...expected].map(([k, rs]) => `${k}|${rs}`).sort());
        }
      } finally {
        await tearDown(model);
      }
    },
    180_000,
  );

  // Three tables carry the customer key: two own it, one references it.
  const PROP_SPEC: Spec = {
    version: 1,
    model: 'prop',
    tables: {
      a_customers: { hub: 'customer', business_key: ['customer_id'], columns: { customer_id: 'int', a: 'text' } },
      b_customers: { hub: 'customer', record_source: 'b', business_key: ['customer_id'], columns: { customer_id: 'int', b: 'text' } },
      c_orders: { business_key: ['order_id'], columns: { order_id: 'int', customer_id: 'int' } },
    },
  };
  const SOURCES = [
    ['a_customers', 'prop.a_customers'],
    ['b_customers', 'b'],
    ['c_orders', 'prop.c_orders'],
  ] as const;
  const key = fc.option(fc.integer({ min: 1, max: 6 }), { freq: 5 });
  const batchArb = fc.record({
    a_customers: fc.array(key, { maxLength: 5 }),
    b_customers: fc.array(key, { maxLength: 5 }),
    c_orders: fc.array(key, { maxLength: 5 }),
  });

  test.prop([fc.array(batchArb, { minLength: 1, maxLength: 3 })], { numRuns: 10 })(
    'every present key reaches the hub once, with the record source of the first table (in table order) of the first batch carrying it; reruns add nothing',
    async (batches) => {
      const model = await setUp(PROP_SPEC);
      try {
        const expected = new Map<number, string>();
        for (const [b, batch] of batches.entries()) {
          let order = 0;
          await land(model, {
            a_customers: batch.a_customers.map((k) => ({ customer_id: k, a: 'x' })),
            b_customers: batch.b_customers.map((k) => ({ customer_id: k, b: 'y' })),
            c_orders: batch.c_orders.map((k) => ({ order_id: order++, customer_id: k })),
          });
          await load(model, b + 1);
          await load(model, b + 1);
          for (const [table, source] of SOURCES) for (const k of batch[table]) if (k !== null && !expected.has(k)) expected.set(k, source);
          const { rows: got } = await db.query<{ k: number; rs: string }>(
            `SELECT customer_id AS k, record_source AS rs FROM ${tableOf(model, 'hub', 'customer')} WHERE customer_hk <> '${ZERO}' ORDER BY customer_id`,
          );
          expect(got).toEqual([...expected.entries()].sort(([x], [y]) => x - y).map(([k, rs]) => ({ k, rs })));
        }
      } finally {
        await tearDown(model);
      }
    },
    180_000,
  );
});
