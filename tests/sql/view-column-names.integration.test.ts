/**
 * Payload columns named like the columns vault's history and as-of views add (valid_from,
 * valid_to, is_current, key_is_deleted, snapshot_date: a source that keeps its own validity, as
 * many bank tables do) against a real database: the business vault prefixes them by their
 * satellite (docs/sql.md, "Business vault views"), so setup creates every view, and each view
 * shows vault's column and the source's value side by side. Before, setup stopped with `column
 * reference "valid_from" is ambiguous`.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { quoteIdent, sqlManifestBlock, validateSql } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const db = fileDatabase();

const ON = process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite';

/** Contracts with a validity of their own, a CDC sequence and a delete flag; their notes; and loans signed under them. */
const SPEC: Spec = {
  version: 1,
  model: 'names',
  tables: {
    contracts: {
      business_key: ['contract_id'],
      delta_order: 'seq',
      columns: {
        contract_id: { type: 'text', nullable: false },
        seq: 'int',
        valid_from: 'date',
        valid_to: 'date',
        is_current: 'boolean',
        key_is_deleted: 'boolean',
        snapshot_date: 'date',
        is_deleted: 'boolean',
      },
    },
    contract_notes: { hub: 'contract', business_key: ['contract_id'], columns: { contract_id: { type: 'text', nullable: false }, note: 'text' } },
    loans: {
      business_key: ['loan_id'],
      columns: { loan_id: { type: 'text', nullable: false }, contract_id: 'text', signed_on: 'date', amount: 'int' },
      references: [{ columns: ['contract_id'], table: 'contracts' }],
    },
  },
  business_vault: { rules: { contract: { derive: { open_ended: 'contracts_valid_to IS NULL' } } } },
  access_layer: { dimensional_models: { loans_star: { fact: 'loan', measures: ['amount'], history: 'type2', fact_date: 'signed_on' } } },
  snapshots: { start: '2024-01-01', end: 'today', every: 'day' },
};

const relation = (text: string): string => text.split('.').map(quoteIdent).join('.');
const noon = (day: number): string => new Date(Date.UTC(2024, 0, day, 12)).toISOString();

