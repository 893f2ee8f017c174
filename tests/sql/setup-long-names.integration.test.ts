/**
 * Setup run again over a vault whose names are longer than PostgreSQL's 63 bytes (docs/sql.md,
 * "Names", "Setup"): such a column is created under its shortened name, and the setup block that
 * brings tables up to date reads the catalog by that name too. So a setup with nothing to add
 * adds nothing (no second unique key on a satellite with a delta order) and the checks of the
 * point-in-time and bridge tables find them as made.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { describe, expect, it } from 'vitest';
import { type Spec } from '@vault/core';
import { sqlPlan } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const db = fileDatabase();

/** 62 bytes: its hash key column, `<hub>_hk`, is 65 and is shortened. */
const CUSTOMER = 'customer_with_an_extraordinarily_long_table_name_for_testing_x';
const ACCOUNT = 'account_with_a_long_name_for_testing_xxxxxxxxxxxxxxxxxxxxxxxxx';

const SPEC: Spec = {
  version: 1,
  model: 'longnames',
  tables: {
    [CUSTOMER]: {
      primary_key: ['customer_id'],
      delta_order: 'seq',
      columns: { customer_id: { type: 'int', nullable: false }, name: 'text', seq: 'int' },
      satellites: { customer_satellite_with_an_extraordinarily_long_name_abcdefgh: ['name'] },
    },
    customer_second_source: { hub: CUSTOMER, primary_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, segment: 'text' } },
    [ACCOUNT]: {
      primary_key: ['account_id'],
      columns: { account_id: { type: 'int', nullable: false }, customer_id: 'int' },
      references: [{ columns: ['customer_id'], table: CUSTOMER, link: 'account_customer' }],
    },
  },
  business_vault: { bridges: { accounts: { path: [CUSTOMER, 'account_customer', ACCOUNT] } } },
  snapshots: { start: '2024-01-01' },
};

describe('setup over long names', () => {
  it('run again adds no second unique key and finds the PIT and bridge tables as made', async () => {
    const model = await db.setUpModel(SPEC, 'ln');
    try {
      expect(model.byKind.pit.length).toBe(1);
      const setup = sqlPlan(model).setup;
      for (const s of setup) await db.query(s.sql);
      for (const s of setup) await db.query(s.sql);
      const { rows } = await db.query<{ relname: string; n: string }>(
        `SELECT c.relname, count(*) AS n FROM pg_catalog.pg_constraint AS k JOIN pg_catalog.pg_class AS c ON c.oid = k.conrelid
         WHERE c.relnamespace = CAST($1 AS regnamespace) AND k.contype = 'u' GROUP BY c.relname ORDER BY 1`,
        [model.schemas.rawVault],
      );
      // The satellite with a delta order and its register: one unique key each, as created.
      expect(rows.length).toBe(2);
      for (const r of rows) expect(Number(r.n), r.relname).toBe(1);
    } finally {
      await dropSchemas(db, model);
    }
  });
});
