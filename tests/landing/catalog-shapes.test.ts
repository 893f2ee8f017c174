/**
 * Landing catalogs as banks have them, beyond plain tables: what `vault init` reads from them
 * (docs/validate.md) and whether the spec it writes seeds and loads. A foreign key to a
 * partitioned table is one foreign key, though PostgreSQL's catalog holds a clone of it per
 * partition; a unique index's INCLUDE columns are no part of its key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON } from '../run/workspace.js';
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
    ]);
  });
  afterAll(async () => {
    await f.exec(schemas.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE`));
    await f.cleanup();
  });

  it('reads a foreign key to a partitioned table once, and a unique index without its INCLUDE columns; the spec seeds and loads', async () => {
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'spec.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain(`wrote spec.yaml: 3 tables, model ${f.model}`);
    const text = readFileSync(join(f.dir, 'spec.yaml'), 'utf8');
    // The partitions are the partitioned table's storage: neither tables of the spec nor targets of foreign keys.
    expect(text).not.toContain('branch_p0');
    expect(text).not.toContain('branch_p1');
    expect(text).toContain(`# table ${f.schema}.teller: primary key teller_pkey, foreign key teller_branch_id_fkey\n`);
    expect(text).toContain('- {columns: [branch_id], table: branch}');
    // The key is client_no; email only rides along in the index.
    expect(text).toContain('unique_keys: [[client_no]]');

    const validate = await f.vault(['validate', 'spec.yaml', ...f.dbArgs]);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/3 source tables: 0 errors, 0 warnings$/m);

    const spec = text.replace(/^ {2}landing: .*$/m, (m) => `${m}\n  raw_vault: ${schemas[0]}\n  business_vault: ${schemas[1]}\n  access_layer: ${schemas[2]}`);
    writeFileSync(join(f.dir, 'seeded.yaml'), spec);
    const seed = await f.vault(['seed', 'seeded.yaml', '--rows', '12', ...f.dbArgs]);
    expect(seed.code, seed.stdout + seed.stderr).toBe(0);
    const orphans = await f.query<{ n: number }>(`SELECT CAST(count(*) AS int) AS n FROM "${f.schema}".teller AS t LEFT JOIN "${f.schema}".branch AS b USING (branch_id) WHERE b.branch_id IS NULL`);
    expect(orphans[0]?.n).toBe(0);
    const run = await f.vault(['run', 'seeded.yaml', ...f.dbArgs]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/link teller_branch +\d+ rows inserted/);
  });
});
