/**
 * Reference tables loaded into the database: a currency list keyed by its code, whose
 * descriptions change over batches. The table keeps every version (a new row only when the
 * code's latest row differs), reruns add nothing, and the orders carrying the code get its
 * current description through the business satellite and the presentation view, with NULL for
 * a code the list lacks. Runs on the PostgreSQL server of VAULT_TEST_DATABASE_URL, else PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, landingTables, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { chosenStatements, dropSchemas, fileDatabase } from './database.js';

const spec = (deltaOrder: boolean): Spec => ({
  version: 1,
  model: 'codes',
  tables: {
    currencies: {
      columns: { currency_code: { type: 'char(3)', nullable: false }, currency_name: 'text', ...(deltaOrder ? { seq: 'int' } : {}) },
      ...(deltaOrder ? { delta_order: 'seq' } : {}),
    },
    orders: { columns: { order_id: { type: 'int', nullable: false }, currency_code: 'char(3)', amount: 'int' } },
  },
});

interface Currency {
  readonly code: string;
  readonly name: string | null;
  readonly seq?: number;
}

const db = fileDatabase();

async function setUp(deltaOrder: boolean): Promise<VaultModel> {
  const { model: compiled, diagnostics } = compileSpec(spec(deltaOrder));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(compiled!.byKind.reference_table.map((r) => r.name)).toEqual(['currency']);
  const model: VaultModel = db.inNewSchemas(compiled!, 'r');
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  return model;
}

async function tearDown(model: VaultModel): Promise<void> {
  await dropSchemas(db, model);
}

const landing = (model: VaultModel, source: string): string => landingTables(model).find((t) => t.source === source)!.sql;

async function land(model: VaultModel, currencies: ReadonlyArray<Currency>, orders: ReadonlyArray<readonly [number, string | null]> = []): Promise<void> {
  await db.query(`DELETE FROM ${landing(model, 'currencies')}`);
  await db.query(`DELETE FROM ${landing(model, 'orders')}`);
  for (const c of currencies) {
    if (c.seq === undefined) await db.query(`INSERT INTO ${landing(model, 'currencies')} (currency_code, currency_name) VALUES ($1, $2)`, [c.code, c.name]);
    else await db.query(`INSERT INTO ${landing(model, 'currencies')} (currency_code, currency_name, seq) VALUES ($1, $2, $3)`, [c.code, c.name, c.seq]);
  }
  for (const [id, code] of orders) await db.query(`INSERT INTO ${landing(model, 'orders')} (order_id, currency_code, amount) VALUES ($1, $2, 10)`, [id, code]);
}

async function load(model: VaultModel, day: number): Promise<void> {
  for (const l of sqlPlan(model).loads) {
    await db.query('BEGIN');
    for (const s of await chosenStatements(db.query, l)) await db.query(s.sql, bindParameters(s, { load_ts: `2024-01-${String(day).padStart(2, '0')}T00:00:00Z` }));
    await db.query('COMMIT');
  }
}

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');
const referenceTable = (model: VaultModel): string => relation(sqlManifestBlock(model.byKind.reference_table[0]!, model).table);

/** The reference table's rows as `code|name|day`, in code and load order. */
async function history(model: VaultModel): Promise<string[]> {
  const { rows } = await db.query<{ r: string }>(
    `SELECT concat_ws('|', currency_code, coalesce(currency_name, 'NULL'), to_char(load_ts AT TIME ZONE 'UTC', 'DD')) AS r FROM ${referenceTable(model)} ORDER BY currency_code, load_ts`,
  );
  return rows.map((x) => x.r);
}

/** The presentation view of orders: `order|code|currency name`. */
async function orderView(model: VaultModel): Promise<string[]> {
  const pv = model.byKind.presentation_view.find((v) => v.name === 'order')!;
  const { rows } = await db.query<{ r: string }>(
    `SELECT concat_ws('|', order_id, coalesce(currency_code, 'NULL'), coalesce(currency_name, 'NULL')) AS r FROM ${relation(sqlManifestBlock(pv, model).table)} WHERE order_id > 0 ORDER BY order_id`,
  );
  return rows.map((x) => x.r);
}

