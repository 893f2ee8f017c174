/**
 * Non-historized (transactional) links against a real database (docs/sql.md, "Non-historized
 * links"): card payments land in batches; each payment is one link row, its attributes as first
 * loaded; a payment delivered again, even with a changed amount, adds nothing; a missing
 * reference is the zero key (docs/hashing.md, "Missing keys"); a rerun adds nothing; the hubs
 * are loaded from the event table; the star has one fact row per payment.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, entityTable, landingTables, postgresDialect, quoteIdent, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { referenceHash, type HashValue } from './reference-hash.js';

const db = fileDatabase();

const ZERO = '0'.repeat(32);
const key = (values: ReadonlyArray<HashValue>): string => referenceHash('md5', values, false);

/** Payments are inferred to be events (`table.event`); nothing is declared but keys and references. */
const SPEC: Spec = {
  version: 1,
  model: 'cards',
  hashing: { algorithm: 'md5', case_sensitive_keys: false, case_sensitive_hashdiff: true },
  tables: {
    customers: { business_key: ['customer_id'], columns: { customer_id: { type: 'text', nullable: false }, customer_name: 'text' } },
    merchants: { business_key: ['merchant_id'], columns: { merchant_id: { type: 'text', nullable: false }, merchant_name: 'text' } },
    payments: {
      business_key: ['payment_id'],
      columns: { payment_id: { type: 'text', nullable: false }, customer_id: 'text', merchant_id: 'text', paid_at: 'timestamptz', amount: 'int', note: 'text' },
      references: [
        { columns: ['customer_id'], table: 'customers' },
        { columns: ['merchant_id'], table: 'merchants' },
      ],
    },
  },
  access_layer: {
    presentation_views: 'none',
    dimensional_models: { payment_star: { fact: 'payment', measures: ['payment_id', 'amount'] } },
    reporting_views: { big_payments: { from: 'payment', columns: ['payment_id', 'amount'], filter: 'amount >= 10' } },
  },
};

type Payment = { payment_id: string; customer_id: string | null; merchant_id: string | null; paid_at: string; amount: number; note: string | null };
type Customer = { customer_id: string; customer_name: string };
interface Batch {
  customers: Customer[];
  payments: Payment[];
}

const pay = (payment_id: string, customer_id: string | null, merchant_id: string | null, amount: number, note: string | null = null): Payment => ({
  payment_id,
  customer_id,
  merchant_id,
  paid_at: '2024-03-01T10:00:00Z',
  amount,
  note,
});

interface Setup {
  readonly model: VaultModel;
  readonly table: (kind: Parameters<typeof entityTable>[1], name: string) => string;
}

async function setUp(spec: Spec = SPEC): Promise<Setup> {
  const { model: compiled, diagnostics } = compileSpec(spec);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model: VaultModel = db.inNewSchemas(compiled!, 'n');
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  return {
    model,
    table: (kind, name) => {
      const t = entityTable({ model, dialect: postgresDialect }, kind, name);
      return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
    },
  };
}

async function tearDown(s: Setup): Promise<void> {
  await dropSchemas(db, s.model);
}

async function land(s: Setup, batch: Batch): Promise<void> {
  const tables = new Map(landingTables(s.model).map((t) => [t.source, t.sql]));
  for (const [source, rows] of [
    ['customers', batch.customers],
    ['merchants', []],
    ['payments', batch.payments],
  ] as const) {
    await db.query(`DELETE FROM ${tables.get(source)!}`);
    for (const row of rows) {
      const entries = Object.entries(row);
      await db.query(
        `INSERT INTO ${tables.get(source)!} (${entries.map(([c]) => quoteIdent(c)).join(', ')}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})`,
        entries.map(([, v]) => v as unknown),
      );
    }
  }
}

async function load(s: Setup, ts: string): Promise<void> {
  for (const l of sqlPlan(s.model).loads) {
    await db.query('BEGIN');
    for (const statement of l.statements) await db.query(statement.sql, bindParameters(statement, { load_ts: ts }));
    await db.query('COMMIT');
  }
}

/** A link row as stored: hash keys, keys, attributes, load timestamp. */
interface EventRow {
  readonly hk: string;
  readonly customer_hk: string;
  readonly merchant_hk: string;
  readonly payment_id: string;
  readonly amount: number;
  readonly note: string | null;
  readonly load_ts: string;
}

