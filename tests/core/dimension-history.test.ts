/**
 * Type-2 dimensional models in the spec and in inference (docs/spec.md, "Access layer";
 * docs/sql.md, "Type-2 dimensions"): `history` and `fact_date`, the IR they give, and VLT238 /
 * VLT435.
 */
import { describe, expect, it } from 'vitest';
import type { DimensionalModelSpec } from '@vault/core';
import { codes, nn, ok, type SpecBody } from './spec-body.js';

const shop = (star: Partial<DimensionalModelSpec>): SpecBody => ({
  tables: {
    customers: { business_key: ['customer_id'], columns: { customer_id: nn('int'), segment: 'text' } },
    orders: {
      business_key: ['order_id'],
      columns: { order_id: nn('int'), customer_id: 'int', ordered_on: 'date', shipped_at: 'timestamp', amount: 'decimal(12,2)' },
      references: [{ columns: ['customer_id'], table: 'customers' }],
    },
  },
  access_layer: { dimensional_models: { sales_star: { fact: 'order', measures: ['amount'], ...star } } },
});

const star = (body: SpecBody) => ok(body).byKind.dimensional_model[0]!;

describe('dimensional model history', () => {
  it('is type 1 by default, without version keys or a fact date', () => {
    const m = star(shop({}));
    expect(m.history).toBe('type1');
    expect(m.factDate).toBeUndefined();
    expect(m.dimensions.map((d) => d.versionKey)).toEqual([undefined]);
    expect(m.evidence[0]!.detail).toBe('fact order; dimensions customer');
  });

  it('type 2 gives each dimension a version key and defaults the fact date to load_ts', () => {
    const m = star(shop({ history: 'type2' }));
    expect(m.history).toBe('type2');
    expect(m.factDate).toBeUndefined();
    expect(m.dimensions.map((d) => d.versionKey)).toEqual(['customer_version_key']);
    expect(m.evidence[0]!.detail).toBe('fact order; dimensions customer; type 2 at load_ts');
  });

  it.each(['ordered_on', 'shipped_at'])('type 2 at a date or timestamp column of the fact: %s', (column) => {
    const m = star(shop({ history: 'type2', fact_date: column }));
    expect(m.factDate).toMatchObject({ name: column, from: 'order', fromKind: 'business_satellite', fromColumn: column });
  });

  it('VLT238: a fact_date that is no column of the fact, a column of a dimension, or no date', () => {
    const at = ['access_layer', 'dimensional_models', 'sales_star', 'fact_date'];
    expect(codes(shop({ history: 'type2', fact_date: 'ordered' }))).toEqual([['VLT238', at]]);
    expect(codes(shop({ history: 'type2', fact_date: 'segment' }))).toEqual([['VLT238', at]]);
    expect(codes(shop({ history: 'type2', fact_date: 'amount' }))).toEqual([['VLT238', at]]);
  });

  it('VLT435: fact_date without type 2 is a warning and changes nothing', () => {
    const body = shop({ fact_date: 'ordered_on' });
    expect(codes(body, 'warning')).toEqual([['VLT435', ['access_layer', 'dimensional_models', 'sales_star', 'fact_date']]]);
    expect(star(body).factDate).toBeUndefined();
  });

  it('a payload column named like a version column is prefixed by its satellite, so it is no clash', () => {
    const body = shop({ history: 'type2' });
    const customers = body.tables['customers']!;
    const named: SpecBody = { ...body, tables: { ...body.tables, customers: { ...customers, columns: { ...customers.columns, is_current: 'boolean' } } } };
    expect(codes(named)).toEqual([]);
    expect(star(named).dimensions[0]!.attributes.map((a) => a.name)).toContain('customers_is_current');
  });

  it('VLT238: an attribute named like the version key', () => {
    const body: SpecBody = { ...shop({ history: 'type2' }), business_vault: { rules: { customer: { derive: { customer_version_key: 'segment' } } } } };
    expect(codes(body)).toEqual([['VLT238', ['access_layer', 'dimensional_models', 'sales_star', 'history']]]);
  });
});
