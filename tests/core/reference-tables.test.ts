/**
 * Reference tables in inference (packages/core/src/infer/reference-tables.ts, lookups.ts): which
 * tables are code lists (`table.code_list`, `kind: reference`), what their reference tables hold,
 * that references to them are lookups and not links, and the descriptions business satellites
 * join by the codes they carry. Names, columns and evidence are asserted exactly.
 */
import { describe, expect, test } from 'vitest';
import type { ReferenceTable, VaultModel } from '@vault/core';
import { compile, nn, ok, rules, type SpecBody } from './spec-body.js';

const names = (xs: ReadonlyArray<{ readonly name: string }>): string[] => xs.map((x) => x.name);
function ref(m: VaultModel, name: string): ReferenceTable {
  const r = m.byKind.reference_table.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no reference table '${name}'; reference tables: ${names(m.byKind.reference_table).join(', ')}`);
  return r;
}
const lookupsOf = (m: VaultModel, sat: string) => m.byKind.business_satellite.find((s) => s.name === sat)?.lookups;

const US_STATES = { primary_key: ['state_abbr'], columns: { state_abbr: nn('char(2)'), state_name: 'text', state_region: 'text' } };
const CURRENCIES = { columns: { currency_code: nn('char(3)'), currency_name: 'text' } };

describe('code lists become reference tables (table.code_list)', () => {
  test("Northwind's us_states, carried by customers.region: a reference table, a lookup and no link", () => {
    const m = ok({
      tables: {
        us_states: US_STATES,
        customers: { columns: { customer_id: nn('varchar(5)'), company_name: 'text', region: 'char(2)' }, references: [{ columns: ['region'], table: 'us_states' }] },
      },
    });
    expect(names(m.byKind.hub)).toEqual(['customer']);
    expect(m.byKind.link).toEqual([]);
    const r = ref(m, 'us_state');
    expect(r.codes).toEqual([{ name: 'state_abbr', type: { kind: 'char', length: 2 }, nullable: false }]);
    expect(r.attributes.map((a) => [a.name, a.sourceTable, a.sourceColumn])).toEqual([
      ['state_name', 'us_states', 'state_name'],
      ['state_region', 'us_states', 'state_region'],
    ]);
    expect(r.source).toEqual({ table: 'us_states', columns: ['state_abbr'] });
    expect(r.usedBy).toEqual([{ table: 'customers', columns: ['region'] }]);
    expect(rules(r)).toEqual(['bk.primary_key', 'table.code_list', 'ref.code_reference']);
    expect(r.derivedFrom).toEqual([{ layer: 'source', kind: 'source_table', name: 'us_states' }]);
    // The code stays in the satellite; the business satellite joins the current descriptions.
    expect(m.byKind.satellite.find((s) => s.name === 'customers')!.payload.map((c) => c.name)).toEqual(['company_name', 'region']);
    expect(lookupsOf(m, 'customer')).toEqual([
      {
        referenceTable: 'us_state',
        codeColumns: ['region'],
        columns: [
          { name: 'us_state_name', type: { kind: 'text' }, nullable: true, sourceColumn: 'state_name' },
          { name: 'us_state_region', type: { kind: 'text' }, nullable: true, sourceColumn: 'state_region' },
        ],
      },
    ]);
    const bsat = m.byKind.business_satellite.find((s) => s.name === 'customer')!;
    expect(bsat.derivedFrom.map((d) => `${d.kind}.${d.name}`)).toEqual(['hub.customer', 'satellite.customers', 'reference_table.us_state']);
    expect(rules(bsat)).toEqual(['bv.business_satellite', 'bv.reference_lookup']);
    // The presentation view shows them after the satellite's columns.
    expect(m.byKind.presentation_view.find((v) => v.name === 'customer')!.columns.map((c) => c.name)).toEqual(['customer_id', 'company_name', 'region', 'us_state_name', 'us_state_region']);
  });

  test('currencies, countries and a rating grade list, carried by naming', () => {
    const m = ok({
      tables: {
        currencies: CURRENCIES,
        countries: { columns: { country_code: nn('char(2)'), country_name: 'text' } },
        rating_grades: { primary_key: ['rating_grade'], columns: { rating_grade: nn('varchar(4)'), description: 'text', pd_lower: 'decimal(9,6)', pd_upper: 'decimal(9,6)' } },
        facility: { columns: { facility_id: nn('int'), currency_code: 'char(3)', country_code: 'char(2)', rating_grade: 'varchar(4)', limit_amount: 'decimal(18,2)' } },
      },
    });
    expect(names(m.byKind.reference_table)).toEqual(['country', 'currency', 'rating_grade']);
    expect(names(m.byKind.hub)).toEqual(['facility']);
    expect(m.byKind.link).toEqual([]);
    expect(ref(m, 'rating_grade').evidence[1]).toEqual({
      rule: 'table.code_list',
      detail: "rating_grades: named like a code list, keyed by code 'rating_grade' (varchar), 3 descriptive columns, no references",
    });
    expect(lookupsOf(m, 'facility')!.map((l) => [l.referenceTable, l.codeColumns, names(l.columns)])).toEqual([
      ['country', ['country_code'], ['country_name']],
      ['currency', ['currency_code'], ['currency_name']],
      ['rating_grade', ['rating_grade'], ['rating_grade_description', 'rating_grade_pd_lower', 'rating_grade_pd_upper']],
    ]);
  });

  test('one code list carried twice by an entity: each description is prefixed with its code column', () => {
    const m = ok({
      tables: {
        countries: { columns: { country_code: nn('char(2)'), country_name: 'text' } },
        customers: {
          columns: { customer_id: nn('int'), billing_country: 'char(2)', shipping_country: 'char(2)' },
          references: [
            { columns: ['billing_country'], table: 'countries' },
            { columns: ['shipping_country'], table: 'countries' },
          ],
        },
      },
    });
    expect(lookupsOf(m, 'customer')!.map((l) => [l.codeColumns, names(l.columns)])).toEqual([
      [['billing_country'], ['billing_country_country_name']],
      [['shipping_country'], ['shipping_country_country_name']],
    ]);
  });

  test('a joined name the entity has already is VLT420 and that description is not joined', () => {
    const r = compile({ tables: { currencies: CURRENCIES, orders: { columns: { order_id: nn('int'), currency_code: 'char(3)', currency_name: 'text' } } } });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['VLT420', 'warning', ['tables', 'currencies']]]);
    expect(lookupsOf(r.model!, 'order')).toBeUndefined();
  });

  test('a sensitive description is kept in the reference table and never joined', () => {
    const m = ok({
      tables: {
        currencies: { columns: { currency_code: nn('char(3)'), currency_name: 'text', desk_email: 'text', note: { type: 'text', role: 'sensitive' } } },
        orders: { columns: { order_id: nn('int'), currency_code: 'char(3)' } },
      },
    });
    expect(names(ref(m, 'currency').attributes)).toEqual(['currency_name', 'desk_email', 'note']);
    expect(ref(m, 'currency').sensitive).toEqual(['desk_email', 'note']);
    expect(lookupsOf(m, 'order')!.map((l) => names(l.columns))).toEqual([['currency_name']]);
  });

  test('a code list nobody references is a reference table all the same', () => {
    const m = ok({ tables: { order_status: { primary_key: ['status_code'], columns: { status_code: nn('varchar(10)'), label: 'text' } } } });
    expect(names(m.byKind.reference_table)).toEqual(['order_status']);
    expect(ref(m, 'order_status').usedBy).toEqual([]);
    expect(m.byKind.hub).toEqual([]);
  });
});

describe('when in doubt the table stays a hub', () => {
  const hubs = (body: SpecBody): [string[], string[]] => {
    const m = ok(body);
    return [names(m.byKind.hub), names(m.byKind.reference_table)];
  };

  test('customer_type with a reference to a hub stays a hub', () => {
    expect(
      hubs({
        tables: {
          segments: { columns: { segment_id: nn('int'), label: 'text' } },
          customer_type: { columns: { customer_type_code: nn('char(2)'), label: 'text', segment_id: 'int' } },
        },
      }),
    ).toEqual([['customer_type', 'segment'], []]);
  });

  test('customer_type with many descriptive columns stays a hub', () => {
    const columns = { customer_type_code: nn('char(2)'), a: 'text', b: 'text', c: 'text', d: 'text', e: 'text' };
    expect(hubs({ tables: { customer_type: { columns } } })).toEqual([['customer_type'], []]);
  });

  test('a surrogate key (an integer id, or a text id) is no clear code: region and language stay hubs', () => {
    expect(hubs({ tables: { region: { columns: { region_id: nn('int'), region_description: 'text' } } } })).toEqual([['region'], []]);
    expect(hubs({ tables: { language: { columns: { language_id: nn('smallint'), name: 'text' } } } })).toEqual([['language'], []]);
    expect(hubs({ tables: { region: { columns: { id: nn('varchar(40)') } } } })).toEqual([['region'], []]);
  });

  test("a surrogate id beside a code column of its own: Northwind's us_states as its dump declares it (primary key state_id)", () => {
    const m = ok({ tables: { us_states: { primary_key: ['state_id'], columns: { state_id: nn('smallint'), state_name: 'varchar(100)', state_abbr: 'varchar(2)', state_region: 'varchar(50)' } } } });
    const r = ref(m, 'us_state');
    expect(names(r.codes)).toEqual(['state_id']);
    expect(names(r.attributes)).toEqual(['state_abbr', 'state_name', 'state_region']);
    expect(r.evidence.find((e) => e.rule === 'table.code_list')!.detail).toContain("beside its code column 'state_abbr'");
    expect(names(m.byKind.hub)).toEqual([]);
    // the code column must be the table's own: an id with only descriptions stays a hub (above)
    expect(hubs({ tables: { us_states: { primary_key: ['state_id'], columns: { state_id: nn('smallint'), state_name: 'text' } } } })).toEqual([['us_state'], []]);
  });

  test('a table not named like a code list stays a hub, whatever its key', () => {
    expect(hubs({ tables: { product: { columns: { product_code: nn('char(8)'), label: 'text' } } } })).toEqual([['product'], []]);
  });

  test('a code list whose code is part of another table’s key stays a hub: the association stays a link', () => {
    const m = ok({
      tables: {
        currencies: CURRENCIES,
        customers: { columns: { customer_id: nn('int'), full_name: 'text' } },
        customer_currencies: { primary_key: ['customer_id', 'currency_code'], columns: { customer_id: 'int', currency_code: 'char(3)' } },
      },
    });
    expect(names(m.byKind.hub)).toEqual(['currency', 'customer']);
    expect(names(m.byKind.link)).toEqual(['currency_customer']);
    expect(m.byKind.reference_table).toEqual([]);
  });

  test('a hub, link or satellite setting keeps a code list a hub', () => {
    expect(hubs({ tables: { currencies: { hub: 'money', ...CURRENCIES } } })).toEqual([['money'], []]);
    expect(hubs({ tables: { currencies: { satellites: { currency_names: ['currency_name'] }, ...CURRENCIES } } })).toEqual([['currency'], []]);
  });

  test('kind: hub keeps a code list a hub', () => {
    expect(hubs({ tables: { currencies: { kind: 'hub', ...CURRENCIES } } })).toEqual([['currency'], []]);
  });
});

describe('kind: reference', () => {
  test('makes any keyed table a reference table (table.reference_override), with an integer key too', () => {
    const m = ok({
      tables: {
        region: { kind: 'reference', columns: { region_id: nn('int'), region_description: 'text' } },
        territories: { columns: { territory_id: nn('varchar(20)'), territory_description: 'text', region_id: 'int' } },
      },
    });
    expect(names(m.byKind.hub)).toEqual(['territory']);
    expect(m.byKind.link).toEqual([]);
    expect(rules(ref(m, 'region'))).toEqual(['bk.naming', 'table.reference_override', 'ref.code_reference']);
    expect(lookupsOf(m, 'territory')!.map((l) => names(l.columns))).toEqual([['region_description']]);
  });

  test('without a key: VLT413, left out', () => {
    const r = compile({ tables: { codes: { kind: 'reference', columns: { label: 'text' } } } });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['VLT413', 'warning', ['tables', 'codes']]]);
    expect(r.model!.byKind.reference_table).toEqual([]);
  });

  test('hub, link and satellite settings, and references to hubs, are VLT406 at their key', () => {
    const r = compile({
      tables: {
        customers: { columns: { customer_id: nn('int') } },
        countries: {
          kind: 'reference',
          hub: 'land',
          satellites: { names: ['country_name'] },
          columns: { country_code: nn('char(2)'), country_name: 'text', customer_id: 'int' },
          references: [{ columns: ['customer_id'], table: 'customers' }],
        },
      },
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path])).toEqual([
      ['VLT406', ['tables', 'countries', 'hub']],
      ['VLT406', ['tables', 'countries', 'satellites']],
      ['VLT406', ['tables', 'countries', 'references', 0]],
    ]);
  });
});
