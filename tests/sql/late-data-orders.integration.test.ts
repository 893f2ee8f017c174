/**
 * Every order of late data, for each kind that keeps history by a delta order — a satellite and a
 * reference table (docs/sql.md, "Late and out-of-order rows", "Reference tables"): three versions
 * of one key, delivered as separate batches in every order and split into two batches every way,
 * give the true history (every row delivered, in change order, consecutive equal payloads once),
 * the true current value, and the rows the load model keeps; a rerun adds nothing. For the
 * reference table, random rows in random batches and orders as well (the property of
 * late-data.integration.test.ts).
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, landingTables, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { chosenStatements, dropSchemas, fileDatabase } from './database.js';
import { batchesArb, deliverInOrder, lateDataModel, scenarioTests, scenarios } from './late-data-model.js';
import { referenceHash } from './reference-hash.js';

const db = fileDatabase();

const ON = process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite';

/** Both read the same landing table: prices of items, CDC rows ordered by `day`. */
const columns = { item: { type: 'text', nullable: false }, price: 'text', day: 'int' } as const;

interface Kind {
  readonly label: string;
  readonly spec: Spec;
  /** The stored key of an item: the satellite's parent hash key, the reference table's code. */
  readonly key: (item: string) => string;
  readonly keyColumn: string;
  /** The table, its history view and its current rows (a view with the key column and `price`), quoted. */
  readonly relations: (model: VaultModel) => { readonly table: string; readonly history: string | undefined; readonly current: string };
}

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');

const SATELLITE: Kind = {
  label: 'a satellite',
  spec: {
    version: 1,
    model: 'late',
    tables: { items: { business_key: ['item'], columns, delta_order: 'day' } },
    business_vault: { rules: { item: { derive: { shout: 'UPPER(price)' } } } },
  },
  key: (item) => referenceHash('md5', [item], false),
  keyColumn: 'item_hk',
  relations: (model) => {
    const sql = sqlManifestBlock(
      model.byKind.satellite.find((s) => s.name === 'items')!,
      model,
    );
    const bsat = sqlManifestBlock(
      model.byKind.business_satellite.find((s) => s.name === 'item')!,
      model,
    );
    return { table: relation(sql.table), history: sql.history === undefined ? undefined : relation(sql.history), current: relation(bsat.table) };
  },
};

const REFERENCE_TABLE: Kind = {
  label: 'a reference table',
  spec: { version: 1, model: 'late', tables: { items: { kind: 'reference', business_key: ['item'], columns, delta_order: 'day' } } },
  key: (item) => item,
  keyColumn: 'item',
  relations: (model) => {
    const sql = sqlManifestBlock(
      model.byKind.reference_table.find((r) => r.name === 'item')!,
      model,
    );
    return { table: relation(sql.table), history: sql.history === undefined ? undefined : relation(sql.history), current: relation(sql.current_view!) };
  },
};

interface Row {
  readonly item: string;
  readonly price: string | null;
  readonly day: number | null;
}

interface Version {
  readonly price: string | null;
  readonly day: number | null;
}
const v = (price: string | null, day: number | null): Version => ({ price, day });

const ZERO = '0'.repeat(32);
const hd = (price: string | null): string => referenceHash('md5', [price], true);
const late = lateDataModel<Version>((x) => hd(x.price));
const { truth } = late;

interface Setup {
  readonly kind: Kind;
  readonly model: VaultModel;
  readonly table: string;
  readonly history: string | undefined;
  readonly current: string;
}

