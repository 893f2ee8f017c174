/**
 * Missing references against a real database (docs/hashing.md, "Missing keys"): a link row
 * with a missing reference is kept with the zero key in that hub's column and the NULL token in
 * the link hash; a row whose every hub key is missing is not loaded; a hub's own missing keys
 * are left out and counted. The expectations are computed per link from the model, so they hold
 * whether inference builds one link per table (today) or one link per relationship.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Link, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, entityTable, landingTables, postgresDialect, quoteIdent, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { referenceHash, referenceMissing, type HashValue } from './reference-hash.js';

const db = fileDatabase();

const ZERO = '0'.repeat(32);
const ref = (table: string, column: string) => ({ columns: [column], table });
const optional = { type: 'text', nullable: true } as const;

/** Orders with three optional references, and a key-less assignment table (a link with a link satellite). */
const SPEC: Spec = {
  version: 1,
  model: 'orders',
  hashing: { algorithm: 'md5', case_sensitive_keys: false, case_sensitive_hashdiff: true },
  tables: {
    customers: { business_key: ['customer_id'], columns: { customer_id: 'text', name: 'text' } },
    employees: { business_key: ['employee_id'], columns: { employee_id: 'text', name: 'text' } },
    shippers: { business_key: ['shipper_id'], columns: { shipper_id: 'text', name: 'text' } },
    orders: {
      business_key: ['order_id'],
      columns: { order_id: optional, customer_id: optional, employee_id: optional, shipper_id: optional, amount: 'int' },
      references: [ref('customers', 'customer_id'), ref('employees', 'employee_id'), ref('shippers', 'shipper_id')],
    },
    assignments: {
      columns: { employee_id: optional, shipper_id: optional, note: 'text' },
      references: [ref('employees', 'employee_id'), ref('shippers', 'shipper_id')],
    },
  },
};

// Type aliases, not interfaces: a landing row is read by column name (`Record<string, unknown>`).
type Order = {
  order_id: string | null;
  customer_id: string | null;
  employee_id: string | null;
  shipper_id: string | null;
  amount: number;
};
type Assignment = {
  employee_id: string | null;
  shipper_id: string | null;
  note: string;
};
interface Batch {
  orders: Order[];
  assignments: Assignment[];
}

const order = (order_id: string | null, customer_id: string | null, employee_id: string | null, shipper_id: string | null): Order => ({
  order_id,
  customer_id,
  employee_id,
  shipper_id,
  amount: 1,
});

const key = (values: ReadonlyArray<HashValue>): string => referenceHash('md5', values, false);

/** A link row as the tests compare them: its hash key and each hub's column, in hub order. */
interface LinkRow {
  readonly hk: string;
  readonly hubs: ReadonlyArray<string>;
}

/**
 * The link row a landing row must reach, or undefined when every hub key is missing. `row`
 * holds the landing columns by name; `columns` line up with the link's hubs' key columns.
 */
function expectedLinkRow(link: Link, columns: ReadonlyArray<string>, row: Readonly<Record<string, unknown>>): LinkRow | undefined {
  const values = columns.map((c) => row[c] as HashValue);
  let at = 0;
  const perHub = link.hubs.map((h) => values.slice(at, (at += h.businessKeys.length)));
  if (perHub.every((v) => referenceMissing(v))) return undefined;
  return { hk: key(values), hubs: perHub.map((v) => (referenceMissing(v) ? ZERO : key(v))) };
}

/** Every link row a batch must add, per link (a row of each source table, hashed per the standard). */
function expectedRows(model: VaultModel, batch: Batch): Map<string, ReadonlyArray<LinkRow | undefined>> {
  const tables: Record<string, ReadonlyArray<Readonly<Record<string, unknown>>>> = { orders: batch.orders, assignments: batch.assignments };
  return new Map(model.byKind.link.map((l) => [l.name, l.sources.flatMap((s) => (tables[s.table] ?? []).map((r) => expectedLinkRow(l, s.columns, r)))]));
}

interface Setup {
  readonly model: VaultModel;
  readonly table: (kind: 'hub' | 'link' | 'link_satellite', name: string) => string;
}

