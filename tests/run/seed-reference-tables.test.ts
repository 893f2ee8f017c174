/**
 * Test data for reference tables: the list enumerates distinct codes (a duplicate row aside, as
 * every table gets), and the tables carrying a code draw it from the list, so the business vault
 * finds the descriptions; a NULL code stays possible where the column is nullable.
 */
import type { VaultModel } from '@vault/core';
import { loadSpec } from '@vault/dsl';
import { seedRows, type SeedTable, type SeedValue } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';

function model(path: string): VaultModel {
  const { model: m, diagnostics } = loadSpec(path);
  if (m === undefined) throw new Error(`${path}: ${diagnostics.map((d) => d.message).join('; ')}`);
  return m;
}

function column(tables: ReadonlyArray<SeedTable>, table: string, name: string): SeedValue[] {
  const t = tables.find((x) => x.table === table)!;
  return t.rows.map((r) => r[t.columns.indexOf(name)] ?? null);
}

describe('seedRows with reference tables', () => {
  it.each([
    ['specs/lgd.yaml', 'rating_grade', 'rating_grade', 'business_partner', 'rating_grade'],
    ['tests/corpus/good/northwind-codes.yaml', 'us_states', 'state_abbr', 'customers', 'region'],
    ['tests/corpus/good/northwind-codes.yaml', 'currencies', 'currency_code', 'orders', 'currency_code'],
  ])('%s: %s enumerates its codes, %s.%s draws them from the list', (spec, list, code, carrier, column_) => {
    const m = model(spec);
    expect(m.byKind.reference_table.some((r) => r.source.table === list)).toBe(true);
    // A later batch may carry codes the list delivered in an earlier one, as references to hubs do.
    const known = new Set<SeedValue>();
    for (const batch of [1, 2]) {
      const tables = seedRows(m, { rows: 120, seed: 3, batch });
      const codes = column(tables, list, code);
      expect(codes.every((c) => c !== null)).toBe(true);
      // Most rows bring a new code; only the duplicate rows repeat one.
      expect(new Set(codes).size).toBeGreaterThan(codes.length * 0.8);
      for (const c of codes) known.add(c);
      const carried = column(tables, carrier, column_).filter((c) => c !== null);
      expect(carried.length).toBeGreaterThan(0);
      expect(carried.filter((c) => !known.has(c))).toEqual([]);
    }
  });
});
