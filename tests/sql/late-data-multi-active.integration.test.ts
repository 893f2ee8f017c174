/**
 * Late and out-of-order sets in a multi-active satellite with a delta order (docs/sql.md,
 * "Multi-active satellites"): a set is compared with its true neighbours in delta order — the
 * batch's sets, the stored ones and the registered ones — so three set versions of one key,
 * delivered as separate batches in every order and split into two batches every way, give the
 * true history of sets (every set delivered, in change order, consecutive equal sets once), the
 * true current set, and the sets the load model keeps; a rerun adds nothing. Then the property:
 * random sets in random batches, delivered in random order, with reruns.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { createHash } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, landingTables, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { deliverInOrder, lateDataModel, scenarioTests, scenarios } from './late-data-model.js';
import { referenceHash } from './reference-hash.js';

const db = fileDatabase();

const ON = process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite';

/** Items and their prices by kind (a set per item and day), CDC rows ordered by `day`. */
const SPEC: Spec = {
  version: 1,
  model: 'late_sets',
  tables: {
    items: { business_key: ['item'], columns: { item: { type: 'text', nullable: false }, label: 'text' } },
    item_prices: {
      primary_key: ['item', 'kind'],
      multi_active_key: ['kind'],
      columns: { item: { type: 'text', nullable: false }, kind: { type: 'text', nullable: false }, price: 'text', day: 'int' },
      delta_order: 'day',
    },
  },
};

/** The sets the tests deliver, by name: kind → price. */
const SETS: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  A: { list: '10', sale: '8' },
  B: { list: '10' },
  C: { list: null, sale: '7' },
  D: { list: '12', sale: '8', staff: '5' },
};

/** One set of one item: its name in SETS and its delta-order value. */
interface Version {
  readonly set: string;
  readonly day: number | null;
}
const v = (set: string, day: number | null): Version => ({ set, day });

interface Row {
  readonly item: string;
  readonly kind: string;
  readonly price: string | null;
  readonly day: number | null;
}
const rowsOfSet = (item: string, x: Version): Row[] => Object.entries(SETS[x.set]!).map(([kind, price]) => ({ item, kind, price, day: x.day }));

const ZERO = '0'.repeat(32);
const hk = (item: string): string => referenceHash('md5', [item], false);
/** The set hashdiff (docs/sql.md): the digest of its rows' hashdiffs (kind, price in name order) in code-point order, joined by `||`. */
const setHd = (set: string): string =>
  createHash('md5')
    .update(
      Object.entries(SETS[set]!)
        .map(([kind, price]) => referenceHash('md5', [kind, price], true))
        .sort()
        .join('||'),
      'utf8',
    )
    .digest('hex');
const late = lateDataModel<Version>((x) => setHd(x.set));
const { truth } = late;
const setOfText = new Map(Object.entries(SETS).map(([name, rows]) => [setText(Object.entries(rows).map(([kind, price]) => ({ kind, price }))), name]));

/** A set as text: its rows `kind=price` in kind order. */
function setText(rows: ReadonlyArray<{ readonly kind: string; readonly price: string | null }>): string {
  return [...rows]
    .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))
    .map((r) => `${r.kind}=${r.price ?? 'NULL'}`)
    .join(',');
}

interface Setup {
  readonly model: VaultModel;
  readonly table: string;
  readonly history: string | undefined;
  readonly register: string | undefined;
  readonly current: string;
}

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');

