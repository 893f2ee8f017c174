/**
 * `vault seed` never deletes or overwrites rows it did not write: a landing table holding such
 * rows is refused (exit 1, nothing changed) unless --replace-tables names it; its own tables it
 * reseeds freely; and the rows it writes satisfy every foreign key of the landing schema.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, type SqlParam } from '../../packages/cli/dist/db/index.js';
import { bankSchemaSql } from '../landing/bank-schema.js';
import { landingFixture, type LandingFixture } from '../landing/fixture.js';
import { NORTHWIND_TABLES, northwindRowsSql, northwindSchemaSql } from './northwind.js';
import { ON, SERVER_URL, count, createWorkspace, type Query, type Workspace } from './workspace.js';

/** Runs `fn` on one connection to the fixture's database (never while a vault command runs on it). */
async function session<T>(f: LandingFixture, fn: (q: Query) => Promise<T>): Promise<T> {
  if (SERVER_URL !== undefined) {
    const c = new pg.Client({ connectionString: SERVER_URL });
    await c.connect();
    try {
      return await fn(async (text, params = []) => (await c.query(text, [...params])).rows);
    } finally {
      await c.end();
    }
  }
  const db = await openEmbedded(join(f.dir, '.vault', f.model, 'pgdata'));
  try {
    return await fn(async (text, params = []) => [...(await db.query(text, params as ReadonlyArray<SqlParam>)).rows] as Array<Record<string, unknown>>);
  } finally {
    await db.close();
  }
}

/** Each table's row count and a digest of its rows, and whether vault's raw vault schema exists: equal before and after means untouched. */
async function snapshot(f: LandingFixture, tables: ReadonlyArray<string>, q?: Query): Promise<Record<string, string>> {
  const read = async (query: Query): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const t of tables) {
      const [r] = await query(`SELECT count(*) AS n, md5(coalesce(string_agg(CAST(t AS text), '|' ORDER BY CAST(t AS text)), '')) AS h FROM "${f.schema}"."${t}" AS t`);
      out[t] = `${String(r?.['n'])} ${String(r?.['h'])}`;
    }
    out['vault schemas'] = String(await count(query, 'SELECT count(*) FROM pg_namespace WHERE nspname = $1', [`${f.model}_raw`]));
    return out;
  };
  return q === undefined ? session(f, read) : read(q);
}

/** `vault init` from the fixture's schema, with vault's own schemas private to the test. */
async function initSpec(f: LandingFixture, file: string): Promise<void> {
  const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', file, ...f.dbArgs]);
  expect(init.code, init.stderr).toBe(0);
  const doc = parseDocument(readFileSync(join(f.dir, file), 'utf8'));
  doc.set('schemas', { landing: f.schema, raw_vault: `${f.model}_raw`, business_vault: `${f.model}_bv`, access_layer: `${f.model}_al` });
  writeFileSync(join(f.dir, file), doc.toString());
}

async function dropVaultSchemas(f: LandingFixture): Promise<void> {
  if (SERVER_URL === undefined) return;
  await f.exec(['raw', 'bv', 'al'].map((s) => `DROP SCHEMA IF EXISTS "${f.model}_${s}" CASCADE`)).catch(() => undefined);
}

const STACK = /\n\s+at /;

