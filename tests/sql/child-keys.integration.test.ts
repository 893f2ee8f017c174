/**
 * Links with dependent child keys, loaded into the database: order lines keyed by order,
 * product and line number. Two lines of one order and product are two link rows (and two link
 * satellite keys), the link hash key hashes the hubs' keys then the line number, and reruns add
 * nothing. Runs on the PostgreSQL server of VAULT_TEST_DATABASE_URL, else on PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Link, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, landingTables, quoteIdent, sqlManifestBlock, sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { referenceHash } from './reference-hash.js';

const SPEC: Spec = {
  version: 1,
  model: 'lines',
  tables: {
    orders: { business_key: ['order_id'], columns: { order_id: { type: 'int', nullable: false }, placed: 'date' } },
    products: { business_key: ['product_id'], columns: { product_id: { type: 'int', nullable: false }, label: 'text' } },
    order_lines: {
      primary_key: ['order_id', 'product_id', 'line_no'],
      columns: { order_id: 'int', product_id: 'int', line_no: 'int', quantity: 'int' },
    },
  },
};

interface Line {
  readonly order_id: number | null;
  readonly product_id: number | null;
  readonly line_no: number | null;
  readonly quantity: number;
}

const db = fileDatabase();

async function setUp(): Promise<VaultModel> {
  const { model: compiled, diagnostics } = compileSpec(SPEC);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model: VaultModel = db.inNewSchemas(compiled!, 'c');
  for (const s of sqlPlan(model).setup) await db.query(s.sql);
  return model;
}

async function tearDown(model: VaultModel): Promise<void> {
  await dropSchemas(db, model);
}

async function land(model: VaultModel, lines: ReadonlyArray<Line>): Promise<void> {
  const table = landingTables(model).find((t) => t.source === 'order_lines')!.sql;
  await db.query(`DELETE FROM ${table}`);
  for (const l of lines) await db.query(`INSERT INTO ${table} (order_id, product_id, line_no, quantity) VALUES ($1, $2, $3, $4)`, [l.order_id, l.product_id, l.line_no, l.quantity]);
}

async function load(model: VaultModel, day: number): Promise<void> {
  for (const l of sqlPlan(model).loads) {
    await db.query('BEGIN');
    for (const s of l.statements) await db.query(s.sql, bindParameters(s, { load_ts: `2024-01-${String(day).padStart(2, '0')}T00:00:00Z` }));
    await db.query('COMMIT');
  }
}

const linkOf = (model: VaultModel): Link => model.byKind.link.find((l) => l.name === 'order_product')!;
const tableOf = (model: VaultModel, kind: 'link' | 'link_satellite', name: string): string => {
  const entity = [...model.byKind.link, ...model.byKind.link_satellite].find((e) => e.kind === kind && e.name === name)!;
  return sqlManifestBlock(entity, model).table.split('.').map(quoteIdent).join('.');
};
const ZERO = '0'.repeat(32);

/** The link's rows but the ghost record, as `hash|order|product|line`. */
async function linkRows(model: VaultModel): Promise<string[]> {
  const { rows } = await db.query<{ r: string }>(
    `SELECT concat_ws('|', order_product_hk, coalesce(order_id::text, 'NULL'), coalesce(product_id::text, 'NULL'), coalesce(line_no::text, 'NULL')) AS r FROM ${tableOf(model, 'link', 'order_product')} WHERE order_product_hk <> '${ZERO}' ORDER BY 1`,
  );
  return rows.map((x) => x.r);
}

async function satelliteKeys(model: VaultModel): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(DISTINCT order_product_hk)::text AS n FROM ${tableOf(model, 'link_satellite', 'order_product')} WHERE order_product_hk <> '${ZERO}'`);
  return Number(rows[0]!.n);
}

const hashOf = (l: Line): string =>
  referenceHash(
    'md5',
    [l.order_id, l.product_id, l.line_no].map((v) => (v === null ? null : String(v))),
    false,
  );
const rowOf = (l: Line): string => `${hashOf(l)}|${l.order_id ?? 'NULL'}|${l.product_id ?? 'NULL'}|${l.line_no ?? 'NULL'}`;

describe(`dependent child keys load into ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  it('infers line_no as the link’s dependent child key, out of the link satellite', async () => {
    const model = await setUp();
    try {
      const link = linkOf(model);
      expect(link.dependentChildKeys?.map((c) => c.name)).toEqual(['line_no']);
      expect(model.byKind.link_satellite.find((s) => s.parent === 'order_product')!.payload.map((c) => c.name)).toEqual(['quantity']);
    } finally {
      await tearDown(model);
    }
  });

  it('loads two lines of one order and product as two link rows and two link satellite keys; a rerun adds nothing', async () => {
    const model = await setUp();
    try {
      const lines: Line[] = [
        { order_id: 1, product_id: 7, line_no: 1, quantity: 3 },
        { order_id: 1, product_id: 7, line_no: 2, quantity: 5 },
      ];
      await land(model, lines);
      await load(model, 1);
      const expected = lines.map(rowOf).sort();
      expect(await linkRows(model)).toEqual(expected);
      expect(await satelliteKeys(model)).toBe(2);
      // docs/inference.md: H(order ‖ product ‖ line_no), the hubs' keys first.
      expect(hashOf(lines[0]!)).toBe(referenceHash('md5', ['1', '7', '1'], false));
      await load(model, 1);
      await load(model, 2);
      expect(await linkRows(model)).toEqual(expected);
      expect(await satelliteKeys(model)).toBe(2);
    } finally {
      await tearDown(model);
    }
  });

  const lineArb: fc.Arbitrary<Line> = fc.record({
    order_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 6 }),
    product_id: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 6 }),
    line_no: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 6 }),
    quantity: fc.integer({ min: 0, max: 9 }),
  });

  test.prop([fc.array(fc.array(lineArb, { maxLength: 8 }), { minLength: 1, maxLength: 3 })], { numRuns: 12 })(
    // A missing reference is the zero key (hashed as ^^), so a row needs one hub key, not both (hashing.md, "Missing keys").
    'one link row per distinct (hub keys, child key) with a hub key present, its hash unique to it; reruns add nothing',
    async (batches) => {
      const model = await setUp();
      try {
        const expected = new Set<string>();
        for (const [b, batch] of batches.entries()) {
          await land(model, batch);
          await load(model, b + 1);
          await load(model, b + 1);
          for (const l of batch) if (l.order_id !== null || l.product_id !== null) expected.add(rowOf(l));
          const got = await linkRows(model);
          expect(got).toEqual([...expected].sort());
          expect(new Set(got.map((r) => r.split('|')[0])).size).toBe(got.length);
        }
      } finally {
        await tearDown(model);
      }
    },
    120_000,
  );
});