describe('reference table currency', () => {
  it('keeps every version of each description, adds nothing on reruns, and joins the current one into the orders', async () => {
    const model = await setUp(false);
    try {
      // The business satellite of orders joins the list by its code.
      expect(model.byKind.business_satellite.find((s) => s.name === 'order')!.lookups).toEqual([
        { referenceTable: 'currency', codeColumns: ['currency_code'], columns: [{ name: 'currency_name', type: { kind: 'text' }, nullable: true, sourceColumn: 'currency_name' }] },
      ]);
      const orders = [
        [1, 'EUR'],
        [2, 'USD'],
        [3, 'XXX'],
        [4, null],
      ] as const;
      await land(
        model,
        [
          { code: 'EUR', name: 'Euro' },
          { code: 'USD', name: 'Dollar' },
          { code: 'JPY', name: null },
        ],
        orders,
      );
      await load(model, 1);
      await load(model, 1);
      await load(model, 2);
      expect(await history(model)).toEqual(['EUR|Euro|01', 'JPY|NULL|01', 'USD|Dollar|01']);
      // A code the list lacks (XXX) and a missing code keep their rows, with no description.
      expect(await orderView(model)).toEqual(['1|EUR|Euro', '2|USD|Dollar', '3|XXX|NULL', '4|NULL|NULL']);

      await land(
        model,
        [
          { code: 'EUR', name: 'Euro (EUR)' },
          { code: 'USD', name: 'Dollar' },
          { code: 'XXX', name: 'No currency' },
          { code: 'JPY', name: 'Yen' },
        ],
        orders,
      );
      await load(model, 3);
      await load(model, 3);
      expect(await history(model)).toEqual(['EUR|Euro|01', 'EUR|Euro (EUR)|03', 'JPY|NULL|01', 'JPY|Yen|03', 'USD|Dollar|01', 'XXX|No currency|03']);
      expect(await orderView(model)).toEqual(['1|EUR|Euro (EUR)', '2|USD|Dollar', '3|XXX|No currency', '4|NULL|NULL']);

      // Back to an earlier description: a new version, since it differs from the latest.
      await land(model, [{ code: 'EUR', name: 'Euro' }], orders);
      await load(model, 4);
      await load(model, 5);
      expect(await history(model)).toEqual(['EUR|Euro|01', 'EUR|Euro (EUR)|03', 'EUR|Euro|04', 'JPY|NULL|01', 'JPY|Yen|03', 'USD|Dollar|01', 'XXX|No currency|03']);
      expect(await orderView(model)).toEqual(['1|EUR|Euro', '2|USD|Dollar', '3|XXX|No currency', '4|NULL|NULL']);
      // The current view holds each code's latest row.
      const current = relation(sqlManifestBlock(model.byKind.reference_table[0]!, model).current_view!);
      const { rows } = await db.query<{ r: string }>(`SELECT concat_ws('|', currency_code, currency_name) AS r FROM ${current} ORDER BY 1`);
      expect(rows.map((x) => x.r)).toEqual(['EUR|Euro', 'JPY|Yen', 'USD|Dollar', 'XXX|No currency']);
    } finally {
      await tearDown(model);
    }
  }, 120_000);

  const codeArb = fc.constantFrom('AAA', 'BBB', 'CCC');
  const nameArb = fc.option(fc.constantFrom('x', 'y', 'z'), { freq: 5 });

  /** Every row in load order, consecutive duplicates per code removed: what the table must hold. */
  const expectedHistory = (rows: ReadonlyArray<{ readonly code: string; readonly name: string | null; readonly batch: number }>): string[] => {
    const last = new Map<string, string | null>();
    const kept: Array<{ code: string; name: string | null; batch: number; i: number }> = [];
    rows.forEach((r, i) => {
      if (last.has(r.code) && last.get(r.code) === r.name) return;
      last.set(r.code, r.name);
      kept.push({ ...r, i });
    });
    return kept.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.i - b.i)).map((r) => `${r.code}|${r.name ?? 'NULL'}|${String(r.batch + 1).padStart(2, '0')}`);
  };

  test.prop([fc.array(fc.record({ code: codeArb, name: nameArb }), { maxLength: 14 }), fc.array(fc.nat(14), { maxLength: 3 })], { numRuns: 12 })(
    'with a delta order: rows split into any batches, with repeats, give the history of all rows in order with consecutive duplicates per code removed',
    async (rows, cuts) => {
      const model = await setUp(true);
      try {
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, rows.length)), rows.length])].sort((a, b) => a - b);
        const batches = bounds.slice(1).map((end, i) => rows.slice(bounds[i], end).map((r, j) => ({ ...r, seq: bounds[i]! + j })));
        for (const [b, batch] of batches.entries()) {
          // Any row order in landing: the delta order says which came first.
          await land(model, [...batch].reverse());
          await load(model, b + 1);
          await load(model, b + 1);
        }
        if (batches.length > 0) await load(model, batches.length + 1); // the last batch again, later: nothing new
        const ordered = batches.flatMap((batch, b) => batch.map((r) => ({ code: r.code, name: r.name, batch: b })));
        expect(await history(model)).toEqual(expectedHistory(ordered));
      } finally {
        await tearDown(model);
      }
    },
    120_000,
  );

  test.prop([fc.array(fc.dictionary(codeArb, nameArb, { maxKeys: 3 }), { minLength: 1, maxLength: 4 })], { numRuns: 10 })(
    'without a delta order: one state per code and batch, kept when it differs from the code’s latest',
    async (batches) => {
      const model = await setUp(false);
      try {
        for (const [b, batch] of batches.entries()) {
          await land(
            model,
            Object.entries(batch).map(([code, name]) => ({ code, name })),
          );
          await load(model, b + 1);
          await load(model, b + 1);
        }
        await load(model, batches.length + 1);
        const ordered = batches.flatMap((batch, b) =>
          Object.keys(batch)
            .sort()
            .map((code) => ({ code, name: batch[code]!, batch: b })),
        );
        expect(await history(model)).toEqual(expectedHistory(ordered));
      } finally {
        await tearDown(model);
      }
    },
    120_000,
  );
});
