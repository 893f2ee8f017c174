/**
 * Effectivity satellites against a real database (docs/sql.md, "Effectivity satellites"): a
 * signal's partner changes, changes back, ends (the reference is NULL) and restarts; the
 * effectivity satellite stores each start, its history view gives each relationship's
 * effective_from and effective_to, and the business link, the star's fact and its dimensions
 * offer only the relationship effective now. Multi-delta batches, reruns and late batches come
 * out as if every row had arrived at once, in delta order.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, entityTable, historyView, landingTables, postgresDialect, registerTable, sqlPlan, tableIdent } from '@vault/emitters/internal';
import { chosenStatements, dropSchemas, fileDatabase } from './database.js';

const db = fileDatabase();

/** Signals raised on partners; `partner` is the reference that changes over time. */
function spec(deltaOrder: boolean): Spec {
  return {
    version: 1,
    model: 'eff',
    tables: {
      partners: { business_key: ['partner'], columns: { partner: { type: 'text', nullable: false }, name: 'text' } },
      signals: {
        business_key: ['signal'],
        columns: { signal: { type: 'text', nullable: false }, partner: 'text', score: 'int', day: 'int' },
        ...(deltaOrder ? { delta_order: 'day' } : {}),
        references: [{ columns: ['partner'], table: 'partners' }],
      },
    },
    access_layer: { dimensional_models: { star: { fact: 'signal_partner', measures: ['score'] } } },
  };
}

interface Row {
  readonly signal: string;
  readonly partner: string | null;
  readonly day: number | null;
}
const r = (signal: string, partner: string | null, day: number | null = null): Row => ({ signal, partner, day });

interface Setup {
  readonly model: VaultModel;
  readonly eff: string;
  readonly hist: string;
  readonly register: string;
  readonly link: string;
  readonly blnk: string;
  readonly fact: string;
  readonly dimension: string;
}