describe(`payload columns named like view columns (${ON})`, () => {
  it('are prefixed by their satellite in the business vault and access layer; every view is created and reads them', async () => {
    let model: VaultModel | undefined;
    try {
      model = await db.setUpModel(SPEC, 'vn');
      const contract = (seq: number, validTo: string | null, deleted = false) => ({
        contract_id: 'C1',
        seq,
        valid_from: '2023-06-01',
        valid_to: validTo,
        is_current: validTo === null,
        key_is_deleted: false,
        snapshot_date: '2023-12-31',
        is_deleted: deleted,
      });
      await db.deliver(
        model,
        { contracts: [contract(1, null)], contract_notes: [{ contract_id: 'C1', note: 'first' }], loans: [{ loan_id: 'L1', contract_id: 'C1', signed_on: '2024-01-02', amount: 5 }] },
        noon(1),
      );
      await db.deliver(model, { contracts: [contract(2, '2024-06-30')], loans: [{ loan_id: 'L2', contract_id: 'C1', signed_on: '2024-01-05', amount: 7 }] }, noon(3));

      const bsat = sqlManifestBlock(
        model.byKind.business_satellite.find((s) => s.name === 'contract')!,
        model,
      );
      const history = await db.query<Record<string, unknown>>(
        `SELECT valid_from, valid_to IS NULL AS open, is_current, key_is_deleted, contracts_valid_from, contracts_valid_to, contracts_is_current, contracts_key_is_deleted, contracts_snapshot_date, open_ended
         FROM ${relation(bsat.history!)} WHERE contract_id = 'C1' ORDER BY valid_from`,
      );
      // vault's validity (load times), the source's own columns beside it, unchanged.
      expect(history.rows).toEqual([
        {
          valid_from: new Date(noon(1)),
          open: false,
          is_current: false,
          key_is_deleted: false,
          contracts_valid_from: expect.any(Date),
          contracts_valid_to: null,
          contracts_is_current: true,
          contracts_key_is_deleted: false,
          contracts_snapshot_date: expect.any(Date),
          open_ended: true,
        },
        {
          valid_from: new Date(noon(3)),
          open: true,
          is_current: true,
          key_is_deleted: false,
          contracts_valid_from: expect.any(Date),
          contracts_valid_to: expect.any(Date),
          contracts_is_current: false,
          contracts_key_is_deleted: false,
          contracts_snapshot_date: expect.any(Date),
          open_ended: false,
        },
      ]);
      const pv = sqlManifestBlock(
        model.byKind.presentation_view.find((v) => v.name === 'contract')!,
        model,
      );
      const current = await db.query<{ contracts_valid_to: Date | null }>(`SELECT contracts_valid_to FROM ${relation(pv.table)} WHERE contract_id = 'C1'`);
      expect(current.rows.map((r) => r.contracts_valid_to?.toISOString().slice(0, 10))).toEqual(['2024-06-30']);

      // The as-of presentation view: vault's snapshot_date leads, the source's is a column.
      const asOf = await db.query<{ snapshot_date: string; contracts_is_current: boolean }>(
        `SELECT CAST(snapshot_date AS text) AS snapshot_date, contracts_is_current FROM ${relation(pv.as_of_view!)} WHERE contract_id = 'C1' AND snapshot_date IN (DATE '2024-01-01', DATE '2024-01-03') ORDER BY snapshot_date`,
      );
      expect(asOf.rows).toEqual([
        { snapshot_date: '2024-01-01', contracts_is_current: true },
        { snapshot_date: '2024-01-03', contracts_is_current: false },
      ]);

      // The type-2 dimension: each loan joins the contract's version valid at its signing date.
      const star = sqlManifestBlock(
        model.byKind.dimensional_model.find((m) => m.name === 'loans_star')!,
        model,
      );
      const facts = await db.query<{ amount: number; contracts_is_current: boolean }>(
        `SELECT f.amount, d.contracts_is_current FROM ${relation(star.table)} AS f JOIN ${relation(star.dimensions!['contract']!)} AS d USING (contract_version_key) ORDER BY f.amount`,
      );
      expect(facts.rows).toEqual([
        { amount: 5, contracts_is_current: true },
        { amount: 7, contracts_is_current: false },
      ]);
    } finally {
      if (model !== undefined) await dropSchemas(db, model);
    }
  });

  it("a payload column named like another's prefixed name is prefixed too; setup creates the business satellite and it reads both", async () => {
    // customers.city and customer_notes.city are shared, so prefixed: customers_city, which notes' own column is named.
    const spec: Spec = {
      version: 1,
      model: 'prefixed',
      tables: {
        customers: { business_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, city: 'text' } },
        customer_notes: { hub: 'customer', business_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, city: 'text', customers_city: 'text' } },
      },
    };
    let model: VaultModel | undefined;
    try {
      model = await db.setUpModel(spec, 'vp');
      const bsat = model.byKind.business_satellite.find((s) => s.name === 'customer')!;
      expect(bsat.columns.map((c) => [c.satellite, c.sourceColumn, c.name])).toEqual([
        ['customer_notes', 'city', 'customer_notes_city'],
        ['customer_notes', 'customers_city', 'customer_notes_customers_city'],
        ['customers', 'city', 'customers_city'],
      ]);
      await db.deliver(model, { customers: [{ customer_id: 1, city: 'Oslo' }], customer_notes: [{ customer_id: 1, city: 'Bergen', customers_city: 'Hamar' }] }, noon(1));
      const block = sqlManifestBlock(bsat, model);
      const rows = await db.query<Record<string, unknown>>(
        `SELECT customer_notes_city, customer_notes_customers_city, customers_city FROM ${relation(block.table)} WHERE customer_notes_city IS NOT NULL`,
      );
      expect(rows.rows).toEqual([{ customer_notes_city: 'Bergen', customer_notes_customers_city: 'Hamar', customers_city: 'Oslo' }]);
    } finally {
      if (model !== undefined) await dropSchemas(db, model);
    }
  });

  it('two prefixed names that still meet are VLT412 once, at the later satellite, before any SQL runs', () => {
    // Satellite a's shared b_x and satellite a_b's shared x both become a_b_x: no prefix tells them apart.
    const spec: Spec = {
      version: 1,
      model: 'meet',
      tables: {
        customers: { business_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, b_x: 'text', x: 'text' }, satellites: { a: ['b_x'], a_b: ['x'] } },
        customer_notes: { hub: 'customer', business_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, b_x: 'text', x: 'text' } },
      },
    };
    // Not once for the business satellite and again for the presentation view over it, at the hub's table.
    const { model, diagnostics } = compileSpec(spec);
    expect(diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      [
        'VLT412',
        ['tables', 'customers', 'satellites', 'a_b'],
        "column 'x' of satellite 'a_b' and column 'b_x' of satellite 'a' would both be 'a_b_x' in business satellite 'customer', each prefixed by its satellite's name; give one of the satellites another name with satellites:",
      ],
    ]);
    expect(model).toBeUndefined();
  });

  it('a key named like a view column cannot be prefixed: VLT412 at its hub or link, before any SQL runs', () => {
    const spec: Spec = {
      version: 1,
      model: 'keys',
      tables: {
        accounts: { business_key: ['account_id'], columns: { account_id: { type: 'int', nullable: false }, name: 'text' } },
        customers: { business_key: ['customer_id'], columns: { customer_id: { type: 'int', nullable: false }, segment: 'text' } },
        // A holding's grain includes the date it starts: a dependent child key named valid_from.
        holders: {
          dependent_child_keys: ['valid_from'],
          columns: { account_id: { type: 'int', nullable: false }, customer_id: { type: 'int', nullable: false }, valid_from: { type: 'date', nullable: false }, share: 'int' },
          references: [
            { columns: ['account_id'], table: 'accounts' },
            { columns: ['customer_id'], table: 'customers' },
          ],
        },
        // A business key named like the as-of views' leading column, with snapshots.
        rates: { business_key: ['snapshot_date'], columns: { snapshot_date: { type: 'date', nullable: false }, rate: 'decimal(9,4)' } },
      },
      snapshots: { start: '2024-01-01' },
    };
    const { model } = compileSpec(spec);
    expect(validateSql(model!).map((d) => [d.code, d.path, d.message])).toEqual([
      [
        'VLT412',
        ['tables', 'rates'],
        "hub 'rate' has key column 'snapshot_date', a name the as-of views give a column of their own: rename it in the landing table, or read the table through a view that renames it",
      ],
      [
        'VLT412',
        ['tables', 'holders'],
        "link 'account_customer' has key column 'valid_from', a name business_vault.hist_blsat_account_customer gives a column of its own: rename it in the landing table, or read the table through a view that renames it",
      ],
    ]);
  });
});
