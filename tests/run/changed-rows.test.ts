/**
 * Changed rows only (docs/run.md): `vault run` loads hubs, links, satellites with a delta order
 * and effectivity satellites from the landing rows not loaded before, and that gives exactly
 * the vault that loading every row gives. Checked by loading random histories of full-extract
 * batches (rows changed, deleted, back again, late rows with older delta-order values, floats
 * whose text differs where their values compare equal) into two vaults of one model, the one as
 * `vault run` does, the other with every load reading every row (`--no-skip-unchanged`), and
 * comparing every raw vault table, registers included, after each batch. A batch lands as a
 * landing zone gets it: every row deleted and inserted again, the table emptied (TRUNCATE: new
 * storage, so every row is hashed), or changed in place (rows deleted, updated and inserted: only
 * the new row versions are hashed).
 *
 * In-process (packages/cli/dist), on the server of VAULT_TEST_DATABASE_URL or embedded PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { databasePlan, openEmbedded, openServer, runSetup, type Database, type DatabasePlan } from '../../packages/cli/dist/db/index.js';
import { loadEntities, CHANGED_ROWS_ONLY } from '../../packages/cli/dist/commands/run-loads.js';
import { ON, SERVER_URL } from './workspace.js';

/** Orders of customers, and payments of customers: a hub fed by two tables, a link with a driving key, satellites with a delta order. */
const SPEC: Spec = {
  version: 1,
  model: 'changed',
  tables: {
    orders: {
      business_key: ['order_id'],
      columns: {
        order_id: { type: 'int', nullable: false },
        customer_id: 'int',
        amount: 'decimal(10,2)',
        note: 'text',
        score: 'double',
        seq: 'int',
      },
      delta_order: 'seq',
    },
    payments: {
      business_key: ['payment_id'],
      columns: { payment_id: { type: 'int', nullable: false }, customer_id: 'int', paid: 'decimal(10,2)', seq: 'int' },
      delta_order: 'seq',
    },
  },
};

interface Order {
  readonly order_id: number;
  readonly customer_id: number | null;
  readonly amount: string;
  readonly note: string | null;
  readonly score: number;
  readonly seq: number;
}
interface Payment {
  readonly payment_id: number;
  readonly customer_id: number | null;
  readonly paid: string;
  readonly seq: number;
}
interface Batch {
  readonly orders: ReadonlyArray<Order>;
  readonly payments: ReadonlyArray<Payment>;
  /** Run the vault under test with --no-skip-unchanged this time (every load reads every row). */
  readonly forced: boolean;
  /** A raw vault table emptied in both vaults before the load (TRUNCATE: new storage), by its index among them. */
  readonly truncate?: number;
  /** How the batch replaces the landing rows: all deleted and inserted, the tables truncated first, or only the rows that differ. */
  readonly delivery: Delivery;
}
type Delivery = 'replace' | 'truncate' | 'in place';

const orderArb: fc.Arbitrary<Order> = fc.record({
  order_id: fc.integer({ min: 1, max: 4 }),
  customer_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 5 }),
  amount: fc.constantFrom('1.00', '2.50'),
  note: fc.option(fc.constantFrom('a', 'b', 'a\\b', '\\x41', 'ü'), { freq: 4 }),
  // 0 and -0 compare equal and have different texts (and hashdiffs).
  score: fc.constantFrom(0, -0, 1.5),
  seq: fc.integer({ min: 1, max: 5 }),
});
const paymentArb: fc.Arbitrary<Payment> = fc.record({
  payment_id: fc.integer({ min: 1, max: 3 }),
  customer_id: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 5 }),
  paid: fc.constantFrom('5.00', '7.25'),
  seq: fc.integer({ min: 1, max: 3 }),
});

