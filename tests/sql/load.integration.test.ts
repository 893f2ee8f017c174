/**
 * The SQL target against a real database: setup, landing rows, loads, and the invariants of a
 * Data Vault checked after every batch against a model of what the loads must do, with every
 * hash checked against the TypeScript reference implementation of the hashing standard.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileSpec, type ColumnTypeKind, type Spec, type VaultModel } from '@vault/core';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { specArb } from '../arbitraries/spec.js';
import {
  DELTA_ORDER_COLUMN,
  bindParameters,
  dimensionTable,
  entityColumns,
  entityTable,
  hashExpression,
  landingTables,
  modelColumns,
  postgresDialect,
  quoteIdent,
  quoteLiteral,
  sqlManifestBlock,
  sqlPlan,
} from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { referenceHash, referenceHashText, referenceMissing, type HashValue } from './reference-hash.js';
import { SHOP_RECORD_SOURCE, shopSpec, type ShopHashing } from './shop-spec.js';

const db = fileDatabase();

// ------------------------------------------------------------------------------------------
// Landing rows

interface CustomerRow {
  customer_code: string | null;
  CustomerName: string | null;
  type: string | null;
  score: number | null;
  updated_at: number | null;
}
interface ProductRow {
  product_id: number | null;
  label: string | null;
}
interface PurchaseRow {
  customer_code: string | null;
  product_id: number | null;
  quantity: number | null;
  unit_price: number | null;
}
interface Batch {
  customers: CustomerRow[];
  products: ProductRow[];
  purchases: PurchaseRow[];
}

/** Keys alike but for case or spaces, blank, NULL, unicode, and the standard's special characters. */
const CODES = ['alice', 'ALICE', ' alice ', 'bob', 'Ünïcødé', 'ünïcødé', 'a|b', 'a\\b', 'a||b', "o'neil", '🙂', '', '   ', null];
const NAMES = ['Ann', 'ann', 'Zoë', 'x|y', 'back\\slash', '', ' pad ', '日本', null];

const customerArb: fc.Arbitrary<CustomerRow> = fc.record({
  customer_code: fc.constantFrom(...CODES),
  CustomerName: fc.constantFrom(...NAMES),
  type: fc.constantFrom('gold', 'GOLD', 'silver', null),
  score: fc.constantFrom(-5, 0, 3, 7, 11, 42, null),
  updated_at: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
});
const productArb: fc.Arbitrary<ProductRow> = fc.record({
  product_id: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null, freq: 6 }),
  label: fc.constantFrom('Pen', 'pen', 'Ink|Well', 'Ärger', null),
});
const purchaseArb: fc.Arbitrary<PurchaseRow> = fc.record({
  customer_code: fc.constantFrom(...CODES),
  product_id: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null, freq: 6 }),
  quantity: fc.option(fc.integer({ min: -1, max: 5 }), { nil: null }),
  unit_price: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
});
const batchArb: fc.Arbitrary<Batch> = fc.record({
  customers: fc.array(customerArb, { maxLength: 10 }),
  products: fc.array(productArb, { maxLength: 5 }),
  purchases: fc.array(purchaseArb, { maxLength: 6 }),
});
const hashingArb: fc.Arbitrary<ShopHashing> = fc.record({
  algorithm: fc.constantFrom('md5', 'sha1', 'sha256'),
  caseSensitiveKeys: fc.boolean(),
  caseSensitiveHashdiff: fc.boolean(),
});

const deltaTimestamp = (minute: number): string => `2024-06-01T00:${String(minute).padStart(2, '0')}:00Z`;
const price = (cents: number | null): string | null => (cents === null ? null : (cents / 100).toFixed(2));
const str = (n: number | null): string | null => (n === null ? null : String(n));
/** Batch b's load timestamp; batches a day apart. */
const batchTimestamp = (b: number): string => `2024-01-${String(b + 1).padStart(2, '0')}T00:00:00Z`;
/** Load timestamps a replay of batch b uses: the same, half a day later, half a day earlier. */
const replayTimestamps = (b: number): ReadonlyArray<string> => {
  const t = Date.parse(batchTimestamp(b));
  return [t, t + 12 * 3_600_000, t - 12 * 3_600_000].map((ms) => new Date(ms).toISOString());
};
/** load_ts as the tests read it: UTC text with microseconds. */
const loadTsText = (b: number, position: number): string => `2024-01-${String(b + 1).padStart(2, '0')} 00:00:00.${String(position - 1).padStart(6, '0')}`;

// ------------------------------------------------------------------------------------------
// The model of what the loads must do

interface SatRow {
  readonly ts: string;
  readonly hd: string;
  readonly delta: number | null;
  readonly payload: ReadonlyArray<HashValue>;
}
interface Staged {
  readonly hk: string;
  readonly hd: string;
  readonly delta: number | null;
  readonly payload: ReadonlyArray<HashValue>;
}

class Expected {
  readonly customers = new Set<string>();
  readonly products = new Set<string>();
  readonly links = new Set<string>();
  readonly satCustomers = new Map<string, SatRow[]>();
  readonly satProducts = new Map<string, SatRow[]>();
  readonly lsatPurchases = new Map<string, SatRow[]>();
  /** The customers satellite's register (it has a delta order): the rows it was given and did not keep. */
  readonly seenCustomers: Register = new Map();

