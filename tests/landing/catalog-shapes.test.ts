/**
 * Landing catalogs as banks have them, beyond plain tables: what `vault init` reads from them
 * (docs/validate.md) and whether the spec it writes seeds and loads. A foreign key to a
 * partitioned table is one foreign key, though PostgreSQL's catalog holds a clone of it per
 * partition; a unique index's INCLUDE columns are no part of its key. A partition is a table that
 * a spec may name: validate finds it, and seed asks before replacing rows it did not write. An
 * inheritance child is another table: seed neither counts nor replaces its rows with its parent's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, SERVER_URL } from '../run/workspace.js';
import { landingFixture, type LandingFixture } from './fixture.js';

describe(`vault init on catalog shapes on ${ON}`, () => {
  let f: LandingFixture;
  let schemas: ReadonlyArray<string>;
  beforeAll(async () => {
    f = await landingFixture('shapes');
    schemas = ['raw', 'business', 'access'].map((s) => `${f.model}_${s}`);
    const q = `"${f.schema}"`;
    await f.exec([
      `CREATE SCHEMA ${q}`,
      // Hash partitions take every key, so seeded rows always find their partition.
      `CREATE TABLE ${q}.branch (branch_id int PRIMARY KEY, branch_name text) PARTITION BY HASH (branch_id)`,
      `CREATE TABLE ${q}.branch_p0 PARTITION OF ${q}.branch FOR VALUES WITH (MODULUS 2, REMAINDER 0)`,
      `CREATE TABLE ${q}.branch_p1 PARTITION OF ${q}.branch FOR VALUES WITH (MODULUS 2, REMAINDER 1)`,
      `CREATE TABLE ${q}.teller (teller_id int PRIMARY KEY, branch_id int NOT NULL REFERENCES ${q}.branch, teller_name text)`,
      `CREATE TABLE ${q}.client (client_no text NOT NULL, email text, client_name text)`,
      `CREATE UNIQUE INDEX client_no_ux ON ${q}.client (client_no) INCLUDE (email)`,
      `CREATE TABLE ${q}.ledger (entry_id int, booked date, amount numeric(12, 2), PRIMARY KEY (entry_id, booked)) PARTITION BY RANGE (booked)`,
      `CREATE TABLE ${q}.ledger_2024 PARTITION OF ${q}.ledger FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
      `CREATE TABLE ${q}.ledger_rest PARTITION OF ${q}.ledger DEFAULT`,
      `INSERT INTO ${q}.ledger VALUES (1, '1999-12-31', 10)`,
    ]);
  });
  afterAll(async () => {
    await f.exec(schemas.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE`));
    await f.cleanup();
  });

  it('reads a foreign key to a partitioned table once, and a unique index without its INCLUDE columns; the spec seeds and loads', async () => {
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'spec.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain(`wrote spec.yaml: 4 tables, model ${f.model}`);
    const text = readFileSync(join(f.dir, 'spec.yaml'), 'utf8');
    // The partitions are the partitioned table's storage: neither tables of the spec nor targets of foreign keys.
    expect(text).toContain(`  # partitioned table ${f.schema}.branch: primary key branch_pkey\n  # read with its partitions branch_p0, branch_p1\n  branch:\n`);
    expect(text).toContain('  # read with its partitions ledger_2024, ledger_rest\n  ledger:\n');
    expect(text).not.toMatch(/^ {2}(branch_p\d|ledger_2024|ledger_rest):/m);
    expect(text).not.toContain('fkey1');
    expect(text).toContain(`# table ${f.schema}.teller: primary key teller_pkey, foreign key teller_branch_id_fkey\n`);
    expect(text).toContain('- {columns: [branch_id], table: branch}');
    // The key is client_no; email only rides along in the index.
    expect(text).toContain('unique_keys: [[client_no]]');

    const validate = await f.vault(['validate', 'spec.yaml', ...f.dbArgs]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/4 source tables: 0 errors, 0 warnings$/m);

    const spec = text
      .replace(/^ {2}ledger:\n(?: {4}.*\n)+/m, '')
      .replace(/^ {2}landing: .*$/m, (m) => `${m}\n  raw_vault: ${schemas[0]}\n  business_vault: ${schemas[1]}\n  access_layer: ${schemas[2]}`);
    writeFileSync(join(f.dir, 'seeded.yaml'), spec);
    const seed = await f.vault(['seed', 'seeded.yaml', '--rows', '12', ...f.dbArgs]);
    expect(seed.code, seed.stdout + seed.stderr).toBe(0);
    const orphans = await f.query<{ n: number }>(`SELECT CAST(count(*) AS int) AS n FROM "${f.schema}".teller AS t LEFT JOIN "${f.schema}".branch AS b USING (branch_id) WHERE b.branch_id IS NULL`);
    expect(orphans[0]?.n).toBe(0);
    const run = await f.vault(['run', 'seeded.yaml', ...f.dbArgs]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/link teller_branch +\d+ rows inserted/);
  });

  it('finds a partition a spec names, and seed does not write into one holding rows it did not write', async () => {
    const spec = [
      'version: 1',
      `model: ${f.model}`,
      `schemas: {landing: ${f.schema}, raw_vault: ${schemas[0]}, business_vault: ${schemas[1]}, access_layer: ${schemas[2]}}`,
      'tables:',
      '  ledger_rest:',
      '    primary_key: [entry_id, booked]',
      '    columns: {entry_id: {type: int, nullable: false}, booked: {type: date, nullable: false}, amount: "decimal(12,2)"}',
      '',
    ].join('\n');
    writeFileSync(join(f.dir, 'rest.yaml'), spec);
    const validate = await f.vault(['validate', 'rest.yaml', ...f.dbArgs]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/1 source table: 0 errors, 0 warnings$/m);
    const seed = await f.vault(['seed', 'rest.yaml', '--rows', '5', ...f.dbArgs]);
    expect(seed.code, seed.stdout + seed.stderr).toBe(1);
    expect(seed.stderr).toContain(`${f.schema}.ledger_rest  1 row`);
    const rows = await f.query<{ n: number }>(`SELECT CAST(count(*) AS int) AS n FROM "${f.schema}".ledger_rest`);
    expect(rows[0]?.n).toBe(1);
  });

  it("replaces a table's own rows, never those of a table inheriting from it", async () => {
    const q = `"${f.schema}"`;
    await f.exec([
      `CREATE TABLE ${q}.event (event_id int PRIMARY KEY, happened timestamptz)`,
      `CREATE TABLE ${q}.event_login (user_name text) INHERITS (${q}.event)`,
      `INSERT INTO ${q}.event VALUES (1, '2024-01-01')`,
      `INSERT INTO ${q}.event_login VALUES (2, '2024-01-02', 'alice'), (3, '2024-01-03', 'bob')`,
    ]);
    // A read of event returns event_login's rows too: init says so on both, as a spec listing both loads them twice.
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'event*', ...f.dbArgs]);
    expect(init.stdout).toContain(`  # table ${f.schema}.event: primary key event_pkey\n  # read with the rows of event_login, which inherits from it\n  event:\n`);
    expect(init.stdout).toContain('  # inherits from event: its rows are read through that table too\n  event_login:\n');
    const spec = [
      'version: 1',
      `model: ${f.model}`,
      `schemas: {landing: ${f.schema}, raw_vault: ${schemas[0]}, business_vault: ${schemas[1]}, access_layer: ${schemas[2]}}`,
      'tables:',
      '  event:',
      '    primary_key: [event_id]',
      '    columns: {event_id: {type: int, nullable: false}, happened: timestamptz}',
      '',
    ].join('\n');
    writeFileSync(join(f.dir, 'event.yaml'), spec);
    const refused = await f.vault(['seed', 'event.yaml', '--rows', '5', ...f.dbArgs]);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stderr).toContain(`${f.schema}.event  1 row\n`);
    const seed = await f.vault(['seed', 'event.yaml', '--rows', '5', '--replace-tables', 'event', ...f.dbArgs]);
    expect(seed.code, seed.stdout + seed.stderr).toBe(0);
    expect(seed.stdout).toContain(`replacing the rows of ${f.schema}.event (1 row)`);
    const logins = await f.query<{ user_name: string }>(`SELECT user_name FROM ${q}.event_login ORDER BY user_name`);
    expect(logins.map((r) => r.user_name)).toEqual(['alice', 'bob']);
    // A reseed finds its own rows in event, whatever the child holds.
    const again = await f.vault(['seed', 'event.yaml', '--rows', '5', '--batch', '2', ...f.dbArgs]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('leaves out a foreign key to a unique key other than the business key, naming the key it is', async () => {
    const q = `"${f.schema}"`;
    await f.exec([
      `CREATE TABLE ${q}.member (member_no text NOT NULL CONSTRAINT a_member_no UNIQUE, email text NOT NULL CONSTRAINT b_email UNIQUE)`,
      `CREATE TABLE ${q}.letter (letter_id int PRIMARY KEY, email text REFERENCES ${q}.member (email))`,
    ]);
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'member,letter', ...f.dbArgs]);
    expect(init.stdout).toContain(
      `# foreign key letter_email_fkey → ${f.schema}.member(email) is left out: it does not reference member's first unique key (member_no), which is its business key here: it has no primary key\n`,
    );
  });

  it("writes a foreign key repeated under another name once; validate takes any of the foreign keys over a reference's columns", async () => {
    const q = `"${f.schema}"`;
    await f.exec([
      `CREATE TABLE ${q}.account (account_id int PRIMARY KEY, opened date)`,
      `CREATE TABLE ${q}.vip_account (account_id int PRIMARY KEY, tier text)`,
      `CREATE TABLE ${q}.statement (statement_id int PRIMARY KEY, account_id int, total numeric(12, 2),
         CONSTRAINT statement_account FOREIGN KEY (account_id) REFERENCES ${q}.account,
         CONSTRAINT statement_account_again FOREIGN KEY (account_id) REFERENCES ${q}.account (account_id),
         CONSTRAINT statement_vip FOREIGN KEY (account_id) REFERENCES ${q}.vip_account)`,
    ]);
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'account,vip_account,statement', '-o', 'statement.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(join(f.dir, 'statement.yaml'), 'utf8');
    expect(text).toContain('  # foreign key statement_account_again is left out: it repeats statement_account\n');
    expect(text).toContain('    references:\n      - {columns: [account_id], table: account}\n      - {columns: [account_id], table: vip_account}\n');
    const validate = await f.vault(['validate', 'statement.yaml', ...f.dbArgs]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/3 source tables: 0 errors, 0 warnings$/m);
  });

  // The embedded database builds no index concurrently; the server test setup says when it is skipped.
  it.skipIf(SERVER_URL === undefined)('takes no key from a unique index left invalid by a concurrent build that met duplicates', async () => {
    const q = `"${f.schema}"`;
    await f.exec([`CREATE TABLE ${q}.deposit (deposit_no text NOT NULL, amount numeric(12, 2))`, `INSERT INTO ${q}.deposit VALUES ('D-1', 1), ('D-1', 2)`]);
    await expect(f.exec([`CREATE UNIQUE INDEX CONCURRENTLY deposit_no_ux ON ${q}.deposit (deposit_no)`])).rejects.toThrow(/could not create unique index/);
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'deposit', ...f.dbArgs]);
    expect(init.stdout).toContain(`  # table ${f.schema}.deposit: no keys in the database; inference looks at column names\n`);
    expect(init.stdout).not.toContain('unique_keys');
  });
});
