import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runVault } from '../helpers/run-vault.js';
import { ON } from '../run/workspace.js';
import { bankSchemaSql } from './bank-schema.js';
import { landingFixture, type LandingFixture } from './fixture.js';

interface ManifestEntity {
  readonly name: string;
  readonly business_keys?: ReadonlyArray<string>;
  readonly hubs?: ReadonlyArray<string>;
  readonly driving_key?: ReadonlyArray<string>;
  readonly sources: ReadonlyArray<{ readonly table: string; readonly columns: ReadonlyArray<string> }>;
}

describe(`vault init on ${ON}: schema → spec → compile`, () => {
  let f: LandingFixture;
  beforeAll(async () => {
    f = await landingFixture('init');
    await f.exec(bankSchemaSql(f.schema));
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('writes a spec that compiles without edits, with the hubs and links the keys imply', async () => {
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'bank.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain(`wrote bank.yaml: 5 tables, model ${f.model}`);
    const text = readFileSync(join(f.dir, 'bank.yaml'), 'utf8');
    // No node_modules/@vault/dsl above the temporary directory: the schema of the published package.
    const version = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=https://unpkg.com/@vault/dsl@${version}/schema.json`);
    // What came from the database is said where it lands.
    expect(text).toContain(`# table ${f.schema}.account: primary key account_pkey`);
    expect(text).toContain('primary_key: [country_code, account_number]');
    expect(text).toContain('unique_keys: [[tax_number]]');
    expect(text).toContain('full_name: {type: text, nullable: false, description: "Legal name, as on the contract."}');
    expect(text).toContain('tags: text # text[] in the database: read as text');
    expect(text).toContain('updated_at: timestamptz');
    // A composite foreign key listed in another column order is written in the key's order.
    expect(text).toContain('- {columns: [country_code, account_number], table: account}');
    // Each table is read whole, so its batches are the whole source: a key a later batch lacks was deleted.
    expect(text.match(/^ {4}batches: full$/gm)).toHaveLength(5);

    const compile = await f.vault(['compile', 'bank.yaml', '--out', 'out', '--json']);
    expect(compile.code, compile.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(f.dir, 'out', f.model, 'manifest.json'), 'utf8')) as {
      raw_vault: { hubs: ManifestEntity[]; links: ManifestEntity[]; status_tracking_satellites: ManifestEntity[] };
    };
    // One status tracking satellite per table that becomes a hub or a link (docs/inference.md, "Deletes and status tracking").
    expect(manifest.raw_vault.status_tracking_satellites.map((s) => [s.name, s.sources[0]?.table])).toEqual([
      ['account', 'account'],
      ['account_holder', 'account_holder'],
      ['branch', 'branch'],
      ['customer', 'customer'],
      ['transfer', 'transfer'],
    ]);
    const hubs = Object.fromEntries(manifest.raw_vault.hubs.map((h) => [h.name, h.business_keys]));
    expect(hubs).toEqual({
      account: ['country_code', 'account_number'],
      branch: ['branch_code'],
      customer: ['customer_id'],
      transfer: ['transfer_id'],
    });
    // One link per foreign key of a table that becomes a hub, driven by its hub (docs/inference.md).
    expect(manifest.raw_vault.links.map((l) => [l.name, l.sources[0]?.table, l.hubs, l.driving_key])).toEqual([
      ['account_branch', 'account', ['account', 'branch'], ['account_hk']],
      ['account_customer', 'account', ['account', 'customer'], ['account_hk']],
      ['account_holder', 'account_holder', ['account', 'customer'], undefined],
      ['customer_branch', 'customer', ['customer', 'branch'], ['customer_hk']],
      ['customer_referred_by_customer', 'customer', ['customer', 'customer'], ['customer_hk']],
      ['transfer_from_account_account', 'transfer', ['transfer', 'account'], ['transfer_hk']],
      ['transfer_to_account_account', 'transfer', ['transfer', 'account'], ['transfer_hk']],
    ]);
    const links = Object.fromEntries(manifest.raw_vault.links.map((l) => [l.name, l]));
    // The association table (no key of its own, two foreign keys) becomes a link, named after the
    // table since account.customer_id's link is account_customer.
    expect(links['account_holder']?.sources[0]?.columns).toEqual(['country_code', 'account_number', 'holder_customer_id']);
    // Two role-named foreign keys to the same hub, and a self reference, keep apart under their roles.
    expect(links['transfer_from_account_account']?.sources[0]?.columns).toEqual(['transfer_id', 'from_country_code', 'from_account_number']);
    expect(links['transfer_to_account_account']?.sources[0]?.columns).toEqual(['transfer_id', 'to_country_code', 'to_account_number']);
    expect(text).toContain('role: referred_by');
    expect(text).toContain('role: from_account');
  });

  it("names the schema in the project's node_modules, relative to the spec, when @vault/dsl is installed there", async () => {
    mkdirSync(join(f.dir, 'project', 'node_modules', '@vault', 'dsl'), { recursive: true });
    writeFileSync(join(f.dir, 'project', 'node_modules', '@vault', 'dsl', 'schema.json'), '{}\n');
    mkdirSync(join(f.dir, 'project', 'specs', 'bank'), { recursive: true });
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'project/specs/bank/bank.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(join(f.dir, 'project', 'specs', 'bank', 'bank.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../node_modules/@vault/dsl/schema.json');
  });

  it('writes to standard output without -o, filters with --tables, refuses to overwrite without --force', async () => {
    const stdout = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'branch,cust*', ...f.dbArgs]);
    expect(stdout.code, stdout.stderr).toBe(0);
    expect(stdout.stdout).toMatch(/^ {2}branch:$/m);
    expect(stdout.stdout).toMatch(/^ {2}customer:$/m);
    expect(stdout.stdout).not.toMatch(/^ {2}account:$/m);

    writeFileSync(join(f.dir, 'mine.yaml'), 'keep me\n');
    const refused = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'mine.yaml', ...f.dbArgs]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('mine.yaml exists; pass --force to overwrite it');
    expect(readFileSync(join(f.dir, 'mine.yaml'), 'utf8')).toBe('keep me\n');
    const forced = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'mine.yaml', '--force', ...f.dbArgs]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(f.dir, 'mine.yaml'), 'utf8')).toContain('version: 1');
  });

  it('a schema that does not exist, or no matching table, is one line and exit 1, nothing written', async () => {
    const missing = await f.vault(['init', '--schema', 'no_such_schema', '--model', f.model, '-o', 'none.yaml', ...f.dbArgs]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/vault: schema 'no_such_schema' does not exist in /);
    const none = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'zzz*', '-o', 'none.yaml', ...f.dbArgs]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no tables in schema '${f.schema}' match --tables zzz*`);
    expect(existsSync(join(f.dir, 'none.yaml'))).toBe(false);
  });
});

describe('vault init without --db and without an embedded database', () => {
  it('is one line and exit 1, and creates no database (an empty one holds no schema to read)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-init-none-'));
    try {
      const r = runVault(['init', '--schema', 'shop_landing', '-o', 'shop.yaml'], { cwd: dir });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe('vault: no embedded database for model shop_landing in .vault/shop_landing/pgdata (vault seed creates one); pass --db URL to read a server\n');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
