/**
 * The bulk form of a history's first load (docs/sql.md, "First loads: the bulk form";
 * sql/change-bulk.ts) against the general form (change-engine.ts): loaded into two sets of
 * schemas, the same first batch must give exactly the same rows, column by column — load_ts
 * with its microsecond offsets, hashdiffs, record source, delta order, payload — in every
 * satellite, link satellite, effectivity satellite, reference table, register and error table;
 * and again after a second batch, loaded in the form `vault run` chooses against the general
 * form. A scenario pins the documented numbering (+0, +1, … µs per key in change order) for both
 * forms.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type ColumnSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, EMPTY_COLUMN, entityTable, landingTables, postgresDialect, registerTable, sqlPlan, tableIdent, type SqlLoad } from '@vault/emitters/internal';
import { chosenStatements, dropSchemas, fileDatabase, type LandingBatch } from './database.js';

const db = fileDatabase();

/** How a variant's tables order their changes and handle duplicates. */
interface Variant {
  /** The type of the `day` column, the tables' delta order; `none`: no delta order (`day` is payload). */
  readonly delta: 'int' | 'text' | 'none';
  readonly duplicates: 'report' | 'error_table' | 'keep_last_by';
}

const VARIANTS: ReadonlyArray<Variant> = [
  { delta: 'int', duplicates: 'report' },
  { delta: 'text', duplicates: 'error_table' },
  { delta: 'int', duplicates: 'error_table' },
  { delta: 'none', duplicates: 'report' },
  { delta: 'none', duplicates: 'keep_last_by' },
];

/**
 * Partners (a hub with a satellite), signals that reference a partner (a satellite, a link and
 * its effectivity satellite), assignments of partners to signals (a link with a link satellite)
 * and a currency code list (a reference table).
 */
function spec(v: Variant): Spec {
  const day = v.delta === 'none' ? 'int' : v.delta;
  const ordered = v.delta === 'none' ? {} : { delta_order: 'day' };
  const duplicates = v.duplicates === 'keep_last_by' ? { duplicates: { keep_last_by: 'rev' } } : { duplicates: v.duplicates };
  const rev: Record<string, ColumnSpec> = v.duplicates === 'keep_last_by' ? { rev: { type: 'int', role: 'technical' } } : {};
  return {
    version: 1,
    model: 'bulk',
    record_source: "feed|o'bulk",
    tables: {
      partners: {
        business_key: ['partner'],
        columns: { partner: { type: 'text', nullable: false }, name: 'text', tier: 'int', day, ...rev },
        ...ordered,
        ...duplicates,
      },
      signals: {
        business_key: ['signal'],
        columns: { signal: { type: 'text', nullable: false }, partner: 'text', score: 'int', day, ...rev },
        ...ordered,
        ...duplicates,
        references: [{ columns: ['partner'], table: 'partners' }],
      },
      assignments: {
        primary_key: ['partner', 'signal'],
        columns: { partner: { type: 'text', nullable: true }, signal: { type: 'text', nullable: true }, hours: 'int', day, ...rev },
        ...ordered,
        ...duplicates,
        references: [
          { columns: ['partner'], table: 'partners' },
          { columns: ['signal'], table: 'signals' },
        ],
      },
      currencies: {
        columns: { currency_code: { type: 'char(3)', nullable: false }, currency_name: 'text', day },
        ...ordered,
      },
    },
  };
}