async function eventRows(s: Setup): Promise<EventRow[]> {
  const rows = await db.query<EventRow>(
    `SELECT payment_hk AS hk, customer_hk, merchant_hk, payment_id, amount, note, to_char(load_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS load_ts
     FROM ${s.table('non_historized_link', 'payment')} WHERE payment_hk <> '${ZERO}' ORDER BY payment_hk`,
  );
  return rows.rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

/** The row a payment must give, loaded on `day`. */
function expected(p: Payment, day: string): EventRow {
  return {
    hk: key([p.customer_id, p.merchant_id, p.payment_id]),
    customer_hk: p.customer_id === null ? ZERO : key([p.customer_id]),
    merchant_hk: p.merchant_id === null ? ZERO : key([p.merchant_id]),
    payment_id: p.payment_id,
    amount: p.amount,
    note: p.note,
    load_ts: day,
  };
}

const sorted = (rows: ReadonlyArray<EventRow>): EventRow[] => [...rows].sort((a, b) => (a.hk < b.hk ? -1 : a.hk > b.hk ? 1 : 0));

async function count(s: Setup, kind: Parameters<typeof entityTable>[1], name: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${s.table(kind, name)}`)).rows[0]!.n);
}

describe('non-historized link: payments', () => {
  it('is inferred from the payments table: one link of events, no satellite, no payment hub', () => {
    const { model } = compileSpec(SPEC);
    expect(model!.byKind.non_historized_link.map((l) => [l.name, l.hubs.map((h) => h.hub), l.dependentChildKeys?.map((c) => c.name), l.payload.map((c) => c.name)])).toEqual([
      ['payment', ['customer', 'merchant'], ['payment_id'], ['amount', 'note', 'paid_at']],
    ]);
    expect(model!.byKind.hub.map((h) => h.name)).toEqual(['customer', 'merchant']);
    expect(model!.byKind.link).toEqual([]);
    expect(model!.byKind.satellite.map((s) => s.source.table)).not.toContain('payments');
  });

  it('keeps each payment once, as first loaded, over batches with a repeat, a changed amount, a missing reference and a rerun', async () => {
    const s = await setUp();
    try {
      const b1: Batch = {
        customers: [{ customer_id: 'c1', customer_name: 'Ada' }],
        payments: [pay('p1', 'c1', 'm1', 10, 'first'), pay('p2', 'c1', 'm2', 20), pay('p3', null, 'm1', 5), pay('p9', null, null, 1)],
      };
      await land(s, b1);
      await load(s, '2024-01-01T00:00:00Z');
      const day1 = [expected(b1.payments[0]!, '2024-01-01'), expected(b1.payments[1]!, '2024-01-01'), expected(b1.payments[2]!, '2024-01-01')];
      expect(await eventRows(s)).toEqual(sorted(day1));

      // p1 again with another amount and note: the event is immutable, not a new row. p2 again as it was.
      const b2: Batch = { customers: [], payments: [pay('p1', 'c1', 'm1', 99, 'changed'), pay('p2', 'c1', 'm2', 20), pay('p4', 'c2', 'm1', 7)] };
      await land(s, b2);
      await load(s, '2024-01-02T00:00:00Z');
      const day2 = [...day1, expected(b2.payments[2]!, '2024-01-02')];
      expect(await eventRows(s)).toEqual(sorted(day2));

      // A rerun of the same landing data, later: nothing is added anywhere.
      const before = [await count(s, 'non_historized_link', 'payment'), await count(s, 'hub', 'customer'), await count(s, 'hub', 'merchant')];
      await load(s, '2024-01-03T00:00:00Z');
      expect(await eventRows(s)).toEqual(sorted(day2));
      expect([await count(s, 'non_historized_link', 'payment'), await count(s, 'hub', 'customer'), await count(s, 'hub', 'merchant')]).toEqual(before);

      // The hubs are loaded from the events too: c2 and the merchants appear only there.
      const customers = (await db.query<{ id: string }>(`SELECT customer_id AS id FROM ${s.table('hub', 'customer')} WHERE customer_hk <> '${ZERO}' ORDER BY 1`)).rows;
      expect(customers.map((r) => r.id)).toEqual(['c1', 'c2']);
      const merchants = (await db.query<{ id: string }>(`SELECT merchant_id AS id FROM ${s.table('hub', 'merchant')} WHERE merchant_hk <> '${ZERO}' ORDER BY 1`)).rows;
      expect(merchants.map((r) => r.id)).toEqual(['m1', 'm2']);

      // The star: one fact row per payment, measured by its first amount, the missing customer the unknown member.
      const facts = (
        await db.query<{ payment_id: string; amount: number; customer_hk: string; merchant_hk: string }>(
          `SELECT payment_id, amount, customer_hk, merchant_hk FROM ${s.table('dimensional_model', 'payment_star')} ORDER BY payment_id`,
        )
      ).rows.map((r) => ({ ...r, amount: Number(r.amount) }));
      expect(facts).toEqual([
        { payment_id: 'p1', amount: 10, customer_hk: key(['c1']), merchant_hk: key(['m1']) },
        { payment_id: 'p2', amount: 20, customer_hk: key(['c1']), merchant_hk: key(['m2']) },
        { payment_id: 'p3', amount: 5, customer_hk: ZERO, merchant_hk: key(['m1']) },
        { payment_id: 'p4', amount: 7, customer_hk: key(['c2']), merchant_hk: key(['m1']) },
      ]);
      // A reporting view over the events filters on an attribute.
      const big = (await db.query<{ payment_id: string; amount: number }>(`SELECT payment_id, amount FROM ${s.table('reporting_view', 'big_payments')} ORDER BY payment_id`)).rows;
      expect(big.map((r) => [r.payment_id, Number(r.amount)])).toEqual([
        ['p1', 10],
        ['p2', 20],
      ]);
      // Every fact finds its dimension row, the unknown member included.
      const orphans = await db.query(
        `SELECT 1 FROM ${s.table('dimensional_model', 'payment_star')} AS f
         LEFT JOIN ${quoteIdent(s.model.schemas.accessLayer)}.${quoteIdent('dim_payment_star_customer')} AS d ON d.customer_hk = f.customer_hk WHERE d.customer_hk IS NULL`,
      );
      expect(orphans.rows).toEqual([]);
    } finally {
      await tearDown(s);
    }
  });

  it('keeps one row of an event delivered twice in one batch with different attributes, the same on a rerun', async () => {
    const s = await setUp();
    try {
      await land(s, { customers: [], payments: [pay('p1', 'c1', 'm1', 10, 'a'), pay('p1', 'c1', 'm1', 11, 'b')] });
      await load(s, '2024-01-01T00:00:00Z');
      const first = await eventRows(s);
      expect(first).toHaveLength(1);
      expect([10, 11]).toContain(first[0]!.amount);
      await load(s, '2024-01-02T00:00:00Z');
      expect(await eventRows(s)).toEqual(first);
    } finally {
      await tearDown(s);
    }
  });

  it('keeps the version first in delta order when the table declares one (declared kind: the delta order keeps inference away)', async () => {
    const payments = SPEC.tables['payments']!;
    const s = await setUp({
      ...SPEC,
      tables: { ...SPEC.tables, payments: { ...payments, kind: 'non_historized_link', columns: { ...payments.columns, seq: 'int' }, delta_order: 'seq' } },
    });
    try {
      expect(s.model.byKind.non_historized_link[0]!.payload.map((c) => c.name)).toEqual(['amount', 'note', 'paid_at']);
      await land(s, { customers: [], payments: [{ ...pay('p1', 'c1', 'm1', 20, 'later'), seq: 2 } as Payment, { ...pay('p1', 'c1', 'm1', 10, 'earlier'), seq: 1 } as Payment] });
      await load(s, '2024-01-01T00:00:00Z');
      expect(await eventRows(s)).toEqual([expected(pay('p1', 'c1', 'm1', 10, 'earlier'), '2024-01-01')]);
    } finally {
      await tearDown(s);
    }
  });

  // Payments from small pools, so that batches repeat events (sometimes with another amount) and miss references.
  const paymentArb: fc.Arbitrary<Payment> = fc.record({
    payment_id: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
    customer_id: fc.option(fc.constantFrom('c1', 'c2'), { freq: 4 }),
    merchant_id: fc.option(fc.constantFrom('m1', 'm2'), { freq: 4 }),
    paid_at: fc.constant('2024-03-01T10:00:00Z'),
    amount: fc.integer({ min: 1, max: 50 }),
    note: fc.option(fc.constantFrom('x', 'y'), { freq: 3 }),
  });
  const eventKey = (p: Payment): string => JSON.stringify([p.customer_id, p.merchant_id, p.payment_id]);
  /** One version of each event per batch (which of two versions in one batch wins is the load's choice, tested above). */
  const oneVersionPerBatch = (rows: ReadonlyArray<Payment>): Payment[] => [...new Map([...rows].reverse().map((p) => [eventKey(p), p])).values()];

  test.prop([fc.array(fc.array(paymentArb, { maxLength: 6 }).map(oneVersionPerBatch), { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 })], {
    numRuns: 10,
  })('for events delivered in any split and repeated, the link holds one row per distinct event key, with its first load', async (batches, reruns) => {
    const s = await setUp();
    try {
      const firstSeen = new Map<string, EventRow>();
      for (const [i, batch] of batches.entries()) {
        const day = `2024-01-${String(i + 1).padStart(2, '0')}`;
        await land(s, { customers: [], payments: batch });
        await load(s, `${day}T00:00:00Z`);
        if (reruns[i]) await load(s, `${day}T12:00:00Z`);
        for (const p of batch) if ((p.customer_id !== null || p.merchant_id !== null) && !firstSeen.has(eventKey(p))) firstSeen.set(eventKey(p), expected(p, day));
        expect(await eventRows(s)).toEqual(sorted([...firstSeen.values()]));
      }
    } finally {
      await tearDown(s);
    }
  });
});