async function setUp(deltaOrder = true): Promise<Setup> {
  const { model: compiled, diagnostics } = compileSpec(spec(deltaOrder));
  if (compiled === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const model: VaultModel = db.inNewSchemas(compiled, 'eff');
  for (const st of sqlPlan(model).setup) await db.query(st.sql);
  const ctx = { model, dialect: postgresDialect };
  const eff = { kind: 'effectivity_satellite', name: 'signal_partner' } as const;
  return {
    model,
    eff: tableIdent(entityTable(ctx, 'effectivity_satellite', 'signal_partner')),
    hist: tableIdent(historyView(ctx, eff)),
    register: tableIdent(registerTable(ctx, eff)),
    link: tableIdent(entityTable(ctx, 'link', 'signal_partner')),
    blnk: tableIdent(entityTable(ctx, 'business_link', 'signal_partner')),
    fact: tableIdent(entityTable(ctx, 'dimensional_model', 'star')),
    dimension: `"${model.schemas.accessLayer}"."dim_star_partner"`,
  };
}

/** Lands one batch of signals (score: the day) and runs every load under load timestamp `ts`. */
async function deliver(s: Setup, rows: ReadonlyArray<Row>, ts: string): Promise<void> {
  const landing = landingTables(s.model).find((t) => t.source === 'signals')!.sql;
  await db.query(`DELETE FROM ${landing}`);
  for (const x of rows) await db.query(`INSERT INTO ${landing} (signal, partner, score, day) VALUES ($1, $2, $3, $4)`, [x.signal, x.partner, x.day, x.day]);
  for (const l of sqlPlan(s.model).loads) for (const st of await chosenStatements(db.query, l)) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
}

/** Batch b's load timestamp: a day apart. */
const day = (b: number): string => new Date(Date.UTC(2024, 0, 1 + b)).toISOString();

interface Span {
  readonly partner: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly current: boolean;
}
const span = (partner: string, from: number | null, to: number | null, current = to === null): Span => ({ partner, from, to, current });

/** A signal's relationships from the history view, in order, with the partner each points at (delta order as the time axis). */
async function history(s: Setup, signal: string): Promise<Span[]> {
  const rows = await db.query<{ partner: string; from: number | null; to: number | null; current: boolean }>(
    `SELECT l.partner, h.effective_from AS "from", h.effective_to AS "to", h.is_current AS "current"
     FROM ${s.hist} AS h JOIN ${s.link} AS l ON l.signal_partner_hk = h.signal_partner_hk
     WHERE l.signal = $1 ORDER BY h.effective_from NULLS LAST, h.load_ts`,
    [signal],
  );
  return rows.rows.map((x) => span(x.partner, x.from, x.to, x.current));
}

/** The partners a signal's history view names, in order, and which is current (no delta order: load_ts is the axis). */
async function partners(s: Setup, signal: string): Promise<Array<readonly [string, boolean]>> {
  const rows = await db.query<{ partner: string; current: boolean }>(
    `SELECT l.partner, h.is_current AS "current" FROM ${s.hist} AS h JOIN ${s.link} AS l ON l.signal_partner_hk = h.signal_partner_hk WHERE l.signal = $1 ORDER BY h.effective_from`,
    [signal],
  );
  return rows.rows.map((x) => [x.partner, x.current] as const);
}

/** The partners the business link offers for a signal. */
async function offered(s: Setup, signal: string): Promise<string[]> {
  return (await db.query<{ partner: string }>(`SELECT partner FROM ${s.blnk} WHERE signal = $1 ORDER BY partner`, [signal])).rows.map((x) => x.partner);
}

async function count(s: Setup, table: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
}

/** The star's fact rows, each with the partner its dimension key finds and how many dimension rows it joins. */
async function facts(s: Setup): Promise<Array<{ signal: string; partner: string | null; members: number }>> {
  const rows = await db.query<{ signal: string; partner: string | null; members: string }>(
    `SELECT b.signal, (SELECT min(d.partner) FROM ${s.dimension} AS d WHERE d.partner_hk = f.partner_hk) AS partner,
            (SELECT count(*) FROM ${s.dimension} AS d WHERE d.partner_hk = f.partner_hk) AS members
     FROM ${s.fact} AS f JOIN "${s.model.schemas.businessVault}"."bhub_signal" AS b ON b.signal_hk = f.signal_hk ORDER BY b.signal`,
  );
  return rows.rows.map((x) => ({ signal: x.signal, partner: x.partner, members: Number(x.members) }));
}

describe('the effectivity satellite of a link with a driving key', () => {
  it('is inferred for a link driven by a hub table, loaded after its link, and switched off by effectivity: false', () => {
    const { model } = compileSpec(spec(true));
    const eff = model!.byKind.effectivity_satellite;
    expect(eff.map((e) => [e.name, e.parent, e.drivingKey, e.deltaOrder])).toEqual([['signal_partner', 'signal_partner', ['signal_hk'], 'day']]);
    expect(eff[0]!.evidence.map((e) => e.rule)).toEqual(['link.effectivity']);
    const off = spec(false);
    const { model: without } = compileSpec({ ...off, tables: { ...off.tables, signals: { ...off.tables.signals!, effectivity: false } } });
    expect(without!.byKind.effectivity_satellite).toEqual([]);
    expect(without!.byKind.link.map((l) => l.name)).toEqual(['signal_partner']);
  });
});

describe(`effectivity satellites (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  it('a relationship that changes and changes back (A, B, A) has three spans; the business link and the fact offer the last only', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('S', 'A', 1)], day(0));
      await deliver(s, [r('S', 'B', 2)], day(1));
      await deliver(s, [r('S', 'A', 3)], day(2));
      expect(await history(s, 'S')).toEqual([span('A', 1, 2), span('B', 2, 3), span('A', 3, null)]);
      expect(await offered(s, 'S')).toEqual(['A']);
      expect(await facts(s)).toEqual([{ signal: 'S', partner: 'A', members: 1 }]);
      expect(await count(s, s.eff)).toBe(3);
      // Reruns, with any load timestamp, add nothing.
      await deliver(s, [r('S', 'A', 3)], day(3));
      await deliver(s, [r('S', 'B', 2)], day(4));
      expect(await count(s, s.eff)).toBe(3);
      expect(await history(s, 'S')).toEqual([span('A', 1, 2), span('B', 2, 3), span('A', 3, null)]);
    } finally {
      await dropSchemas(db, s.model);
    }
  });

  it('a reference that becomes NULL ends the relationship: nothing is effective, no fact row; a new reference restarts it', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('S', 'A', 1), r('T', 'A', 1)], day(0));
      await deliver(s, [r('S', null, 2)], day(1));
      expect(await history(s, 'S')).toEqual([span('A', 1, 2, false)]);
      expect(await offered(s, 'S')).toEqual([]);
      expect(await facts(s)).toEqual([{ signal: 'T', partner: 'A', members: 1 }]);
      await deliver(s, [r('S', 'B', 3)], day(2));
      expect(await history(s, 'S')).toEqual([span('A', 1, 2, false), span('B', 3, null)]);
      expect(await offered(s, 'S')).toEqual(['B']);
      expect(await facts(s)).toEqual([
        { signal: 'S', partner: 'B', members: 1 },
        { signal: 'T', partner: 'A', members: 1 },
      ]);
    } finally {
      await dropSchemas(db, s.model);
    }
  });

  it('a multi-delta batch stores each start in delta order; repeated rows and unchanged rows are one', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('S', 'A', 3), r('S', 'A', 1), r('S', 'B', 2), r('S', 'A', 3), r('S', 'A', 4), r('S', null, 5), r('S', 'C', 6)], day(0));
      expect(await history(s, 'S')).toEqual([span('A', 1, 2), span('B', 2, 3), span('A', 3, 5, false), span('C', 6, null)]);
      expect(await count(s, s.eff)).toBe(5);
      expect(await offered(s, 'S')).toEqual(['C']);
    } finally {
      await dropSchemas(db, s.model);
    }
  });

  it('a late batch puts its starts in place: a late change splits a span, a late equal row is registered and makes no span', async () => {
    const s = await setUp();
    try {
      await deliver(s, [r('S', 'A', 10), r('S', 'C', 30)], day(0));
      await deliver(s, [r('S', 'B', 20), r('S', 'A', 5), r('S', 'A', 7)], day(1));
      expect(await history(s, 'S')).toEqual([span('A', 5, 20), span('B', 20, 30), span('C', 30, null)]);
      // A at 7 follows A at 5: no start, registered.
      expect(await count(s, s.register)).toBe(1);
      // The stored A at 10 is no start any more: it stays in the table, the history reads past it.
      expect(await count(s, s.eff)).toBe(4);
      expect(await offered(s, 'S')).toEqual(['C']);
      await deliver(s, [r('S', 'B', 20), r('S', 'A', 5), r('S', 'A', 7)], day(2));
      expect(await count(s, s.eff)).toBe(4);
      expect(await count(s, s.register)).toBe(1);
      // A later row between A at 5 and the registered A at 7 makes it a start again.
      await deliver(s, [r('S', 'B', 6)], day(3));
      expect(await history(s, 'S')).toEqual([span('A', 5, 6), span('B', 6, 7), span('A', 7, 20), span('B', 20, 30), span('C', 30, null)]);
    } finally {
      await dropSchemas(db, s.model);
    }
  });

  it('without a delta order, each load is one change per signal, in load order: A, B, A, end, B', async () => {
    const s = await setUp(false);
    try {
      for (const [i, p] of (['A', 'B', 'A', null, 'B'] as const).entries()) await deliver(s, [r('S', p)], day(i));
      expect(await partners(s, 'S')).toEqual([
        ['A', false],
        ['B', false],
        ['A', false],
        ['B', true],
      ]);
      await deliver(s, [r('S', 'B')], day(9));
      expect(await count(s, s.eff)).toBe(5);
      expect(await offered(s, 'S')).toEqual(['B']);
    } finally {
      await dropSchemas(db, s.model);
    }
  });
});

/** Partners as the truth knows them: the rows of each signal sorted by day, duplicates once, consecutive equal partners once; NULL ends. */
function truth(rows: ReadonlyArray<Row>, signal: string): Span[] {
  const byDay = new Map(rows.filter((x) => x.signal === signal).map((x) => [x.day, x.partner] as const));
  const days = [...byDay.keys()].sort((a, b) => a! - b!);
  const starts = days.map((d) => ({ day: d!, partner: byDay.get(d)! })).filter((x, i, all) => i === 0 || x.partner !== all[i - 1]!.partner);
  return starts.flatMap((x, i) => (x.partner === null ? [] : [span(x.partner, x.day, starts[i + 1]?.day ?? null)]));
}

describe(`effectivity satellites, whatever the arrival order (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  // Per signal, distinct days (a day's row may come twice, alike); batches in any order.
  const signalRows = (signal: string) =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 })
      .chain((days) => fc.tuple(...days.map((d) => fc.constantFrom<string | null>('A', 'B', null).map((p) => r(signal, p, d)))));
  const arrival = fc
    .tuple(signalRows('S'), signalRows('T'))
    .chain(([a, b]) => fc.tuple(fc.constant([...a, ...b]), fc.shuffledSubarray([...a, ...b, ...a.slice(0, 1)], { minLength: 0 }), fc.integer({ min: 1, max: 3 })))
    .chain(([rows, repeated, batches]) => fc.tuple(fc.constant(rows), fc.shuffledSubarray([...rows, ...repeated], { minLength: rows.length + repeated.length }), fc.constant(batches)));

  test.prop([arrival], { numRuns: 15 })('the history equals the truth; at most one effective relationship per signal; the fact has one row per effective signal', async ([rows, order, batches]) => {
    const s = await setUp();
    try {
      const size = Math.ceil(order.length / batches);
      for (let b = 0; b * size < order.length; b++) await deliver(s, order.slice(b * size, (b + 1) * size), day(b));
      for (const signal of ['S', 'T']) {
        const expected = truth(rows, signal);
        expect(await history(s, signal)).toEqual(expected);
        const current = expected.filter((x) => x.current).map((x) => x.partner);
        expect(await offered(s, signal)).toEqual(current);
      }
      const current = (await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${s.hist} WHERE is_current GROUP BY signal_hk HAVING count(*) > 1`)).rows;
      expect(current).toEqual([]);
      const expectedFacts = ['S', 'T'].flatMap((signal) =>
        truth(rows, signal)
          .filter((x) => x.current)
          .map((x) => ({ signal, partner: x.partner, members: 1 })),
      );
      expect(await facts(s)).toEqual(expectedFacts);
    } finally {
      await dropSchemas(db, s.model);
    }
  });
});

/** Holdings: an account at a branch (the driving key, two hubs) is held by one customer at a time. */
const HOLDINGS: Spec = {
  version: 1,
  model: 'eff2',
  tables: {
    accounts: { business_key: ['account'], columns: { account: { type: 'text', nullable: false }, kind: 'text' } },
    branches: { business_key: ['branch'], columns: { branch: { type: 'text', nullable: false }, city: 'text' } },
    customers: { business_key: ['customer'], columns: { customer: { type: 'text', nullable: false }, name: 'text' } },
    holdings: {
      kind: 'link',
      columns: { account: 'text', branch: 'text', customer: 'text', day: 'int' },
      references: [
        { columns: ['account'], table: 'accounts' },
        { columns: ['branch'], table: 'branches' },
        { columns: ['customer'], table: 'customers' },
      ],
      driving_key: ['account', 'branch'],
      delta_order: 'day',
    },
  },
};

describe(`a driving key of two hubs, declared on a link table (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  it('is the link driving key, gets an effectivity satellite keyed by both hash keys; VLT406 when it names no reference or every hub', () => {
    const { model } = compileSpec(HOLDINGS);
    const link = model!.byKind.link[0]!;
    expect(link.drivingKey).toEqual(['account_hk', 'branch_hk']);
    expect(link.evidence.map((e) => e.rule)).toContain('link.driving_key_declared');
    expect(model!.byKind.effectivity_satellite.map((e) => e.drivingKey)).toEqual([['account_hk', 'branch_hk']]);
    const holdings = HOLDINGS.tables.holdings!;
    for (const [driving, message] of [
      [['day'], "driving_key of table 'holdings' names 'day', which is no column of a reference to a hub"],
      [['account', 'branch', 'customer'], "driving_key of table 'holdings' names every hub of its link"],
    ] as const) {
      const { diagnostics } = compileSpec({ ...HOLDINGS, tables: { ...HOLDINGS.tables, holdings: { ...holdings, driving_key: driving } } });
      expect(diagnostics.find((d) => d.code === 'VLT406')?.message).toContain(message);
    }
  });

  it('keeps one history per account and branch: a customer change at one branch leaves the other alone', async () => {
    const { model: compiled } = compileSpec(HOLDINGS);
    const model: VaultModel = db.inNewSchemas(compiled!, 'eff');
    try {
      for (const st of sqlPlan(model).setup) await db.query(st.sql);
      const landing = landingTables(model).find((t) => t.source === 'holdings')!.sql;
      const deliver = async (rows: ReadonlyArray<readonly [string, string, string | null, number]>, ts: string): Promise<void> => {
        await db.query(`DELETE FROM ${landing}`);
        for (const x of rows) await db.query(`INSERT INTO ${landing} (account, branch, customer, day) VALUES ($1, $2, $3, $4)`, [...x]);
        for (const l of sqlPlan(model).loads) for (const st of await chosenStatements(db.query, l)) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
      };
      const ctx = { model, dialect: postgresDialect };
      const name = model.byKind.link[0]!.name;
      const hk = model.byKind.link[0]!.hashKey;
      const hist = tableIdent(historyView(ctx, { kind: 'effectivity_satellite', name }));
      const lnk = tableIdent(entityTable(ctx, 'link', name));
      const blnk = tableIdent(entityTable(ctx, 'business_link', name));
      const eff = tableIdent(entityTable(ctx, 'effectivity_satellite', name));
      const spans = async (): Promise<string[]> =>
        (
          await db.query<{ s: string }>(
            `SELECT l.account || '@' || l.branch || ':' || l.customer || ' ' || h.effective_from || '-' || COALESCE(CAST(h.effective_to AS text), 'now') AS s
             FROM ${hist} AS h JOIN ${lnk} AS l USING (${hk}) ORDER BY l.account, l.branch, h.effective_from`,
          )
        ).rows.map((x) => x.s);
      await deliver(
        [
          ['X', 'B1', 'ann', 1],
          ['X', 'B2', 'ann', 1],
        ],
        day(0),
      );
      await deliver(
        [
          ['X', 'B1', 'bob', 2],
          ['X', 'B2', 'ann', 3],
          ['X', 'B1', 'ann', 4],
        ],
        day(1),
      );
      expect(await spans()).toEqual(['X@B1:ann 1-2', 'X@B1:bob 2-4', 'X@B1:ann 4-now', 'X@B2:ann 1-now']);
      await deliver([['X', 'B2', null, 5]], day(2));
      expect(await spans()).toEqual(['X@B1:ann 1-2', 'X@B1:bob 2-4', 'X@B1:ann 4-now', 'X@B2:ann 1-5']);
      const offered = (await db.query<{ s: string }>(`SELECT account || '@' || branch || ':' || customer AS s FROM ${blnk} WHERE ${hk} <> '${'0'.repeat(32)}' ORDER BY 1`)).rows.map((x) => x.s);
      expect(offered).toEqual(['X@B1:ann']);
      // A rerun adds nothing.
      const before = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${eff}`);
      await deliver([['X', 'B2', null, 5]], day(3));
      const after = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${eff}`);
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    } finally {
      await dropSchemas(db, model);
    }
  });
});