  constructor(private readonly h: ShopHashing) {}

  key(values: ReadonlyArray<HashValue>): string {
    return referenceHash(this.h.algorithm, values, this.h.caseSensitiveKeys);
  }

  diff(values: ReadonlyArray<HashValue>): string {
    return referenceHash(this.h.algorithm, values, this.h.caseSensitiveHashdiff);
  }

  apply(batch: Batch, b: number): void {
    const codeOk = (c: string | null) => !referenceMissing([c]);
    const idOk = (i: number | null) => !referenceMissing([str(i)]);
    for (const r of [...batch.customers, ...batch.purchases]) if (codeOk(r.customer_code)) this.customers.add(this.key([r.customer_code]));
    for (const r of [...batch.products, ...batch.purchases]) if (idOk(r.product_id)) this.products.add(this.key([str(r.product_id)]));
    // A missing reference is the zero key: the row is kept unless both are missing.
    for (const r of batch.purchases) if (codeOk(r.customer_code) || idOk(r.product_id)) this.links.add(this.key([r.customer_code, str(r.product_id)]));
    // Payload in name order: CustomerName, score, type (code-unit order puts capitals first).
    applySatellite(
      this.satCustomers,
      this.seenCustomers,
      b,
      true,
      batch.customers
        .filter((r) => codeOk(r.customer_code))
        .map((r) => {
          const payload = [r.CustomerName, str(r.score), r.type];
          return { hk: this.key([r.customer_code]), hd: this.diff(payload), delta: r.updated_at, payload };
        }),
    );
    applySatellite(
      this.satProducts,
      new Map(),
      b,
      false,
      batch.products
        .filter((r) => idOk(r.product_id))
        .map((r) => {
          const payload = [r.label];
          return { hk: this.key([str(r.product_id)]), hd: this.diff(payload), delta: null, payload };
        }),
    );
    applySatellite(
      this.lsatPurchases,
      new Map(),
      b,
      false,
      batch.purchases
        .filter((r) => codeOk(r.customer_code) || idOk(r.product_id))
        .map((r) => {
          const payload = [str(r.quantity), price(r.unit_price)];
          return { hk: this.key([r.customer_code, str(r.product_id)]), hd: this.diff(payload), delta: null, payload };
        }),
    );
  }
}

/** The order of a key's changes: delta order, NULLs last, then hashdiff. */
function changeOrder(x: { readonly delta: number | null; readonly hd: string }, y: { readonly delta: number | null; readonly hd: string }): number {
  if (x.delta !== y.delta) return x.delta === null ? 1 : y.delta === null ? -1 : x.delta - y.delta;
  return x.hd < y.hd ? -1 : x.hd > y.hd ? 1 : 0;
}

/** The satellite load as docs/sql.md describes it. `stored` lists each key's rows in load order. */
type Register = Map<string, ReadonlyArray<{ readonly delta: number | null; readonly hd: string }>>;

function applySatellite(store: Map<string, SatRow[]>, register: Register, b: number, hasDelta: boolean, staged: ReadonlyArray<Staged>): void {
  const byKey = new Map<string, Staged[]>();
  for (const s of staged) byKey.set(s.hk, [...(byKey.get(s.hk) ?? []), s]);
  for (const [hk, rows] of byKey) {
    rows.sort((x, y) => (hasDelta ? changeOrder(x, y) : changeOrder({ ...x, delta: null }, { ...y, delta: null })));
    const stored = store.get(hk) ?? [];
    const row = (c: Staged, j: number): SatRow => ({ ts: loadTsText(b, j + 1), hd: c.hd, delta: hasDelta ? c.delta : null, payload: c.payload });
    if (hasDelta) {
      // Every row of the key — the batch's, the satellite's and its register's, each once — in
      // change order; those that differ from the row before them and are not stored are inserted,
      // at +0, +1, ... µs; the batch's rows the satellite does not keep go to the register.
      const same = (x: { readonly delta: number | null; readonly hd: string }, y: { readonly delta: number | null; readonly hd: string }): boolean => x.delta === y.delta && x.hd === y.hd;
      const seen = register.get(hk) ?? [];
      const all = [...rows, ...stored, ...seen].filter((x, i, a) => a.findIndex((y) => same(x, y)) === i).sort(changeOrder);
      const inserted = all.filter((x, i) => (i === 0 || all[i - 1]!.hd !== x.hd) && !stored.some((y) => same(x, y)));
      inserted.forEach((x, j) => {
        const payload = rows.find((y) => same(x, y))?.payload ?? stored.find((y) => y.hd === x.hd)!.payload;
        stored.push({ ts: loadTsText(b, j + 1), hd: x.hd, delta: x.delta, payload });
      });
      register.set(hk, [...seen, ...rows.filter((x, i) => rows.findIndex((y) => same(x, y)) === i && !stored.some((y) => same(x, y)) && !seen.some((y) => same(x, y)))]);
    } else {
      // One state per key: inserted unless it equals the key's latest row.
      const c = rows[0]!;
      if (stored.at(-1)?.hd !== c.hd) stored.push(row(c, 0));
    }
    store.set(hk, stored);
  }
}

