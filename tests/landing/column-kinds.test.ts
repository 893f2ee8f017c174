/**
 * Landing columns beyond plain types. A column whose type is a domain (docs/validate.md): `vault
 * init` writes the type the domain is over, `vault validate` compares the spec with that type, and
 * `vault seed` writes values into a domain column unless the domain has CHECK constraints, which
 * random values would break. Generated and identity columns (docs/run.md, "vault seed"): seed
 * leaves a generated column to the database and gives an identity column its own keys.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON } from '../run/workspace.js';
import { landingFixture, type LandingFixture } from './fixture.js';

describe(`landing column kinds on ${ON}`, () => {
  let f: LandingFixture;
  let schemas: ReadonlyArray<string>;
  beforeAll(async () => {
    f = await landingFixture('dom');
    schemas = ['raw', 'business', 'access'].map((s) => `${f.model}_${s}`);
    const q = `"${f.schema}"`;
    await f.exec([
      `CREATE SCHEMA ${q}`,
      `CREATE DOMAIN ${q}.amount AS numeric(12, 2)`,
      // A domain over a domain: NOT NULL on the outer one, the modifier on the inner one.
      `CREATE DOMAIN ${q}.required_amount AS ${q}.amount NOT NULL`,
      `CREATE DOMAIN ${q}.positive AS int CHECK (VALUE > 0)`,
      `CREATE DOMAIN ${q}.currency AS varchar(3) CHECK (VALUE ~ '^[A-Z]{3}$')`,
      `CREATE TYPE ${q}.mood AS ENUM ('calm', 'tense')`,
      `CREATE TABLE ${q}.facility (facility_id int PRIMARY KEY, limit_amount ${q}.amount, drawn ${q}.required_amount DEFAULT 0, term_months ${q}.positive, currency ${q}.currency, mood ${q}.mood, balance money)`,
      `INSERT INTO ${q}.facility VALUES (1, 1000.50, 10, 12, 'EUR', 'calm', 1234.5)`,
    ]);
  });
  afterAll(async () => {
    await f.exec(schemas.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE`));
    await f.cleanup();
  });

  it('init writes the type a domain is over and says so; validate agrees with it; seed fills the domains without CHECK', async () => {
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'spec.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain(`wrote spec.yaml: 1 table, model ${f.model}`);
    const text = readFileSync(join(f.dir, 'spec.yaml'), 'utf8');
    expect(text).toContain(`limit_amount: decimal(12,2) # ${f.schema}.amount, a domain over numeric(12,2), in the database`);
    expect(text).toContain(`drawn: {type: "decimal(12,2)", nullable: false} # ${f.schema}.required_amount, a domain over numeric(12,2), in the database`);
    expect(text).toContain(`term_months: int # ${f.schema}.positive, a domain over integer, in the database`);
    expect(text).toContain(`currency: varchar(3) # ${f.schema}.currency, a domain over character varying(3), in the database`);
    expect(text).toContain(`mood: text # ${f.schema}.mood in the database: read as text`);
    // money is read as the number it holds, not as its text, which follows the server's lc_monetary.
    expect(text).toContain('      balance: decimal\n');

    // The enum is the one type the spec reads differently: a warning. No domain column is an error.
    const validate = await f.vault(['validate', 'spec.yaml', ...f.dbArgs]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/VLT605 column facility\.mood is text in the spec but .*\.mood in the database/);
    expect(validate.stdout).toMatch(/1 source table: 0 errors, 1 warning$/m);

    // A spec type the domain's values do not fit is an error naming the domain and its type.
    writeFileSync(join(f.dir, 'wrong.yaml'), text.replace('term_months: int', 'term_months: date'));
    const wrong = await f.vault(['validate', 'wrong.yaml', ...f.dbArgs]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`VLT604 column facility.term_months is date in the spec but ${f.schema}.positive (a domain over integer) in the database`);

    // The vault's schemas of this test's own, beside the landing schema init names.
    const seeded = text.replace(/^ {2}landing: .*$/m, (m) => `${m}\n  raw_vault: ${schemas[0]}\n  business_vault: ${schemas[1]}\n  access_layer: ${schemas[2]}`);
    writeFileSync(join(f.dir, 'seeded.yaml'), seeded);
    const seed = await f.vault(['seed', 'seeded.yaml', '--rows', '20', '--replace-tables', 'facility', ...f.dbArgs]);
    expect(seed.code, seed.stdout + seed.stderr).toBe(0);
    const counts = await f.query<{ rows: number; limits: number; drawn: number; terms: number; currencies: number }>(
      `SELECT CAST(count(*) AS int) AS rows, CAST(count(limit_amount) AS int) AS limits, CAST(count(drawn) AS int) AS drawn,
         CAST(count(term_months) AS int) AS terms, CAST(count(currency) AS int) AS currencies FROM "${f.schema}".facility`,
    );
    // Values of the type for the domains without CHECK constraints (NULL sometimes, where they may be); NULL where a CHECK could refuse them.
    const [c] = counts;
    expect(c!.rows).toBeGreaterThan(10);
    expect(c!.limits).toBeGreaterThan(0);
    expect(c!.drawn).toBe(c!.rows);
    expect([c!.terms, c!.currencies]).toEqual([0, 0]);
  });

  it('seed refuses a NOT NULL column of a domain with CHECK constraints and no default, naming the domain', async () => {
    const q = `"${f.schema}"`;
    await f.exec([`CREATE TABLE ${q}.rated (rated_id int PRIMARY KEY, grade ${q}.positive NOT NULL)`]);
    writeFileSync(
      join(f.dir, 'rated.yaml'),
      [
        'version: 1',
        `model: ${f.model}`,
        `schemas: {landing: ${f.schema}, raw_vault: ${schemas[0]}, business_vault: ${schemas[1]}, access_layer: ${schemas[2]}}`,
        'tables:',
        '  rated:',
        '    primary_key: [rated_id]',
        '    columns:',
        '      rated_id: {type: int, nullable: false}',
        '      grade: {type: int, nullable: false}',
        '',
      ].join('\n'),
    );
    const seed = await f.vault(['seed', 'rated.yaml', '--rows', '5', ...f.dbArgs]);
    expect(seed.code, seed.stdout + seed.stderr).toBe(1);
    expect(seed.stderr).toContain(
      `${f.schema}.rated.grade is ${f.schema}.positive (a domain over integer, with CHECK constraints) in the database, a type vault seed cannot write, and NOT NULL without a default`,
    );
  });

  it('seed leaves generated columns to the database and writes its keys into identity columns', async () => {
    const q = `"${f.schema}"`;
    await f.exec([
      `CREATE TABLE ${q}.branch (branch_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, branch_name text, staff int, double_staff int GENERATED ALWAYS AS (staff * 2) STORED)`,
      `CREATE TABLE ${q}.desk (desk_id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, branch_id bigint REFERENCES ${q}.branch (branch_id))`,
    ]);
    writeFileSync(
      join(f.dir, 'branch.yaml'),
      [
        'version: 1',
        `model: ${f.model}`,
        `schemas: {landing: ${f.schema}, raw_vault: ${schemas[0]}, business_vault: ${schemas[1]}, access_layer: ${schemas[2]}}`,
        'tables:',
        '  branch:',
        '    primary_key: [branch_id]',
        '    columns: {branch_id: {type: bigint, nullable: false}, branch_name: text, staff: int, double_staff: int}',
        '  desk:',
        '    primary_key: [desk_id]',
        '    columns: {desk_id: {type: int, nullable: false}, branch_id: bigint}',
        '    references: [{columns: [branch_id], table: branch}]',
        '',
      ].join('\n'),
    );
    const seed = await f.vault(['seed', 'branch.yaml', '--rows', '12', ...f.dbArgs]);
    expect(seed.code, seed.stdout + seed.stderr).toBe(0);
    const branches = await f.query<{ rows: number; computed: number; keys: number }>(
      `SELECT CAST(count(*) AS int) AS rows, CAST(count(*) FILTER (WHERE double_staff IS NOT DISTINCT FROM staff * 2) AS int) AS computed,
         CAST(count(DISTINCT branch_id) AS int) AS keys FROM ${q}.branch`,
    );
    const [b] = branches;
    expect(b!.rows).toBeGreaterThan(5);
    expect([b!.computed, b!.keys]).toEqual([b!.rows, b!.rows]);
    // The desks point at the branches seeded: the identity column holds the keys vault seed chose.
    const orphans = await f.query<{ n: number }>(
      `SELECT CAST(count(*) AS int) AS n FROM ${q}.desk AS d LEFT JOIN ${q}.branch AS b USING (branch_id) WHERE d.branch_id IS NOT NULL AND b.branch_id IS NULL`,
    );
    const desks = await f.query<{ n: number }>(`SELECT CAST(count(branch_id) AS int) AS n FROM ${q}.desk`);
    expect(orphans[0]!.n).toBe(0);
    expect(desks[0]!.n).toBeGreaterThan(0);
    const run = await f.vault(['run', 'branch.yaml', ...f.dbArgs]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });
});