async function setUp(kind: Kind): Promise<Setup> {
  const { model: compiled, diagnostics } = compileSpec(kind.spec);
  if (compiled === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const model: VaultModel = db.inNewSchemas(compiled, 'order');
  for (const st of sqlPlan(model).setup) await db.query(st.sql);
  return { kind, model, ...kind.relations(model) };
}

/** Lands one batch and runs every load, each in a transaction, under load timestamp `ts`. */
async function deliver(s: Setup, rows: ReadonlyArray<Row>, ts: string): Promise<void> {
  const landing = landingTables(s.model).find((t) => t.source === 'items')!.sql;
  await db.query(`DELETE FROM ${landing}`);
  for (const x of rows) await db.query(`INSERT INTO ${landing} (item, price, day) VALUES ($1, $2, $3)`, [x.item, x.price, x.day]);
  for (const l of sqlPlan(s.model).loads) {
    await db.query('BEGIN');
    for (const st of await chosenStatements(db.query, l)) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
    await db.query('COMMIT');
  }
}

/** Batch b's load timestamp: a day apart. */
const day = (b: number): string => new Date(Date.UTC(2024, 0, 1 + b)).toISOString();

/** The rows of `from` per item, as (price, day) in change order (delta order NULLS LAST, hashdiff). */
async function rowsOf(s: Setup, from: string, items: ReadonlyArray<string>): Promise<Map<string, Version[]>> {
  const item = new Map(items.map((i) => [s.kind.key(i), i]));
  const { rows } = await db.query<{ k: string; price: string | null; day: number | null }>(
    `SELECT ${quoteIdent(s.kind.keyColumn)} AS k, price, delta_order AS day FROM ${from} WHERE hashdiff <> '${ZERO}' ORDER BY delta_order NULLS LAST, hashdiff`,
  );
  const out = new Map<string, Version[]>(items.map((i) => [i, []]));
  for (const r of rows) out.get(item.get(r.k)!)?.push(v(r.price, r.day));
  return out;
}

async function currentPrices(s: Setup, items: ReadonlyArray<string>): Promise<Map<string, string | null | undefined>> {
  const item = new Map(items.map((i) => [s.kind.key(i), i]));
  const { rows } = await db.query<{ k: string; price: string | null }>(`SELECT ${quoteIdent(s.kind.keyColumn)} AS k, price FROM ${s.current}`);
  const out = new Map<string, string | null | undefined>(items.map((i) => [i, undefined]));
  for (const r of rows) if (item.has(r.k)) out.set(item.get(r.k)!, r.price);
  return out;
}

async function count(s: Setup): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${s.table} WHERE hashdiff <> '${ZERO}'`)).rows[0]!.n);
}

// ------------------------------------------------------------------------------------------
// Every order of three versions

/** Payloads of versions 1, 2, 3 (day 1, 2, 3): `-` is NULL. */
const PATTERNS = ['ABC', 'ABA', 'AAB', 'ABB', 'AAA', 'A-A', '-A-'] as const;

const SCENARIOS = scenarios(PATTERNS, (p, day) => v(p === '-' ? null : p, day));

/** The scenarios' k-th batches together: each item is a key of its own, so one landing batch carries them all. */
const step = (k: number): Row[] => SCENARIOS.flatMap((s) => (s.batches[k] ?? []).map((x) => ({ item: s.item, ...x })));
const STEPS = [0, 1, 2].map(step);

const record = <T>(m: Map<string, T>): Record<string, T> => Object.fromEntries(m);

for (const kind of [SATELLITE, REFERENCE_TABLE]) {
  describe(`every late-data order of three versions, ${kind.label} (${ON})`, () => {
    scenarioTests(late, {
      noun: 'row',
      scenarios: SCENARIOS,
      steps: STEPS,
      setUp: () => setUp(kind),
      tearDown: (s) => dropSchemas(db, s.model),
      deliver: (s, rows, b) => deliver(s, rows, day(b)),
      count,
      stored: (s, items) => rowsOf(s, s.table, items),
      history: (s, items) => {
        expect(s.history, 'the manifest names a history view').toBeDefined();
        return rowsOf(s, s.history!, items);
      },
      current: currentPrices,
      currentOf: (last) => last.price,
    });
  });
}

describe('the defects of the old reference-table load (docs/sql.md, "Reference tables")', () => {
  it('stored A (day 1), C (day 3); a late batch B (day 2), B (day 4) gives A, B, C, B', async () => {
    const s = await setUp(REFERENCE_TABLE);
    try {
      await deliver(
        s,
        [
          { item: 'K', price: 'A', day: 1 },
          { item: 'K', price: 'C', day: 3 },
        ],
        day(0),
      );
      await deliver(
        s,
        [
          { item: 'K', price: 'B', day: 2 },
          { item: 'K', price: 'B', day: 4 },
        ],
        day(1),
      );
      expect((await rowsOf(s, s.table, ['K'])).get('K')).toEqual([v('A', 1), v('B', 2), v('C', 3), v('B', 4)]);
      expect((await currentPrices(s, ['K'])).get('K')).toBe('B');
    } finally {
      await dropSchemas(db, s.model);
    }
  });

  it('stored B (day 3); a late batch A (day 1), B (day 4) gives A, B only', async () => {
    const s = await setUp(REFERENCE_TABLE);
    try {
      await deliver(s, [{ item: 'K', price: 'B', day: 3 }], day(0));
      await deliver(
        s,
        [
          { item: 'K', price: 'A', day: 1 },
          { item: 'K', price: 'B', day: 4 },
        ],
        day(1),
      );
      expect((await rowsOf(s, s.table, ['K'])).get('K')).toEqual([v('A', 1), v('B', 3)]);
    } finally {
      await dropSchemas(db, s.model);
    }
  });
});

// ------------------------------------------------------------------------------------------
// The property, for a reference table: random rows, split into random batches delivered in random order, with reruns

const rowArb = fc.record({
  item: fc.constantFrom('K1', 'K2'),
  price: fc.constantFrom('A', 'B', null),
  day: fc.option(fc.integer({ min: 1, max: 6 }), { freq: 6 }),
});
const deliveryArb = batchesArb(rowArb);

describe(`late and out-of-order rows in a reference table, property (${ON})`, () => {
  test.prop([deliveryArb], { numRuns: 25 })(
    'the table holds what the load model keeps; its history is the history of every row delivered, whatever the batches and their order; a rerun adds nothing',
    async (batches) => {
      const s = await setUp(REFERENCE_TABLE);
      const items = ['K1', 'K2'];
      try {
        const { loads: model, next } = await deliverInOrder(late, items, batches, {
          deliver: (batch, b) => deliver(s, batch.rows, day(b)),
          count: () => count(s),
          versions: (batch, item) => batch.rows.filter((x) => x.item === item).map((x) => v(x.price, x.day)),
        });
        let b = next;
        const delivered = batches.flatMap((x) => x.rows);
        const all = (item: string): Version[] => delivered.filter((x) => x.item === item).map((x) => v(x.price, x.day));
        expect(record(await rowsOf(s, s.table, items))).toEqual(Object.fromEntries(items.map((i) => [i, model.get(i)!.stored])));
        expect(record(new Map([...(await rowsOf(s, s.table, items))].map(([i, rows]) => [i, truth(rows)])))).toEqual(Object.fromEntries(items.map((i) => [i, truth(all(i))])));
        expect(record(await currentPrices(s, items))).toEqual(Object.fromEntries(items.map((i) => [i, truth(all(i)).at(-1)?.price])));
        // Every batch again, in the order they came: nothing is added.
        const before = await count(s);
        for (const batch of batches) await deliver(s, batch.rows, day(b++));
        expect(await count(s)).toBe(before);
      } finally {
        await dropSchemas(db, s.model);
      }
    },
    120_000,
  );
});