// ------------------------------------------------------------------------------------------
// Running the model's SQL

interface Setup {
  readonly model: VaultModel;
  readonly t: (kind: Parameters<typeof tableOf>[1], name: string) => string;
  readonly zero: string;
}

function tableOf(model: VaultModel, kind: Parameters<typeof sqlManifestBlock>[0]['kind'], name: string): string {
  const entity = [
    ...model.byKind.hub,
    ...model.byKind.link,
    ...model.byKind.satellite,
    ...model.byKind.link_satellite,
    ...model.byKind.business_hub,
    ...model.byKind.business_link,
    ...model.byKind.business_satellite,
    ...model.byKind.presentation_view,
    ...model.byKind.dimensional_model,
    ...model.byKind.reporting_view,
  ].find((e) => e.kind === kind && e.name === name);
  if (entity === undefined) throw new Error(`no ${kind} ${name}`);
  return sqlManifestBlock(entity, model).table.split('.').map(quoteIdent).join('.');
}

async function setUp(hashing: ShopHashing): Promise<Setup> {
  const { model: compiled } = compileSpec(shopSpec(hashing));
  const model: VaultModel = db.inNewSchemas(compiled!, 'r');
  const plan = sqlPlan(model);
  // Twice: setup is idempotent.
  for (let i = 0; i < 2; i++) for (const s of plan.setup) await db.query(s.sql);
  return { model, t: (kind, name) => tableOf(model, kind, name), zero: '0'.repeat(hashing.algorithm === 'md5' ? 32 : hashing.algorithm === 'sha1' ? 40 : 64) };
}

async function tearDown(s: Setup): Promise<void> {
  await dropSchemas(db, s.model);
}

async function land(s: Setup, batch: Batch): Promise<void> {
  const tables = new Map(landingTables(s.model).map((t) => [t.source, t.sql]));
  const fill = async (source: string, rows: ReadonlyArray<object>): Promise<void> => {
    await db.query(`DELETE FROM ${tables.get(source)!}`);
    for (const row of rows) {
      const entries = Object.entries(row);
      const columns = entries.map(([c]) => quoteIdent(c)).join(', ');
      await db.query(
        `INSERT INTO ${tables.get(source)!} (${columns}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})`,
        entries.map(([, v]) => v as unknown),
      );
    }
  };
  await fill(
    'customers',
    batch.customers.map((r) => ({ ...r, updated_at: r.updated_at === null ? null : deltaTimestamp(r.updated_at) })),
  );
  await fill('products', batch.products);
  await fill(
    'purchases',
    batch.purchases.map((r) => ({ ...r, unit_price: price(r.unit_price) })),
  );
}

/** Loads the landing tables with batch b's load timestamp, or `loadTimestamp`. */
async function load(model: VaultModel, b: number, loadTimestamp = batchTimestamp(b)): Promise<void> {
  for (const l of sqlPlan(model).loads) {
    await db.query('BEGIN');
    for (const statement of l.statements) await db.query(statement.sql, bindParameters(statement, { load_ts: loadTimestamp }));
    await db.query('COMMIT');
  }
}

async function rows<R>(sql: string): Promise<R[]> {
  return (await db.query<R>(sql)).rows;
}