describe(`vault seed on a Northwind-shaped landing schema with real rows, on ${ON}`, () => {
  let f: LandingFixture;
  const seed = (...args: string[]) => f.vault(['seed', 'nw.yaml', '--rows', '30', ...args, ...f.dbArgs]);
  const all = [...NORTHWIND_TABLES];
  beforeAll(async () => {
    f = await landingFixture('seedsafe');
    await f.exec([...northwindSchemaSql(f.schema), ...northwindRowsSql(f.schema)]);
    await initSpec(f, 'nw.yaml');
  });
  afterAll(async () => {
    await dropVaultSchemas(f);
    await f.cleanup();
  });

  it('refuses tables holding rows it did not write: exit 1, each named with its rows and the option to use, nothing changed or created', async () => {
    const before = await snapshot(f, all);
    const r = await seed();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('vault: seed stopped, nothing was changed:');
    expect(r.stderr).toContain(`these 13 landing tables hold rows vault seed did not write:`);
    expect(r.stderr).toMatch(new RegExp(`\\n {4}${f.schema}\\.customers +3 rows\\n`));
    expect(r.stderr).toMatch(new RegExp(`\\n {4}${f.schema}\\.customer_customer_demo +2 rows\\n`));
    expect(r.stderr).toMatch(new RegExp(`\\n {4}${f.schema}\\.order_details +3 rows\\n`));
    expect(r.stderr).toContain(`to replace their rows with generated ones, name them: --replace-tables ${all.join(',')}`);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).not.toContain('replacing');
    // Setup runs in the same transaction: not even vault's own schemas were created.
    expect(before['vault schemas']).toBe('0');
    expect(await snapshot(f, all)).toEqual(before);
  });

  it('one table refused among several: nothing is touched, not even the tables --replace-tables names', async () => {
    const before = await snapshot(f, all);
    const r = await seed('--replace-tables', all.filter((t) => t !== 'customers').join(','));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('this landing table holds rows vault seed did not write:');
    expect(r.stderr).toMatch(new RegExp(`\\n {4}${f.schema}\\.customers  3 rows\\n`));
    expect(r.stderr).toContain('name them: --replace-tables customers\n');
    expect(r.stderr).not.toContain(`${f.schema}.orders `);
    expect(r.stdout).not.toContain('replacing');
    expect(await snapshot(f, all)).toEqual(before);
  });

  it('a name --replace-tables does not know is a usage mistake (exit 2), with the names it knows', async () => {
    const before = await snapshot(f, all);
    const r = await seed('--replace-tables', 'custmers');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("vault: --replace-tables names 'custmers', which is not a landing table of the spec (did you mean 'customers'?); its landing tables: categories,");
    expect(r.stderr).not.toMatch(STACK);
    expect(await snapshot(f, all)).toEqual(before);
  });

  it('--replace-tables naming them says what it replaces, then writes rows that satisfy every foreign key', async () => {
    const r = await seed('--replace-tables', all.join(','));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `  replacing the rows of ${f.schema}.categories (2 rows), ${f.schema}.customer_customer_demo (2 rows), ${f.schema}.customer_demographics (2 rows), ${f.schema}.customers (3 rows), `,
    );
    // Said before acting: before setup and the rows written.
    expect(r.stdout.indexOf('replacing the rows of')).toBeLessThan(r.stdout.indexOf('  setup '));
    await session(f, async (q) => {
      const s = `"${f.schema}"`;
      expect(await count(q, `SELECT count(*) FROM ${s}.customers WHERE customer_id = 'ALFKI'`)).toBe(0);
      for (const t of all) expect(await count(q, `SELECT count(*) FROM ${s}."${t}"`), t).toBeGreaterThan(0);
      // The database's FOREIGN KEY constraints hold (it checked every row); said explicitly for the association and the self reference:
      expect(await count(q, `SELECT count(*) FROM ${s}.customer_customer_demo d LEFT JOIN ${s}.customer_demographics c USING (customer_type_id) WHERE c.customer_type_id IS NULL`)).toBe(0);
      expect(await count(q, `SELECT count(*) FROM ${s}.customer_customer_demo d LEFT JOIN ${s}.customers c USING (customer_id) WHERE c.customer_id IS NULL`)).toBe(0);
      expect(await count(q, `SELECT count(*) FROM ${s}.employees e WHERE reports_to IS NOT NULL`)).toBeGreaterThan(0);
      expect(await count(q, `SELECT count(*) FROM ${s}.employees e WHERE reports_to IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${s}.employees b WHERE b.employee_id = e.reports_to)`)).toBe(0);
      const record = await q(`SELECT table_name, created FROM "${f.model}_raw".vault_seeded_tables WHERE table_schema = $1 ORDER BY 1`, [f.schema]);
      expect(record.map((x) => x['table_name'])).toEqual(all);
      expect(record.every((x) => x['created'] === false)).toBe(true);
    });
  });

  it('reseeds its own rows without the option; a row someone else adds makes the table refused again', async () => {
    const again = await seed('--seed', '2');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('replacing');
    const { n, before } = await session(f, async (q) => {
      await q(`INSERT INTO "${f.schema}".customers VALUES ('ZZZZZ', 'A real customer')`);
      return { n: await count(q, `SELECT count(*) FROM "${f.schema}".customers`), before: await snapshot(f, all, q) };
    });
    const refused = await seed('--seed', '3');
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`\\n {4}${f.schema}\\.customers  ${n} rows \\(1 not written by vault seed\\)\\n`));
    expect(refused.stderr).toContain('name them: --replace-tables customers\n');
    expect(await snapshot(f, all)).toEqual(before);
    const replaced = await seed('--seed', '3', '--replace-tables', `${f.schema}.customers`);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain(`  replacing the rows of ${f.schema}.customers (${n} rows)\n`);
    expect(await session(f, (q) => count(q, `SELECT count(*) FROM "${f.schema}".customers WHERE customer_id = 'ZZZZZ'`))).toBe(0);
  });

  it('rows of a table outside the spec that reference a landing table stop vault seed', async () => {
    await f.exec([`CREATE TABLE "${f.schema}".customer_notes (customer_id bpchar REFERENCES "${f.schema}".customers, note text)`]);
    // Empty, it breaks nothing: vault seed goes on (and deletes rather than truncates).
    const empty = await seed('--seed', '4');
    expect(empty.code, empty.stderr).toBe(0);
    const before = await session(f, async (q) => {
      await q(`INSERT INTO "${f.schema}".customer_notes SELECT customer_id, 'call back' FROM "${f.schema}".customers LIMIT 2`);
      return snapshot(f, [...all, 'customer_notes'], q);
    });
    const r = await seed('--seed', '5');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      `${f.schema}.customer_notes (2 rows, not a landing table of the spec) references ${f.schema}.customers through foreign key customer_notes_customer_id_fkey: replacing the rows of ${f.schema}.customers would break those rows`,
    );
    expect(await snapshot(f, [...all, 'customer_notes'])).toEqual(before);
  });
});

