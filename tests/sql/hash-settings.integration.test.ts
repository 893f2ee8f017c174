/**
 * What a framework needs to reproduce the SQL target's hashes is in manifest.json: the SQL
 * target loads a model into a real database, then a Python implementation of the hashing
 * standard that knows nothing of the model but what it reads from manifest.json (the hashing
 * settings, which columns form each key and payload, where each table is) recomputes every
 * stored hash key and hashdiff; the record sources are checked the same way.
 *
 * The server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, type VaultModel } from '@vault/core';
import { bindParameters, buildManifest, landingTables, manifestJson, quoteIdent, sqlManifestBlock, sqlPlan, type Manifest, type ManifestEntity, type SqlManifestBlock } from '@vault/emitters';
import { PYTHON_DIR, hasPython } from '../helpers/python-harness.js';
import { dropSchemas, fileDatabase, inSchemas } from './database.js';
import { referenceHash } from './reference-hash.js';
import { shopSpec, type ShopHashing } from './shop-spec.js';

const db = fileDatabase();

/** Keys and values that differ in case, spaces, and the standard's special characters. */
const LANDING = {
  customers: [
    { customer_code: 'alice', CustomerName: 'Ann', type: 'gold', score: 3, updated_at: '2024-06-01T00:01:00Z' },
    { customer_code: ' Bob ', CustomerName: 'x|y', type: 'GOLD', score: null, updated_at: '2024-06-01T00:02:00Z' },
    { customer_code: 'Zoë', CustomerName: 'back\\slash', type: null, score: -7, updated_at: null },
    { customer_code: 'a|b', CustomerName: ' pad ', type: 'silver', score: 42, updated_at: null },
    { customer_code: 'MiXeD', CustomerName: '', type: 'gold', score: 0, updated_at: null },
  ],
  products: [
    { product_id: 1, label: 'Pen' },
    { product_id: 2, label: 'Ink|Well' },
  ],
  purchases: [
    { customer_code: 'alice', product_id: 1, quantity: 2, unit_price: '1.50' },
    { customer_code: 'a|b', product_id: 2, quantity: null, unit_price: '0.10' },
    { customer_code: 'Zoë', product_id: 1, quantity: 1, unit_price: null },
  ],
} as const;

/** Canonical text (docs/hashing.md) of the column types the shop's keys and payloads use. */
function canonical(column: string, type: string): string {
  if (/^(smallint|int|bigint|text|varchar\(\d+\)|decimal\(\d+,\d+\))$/.test(type)) return `CAST(${quoteIdent(column)} AS text)`;
  throw new Error(`the test has no canonical text for type ${type}`);
}

type Entity = ManifestEntity & { readonly sql: SqlManifestBlock };

interface Stored {
  readonly what: string;
  readonly purpose: 'key' | 'hashdiff';
  readonly values: ReadonlyArray<string | null>;
  readonly hash: string;
}

async function compileAndLoad(hashing: ShopHashing, run: string): Promise<{ model: VaultModel; manifest: Manifest }> {
  const compiled = compileSpec(shopSpec(hashing)).model!;
  const p = `${db.prefix}_${run}`;
  const model: VaultModel = inSchemas(compiled, p);
  const plan = sqlPlan(model);
  for (const s of plan.setup) await db.query(s.sql);
  const tables = new Map(landingTables(model).map((t) => [t.source, t.sql]));
  for (const [source, rows] of Object.entries(LANDING)) {
    for (const row of rows) {
      const entries = Object.entries(row);
      await db.query(
        `INSERT INTO ${tables.get(source)!} (${entries.map(([c]) => quoteIdent(c)).join(', ')}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})`,
        entries.map(([, v]) => v),
      );
    }
  }
  for (const l of plan.loads) {
    await db.query('BEGIN');
    for (const statement of l.statements) await db.query(statement.sql, bindParameters(statement, { load_ts: '2024-01-01T00:00:00Z' }));
    await db.query('COMMIT');
  }
  // What `vault compile --target querydsl,sql` writes, read back as a framework would.
  const manifest = JSON.parse(manifestJson(buildManifest(model, { specPath: 'shop.yaml', files: [], blocks: (e, m) => ({ sql: sqlManifestBlock(e, m) }) }))) as Manifest;
  return { model, manifest };
}

const table = (e: Entity): string => e.sql.table.split('.').map(quoteIdent).join('.');

/** Every stored hash of the raw vault, with the values it hashes, found through the manifest alone. */
async function storedHashes(manifest: Manifest): Promise<Stored[]> {
  const zero = manifest.hashing.zero_key;
  const out: Stored[] = [];
  const keyed = [...manifest.raw_vault.hubs, ...manifest.raw_vault.links] as Entity[];
  for (const e of keyed) {
    const types = new Map(e.columns.map((c) => [c.name, c.type]));
    const keys = e.business_keys!;
    const { rows } = await db.query<Record<string, string | null>>(
      `SELECT ${quoteIdent(e.sql.hash_key!)} AS hash, ${keys.map((k, i) => `${canonical(k, types.get(k)!)} AS v${i}`).join(', ')} FROM ${table(e)} WHERE ${quoteIdent(e.sql.hash_key!)} <> '${zero}'`,
    );
    for (const r of rows) out.push({ what: `${e.sql.table} ${e.sql.hash_key}`, purpose: 'key', values: keys.map((_, i) => r[`v${i}`] ?? null), hash: r.hash! });
  }
  const satellites = [...manifest.raw_vault.satellites, ...manifest.raw_vault.link_satellites] as Entity[];
  for (const e of satellites) {
    const metadata = new Set([e.sql.parent_hash_key, e.sql.load_ts, e.sql.record_source, e.sql.hashdiff, e.sql.delta_order]);
    // The hashdiff hashes the payload sorted by column name, in UTF-16 code units (docs/hashing.md).
    const payload = e.columns.filter((c) => !metadata.has(c.name)).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const { rows } = await db.query<Record<string, string | null>>(
      `SELECT ${quoteIdent(e.sql.hashdiff!)} AS hash, ${payload.map((c, i) => `${canonical(c.name, c.type)} AS v${i}`).join(', ')} FROM ${table(e)} WHERE ${quoteIdent(e.sql.parent_hash_key!)} <> '${zero}'`,
    );
    for (const r of rows) out.push({ what: `${e.sql.table} ${e.sql.hashdiff}`, purpose: 'hashdiff', values: payload.map((_, i) => r[`v${i}`] ?? null), hash: r.hash! });
  }
  return out;
}