async function count(table: string): Promise<number> {
  return Number((await rows<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`))[0]!.n);
}

const RAW: ReadonlyArray<readonly ['hub' | 'link' | 'satellite' | 'link_satellite', string]> = [
  ['hub', 'customer'],
  ['hub', 'product'],
  ['link', 'customer_product'],
  ['satellite', 'customers'],
  ['satellite', 'products'],
  ['link_satellite', 'customer_product'],
];

/** Row counts of the raw vault tables, one query at a time (a pg client runs one at a time). */
async function counts(s: Setup): Promise<number[]> {
  const out: number[] = [];
  for (const [kind, name] of RAW) out.push(await count(s.t(kind, name)));
  return out;
}

const sorted = <T>(xs: T[]): T[] =>
  xs
    .map((x) => JSON.stringify(x))
    .sort()
    .map((x) => JSON.parse(x) as T);
const ts = (column: string): string => `to_char(${quoteIdent(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;

async function expectSatellite(
  s: Setup,
  kind: 'satellite' | 'link_satellite',
  name: string,
  parentKind: 'hub' | 'link',
  parent: string,
  hk: string,
  payload: ReadonlyArray<string>,
  expected: Map<string, SatRow[]>,
  h: ShopHashing,
): Promise<void> {
  // The minute of the stored delta-order value (landing holds 2024-06-01T00:MM:00Z), where there is one.
  const sat = [...s.model.byKind.satellite, ...s.model.byKind.link_satellite].find((e) => e.kind === kind && e.name === name)!;
  const hasDelta = entityColumns(modelColumns(s.model), sat).some((c) => c.name === DELTA_ORDER_COLUMN);
  const delta = hasDelta ? `CAST(EXTRACT(MINUTE FROM ${quoteIdent(DELTA_ORDER_COLUMN)} AT TIME ZONE 'UTC') AS int)` : 'CAST(NULL AS int)';
  const got = await rows<{ hk: string; ts: string; hd: string; rs: string; d: number | null } & Record<string, string | null>>(
    `SELECT ${quoteIdent(hk)} AS hk, ${ts('load_ts')} AS ts, hashdiff AS hd, record_source AS rs, ${delta} AS d, ${payload.map((p, i) => `${quoteIdent(p)}::text AS p${i}`).join(', ')} FROM ${s.t(kind, name)} WHERE ${quoteIdent(hk)} <> '${s.zero}'`,
  );
  expect(sorted(got.map((r) => ({ hk: r.hk, ts: r.ts, hd: r.hd, d: r.d })))).toEqual(sorted([...expected].flatMap(([key, list]) => list.map((r) => ({ hk: key, ts: r.ts, hd: r.hd, d: r.delta })))));
  for (const r of got) {
    // The system, then the satellite's source table: '<record_source>.<table>' (no per-table override in the shop spec).
    expect(r.rs).toBe(`${SHOP_RECORD_SOURCE}.${sat.source.table}`);
    expect(r.hd).toBe(
      referenceHash(
        h.algorithm,
        payload.map((_, i) => r[`p${i}`] ?? null),
        h.caseSensitiveHashdiff,
      ),
    );
  }
  // The ghost, and no orphan.
  expect(await count(`${s.t(kind, name)} WHERE ${quoteIdent(hk)} = '${s.zero}' AND load_ts = '0001-01-01 00:00:00+00'`)).toBe(1);
  expect(await count(`${s.t(kind, name)} AS x WHERE NOT EXISTS (SELECT 1 FROM ${s.t(parentKind, parent)} AS p WHERE p.${quoteIdent(hk)} = x.${quoteIdent(hk)})`)).toBe(0);
}

/** Everything that must hold after a batch. */
async function expectVault(s: Setup, e: Expected, h: ShopHashing): Promise<void> {
  // Hubs: one row per distinct non-missing key seen, plus the ghost; each hash per the standard.
  const customers = await rows<{ hk: string; code: string }>(`SELECT customer_hk AS hk, customer_code AS code FROM ${s.t('hub', 'customer')}`);
  expect(
    customers
      .filter((r) => r.hk !== s.zero)
      .map((r) => r.hk)
      .sort(),
  ).toEqual([...e.customers].sort());
  expect(customers.filter((r) => r.hk === s.zero)).toEqual([{ hk: s.zero, code: '?' }]);
  for (const r of customers) if (r.hk !== s.zero) expect(r.hk).toBe(e.key([r.code]));
  const products = await rows<{ hk: string; id: string }>(`SELECT product_hk AS hk, product_id::text AS id FROM ${s.t('hub', 'product')}`);
  expect(
    products
      .filter((r) => r.hk !== s.zero)
      .map((r) => r.hk)
      .sort(),
  ).toEqual([...e.products].sort());
  for (const r of products) if (r.hk !== s.zero) expect(r.hk).toBe(e.key([r.id]));

  // Link: one row per distinct combination, a missing reference as the zero key (the hub's
  // ghost); its hub keys are in the hubs; no row misses both.
  const links = await rows<{ hk: string; c: string; p: string; code: string; id: string }>(
    `SELECT customer_product_hk AS hk, customer_hk AS c, product_hk AS p, customer_code AS code, product_id::text AS id FROM ${s.t('link', 'customer_product')} WHERE customer_product_hk <> '${s.zero}'`,
  );
  expect(links.map((r) => r.hk).sort()).toEqual([...e.links].sort());
  const hubKey = (value: string | null): string => (referenceMissing([value]) ? s.zero : e.key([value]));
  for (const r of links) expect(r).toEqual({ hk: e.key([r.code, r.id]), c: hubKey(r.code), p: hubKey(r.id), code: r.code, id: r.id });
  expect(links.filter((r) => r.c === s.zero && r.p === s.zero)).toEqual([]);
  expect(await count(`${s.t('link', 'customer_product')} AS l WHERE NOT EXISTS (SELECT 1 FROM ${s.t('hub', 'customer')} AS h WHERE h.customer_hk = l.customer_hk)`)).toBe(0);
  expect(await count(`${s.t('link', 'customer_product')} AS l WHERE NOT EXISTS (SELECT 1 FROM ${s.t('hub', 'product')} AS h WHERE h.product_hk = l.product_hk)`)).toBe(0);

  // Satellites: exactly the changes, in order, with distinct load timestamps.
  await expectSatellite(s, 'satellite', 'customers', 'hub', 'customer', 'customer_hk', ['CustomerName', 'score', 'type'], e.satCustomers, h);
  await expectSatellite(s, 'satellite', 'products', 'hub', 'product', 'product_hk', ['label'], e.satProducts, h);
  await expectSatellite(s, 'link_satellite', 'customer_product', 'link', 'customer_product', 'customer_product_hk', ['quantity', 'unit_price'], e.lsatPurchases, h);

  // Presentation view: one row per business key the business hub keeps, with the current values:
  // the customers satellite has a delta order, so the row latest in change order, not in load order.
  const expectedPv = customers
    .filter((r) => r.hk !== s.zero)
    .flatMap((r) => {
      const latest = [...(e.satCustomers.get(r.hk) ?? [])].sort(changeOrder).at(-1)?.payload ?? [null, null, null];
      const [name, score, type] = latest;
      if (score !== null && Number(score) < 0) return [];
      return [{ code: r.code, name, score, type, half: score === null ? null : Number(score) / 2, shout: name === null ? null : `${name}!` }];
    });
  const pv = await rows<{ code: string; name: string | null; score: string | null; type: string | null; half: string | null; shout: string | null }>(
    `SELECT customer_code AS code, ${quoteIdent('CustomerName')} AS name, score::text AS score, ${quoteIdent('type')}::text AS type, half::text AS half, shout FROM ${s.t('presentation_view', 'customer')}`,
  );
  expect(sorted(pv.map((r) => ({ ...r, half: r.half === null ? null : Number(r.half) })))).toEqual(sorted(expectedPv));

  // Reporting view: the view's columns, filtered.
  const rv = await rows<{ code: string; name: string | null; score: string | null }>(
    `SELECT customer_code AS code, ${quoteIdent('CustomerName')} AS name, score::text AS score FROM ${s.t('reporting_view', 'big_customers')}`,
  );
  expect(sorted(rv)).toEqual(sorted(expectedPv.filter((r) => r.score !== null && Number(r.score) > 10).map(({ code, name, score }) => ({ code, name, score }))));

  // Dimensional model: one fact per business link row, none lost on a join to a dimension.
  const facts = [...e.links].filter((hk) => {
    const q = e.lsatPurchases.get(hk)?.at(-1)?.payload[0] ?? null;
    return q !== null && Number(q) > 0;
  });
  const fct = s.t('dimensional_model', 'sales');
  expect(await count(fct)).toBe(facts.length);
  const al = quoteIdent(s.model.schemas.accessLayer);
  expect(await count(`${fct} AS f JOIN ${al}."dim_sales_customer" AS d ON d.customer_hk = f.customer_hk`)).toBe(facts.length);
  expect(await count(`${fct} AS f JOIN ${al}."dim_sales_product" AS d ON d.product_hk = f.product_hk`)).toBe(facts.length);
}

// ------------------------------------------------------------------------------------------

describe(`loads into ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  test.prop([hashingArb, fc.array(batchArb, { minLength: 1, maxLength: 3 })], { numRuns: 25 })(
    'keep the vault invariants batch after batch, and replaying a batch with any load timestamp inserts nothing',
    async (hashing, batches) => {
      const s = await setUp(hashing);
      try {
        const e = new Expected(hashing);
        for (const [b, batch] of batches.entries()) {
          await land(s, batch);
          await load(s.model, b);
          e.apply(batch, b);
          await expectVault(s, e, hashing);
          const before = await counts(s);
          for (const replay of replayTimestamps(b)) {
            await load(s.model, b, replay);
            expect(await counts(s), `replay at ${replay}`).toEqual(before);
          }
          await expectVault(s, e, hashing);
        }
      } finally {
        await tearDown(s);
      }
    },
  );

  it('adds exactly k satellite rows, in order, for k real changes of one key in a batch', async () => {
    const h: ShopHashing = { algorithm: 'sha256', caseSensitiveKeys: false, caseSensitiveHashdiff: true };
    const s = await setUp(h);
    try {
      const row = (name: string, minute: number): CustomerRow => ({ customer_code: 'k1', CustomerName: name, type: null, score: 1, updated_at: minute });
      await land(s, { customers: [row('a', 1)], products: [], purchases: [] });
      await load(s.model, 0);
      // In delta order: a (as stored: not inserted), b, b, c, c, a: three real changes, inserted at
      // +0, +1 and +2 microseconds.
      const batch: Batch = { customers: [row('c', 4), row('a', 2), row('b', 3), row('b', 3), row('a', 6), row('c', 5)], products: [], purchases: [] };
      await land(s, batch);
      await load(s.model, 1);
      await load(s.model, 1);
      const got = await rows<{ ts: string; name: string }>(
        `SELECT ${ts('load_ts')} AS ts, ${quoteIdent('CustomerName')} AS name FROM ${s.t('satellite', 'customers')} WHERE customer_hk <> '${s.zero}' ORDER BY load_ts`,
      );
      expect(got).toEqual([
        { ts: loadTsText(0, 1), name: 'a' },
        { ts: loadTsText(1, 1), name: 'b' },
        { ts: loadTsText(1, 2), name: 'c' },
        { ts: loadTsText(1, 3), name: 'a' },
      ]);
      // The presentation view shows the latest.
      expect(await rows(`SELECT ${quoteIdent('CustomerName')} AS name FROM ${s.t('presentation_view', 'customer')}`)).toEqual([{ name: 'a' }]);
    } finally {
      await tearDown(s);
    }
  });

  /** The customers satellite's rows of key k1: delta-order minute, name, load_ts, in load order. */
  const customerRows = async (s: Setup): Promise<Array<{ minute: number; name: string; ts: string }>> =>
    rows(
      `SELECT CAST(EXTRACT(MINUTE FROM delta_order AT TIME ZONE 'UTC') AS int) AS minute, ${quoteIdent('CustomerName')} AS name, ${ts('load_ts')} AS ts FROM ${s.t('satellite', 'customers')} WHERE customer_hk <> '${s.zero}' ORDER BY load_ts`,
    );
  const k1 = (name: string, minute: number): CustomerRow => ({ customer_code: 'k1', CustomerName: name, type: null, score: 1, updated_at: minute });
  const customersOnly = (customers: CustomerRow[]): Batch => ({ customers, products: [], purchases: [] });

  it('with a delta order: a batch replayed with a later or an earlier load timestamp adds nothing; new versions add exactly theirs', async () => {
    const s = await setUp({ algorithm: 'md5', caseSensitiveKeys: false, caseSensitiveHashdiff: true });
    try {
      await land(s, customersOnly([k1('c', 3), k1('a', 1), k1('b', 2)]));
      await load(s.model, 0);
      const first = [
        { minute: 1, name: 'a', ts: loadTsText(0, 1) },
        { minute: 2, name: 'b', ts: loadTsText(0, 2) },
        { minute: 3, name: 'c', ts: loadTsText(0, 3) },
      ];
      expect(await customerRows(s)).toEqual(first);
      for (const replay of ['2024-01-01T12:00:00Z', '2024-01-05T00:00:00Z', '2023-12-31T00:00:00Z']) {
        await load(s.model, 0, replay);
        expect(await customerRows(s), `replay at ${replay}`).toEqual(first);
      }
      // The next delivery overlaps the last one (c at minute 3) and brings two new versions.
      await land(s, customersOnly([k1('e', 5), k1('c', 3), k1('d', 4)]));
      await load(s.model, 1);
      expect(await customerRows(s)).toEqual([...first, { minute: 4, name: 'd', ts: loadTsText(1, 1) }, { minute: 5, name: 'e', ts: loadTsText(1, 2) }]);
      await load(s.model, 1, '2024-01-03T00:00:00Z');
      expect(await customerRows(s)).toHaveLength(5);
    } finally {
      await tearDown(s);
    }
  });

  it('with a delta order: a late batch is compared with the stored row before it in delta order, not the latest row', async () => {
    const s = await setUp({ algorithm: 'sha1', caseSensitiveKeys: false, caseSensitiveHashdiff: true });
    try {
      await land(s, customersOnly([k1('a', 1), k1('c', 5)]));
      await load(s.model, 0);
      // a at minute 2 repeats the state before it (a at 1): nothing changed, although the latest row is c.
      await land(s, customersOnly([k1('a', 2)]));
      await load(s.model, 1);
      expect((await customerRows(s)).map((r) => r.name)).toEqual(['a', 'c']);
      // b at minute 3 is a change after a at 1; a replay of it, even with an earlier load timestamp, is not.
      await land(s, customersOnly([k1('b', 3)]));
      await load(s.model, 2);
      await load(s.model, 2, '2024-01-02T12:00:00Z');
      expect(await customerRows(s)).toEqual([
        { minute: 1, name: 'a', ts: loadTsText(0, 1) },
        { minute: 5, name: 'c', ts: loadTsText(0, 2) },
        { minute: 3, name: 'b', ts: loadTsText(2, 1) },
      ]);
      // The business vault's current row is the latest in delta order (c at minute 5), not the
      // latest load (b, loaded last but earlier in delta order).
      const bsat = s.model.byKind.business_satellite.find((x) => x.parent === 'customer');
      expect(bsat).toBeDefined();
      const current = await rows(`SELECT ${quoteIdent('CustomerName')} AS name FROM ${s.t('business_satellite', bsat!.name)} WHERE customer_hk <> '${s.zero}'`);
      expect(current).toEqual([{ name: 'c' }]);
    } finally {
      await tearDown(s);
    }
  });

  it('without a delta order: reloading the batch with a later or an earlier load timestamp adds nothing', async () => {
    const s = await setUp({ algorithm: 'md5', caseSensitiveKeys: false, caseSensitiveHashdiff: true });
    try {
      const products = async (): Promise<Array<{ label: string; ts: string }>> =>
        rows(`SELECT label, ${ts('load_ts')} AS ts FROM ${s.t('satellite', 'products')} WHERE product_hk <> '${s.zero}' ORDER BY load_ts`);
      await land(s, { customers: [], products: [{ product_id: 1, label: 'Pen' }], purchases: [] });
      await load(s.model, 0);
      await land(s, { customers: [], products: [{ product_id: 1, label: 'Ink' }], purchases: [] });
      await load(s.model, 1);
      const loaded = [
        { label: 'Pen', ts: loadTsText(0, 1) },
        { label: 'Ink', ts: loadTsText(1, 1) },
      ];
      for (const replay of [batchTimestamp(1), '2024-01-09T00:00:00Z', '2024-01-01T12:00:00Z']) {
        await load(s.model, 1, replay);
        expect(await products(), `replay at ${replay}`).toEqual(loaded);
      }
    } finally {
      await tearDown(s);
    }
  });

  it('creates tables and views with exactly the columns the manifest lists', async () => {
    const s = await setUp({ algorithm: 'md5', caseSensitiveKeys: false, caseSensitiveHashdiff: true });
    try {
      const m = s.model;
      for (const e of [
        ...m.byKind.hub,
        ...m.byKind.link,
        ...m.byKind.satellite,
        ...m.byKind.link_satellite,
        ...m.byKind.reference_table,
        ...m.byKind.business_hub,
        ...m.byKind.business_link,
        ...m.byKind.business_satellite,
        ...m.byKind.business_link_satellite,
        ...m.byKind.presentation_view,
        ...m.byKind.dimensional_model,
        ...m.byKind.reporting_view,
      ]) {
        const [schema, table] = sqlManifestBlock(e, m).table.split('.');
        const columns = await rows<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
        );
        expect(
          columns.map((c) => c.name),
          `${e.kind} ${e.name}`,
        ).toEqual(entityColumns(modelColumns(m), e).map((c) => c.name));
      }
    } finally {
      await tearDown(s);
    }
  });
});

// ------------------------------------------------------------------------------------------
// Every spec: setup, load and every view run in the database, not only parse.

/** Two sample values per type (as text PostgreSQL casts), so keys differ and rules see data. */
const SAMPLES = {
  smallint: ['1', '2'],
  int: ['1', '2'],
  bigint: ['1', '2'],
  decimal: ['1.5', '0'],
  real: ['1.5', '2'],
  double: ['1.5', '0'],
  text: ['Ab|c', 'ü'],
  varchar: ['x', 'Y'],
  char: ['a', 'b'],
  boolean: ['true', 'false'],
  date: ['2024-02-29', '1999-12-31'],
  time: ['12:00', '23:59:59'],
  timestamp: ['2024-01-01 10:00', '2024-01-02 11:00'],
  timestamptz: ['2024-01-01 10:00+00', '2024-01-02 11:00+02'],
  interval: ['1 day', '2 hours'],
  uuid: ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002'],
  json: ['{"a":1}', '[]'],
  jsonb: ['{"a":1}', '[]'],
  bytea: ['\\x00', '\\xff'],
} as const satisfies Record<ColumnTypeKind, readonly [string, string]>;

async function smoke(compiled: VaultModel): Promise<void> {
  const p = db.newPrefix('r');
  const model: VaultModel = { ...compiled, schemas: { landing: `${p}_l`, rawVault: `${p}_rv`, businessVault: `${p}_bv`, accessLayer: `${p}_al` } };
  const plan = sqlPlan(model);
  try {
    for (const statement of plan.setup) await db.query(statement.sql);
    const tables = new Map(landingTables(model).map((t) => [t.source, t.sql]));
    for (const source of model.sources) {
      for (const i of [0, 1] as const) {
        await db.query(
          `INSERT INTO ${tables.get(source.name)!} (${source.columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES (${source.columns.map((_, j) => `$${j + 1}`).join(', ')})`,
          source.columns.map((c) => SAMPLES[c.type.kind][i]),
        );
      }
    }
    for (const b of [0, 1]) await load(model, b);
    const views = [
      ...model.byKind.business_hub,
      ...model.byKind.business_link,
      ...model.byKind.business_satellite,
      ...model.byKind.business_link_satellite,
      ...model.byKind.presentation_view,
      ...model.byKind.dimensional_model,
      ...model.byKind.reporting_view,
    ]
      .map((e) => entityTable({ model, dialect: postgresDialect }, e.kind, e.name))
      .concat(model.byKind.dimensional_model.flatMap((m) => m.dimensions.map((d) => dimensionTable({ model, dialect: postgresDialect }, m.name, d.name))))
      .concat(
        model.byKind.reference_table.map((r) => {
          const [schema, name] = sqlManifestBlock(r, model).current_view!.split('.');
          return { schema: schema!, name: name! };
        }),
      );
    for (const v of views) await rows(`SELECT * FROM ${quoteIdent(v.schema)}.${quoteIdent(v.name)}`);
  } finally {
    await dropSchemas(db, model);
  }
}

const EXAMPLES = [
  'specs/ews.yaml',
  'specs/lgd.yaml',
  ...readdirSync(fileURLToPath(new URL('../corpus/good', import.meta.url)))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `tests/corpus/good/${f}`),
];

describe('every spec sets up, loads and queries in the database', () => {
  it.each(EXAMPLES)('%s', async (path) => {
    const a = analyzeSpec(loadSpecFile(path));
    await smoke(a.model!);
  });

  test.prop([specArb], { numRuns: 10 })('random specs', async (spec: Spec) => {
    await smoke(compileSpec(spec).model!);
  });

  it('keys of a decimal type that holds no -1 (scale = precision): setup writes their ghost records with 0, and loads', async () => {
    const { model: compiled, diagnostics } = compileSpec({
      version: 1,
      model: 'rates',
      tables: {
        // A rate is its own key: decimal(3,3) holds -0.999 to 0.999 only.
        rates: { business_key: ['rate'], columns: { rate: { type: 'decimal(3,3)', nullable: false }, label: 'text' } },
        rate_tiers: {
          primary_key: ['rate', 'tier'],
          multi_active_key: ['tier'],
          columns: { rate: { type: 'decimal(3,3)', nullable: false }, tier: { type: 'decimal(2,2)', nullable: false }, note: 'text' },
          references: [{ columns: ['rate'], table: 'rates' }],
        },
        desks: { business_key: ['desk'], columns: { desk: { type: 'text', nullable: false } } },
        rate_links: {
          kind: 'link',
          dependent_child_keys: ['slice'],
          columns: { rate: { type: 'decimal(3,3)', nullable: false }, desk: { type: 'text', nullable: false }, slice: { type: 'decimal(4,4)', nullable: false }, weight: 'int' },
          references: [
            { columns: ['rate'], table: 'rates' },
            { columns: ['desk'], table: 'desks' },
          ],
        },
      },
    });
    expect(compiled, diagnostics.map((d) => d.message).join('\n')).toBeDefined();
    const p = db.newPrefix('g');
    const model: VaultModel = { ...compiled!, schemas: { landing: `${p}_l`, rawVault: `${p}_rv`, businessVault: `${p}_bv`, accessLayer: `${p}_al` } };
    const at = (e: { readonly kind: 'hub' | 'link' | 'multi_active_satellite'; readonly name: string }): string => {
      const t = entityTable({ model, dialect: postgresDialect }, e.kind, e.name);
      return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
    };
    const hub = model.byKind.hub.find((h) => h.businessKeys[0]?.name === 'rate')!;
    const tiers = model.byKind.multi_active_satellite[0]!;
    const link = model.byKind.link[0]!;
    try {
      for (const statement of sqlPlan(model).setup) await db.query(statement.sql);
      const ghost = (e: { readonly hashKey?: string; readonly parentHashKey?: string }): string => `${quoteIdent(e.hashKey ?? e.parentHashKey!)} = '${'0'.repeat(32)}'`;
      expect(await rows(`SELECT CAST(rate AS text) AS rate FROM ${at(hub)} WHERE ${ghost(hub)}`)).toEqual([{ rate: '0.000' }]);
      expect(await rows(`SELECT CAST(tier AS text) AS tier FROM ${at(tiers)} WHERE ${ghost(tiers)}`)).toEqual([{ tier: '0.00' }]);
      expect(await rows(`SELECT CAST(slice AS text) AS slice FROM ${at(link)} WHERE ${ghost(link)}`)).toEqual([{ slice: '0.0000' }]);
      const tables = new Map(landingTables(model).map((t) => [t.source, t.sql]));
      await db.query(`INSERT INTO ${tables.get('rates')!} (rate, label) VALUES (0.125, 'low'), (-0.5, 'neg')`);
      await db.query(`INSERT INTO ${tables.get('rate_tiers')!} (rate, tier, note) VALUES (0.125, 0.1, 'a'), (0.125, 0.2, 'b')`);
      await db.query(`INSERT INTO ${tables.get('rate_links')!} (rate, desk, slice, weight) VALUES (0.125, 'fx', 0.5, 1)`);
      await load(model, 0);
      expect(await rows(`SELECT count(*)::int AS n FROM ${at(hub)}`)).toEqual([{ n: 3 }]);
      expect(await rows(`SELECT count(*)::int AS n FROM ${at(tiers)}`)).toEqual([{ n: 3 }]);
      expect(await rows(`SELECT count(*)::int AS n FROM ${at(link)}`)).toEqual([{ n: 2 }]);
    } finally {
      await dropSchemas(db, model);
    }
  });
});

// ------------------------------------------------------------------------------------------
// docs/hashing.md: its test vectors hold for the reference and for the SQL.

interface Vector {
  algorithm: 'md5' | 'sha1' | 'sha256';
  keepCase: boolean;
  values: HashValue[];
  text: string;
  hash: string;
}

describe('docs/hashing.md test vectors', () => {
  const doc = readFileSync(new URL('../../docs/hashing.md', import.meta.url), 'utf8');
  const block = /```jsonl\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  const vectors = block
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Vector);

  it('has vectors for every algorithm', () => {
    expect(new Set(vectors.map((v) => v.algorithm))).toEqual(new Set(['md5', 'sha1', 'sha256']));
  });

  it('agree with the TypeScript reference implementation', () => {
    for (const v of vectors) {
      expect(v.values.map((x) => referenceHashText(x, v.keepCase)).join('||')).toBe(v.text);
      expect(referenceHash(v.algorithm, v.values, v.keepCase)).toBe(v.hash);
    }
  });

  it('agree with the SQL the PostgreSQL target emits', async () => {
    for (const v of vectors) {
      const inputs = v.values.map((x) => ({ sql: x === null ? 'CAST(NULL AS text)' : quoteLiteral(x), type: { kind: 'text' } as const }));
      const hashing = { algorithm: v.algorithm, caseSensitiveKeys: v.keepCase, caseSensitiveHashdiff: v.keepCase };
      const [row] = await rows<{ h: string }>(`SELECT ${hashExpression(postgresDialect, hashing, inputs, 'key')} AS h`);
      expect(row?.h, JSON.stringify(v)).toBe(v.hash);
    }
  });
});