async function setUp(): Promise<Setup> {
  const { model: compiled } = compileSpec(SPEC);
  const model: VaultModel = db.inNewSchemas(compiled!, 'm');
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
    ['orders', batch.orders],
    ['assignments', batch.assignments],
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

/** Runs every load with load timestamp `ts`; the missing-key count of each hub that has one. */
async function load(s: Setup, ts: string): Promise<Map<string, number>> {
  const missing = new Map<string, number>();
  for (const l of sqlPlan(s.model).loads) {
    await db.query('BEGIN');
    for (const statement of l.statements) await db.query(statement.sql, bindParameters(statement, { load_ts: ts }));
    if (l.missingKeys !== undefined) missing.set(l.entity, Number((await db.query<{ n: string | number }>(l.missingKeys.sql)).rows[0]!.n));
    await db.query('COMMIT');
  }
  return missing;
}

async function linkRows(s: Setup, link: Link): Promise<LinkRow[]> {
  const hubs = link.hubs.map((h, i) => `${quoteIdent(h.hashKey)} AS h${i}`).join(', ');
  const rows = (await db.query<Record<string, string>>(`SELECT ${quoteIdent(link.hashKey)} AS hk, ${hubs} FROM ${s.table('link', link.name)} WHERE ${quoteIdent(link.hashKey)} <> '${ZERO}'`)).rows;
  return rows.map((r) => ({ hk: r.hk!, hubs: link.hubs.map((_, i) => r[`h${i}`]!) }));
}

const byHash = (rows: ReadonlyArray<LinkRow>): LinkRow[] => [...new Map(rows.map((r) => [r.hk, r])).values()].sort((a, b) => (a.hk < b.hk ? -1 : a.hk > b.hk ? 1 : 0));

/** Every raw vault table's row count, to see that a rerun adds nothing. */
async function counts(s: Setup): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const e of [...s.model.byKind.hub, ...s.model.byKind.link, ...s.model.byKind.satellite, ...s.model.byKind.link_satellite]) {
    const t = entityTable({ model: s.model, dialect: postgresDialect }, e.kind, e.name);
    out[`${e.kind} ${e.name}`] = Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`)).rows[0]!.n);
  }
  return out;
}

/**
 * What must hold after a batch: each link holds exactly the rows expected so far (`seen`), no
 * row with every hub missing; each landing row with a key reaches exactly one row of each link
 * of its table; link satellites hang off those rows; a rerun adds nothing.
 */
async function loadAndCheck(s: Setup, batch: Batch, b: number, seen: Map<string, LinkRow[]>): Promise<Map<string, number>> {
  await land(s, batch);
  const missing = await load(s, `2024-01-0${b + 1}T00:00:00Z`);
  for (const [name, rows] of expectedRows(s.model, batch)) seen.set(name, [...(seen.get(name) ?? []), ...rows.filter((r) => r !== undefined)]);
  for (const link of s.model.byKind.link) {
    const got = await linkRows(s, link);
    expect(byHash(got), `link ${link.name}`).toEqual(byHash(seen.get(link.name) ?? []));
    expect(got.filter((r) => r.hubs.every((h) => h === ZERO))).toEqual([]);
    for (const r of expectedRows(s.model, batch).get(link.name) ?? []) if (r !== undefined) expect(got.filter((g) => g.hk === r.hk)).toHaveLength(1);
  }
  for (const lsat of s.model.byKind.link_satellite) {
    const parent = s.model.byKind.link.find((l) => l.name === lsat.parent)!;
    const keys = (
      await db.query<{ hk: string }>(`SELECT DISTINCT ${quoteIdent(lsat.parentHashKey)} AS hk FROM ${s.table('link_satellite', lsat.name)} WHERE ${quoteIdent(lsat.parentHashKey)} <> '${ZERO}'`)
    ).rows;
    expect(keys.map((k) => k.hk).sort(), `link satellite ${lsat.name}`).toEqual(byHash(seen.get(parent.name) ?? []).map((r) => r.hk));
  }
  const before = await counts(s);
  await load(s, `2024-02-0${b + 1}T00:00:00Z`);
  expect(await counts(s), 'a rerun adds nothing').toEqual(before);
  return missing;
}

/** The links of `table` that hold `hub` (one wide link today, one per relationship later). */
function linksWith(model: VaultModel, table: string, hub: string): ReadonlyArray<Link> {
  return model.byKind.link.filter((l) => l.sources.some((s) => s.table === table) && l.hubs.some((h) => h.hub === hub));
}

describe(`missing references load into ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  it('keeps a row with a NULL reference under the zero key, records a reference set to or from NULL, and skips rows with nothing to relate', async () => {
    const s = await setUp();
    try {
      const seen = new Map<string, LinkRow[]>();
      // o2 has no customer and no shipper; o3's customer is blank; o4 and o5 have no order key.
      const first: Batch = {
        orders: [order('o1', 'c1', 'e1', 's1'), order('o2', null, 'e2', null), order('o3', '  ', null, null), order(null, 'c2', 'e1', null), order(null, null, null, null)],
        assignments: [
          { employee_id: 'e1', shipper_id: null, note: 'backup' },
          { employee_id: null, shipper_id: null, note: 'nobody' },
        ],
      };
      const missing = await loadAndCheck(s, first, 0, seen);
      expect(missing.get('order'), 'orders without an order key').toBe(2);
      expect(missing.get('customer'), 'only references carry nothing of their own here').toBe(0);
      // o2 keeps its employee: every link of orders that holds the employee has o2's row, with
      // the zero key where the customer would be.
      const employeeLinks = linksWith(s.model, 'orders', 'employee');
      expect(employeeLinks.length).toBeGreaterThan(0);
      for (const link of employeeLinks) {
        const got = await linkRows(s, link);
        const o2 = expectedLinkRow(link, link.sources[0]!.columns, first.orders[1]!)!;
        expect(got).toContainEqual(o2);
        expect(o2.hubs[link.hubs.findIndex((h) => h.hub === 'employee')]).toBe(key(['e2']));
        const customer = link.hubs.findIndex((h) => h.hub === 'customer');
        if (customer >= 0) expect(o2.hubs[customer]).toBe(ZERO);
      }
      // The assignment without a shipper is a link row and its link satellite row.
      const assignment = s.model.byKind.link.find((l) => l.sources.some((x) => x.table === 'assignments'))!;
      expect(await linkRows(s, assignment)).toEqual([{ hk: key(['e1', null]), hubs: [key(['e1']), ZERO] }]);

      // o1 loses its customer, o2 gains one: a new row each in the links holding the customer.
      const customerLinks = linksWith(s.model, 'orders', 'customer');
      const sizes = await Promise.all(customerLinks.map(async (l) => (await linkRows(s, l)).length));
      await loadAndCheck(s, { orders: [order('o1', null, 'e1', 's1'), order('o2', 'c2', 'e2', null)], assignments: [] }, 1, seen);
      for (const [i, l] of customerLinks.entries()) expect((await linkRows(s, l)).length, `link ${l.name}`).toBe(sizes[i]! + 2);
      // o1 gets its customer back: that row exists already.
      const after = await counts(s);
      await loadAndCheck(s, { orders: [order('o1', 'c1', 'e1', 's1')], assignments: [] }, 2, seen);
      expect(await counts(s)).toEqual(after);
    } finally {
      await tearDown(s);
    }
  });

  const value = (...xs: Array<string | null>) => fc.constantFrom(...xs);
  const orderArb: fc.Arbitrary<Order> = fc.record({
    order_id: value('o1', 'o2', 'O1', null, '', ' '),
    customer_id: value('c1', 'c2', null, '', '  '),
    employee_id: value('e1', 'e2', null, ''),
    shipper_id: value('s1', null),
    amount: fc.integer({ min: 0, max: 3 }),
  });
  const assignmentArb: fc.Arbitrary<Assignment> = fc.record({ employee_id: value('e1', null, ''), shipper_id: value('s1', 's2', null), note: value('a', 'b') as fc.Arbitrary<string> });
  const batchArb: fc.Arbitrary<Batch> = fc.record({ orders: fc.array(orderArb, { maxLength: 6 }), assignments: fc.array(assignmentArb, { maxLength: 4 }) });

  test.prop([fc.array(batchArb, { minLength: 1, maxLength: 3 })], { numRuns: 15 })(
    'every reference, present or missing, reaches exactly one row of each link of its table; reruns add nothing; no row has every hub missing',
    async (batches) => {
      const s = await setUp();
      try {
        const seen = new Map<string, LinkRow[]>();
        for (const [b, batch] of batches.entries()) {
          const missing = await loadAndCheck(s, batch, b, seen);
          expect(missing.get('order')).toBe(batch.orders.filter((o) => referenceMissing([o.order_id])).length);
        }
      } finally {
        await tearDown(s);
      }
    },
  );
});
