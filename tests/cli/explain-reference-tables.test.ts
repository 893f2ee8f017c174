/**
 * `vault explain` of a reference table and of a business satellite that joins one: the code as
 * its key, the rule that made it a reference table with what it saw, and where the code is carried.
 */
import { describe, expect, it } from 'vitest';
import { runVault } from '../helpers/run-vault.js';

describe('vault explain: reference tables', () => {
  it('says why a code list is a reference table and which tables carry its code', () => {
    const r = runVault(['explain', 'tests/corpus/good/northwind-codes.yaml', 'reference_table.us_state']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'raw_vault.reference_tables.us_state (reference table)',
        '  business key: state_abbr',
        '  derived from: source.tables.us_states',
        '  because [bk.primary_key] no declared business key: the primary key is the business key: us_states: primary key [state_abbr]',
        '  because [table.code_list] a table named like a code list (ref_*, lkp_*, lookup_*, ',
      ].join('\n'),
    );
    expect(r.stdout).toContain("us_states: named like a code list, keyed by code 'state_abbr' (char), 2 descriptive columns, no references\n");
    expect(r.stdout).toContain('  because [ref.code_reference] ');
    expect(r.stdout).toContain('code carried by customers(region)\n');
  });

  it('says which descriptions a business satellite joins, by which code', () => {
    const r = runVault(['explain', 'tests/corpus/good/northwind-codes.yaml', 'business_vault.satellites.customer', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { entities: Array<{ derived_from: string[]; evidence: Array<{ rule: string; detail: string }> }> };
    expect(json.entities[0]!.derived_from).toEqual(['raw_vault.hubs.customer', 'raw_vault.satellites.customers', 'raw_vault.reference_tables.us_state']);
    expect(json.entities[0]!.evidence.find((e) => e.rule === 'bv.reference_lookup')!.detail).toBe('region → us_state: us_state_name, us_state_region');
  });
});