async function setUp(): Promise<Setup> {
  const { model: compiled, diagnostics } = compileSpec(SPEC);
  if (compiled === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const model: VaultModel = db.inNewSchemas(compiled, 'lma');
  for (const st of sqlPlan(model).setup) await db.query(st.sql);
  const block = sqlManifestBlock(
    model.byKind.multi_active_satellite.find((s) => s.name === 'item_prices')!,
    model,
  );
  return {
    model,
    table: relation(block.table),
    history: block.history === undefined ? undefined : relation(block.history),
    register: block.register === undefined ? undefined : relation(block.register),
    current: relation(block.current_view!),
  };
}

/** Lands one batch and runs every load, each in a transaction, under load timestamp `ts`. */
async function deliver(s: Setup, rows: ReadonlyArray<Row>, ts: string): Promise<void> {
  const landing = landingTables(s.model).find((t) => t.source === 'item_prices')!.sql;
  await db.query(`DELETE FROM ${landing}`);
  for (const x of rows) await db.query(`INSERT INTO ${landing} (item, kind, price, day) VALUES ($1, $2, $3, $4)`, [x.item, x.kind, x.price, x.day]);
  for (const l of sqlPlan(s.model).loads) {
    await db.query('BEGIN');
    for (const st of l.statements) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
    await db.query('COMMIT');
  }
}

/** Batch b's load timestamp: a day apart. */
const day = (b: number): string => new Date(Date.UTC(2024, 0, 1 + b)).toISOString();

/** The sets of `from` per item, as versions in change order (delta order NULLS LAST, set hashdiff); each set's rows must be one of SETS. */
async function setsOf(s: Setup, from: string, items: ReadonlyArray<string>): Promise<Map<string, Version[]>> {
  const item = new Map(items.map((i) => [hk(i), i]));
  const { rows } = await db.query<{ k: string; ts: string; kind: string; price: string | null; day: number | null }>(
    `SELECT item_hk AS k, CAST(load_ts AS text) AS ts, kind, price, delta_order AS day FROM ${from} WHERE hashdiff <> '${ZERO}' ORDER BY delta_order NULLS LAST, hashdiff, load_ts, kind`,
  );
  const sets = new Map<string, { k: string; day: number | null; rows: Array<{ kind: string; price: string | null }> }>();
  for (const r of rows) {
    const at = `${r.k}|${r.ts}`;
    if (!sets.has(at)) sets.set(at, { k: r.k, day: r.day, rows: [] });
    sets.get(at)!.rows.push(r);
  }
  const out = new Map<string, Version[]>(items.map((i) => [i, []]));
  for (const x of sets.values()) out.get(item.get(x.k)!)?.push(v(setOfText.get(setText(x.rows)) ?? `? ${setText(x.rows)}`, x.day));
  return out;
}

/**
 * The sets of the current view per item, by name: one per item. Its delta_order may be that of a
 * stored set a late set made redundant, which has the rows of the change before it.
 */
async function currentSets(s: Setup, items: ReadonlyArray<string>): Promise<Map<string, string[]>> {
  return new Map([...(await setsOf(s, s.current, items))].map(([item, sets]) => [item, sets.map((x) => x.set)]));
}

async function count(s: Setup): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${s.table} WHERE hashdiff <> '${ZERO}'`)).rows[0]!.n);
}

const record = <T>(m: Map<string, T>): Record<string, T> => Object.fromEntries(m);

// ------------------------------------------------------------------------------------------
// Every order of three set versions

/** Sets of versions 1, 2, 3 (day 1, 2, 3). */
const PATTERNS = ['ABC', 'ABA', 'AAB', 'ABB', 'AAA', 'CDC', 'DCC'] as const;

const SCENARIOS = scenarios(PATTERNS, v);

/** The scenarios' k-th batches together: each item is a key of its own, so one landing batch carries them all. */
const step = (k: number): Row[] => SCENARIOS.flatMap((s) => (s.batches[k] ?? []).flatMap((x) => rowsOfSet(s.item, x)));
const STEPS = [0, 1, 2].map(step);

describe(`every late-data order of three set versions, a multi-active satellite (${ON})`, () => {
  const setUpOnce = scenarioTests(late, {
    noun: 'set',
    scenarios: SCENARIOS,
    steps: STEPS,
    setUp,
    tearDown: (s) => dropSchemas(db, s.model),
    deliver: (s, rows, b) => deliver(s, rows, day(b)),
    count,
    stored: (s, items) => setsOf(s, s.table, items),
    history: (s, items) => {
      expect(s.history, 'the manifest names a history view').toBeDefined();
      return setsOf(s, s.history!, items);
    },
    current: currentSets,
    currentOf: (last) => [last.set],
  });

  it('registers one row per set given and not kept', async () => {
    const s = setUpOnce();
    expect(s.register, 'the manifest names a register').toBeDefined();
    const expected = SCENARIOS.reduce((n, x) => n + late.loadAll(x.batches).register.length, 0);
    expect(Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${s.register!}`)).rows[0]!.n)).toBe(expected);
  });
});