function compiled(v: Variant): VaultModel {
  const { model, diagnostics } = compileSpec(spec(v));
  if (model === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return model;
}

/** Sets up `model` in schemas of its own. */
async function setUp(model: VaultModel, tag: string): Promise<VaultModel> {
  const m = db.inNewSchemas(model, tag);
  for (const st of sqlPlan(m).setup) await db.query(st.sql);
  return m;
}

async function land(model: VaultModel, batch: LandingBatch): Promise<void> {
  for (const t of landingTables(model)) {
    await db.query(`DELETE FROM ${t.sql}`);
    for (const row of batch[t.source] ?? []) {
      const columns = Object.keys(row);
      await db.query(`INSERT INTO ${t.sql} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
    }
  }
}

type Form = 'bulk' | 'general' | 'chosen';

/**
 * Runs every load of `model` under `loadTs` as `vault run` does (its statements, then the
 * duplicates' route), in the form asked: `bulk` runs the bulk form of every load that has one,
 * after checking that its table is empty; `general` never does; `chosen` as `vault run` chooses.
 */
async function runLoads(model: VaultModel, loadTs: string, form: Form): Promise<void> {
  for (const l of sqlPlan(model).loads) {
    const statements = form === 'chosen' ? await chosenStatements(db.query, l) : form === 'general' || l.bulk === undefined ? l.statements : await bulkStatements(l);
    for (const st of statements) await db.query(st.sql, bindParameters(st, { load_ts: loadTs }));
    const route = l.duplicates?.route;
    if (route !== undefined) await db.query(route.sql, bindParameters(route, { load_ts: loadTs }));
  }
}

async function bulkStatements(l: SqlLoad): Promise<SqlLoad['statements']> {
  const empty = await db.query<Record<string, unknown>>(l.bulk!.empty.sql);
  expect(Number(empty.rows[0]?.[EMPTY_COLUMN]), `${l.kind} ${l.entity} is empty before its first load`).toBe(1);
  return l.bulk!.statements;
}

/**
 * Every row of every table the loads write (raw vault, business vault, access layer; not
 * landing), each as the JSON of all its columns (timestamps to the microsecond), sorted; by
 * table name.
 */
async function allRows(model: VaultModel): Promise<Record<string, string[]>> {
  const schemas = [model.schemas.rawVault, model.schemas.businessVault, model.schemas.accessLayer];
  const tables = await db.query<{ s: string; t: string }>(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY table_schema, table_name`,
    [schemas],
  );
  const out: Record<string, string[]> = {};
  for (const { s, t } of tables.rows) {
    const rows = await db.query<{ r: string }>(`SELECT CAST(row_to_json(x) AS text) AS r FROM "${s}"."${t}" AS x ORDER BY 1`);
    out[`${schemas.indexOf(s)}.${t}`] = rows.rows.map((x) => x.r);
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Random batches: few keys, so that a key has several changes, repeats, duplicates and ties

const TEXT_DAYS = ['1', '10', '9', 'a', 'B', 'b'];

function batchArb(v: Variant): fc.Arbitrary<LandingBatch> {
  const dayArb = fc.option<string | number>(v.delta === 'text' ? fc.constantFrom(...TEXT_DAYS) : fc.integer({ min: 1, max: 4 }), { nil: null, freq: 5 });
  const rev = v.duplicates === 'keep_last_by' ? { rev: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null, freq: 4 }) } : {};
  const partner = fc.constantFrom('P1', 'P2', 'p1 ');
  const signal = fc.constantFrom('S1', 'S2');
  const rows = <T>(row: fc.Arbitrary<T>): fc.Arbitrary<T[]> =>
    // Each row possibly delivered twice: a duplicate row is one row.
    fc.array(fc.tuple(row, fc.boolean()), { maxLength: 8 }).map((xs) => xs.flatMap(([x, twice]) => (twice ? [x, x] : [x])));
  return fc.record({
    partners: rows(fc.record({ partner, name: fc.constantFrom('A', 'B', 'a', null), tier: fc.constantFrom(1, 2, null), day: dayArb, ...rev })),
    signals: rows(fc.record({ signal, partner: fc.option(partner, { nil: null, freq: 4 }), score: fc.constantFrom(5, null), day: dayArb, ...rev })),
    assignments: rows(fc.record({ partner: fc.option(partner, { nil: null, freq: 4 }), signal: fc.option(signal, { nil: null, freq: 4 }), hours: fc.constantFrom(1, 8, null), day: dayArb, ...rev })),
    currencies: rows(fc.record({ currency_code: fc.constantFrom('EUR', 'USD'), currency_name: fc.constantFrom('Euro', 'euro', null), day: dayArb })),
  });
}

const caseArb = fc.constantFrom(...VARIANTS).chain((v) => fc.tuple(fc.constant(v), batchArb(v), batchArb(v)));

const FIRST = '2024-03-01T00:00:00Z';
const SECOND = '2024-03-02T00:00:00Z';

describe(`the bulk form of a first load (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  it('every kind of history the spec makes has a bulk form', () => {
    for (const v of VARIANTS) {
      const kinds = new Set(
        sqlPlan(compiled(v))
          // A bulk form of its own; a hub's or link's `bulk` runs its general statements (only its keys wait, docs/run.md).
          .loads.filter((l) => l.bulk !== undefined && l.bulk.statements.map((s) => s.sql).join(';') !== l.statements.map((s) => s.sql).join(';'))
          .map((l) => l.kind),
      );
      expect([...kinds].sort(), JSON.stringify(v)).toEqual(['effectivity_satellite', 'link_satellite', 'reference_table', 'satellite']);
    }
  });

  test.prop([caseArb], { numRuns: 30 })(
    'gives exactly the rows the general form gives, in every table and register, after the first batch and after a second',
    async ([v, first, second]) => {
      const model = compiled(v);
      const bulk = await setUp(model, 'b');
      const general = await setUp(model, 'g');
      try {
        await land(bulk, first);
        await runLoads(bulk, FIRST, 'bulk');
        await land(general, first);
        await runLoads(general, FIRST, 'general');
        const rows = await allRows(bulk);
        expect(rows).toEqual(await allRows(general));
        // The bulk form was tried: a table holds its ghost record and the batch's rows.
        expect(Object.keys(rows).length).toBeGreaterThan(8);
        // A second batch, as `vault run` chooses its form (the general one, but where the first
        // batch left a table empty) against the general form: the check must tell a loaded table,
        // and what the bulk form left (the register) must serve the general form alike.
        await land(bulk, second);
        await runLoads(bulk, SECOND, 'chosen');
        await land(general, second);
        await runLoads(general, SECOND, 'general');
        expect(await allRows(bulk)).toEqual(await allRows(general));
      } finally {
        await dropSchemas(db, bulk);
        await dropSchemas(db, general);
      }
    },
    300_000,
  );
});

// ------------------------------------------------------------------------------------------
// The documented numbering: a load's rows of one key at load_ts + 0, 1, 2, … µs in change order

describe(`load_ts of k changes of one key in one first batch (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  const v: Variant = { delta: 'int', duplicates: 'report' };
  const ts = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;
  const at = (us: number): string => `2024-03-01 00:00:00.${String(us).padStart(6, '0')}`;
  const partner = (p: string, name: string | null, day: number | null) => ({ partner: p, name, tier: 1, day });
  // P1 in change order: A1, B2, B2 (the same row twice), B3 (a repeat: registered), NULL day 4,
  // A5, A6 (a repeat), C and D on day 7 (a tie, ordered by hashdiff), then the NULL delta order last.
  const batch: LandingBatch = {
    partners: [
      partner('P1', 'B', 3),
      partner('P1', 'A', 6),
      partner('P1', 'B', 2),
      partner('P1', null, 4),
      partner('P1', 'A', 1),
      partner('P1', 'B', 2),
      partner('P1', 'D', 7),
      partner('P1', 'A', 5),
      partner('P1', 'C', 7),
      partner('P1', 'E', null),
      partner('P2', 'Z', 9),
    ],
    currencies: [
      { currency_code: 'EUR', currency_name: 'Euro', day: 2 },
      { currency_code: 'EUR', currency_name: 'euro', day: 1 },
      { currency_code: 'EUR', currency_name: 'Euro', day: 3 },
      { currency_code: 'EUR', currency_name: 'Euro', day: 2 },
      { currency_code: 'USD', currency_name: 'Dollar', day: 1 },
    ],
  };

  for (const form of ['bulk', 'general'] as const) {
    it(`${form} form: +0 … +(k − 1) µs per key in change order; the repeats go to the register at +0`, async () => {
      const model = await setUp(compiled(v), form);
      try {
        await land(model, batch);
        await runLoads(model, FIRST, form);
        const ctx = { model, dialect: postgresDialect };
        const sat = tableIdent(entityTable(ctx, 'satellite', 'partners'));
        const seen = tableIdent(registerTable(ctx, { kind: 'satellite', name: 'partners' }));
        const got = await db.query<{ p: string; name: string | null; day: number | null; ts: string }>(
          `SELECT p.partner AS p, s.name, s.delta_order AS day, ${ts('s.load_ts')} AS ts FROM ${sat} AS s JOIN ${tableIdent(entityTable(ctx, 'hub', 'partner'))} AS p ON p.partner_hk = s.partner_hk WHERE s.load_ts > '2000-01-01' ORDER BY p.partner, s.load_ts`,
        );
        // C and D tie on day 7: whichever has the smaller hashdiff comes first.
        const [c7, d7] = (await db.query<{ name: string }>(`SELECT name FROM ${sat} WHERE delta_order = 7 ORDER BY hashdiff`)).rows.map((x) => x.name);
        expect([c7, d7].sort()).toEqual(['C', 'D']);
        expect(got.rows).toEqual([
          { p: 'P1', name: 'A', day: 1, ts: at(0) },
          { p: 'P1', name: 'B', day: 2, ts: at(1) },
          { p: 'P1', name: null, day: 4, ts: at(2) },
          { p: 'P1', name: 'A', day: 5, ts: at(3) },
          { p: 'P1', name: c7, day: 7, ts: at(4) },
          { p: 'P1', name: d7, day: 7, ts: at(5) },
          { p: 'P1', name: 'E', day: null, ts: at(6) },
          { p: 'P2', name: 'Z', day: 9, ts: at(0) },
        ]);
        const registered = await db.query<{ day: number; ts: string }>(`SELECT delta_order AS day, ${ts('load_ts')} AS ts FROM ${seen} ORDER BY delta_order`);
        expect(registered.rows).toEqual([
          { day: 3, ts: at(0) },
          { day: 6, ts: at(0) },
        ]);
        // The reference table: EUR's euro (1), Euro (2) at +0, +1; Euro (3) repeats; USD at +0.
        const ref = tableIdent(entityTable(ctx, 'reference_table', 'currency'));
        const codes = await db.query<{ code: string; name: string; day: number; ts: string }>(
          `SELECT currency_code AS code, currency_name AS name, delta_order AS day, ${ts('load_ts')} AS ts FROM ${ref} WHERE load_ts > '2000-01-01' ORDER BY currency_code, load_ts`,
        );
        expect(codes.rows).toEqual([
          { code: 'EUR', name: 'euro', day: 1, ts: at(0) },
          { code: 'EUR', name: 'Euro', day: 2, ts: at(1) },
          { code: 'USD', name: 'Dollar', day: 1, ts: at(0) },
        ]);
      } finally {
        await dropSchemas(db, model);
      }
    });
  }
});