describe(`vault seed on empty landing tables with composite and self-referencing foreign keys, on ${ON}`, () => {
  let f: LandingFixture;
  const tables = ['account', 'account_holder', 'branch', 'customer', 'transfer'];
  const seed = (...args: string[]) => f.vault(['seed', 'bank.yaml', '--rows', '40', ...args, ...f.dbArgs]);
  beforeAll(async () => {
    f = await landingFixture('seedbank');
    await f.exec(bankSchemaSql(f.schema));
    await initSpec(f, 'bank.yaml');
  });
  afterAll(async () => {
    await dropVaultSchemas(f);
    await f.cleanup();
  });

  it('fills empty tables without the option, in an order and with values their foreign keys accept', async () => {
    const r = await seed();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('replacing');
    // Written parents first.
    const order = [...r.stdout.matchAll(new RegExp(`^ {4}${f.schema}\\.(\\w+) +\\d+ rows$`, 'gm'))].map((m) => m[1]);
    expect(order.indexOf('branch')).toBeLessThan(order.indexOf('customer'));
    expect(order.indexOf('account')).toBeLessThan(order.indexOf('account_holder'));
    expect(order.indexOf('account')).toBeLessThan(order.indexOf('transfer'));
    await session(f, async (q) => {
      const s = `"${f.schema}"`;
      for (const t of tables) expect(await count(q, `SELECT count(*) FROM ${s}.${t}`), t).toBeGreaterThan(0);
      // Composite keys, one declared in another column order than the key it references.
      expect(
        await count(q, `SELECT count(*) FROM ${s}.account_holder h WHERE NOT EXISTS (SELECT 1 FROM ${s}.account a WHERE (a.country_code, a.account_number) = (h.country_code, h.account_number))`),
      ).toBe(0);
      expect(
        await count(q, `SELECT count(*) FROM ${s}.transfer t WHERE NOT EXISTS (SELECT 1 FROM ${s}.account a WHERE (a.country_code, a.account_number) = (t.to_country_code, t.to_account_number))`),
      ).toBe(0);
      expect(await count(q, `SELECT count(*) FROM ${s}.customer WHERE referred_by_customer_id IS NOT NULL`)).toBeGreaterThan(0);
      expect(await count(q, `SELECT count(*) FROM ${s}.customer WHERE home_branch_code IS NOT NULL`)).toBeGreaterThan(0);
    });
    const again = await seed('--seed', '2');
    expect(again.code, again.stderr).toBe(0);
  });

  it("columns that do not take the spec's rows stop vault seed, naming each, before anything changes", async () => {
    await f.exec([
      `ALTER TABLE "${f.schema}".branch ADD COLUMN manager text NOT NULL DEFAULT 'x'`,
      `ALTER TABLE "${f.schema}".branch ALTER COLUMN manager DROP DEFAULT`,
      `ALTER TABLE "${f.schema}".branch ALTER COLUMN region TYPE integer USING NULL`,
    ]);
    const before = await snapshot(f, tables);
    const r = await seed('--seed', '3');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`  ${f.schema}.branch.region is text in the spec but integer in the database\n`);
    expect(r.stderr).toContain(`  ${f.schema}.branch.manager is NOT NULL without a default in the database and not in the spec: vault seed cannot fill it\n`);
    expect(r.stderr).not.toMatch(STACK);
    expect(await snapshot(f, tables)).toEqual(before);
  });
});