describe(`the defect of the old multi-active load (${ON})`, () => {
  it('stored A (day 1), a skipped A (day 3); a late B (day 2) brings A (day 3) back, and the current set is A', async () => {
    const s = await setUp();
    try {
      await deliver(s, [...rowsOfSet('K', v('A', 1)), ...rowsOfSet('K', v('A', 3))], day(0));
      await deliver(s, rowsOfSet('K', v('B', 2)), day(1));
      expect((await setsOf(s, s.table, ['K'])).get('K')).toEqual([v('A', 1), v('B', 2), v('A', 3)]);
      expect((await currentSets(s, ['K'])).get('K')).toEqual(['A']);
    } finally {
      await dropSchemas(db, s.model);
    }
  });
});

// ------------------------------------------------------------------------------------------
// The property: random sets, in random batches delivered in random order, with reruns

/** Per item, its versions: one set per delta-order value (NULL included), each delivered in one or two of four batches. */
const versionsArb = fc.uniqueArray(
  fc.record({
    day: fc.option(fc.integer({ min: 1, max: 6 }), { freq: 6 }),
    set: fc.constantFrom(...Object.keys(SETS)),
    batches: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 6, selector: (x) => x.day },
);
const deliveryArb = fc
  .record({
    items: fc.record({ K1: versionsArb, K2: versionsArb }),
    order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
    rerun: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  })
  .map(({ items, order, rerun }) =>
    order.map((b, i) => ({
      versions: Object.entries(items).flatMap(([item, versions]) => versions.filter((x) => x.batches.includes(b)).map((x) => ({ item, version: v(x.set, x.day) }))),
      rerun: rerun[i]!,
    })),
  );

describe(`late and out-of-order sets in a multi-active satellite, property (${ON})`, () => {
  test.prop([deliveryArb], { numRuns: 25 })(
    'the table holds what the load model keeps; its history is the history of every set delivered, whatever the batches and their order; the current set is its last; a rerun adds nothing',
    async (batches) => {
      const s = await setUp();
      const items = ['K1', 'K2'];
      try {
        const rowsOf = (batch: (typeof batches)[number]): Row[] => batch.versions.flatMap((x) => rowsOfSet(x.item, x.version));
        const { loads: model, next } = await deliverInOrder(late, items, batches, {
          deliver: (batch, b) => deliver(s, rowsOf(batch), day(b)),
          count: () => count(s),
          versions: (batch, item) => batch.versions.filter((x) => x.item === item).map((x) => x.version),
        });
        let b = next;
        const all = (item: string): Version[] => batches.flatMap((x) => x.versions.filter((y) => y.item === item).map((y) => y.version));
        expect(record(await setsOf(s, s.table, items))).toEqual(Object.fromEntries(items.map((i) => [i, model.get(i)!.stored])));
        expect(record(new Map([...(await setsOf(s, s.table, items))].map(([i, sets]) => [i, truth(sets)])))).toEqual(Object.fromEntries(items.map((i) => [i, truth(all(i))])));
        expect(s.history, 'the manifest names a history view').toBeDefined();
        expect(record(await setsOf(s, s.history!, items))).toEqual(Object.fromEntries(items.map((i) => [i, truth(all(i))])));
        expect(record(await currentSets(s, items))).toEqual(
          Object.fromEntries(
            items.map((i) => [
              i,
              truth(all(i))
                .slice(-1)
                .map((x) => x.set),
            ]),
          ),
        );
        // Every batch again, in the order they came: nothing is added.
        const before = await count(s);
        for (const batch of batches) await deliver(s, rowsOf(batch), day(b++));
        expect(await count(s)).toBe(before);
      } finally {
        await dropSchemas(db, s.model);
      }
    },
    120_000,
  );
});