/** The Python reimplementation's hashes, given only manifest.json. */
function pythonHashes(manifest: Manifest, cases: ReadonlyArray<Stored>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'vault-hash-'));
  try {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const input = JSON.stringify(cases.map((c) => ({ purpose: c.purpose, values: c.values })));
    return JSON.parse(execFileSync('python3', ['-B', join(PYTHON_DIR, 'reference_hash.py'), join(dir, 'manifest.json')], { input, encoding: 'utf8' })) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SETTINGS: ReadonlyArray<ShopHashing> = [
  { algorithm: 'md5', caseSensitiveKeys: false, caseSensitiveHashdiff: true },
  { algorithm: 'sha1', caseSensitiveKeys: true, caseSensitiveHashdiff: false },
  { algorithm: 'sha256', caseSensitiveKeys: false, caseSensitiveHashdiff: false },
];

describe(`hashes reproduced from manifest.json, against ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  it.each(SETTINGS.map((h, i) => [h.algorithm, h, i] as const))('%s: every stored hash key and hashdiff, and the record sources', async (_, hashing, i) => {
    const { model, manifest } = await compileAndLoad(hashing, `h${i}`);
    try {
      expect(manifest.hashing).toMatchObject({ algorithm: hashing.algorithm, case_sensitive_keys: hashing.caseSensitiveKeys, case_sensitive_hashdiff: hashing.caseSensitiveHashdiff });
      const stored = await storedHashes(manifest);
      // Hub, product hub, link, two satellites and a link satellite each hold rows.
      expect(new Set(stored.map((s) => s.what)).size).toBe(6);
      expect(stored.length).toBeGreaterThan(15);
      const got = hasPython ? pythonHashes(manifest, stored) : undefined;
      for (const [j, s] of stored.entries()) {
        const keepCase = s.purpose === 'key' ? manifest.hashing.case_sensitive_keys : manifest.hashing.case_sensitive_hashdiff;
        expect(referenceHash(manifest.hashing.algorithm, s.values, keepCase), `${s.what} ${JSON.stringify(s.values)}`).toBe(s.hash);
        if (got !== undefined) expect(got[j], `${s.what} ${JSON.stringify(s.values)}`).toBe(s.hash);
      }
      // Every row a load wrote carries the record source of one of the entity's source tables (as
      // manifest.json's record_sources.tables says it); every ghost the ghosts' one.
      for (const e of [...manifest.raw_vault.hubs, ...manifest.raw_vault.links, ...manifest.raw_vault.satellites, ...manifest.raw_vault.link_satellites] as Entity[]) {
        const key = quoteIdent(e.sql.hash_key ?? e.sql.parent_hash_key!);
        const { rows } = await db.query<{ ghost: boolean; rs: string }>(
          `SELECT DISTINCT ${key} = '${manifest.hashing.zero_key}' AS ghost, ${quoteIdent(e.sql.record_source!)} AS rs FROM ${table(e)} ORDER BY 1`,
        );
        const fromSources = new Set(e.sources.map((s) => s.record_source));
        expect([...fromSources].sort(), e.sql.table).toEqual([...new Set(e.sources.map((s) => manifest.record_sources.tables[s.table]))].sort());
        const loaded = rows.filter((r) => !r.ghost);
        expect(loaded.length, e.sql.table).toBeGreaterThan(0);
        for (const r of loaded) expect(fromSources, `${e.sql.table}: ${r.rs}`).toContain(r.rs);
        expect(
          rows.filter((r) => r.ghost),
          e.sql.table,
        ).toEqual([{ ghost: true, rs: manifest.record_sources.ghost_records }]);
      }
    } finally {
      await dropSchemas(db, model);
    }
  });

  it.skipIf(!hasPython)('the Python implementation follows the settings it is given, not fixed values', () => {
    const manifest = {
      hashing: { standard: 'vault hashing standard v2', algorithm: 'sha256', case_sensitive_keys: true, case_sensitive_hashdiff: false, delimiter: '##', null_token: '~', zero_key: '0'.repeat(64) },
    } as unknown as Manifest;
    const [key, diff] = pythonHashes(manifest, [
      { what: '', purpose: 'key', values: ['a', null], hash: '' },
      { what: '', purpose: 'hashdiff', values: ['a', null], hash: '' },
    ]);
    expect(key).toBe(referenceSha256('a##~'));
    expect(diff).toBe(referenceSha256('A##~'));
  });
});

function referenceSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