describe(`vault seed on the landing tables it creates, on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'seedown');
  });
  afterAll(async () => {
    await ws.cleanup();
  });
  const landing = (): string => `"${ws.model.schemas.landing}"."early_warning_signal"`;

  it('naming a table that does not exist yet is a usage mistake; nothing is created', async () => {
    const r = ws.vault(['seed', ws.spec, '--rows', '5', '--replace-tables', 'early_warning_signal']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `vault: --replace-tables names ${ws.model.schemas.landing}.early_warning_signal, which does not exist: vault seed creates it, there are no rows to replace; leave it out`,
    );
    expect(await ws.session((q) => count(q, 'SELECT count(*) FROM pg_namespace WHERE nspname = $1', [ws.model.schemas.landing]))).toBe(0);
  });

  it('records the tables it created and reseeds them freely; a row it did not write needs the option', async () => {
    expect(ws.vault(['seed', ws.spec, '--rows', '20']).code).toBe(0);
    const again = ws.vault(['seed', ws.spec, '--rows', '20', '--batch', '2']);
    expect(again.code, again.stderr).toBe(0);
    await ws.session(async (q) => {
      const record = await q(`SELECT table_name, created, rows_seeded, batch FROM "${ws.model.schemas.rawVault}".vault_seeded_tables ORDER BY 1`);
      expect(record.map((r) => [r['table_name'], r['created'], Number(r['rows_seeded']), Number(r['batch'])])).toEqual([
        ['early_warning_signal', true, 20, 2],
        ['early_warning_signal_input', true, 20, 2],
      ]);
      await q(`UPDATE ${landing()} SET analyst_comment = 'checked by hand' WHERE ctid = (SELECT min(ctid) FROM ${landing()})`);
    });
    const refused = ws.vault(['seed', ws.spec, '--rows', '20']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`\\n {4}${ws.model.schemas.landing}\\.early_warning_signal  20 rows \\(1 not written by vault seed\\)\\n`));
    expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${landing()} WHERE analyst_comment = 'checked by hand'`))).toBe(1);
  });
});
