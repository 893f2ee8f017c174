/**
 * The Dialect seam: builders spell what an engine lacks in portable SQL when its capability flag
 * says so. PostgreSQL with DISTINCT ON and named windows switched off must load the same vault
 * as PostgreSQL itself: every raw vault table and every view holds the same rows.
 *
 * The server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSpec, type ColumnType, type ColumnTypeKind, type VaultModel } from '@vault/core';
import {
  bindParameters,
  CANONICAL_TEXT,
  entityTable,
  firstRowByRowNumber,
  keyLookupByJoin,
  landingTables,
  modelViews,
  postgresDialect,
  quoteIdent,
  sqlPlan,
  tableIdent,
  type Dialect,
} from '@vault/emitters/internal';
import { inSchemas, openTestDatabase, type TestDatabase } from './database.js';
import { shopSpec } from './shop-spec.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

/** PostgreSQL as an engine without DISTINCT ON, named windows, correlated join conditions or lateral probes (Spark's forms) would be written. */
const portable: Dialect = {
  ...postgresDialect,
  capabilities: { ...postgresDialect.capabilities, distinctOn: false, namedWindows: false, correlatedJoinConditions: false },
  firstRowPerKey: firstRowByRowNumber(postgresDialect.quoteIdent),
  keyLookup: keyLookupByJoin,
};

/** Two batches: the second changes a customer, repeats one, and adds a purchase. */
const BATCHES = [
  {
    customers: [
      { customer_code: 'alice', CustomerName: 'Ann', type: 'gold', score: 3, updated_at: '2024-06-01T00:01:00Z' },
      { customer_code: 'alice', CustomerName: 'Ann B', type: 'gold', score: 4, updated_at: '2024-06-01T00:03:00Z' },
      { customer_code: ' Bob ', CustomerName: 'x|y', type: 'GOLD', score: null, updated_at: null },
      { customer_code: 'Zoë', CustomerName: 'back\\slash', type: null, score: 12, updated_at: '2024-06-01T00:02:00Z' },
    ],
    products: [
      { product_id: 1, label: 'Pen' },
      { product_id: 2, label: 'Ink|Well' },
    ],
    purchases: [{ customer_code: 'alice', product_id: 1, quantity: 2, unit_price: '1.50' }],
  },
  {
    customers: [
      { customer_code: 'alice', CustomerName: 'Ann C', type: 'silver', score: 5, updated_at: '2024-06-02T00:01:00Z' },
      { customer_code: 'Zoë', CustomerName: 'back\\slash', type: null, score: 12, updated_at: '2024-06-01T00:02:00Z' },
    ],
    products: [{ product_id: 2, label: 'Ink|Well' }],
    purchases: [{ customer_code: 'Zoë', product_id: 2, quantity: 1, unit_price: '0.10' }],
  },
] as const;

async function load(run: string, dialect: Dialect): Promise<{ model: VaultModel; statements: string }> {
  const compiled = compileSpec(shopSpec({ algorithm: 'md5', caseSensitiveKeys: false, caseSensitiveHashdiff: true })).model!;
  const p = `${db.prefix}_${run}`;
  const model: VaultModel = inSchemas(compiled, p);
  const plan = sqlPlan(model, dialect);
  for (const s of plan.setup) await db.query(s.sql);
  const tables = new Map(landingTables(model).map((t) => [t.source, t.sql]));
  for (const [i, batch] of BATCHES.entries()) {
    for (const t of tables.values()) await db.query(`TRUNCATE ${t}`);
    for (const [source, rows] of Object.entries(batch)) {
      for (const row of rows) {
        const entries = Object.entries(row);
        await db.query(
          `INSERT INTO ${tables.get(source)!} (${entries.map(([c]) => quoteIdent(c)).join(', ')}) VALUES (${entries.map((_, n) => `$${n + 1}`).join(', ')})`,
          entries.map(([, v]) => v),
        );
      }
    }
    for (const l of plan.loads) {
      await db.query('BEGIN');
      for (const s of l.statements) await db.query(s.sql, bindParameters(s, { load_ts: `2024-0${i + 1}-01T00:00:00Z` }));
      await db.query('COMMIT');
    }
  }
  return { model, statements: [...plan.setup, ...plan.loads.flatMap((l) => l.statements)].map((s) => s.sql).join('\n') };
}

/** Every row of every raw vault table and view, as sorted JSON text per object, in the model's order. */
async function contents(model: VaultModel): Promise<ReadonlyArray<ReadonlyArray<string>>> {
  const objects = [
    ...[...model.byKind.hub, ...model.byKind.link, ...model.byKind.satellite, ...model.byKind.link_satellite].map((e) => entityTable({ model, dialect: postgresDialect }, e.kind, e.name)),
    ...modelViews({ model, dialect: postgresDialect }).map((v) => v.table),
  ];
  const out: string[][] = [];
  for (const t of objects) {
    const { rows } = await db.query<{ j: string }>(`SELECT CAST(row_to_json(x) AS text) AS j FROM ${tableIdent(t)} AS x`);
    out.push(rows.map((r) => r.j).sort());
  }
  return out;
}

describe('the Dialect seam', () => {
  it('gives every column type a canonical text rule that PostgreSQL renders', () => {
    for (const [kind, text] of Object.entries(CANONICAL_TEXT)) {
      const sql = postgresDialect.canonicalText(text.rule, { sql: 'v', type: { kind: kind as ColumnTypeKind } as ColumnType }, (w) => w);
      expect(sql, kind).toContain('v');
    }
  });

  it('loads the same vault with the portable forms of DISTINCT ON, named windows and the first stored state', async () => {
    const native = await load('native', postgresDialect);
    const plain = await load('portable', portable);
    expect(native.statements).toContain('DISTINCT ON');
    expect(native.statements).toContain('WINDOW');
    expect(plain.statements).not.toContain('DISTINCT ON');
    expect(plain.statements).not.toMatch(/^\s*WINDOW /m);
    // A state brought back from the register finds its payload: by a correlated min(), or a windowed derived table.
    expect(native.statements).toContain('= (SELECT min(');
    expect(plain.statements).not.toContain('= (SELECT min(');
    expect(plain.statements).toContain('"$first_load"');
    const [a, b] = [await contents(native.model), await contents(plain.model)];
    expect(a.flat().length).toBeGreaterThan(10);
    expect(b).toEqual(a);
  });
});