/** Batches of full extracts: each the one before with a few rows changed, dropped or added, or all new. */
const historyArb: fc.Arbitrary<ReadonlyArray<Batch>> = fc
  .tuple(
    fc.array(orderArb, { maxLength: 6 }),
    fc.array(paymentArb, { maxLength: 3 }),
    fc.array(
      fc.record({
        all: fc.boolean(),
        orders: fc.array(orderArb, { maxLength: 6 }),
        payments: fc.array(paymentArb, { maxLength: 3 }),
        drop: fc.array(fc.nat(5), { maxLength: 2 }),
        forced: fc.integer({ min: 0, max: 6 }).map((x) => x === 0),
        truncate: fc.option(fc.nat(20), { freq: 4 }),
        delivery: fc.constantFrom<Delivery>('replace', 'truncate', 'in place', 'in place'),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([orders, payments, steps]) => {
    const batches: Batch[] = [{ orders, payments, forced: false, delivery: 'replace' }];
    for (const s of steps) {
      const last = batches[batches.length - 1]!;
      const kept = last.orders.filter((_, i) => !s.drop.includes(i));
      const truncate = s.truncate === null ? {} : { truncate: s.truncate };
      batches.push(
        s.all
          ? { orders: s.orders, payments: s.payments, forced: s.forced, delivery: s.delivery, ...truncate }
          : {
              orders: [...kept, ...s.orders.slice(0, 2)],
              payments: s.payments.length > 1 ? [...last.payments, s.payments[0]!] : last.payments,
              forced: s.forced,
              delivery: s.delivery,
              ...truncate,
            },
      );
    }
    return batches;
  });

const silent = (lines: string[]) => ({ out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l), color: false, interactive: false, progress: () => undefined });

/** Loads of the vault under test that read only changed rows, over every property run (the path is taken, not only allowed). */
let changedRowLoads = 0;
/** Sets of loaded rows that took a new batch's rows in place (only new row versions hashed: the rows table is the same relation with a new token). */
let setsInPlace = 0;
let db: Database;
let folder: string | undefined;
let n = 0;

beforeAll(async () => {
  if (SERVER_URL !== undefined) db = await openServer(SERVER_URL);
  else {
    folder = mkdtempSync(join(tmpdir(), 'vault-changed-rows-'));
    db = await openEmbedded(join(folder, 'pgdata'));
  }
}, 120_000);
afterAll(async () => {
  await db?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

/** The model in schemas of its own. */
function vaultModel(tag: string): VaultModel {
  const { model } = compileSpec(SPEC);
  if (model === undefined) throw new Error('the test spec does not compile');
  const p = `cr${process.pid}_${tag}`;
  return { ...model, schemas: { landing: `${p}_landing`, rawVault: `${p}_raw`, businessVault: `${p}_bv`, accessLayer: `${p}_al` } };
}

interface Vault {
  readonly model: VaultModel;
  readonly plan: DatabasePlan;
}

/** A vault; with `partitioned`, its orders' landing table is made first, partitioned by order id (setup keeps a landing table that exists). */
async function createVault(tag: string, partitioned = false): Promise<Vault> {
  const model = vaultModel(tag);
  const plan = databasePlan(model);
  if (partitioned) {
    const l = `"${model.schemas.landing}"`;
    await db.query(`CREATE SCHEMA ${l}`);
    await db.query(`CREATE TABLE ${l}."orders" (order_id integer NOT NULL, customer_id integer, amount numeric(10,2), note text, score double precision, seq integer) PARTITION BY RANGE (order_id)`);
    await db.query(`CREATE TABLE ${l}."orders_low" PARTITION OF ${l}."orders" FOR VALUES FROM (MINVALUE) TO (3)`);
    await db.query(`CREATE TABLE ${l}."orders_high" PARTITION OF ${l}."orders" FOR VALUES FROM (3) TO (MAXVALUE)`);
  }
  await runSetup(db, plan.setup, plan.schemas);
  return { model, plan };
}

async function dropVault(v: Vault): Promise<void> {
  for (const s of new Set(Object.values(v.model.schemas))) await db.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
}

/** The raw vault tables but vault's own, by name. */
async function vaultTables(v: Vault): Promise<string[]> {
  const tables = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE 'vault\\_%' ORDER BY 1`, [
    v.model.schemas.rawVault,
  ]);
  return tables.rows.map((t) => t.name);
}

/** A landing row: its columns' values in the table's order, and what tells it from another row (-0 is not 0). */
interface LandingRow {
  readonly values: ReadonlyArray<string | number | null>;
  readonly key: string;
}
const ORDER_COLUMNS = ['order_id', 'customer_id', 'amount', 'note', 'score', 'seq'];
const PAYMENT_COLUMNS = ['payment_id', 'customer_id', 'paid', 'seq'];
const orderRow = (o: Order): LandingRow => {
  const values = [o.order_id, o.customer_id, o.amount, o.note, Object.is(o.score, -0) ? '-0' : String(o.score), o.seq];
  return { values, key: JSON.stringify(values) };
};
const paymentRow = (p: Payment): LandingRow => {
  const values = [p.payment_id, p.customer_id, p.paid, p.seq];
  return { values, key: JSON.stringify(values) };
};

/** Each vault's landing rows as delivered: table to its rows, with their addresses (partition and row). */
const landed = new WeakMap<Vault, Map<string, Array<{ readonly key: string; readonly part: string; readonly ctid: string }>>>();

/** Replaces landing table `table`'s rows by `next`, as `delivery` says. */
async function deliverTable(v: Vault, table: string, columns: ReadonlyArray<string>, next: ReadonlyArray<LandingRow>, delivery: Delivery): Promise<void> {
  const t = `"${v.model.schemas.landing}"."${table}"`;
  const cols = columns.map((c) => `"${c}"`).join(', ');
  const values = columns.map((c, i) => (c === 'score' ? `CAST($${i + 1} AS double precision)` : `$${i + 1}`)).join(', ');
  const tables = landed.get(v) ?? new Map<string, Array<{ key: string; part: string; ctid: string }>>();
  landed.set(v, tables);
  const now = delivery === 'in place' ? [...(tables.get(table) ?? [])] : [];
  if (delivery === 'truncate') await db.query(`TRUNCATE ${t}`);
  if (delivery === 'replace') await db.query(`DELETE FROM ${t}`);
  const kept: Array<{ key: string; part: string; ctid: string }> = [];
  const added: LandingRow[] = [];
  for (const r of next) {
    const i = now.findIndex((x) => x.key === r.key);
    if (i < 0) added.push(r);
    else kept.push(...now.splice(i, 1));
  }
  for (const r of added) {
    // In place, a row that left makes room for one that came: an update, a new version of the row.
    const old = now.shift();
    const n = columns.length;
    const returning = `RETURNING CAST(CAST(tableoid AS oid) AS text) AS part, CAST(ctid AS text) AS ctid`;
    const sql =
      old === undefined
        ? `INSERT INTO ${t} (${cols}) VALUES (${values}) ${returning}`
        : `UPDATE ${t} SET (${cols}) = ROW(${values}) WHERE tableoid = CAST($${n + 1} AS oid) AND ctid = CAST($${n + 2} AS tid) ${returning}`;
    const res = await db.query<{ part: string; ctid: string }>(sql, old === undefined ? r.values : [...r.values, old.part, old.ctid]);
    expect(res.rows).toHaveLength(1);
    kept.push({ key: r.key, part: res.rows[0]!.part, ctid: res.rows[0]!.ctid });
  }
  for (const gone of now) expect((await db.query(`DELETE FROM ${t} WHERE tableoid = CAST($1 AS oid) AND ctid = CAST($2 AS tid)`, [gone.part, gone.ctid])).rowCount).toBe(1);
  tables.set(table, kept);
}

async function deliver(v: Vault, b: Batch): Promise<void> {
  if (b.truncate !== undefined) {
    const tables = await vaultTables(v);
    await db.query(`TRUNCATE "${v.model.schemas.rawVault}"."${tables[b.truncate % tables.length]}"`);
  }
  await deliverTable(v, 'orders', ORDER_COLUMNS, b.orders.map(orderRow), b.delivery);
  await deliverTable(v, 'payments', PAYMENT_COLUMNS, b.payments.map(paymentRow), b.delivery);
}

/** The rows table of each landing table: its relation and the token of its set, or undefined. */
async function sets(v: Vault): Promise<string[]> {
  const raw = v.model.schemas.rawVault;
  return Promise.all(
    ['orders', 'payments'].map(async (t) => {
      const r = await db.query<{ oid: string | null; token: string | null }>(
        `SELECT CAST(to_regclass($1) AS oid)::text AS oid, (SELECT landing_rows FROM "${raw}"."vault_loads" WHERE entity_table = $2) AS token`,
        [`"${raw}"."vault_rows_${t}"`, `${raw}.vault_rows_${t}`],
      );
      return `${r.rows[0]?.oid ?? ''} ${r.rows[0]?.token ?? ''}`;
    }),
  );
}

/** Loads the landing zone as `vault run` does; the lines it printed. */
async function load(v: Vault, loadTs: string, skipUnchanged: boolean): Promise<string[]> {
  const lines: string[] = [];
  const summary = await loadEntities(db, v.plan, { loadTs, skipUnchanged, jobs: 1 }, silent(lines));
  expect(summary, lines.join('\n')).toBeDefined();
  // No note that the changed rows could not be found or recorded.
  expect(lines.filter((l) => l.startsWith('vault:'))).toEqual([]);
  return lines;
}

/** Every raw vault table but vault's own (ledger, rows and changes tables), as sorted row texts. */
async function rawVault(v: Vault): Promise<Map<string, string[]>> {
  const schema = v.model.schemas.rawVault;
  const out = new Map<string, string[]>();
  for (const name of await vaultTables(v)) {
    const rows = await db.query<{ r: string }>(`SELECT CAST(t AS text) AS r FROM "${schema}"."${name}" AS t`);
    out.set(name, rows.rows.map((x) => x.r).sort());
  }
  return out;
}

/**
 * Delivers `history` batch by batch to a vault loading changed rows (its orders landing table
 * partitioned or not) and to one loading every row, and compares their raw vaults after each
 * batch; `loaded` sees the lines of each changed-rows run and the sets before and after it.
 */
async function againstReference(history: ReadonlyArray<Batch>, partitioned: boolean, loaded: (lines: string[], before: string[], after: string[]) => void): Promise<void> {
  const tag = String(n++);
  const tested = await createVault(`t${tag}`, partitioned);
  const reference = await createVault(`r${tag}`);
  try {
    const relkind = (await db.query(`SELECT relkind FROM pg_class WHERE oid = to_regclass($1)`, [`"${tested.model.schemas.landing}"."orders"`])).rows;
    expect(relkind).toEqual([{ relkind: partitioned ? 'p' : 'r' }]);
    for (const [i, b] of history.entries()) {
      const loadTs = `2024-0${Math.floor(i / 28) + 1}-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`;
      await deliver(tested, b);
      await deliver(reference, b);
      const before = await sets(tested);
      const lines = await load(tested, loadTs, !b.forced);
      loaded(lines, before, await sets(tested));
      await load(reference, loadTs, false);
      expect(await rawVault(tested), `after batch ${i + 1} of ${history.length}`).toEqual(await rawVault(reference));
    }
  } finally {
    await dropVault(tested);
    await dropVault(reference);
  }
}

describe(`changed rows only, on ${ON}`, () => {
  it('the loads that can read only changed rows are the hubs, links, satellites with a delta order and effectivity satellites', () => {
    const plan = databasePlan(vaultModel('kinds'));
    const changed = plan.loads.filter((l) => l.changes !== undefined).map((l) => `${l.kind} ${l.entity}`);
    expect(changed.sort()).toEqual(
      [
        'hub customer',
        'hub order',
        'hub payment',
        'link order_customer',
        'link payment_customer',
        'satellite orders',
        'satellite payments',
        'effectivity_satellite order_customer',
        'effectivity_satellite payment_customer',
      ].sort(),
    );
    expect(plan.landingChanges.map((c) => c.source)).toEqual(['orders', 'payments']);
  });

  // ~20 s each when the machine is quiet; a property cut off by the timeout would go on using the
  // file's one session under the next test, so the budget is generous.
  test.prop([historyArb], { numRuns: SERVER_URL === undefined ? 8 : 30 })(
    'gives the vault that loading every row gives, batch after batch',
    (history) =>
      againstReference(history, false, (lines, before, after) => {
        changedRowLoads += lines.filter((l) => l.endsWith(`  ${CHANGED_ROWS_ONLY}`)).length;
        setsInPlace += after.filter((x, j) => x !== before[j] && x.split(' ')[0] === before[j]!.split(' ')[0]).length;
      }),
    300_000,
  );

  // Found by the property above: a register emptied while the landing rows stayed the same. The
  // satellite's load is not skipped as unchanged (its register's storage is in its signature).
  it('loads a satellite again whose register was emptied while its landing table stayed the same', async () => {
    const payments: Payment[] = [
      { payment_id: 3, customer_id: null, paid: '5.00', seq: 1 },
      { payment_id: 3, customer_id: null, paid: '5.00', seq: 2 },
    ];
    const names = await createVault('names');
    const register = await vaultTables(names)
      .then((tables) => tables.indexOf('seen_sat_payments'))
      .finally(() => dropVault(names));
    expect(register).toBeGreaterThanOrEqual(0);
    await againstReference(
      [
        { orders: [], payments, forced: false, delivery: 'replace' },
        { orders: [], payments, forced: false, delivery: 'in place', truncate: register },
        { orders: [], payments, forced: true, delivery: 'replace' },
      ],
      false,
      () => undefined,
    );
  }, 120_000);

  // A partitioned landing table: its partitions' storage is not followed, so every batch is hashed whole.
  test.prop([historyArb], { numRuns: SERVER_URL === undefined ? 2 : 6 })(
    'gives the vault that loading every row gives from a partitioned landing table',
    (history) =>
      againstReference(history, true, (_lines, before, after) => {
        // The orders' set is never taken in place (a new relation each time it is replaced).
        expect(after[0]!.split(' ')[0] === before[0]!.split(' ')[0] && after[0] !== before[0]).toBe(false);
      }),
    300_000,
  );

  it('took the changed rows path in those runs, hashing only new row versions in some', () => {
    expect(changedRowLoads).toBeGreaterThan(0);
    expect(setsInPlace).toBeGreaterThan(0);
  });
});
