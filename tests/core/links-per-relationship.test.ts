/**
 * Scenario tests of which links a table forms (docs/inference.md, "Links: one per relationship,
 * or one unit of work"): a hub table forms one link per reference driven by its own hub, an
 * association table one unit-of-work link, and the spec can ask a hub table for one unit of
 * work (`link:`) or name one relationship's link (`link:` in a `references:` entry). Also the
 * diagnostics of those settings, the driving key in manifest.json and the Query DSL, and a star
 * on a fact hub.
 */
import { describe, expect, test } from 'vitest';
import type { Link, Spec, VaultModel } from '@vault/core';
import { analyzeSpec, parseSpecCompact, parseSpecYaml } from '@vault/dsl';
import { buildManifest, emitQueryDsl } from '@vault/emitters';
import { compile, errors, nn, ok, rules } from './spec-body.js';

/** Each link as [name, its hubs (role_hub), its driving key]. */
const shape = (m: VaultModel): Array<[string, string[], ReadonlyArray<string> | undefined]> =>
  m.byKind.link.map((l: Link) => [l.name, l.hubs.map((h) => (h.role ? `${h.role}_${h.hub}` : h.hub)), l.drivingKey]);

/** Northwind's orders: a customer, an employee and a shipper, each optional; and the employees' manager. */
const NORTHWIND: Spec['tables'] = {
  customers: { business_key: ['customer_id'], columns: { customer_id: nn('text'), company_name: 'text' } },
  employees: {
    business_key: ['employee_id'],
    columns: { employee_id: nn('int'), last_name: 'text', reports_to: 'int' },
    references: [{ columns: ['reports_to'], table: 'employees', role: 'manager' }],
  },
  shippers: { business_key: ['shipper_id'], columns: { shipper_id: nn('int'), company_name: 'text' } },
  orders: { business_key: ['order_id'], columns: { order_id: nn('int'), customer_id: 'text', employee_id: 'int', shipper_id: 'int', freight: 'decimal(10,2)' } },
};

describe('one link per relationship of a hub table', () => {
  test("a name past 50 bytes keeps the referenced hub's last words that fit, or the reference's number when two would shorten alike", () => {
    const m = ok({
      tables: {
        monthly_portfolio_risk_assessment: {
          business_key: ['monthly_portfolio_risk_assessment_id'],
          columns: {
            monthly_portfolio_risk_assessment_id: nn('int'),
            regional_credit_committee_meeting_id: 'int',
            central_credit_committee_meeting_id: 'int',
            customer_account_monitoring_batch_manifest_id: 'int',
            score: 'int',
          },
        },
      },
    });
    expect(m.byKind.link.map((l) => [l.name, l.hubs[1]!.hub])).toEqual([
      ['monthly_portfolio_risk_assessment_batch_manifest', 'customer_account_monitoring_batch_manifest'],
      ['monthly_portfolio_risk_assessment_relationship_1', 'central_credit_committee_meeting'],
      ['monthly_portfolio_risk_assessment_relationship_3', 'regional_credit_committee_meeting'],
    ]);
  });

  test('Northwind-shaped orders: three links, each driven by the order; the manager self reference one more', () => {
    const m = ok({ tables: NORTHWIND });
    expect(shape(m)).toEqual([
      ['employee_manager_employee', ['employee', 'manager_employee'], ['employee_hk']],
      ['order_customer', ['order', 'customer'], ['order_hk']],
      ['order_employee', ['order', 'employee'], ['order_hk']],
      ['order_shipper', ['order', 'shipper'], ['order_hk']],
    ]);
    const l = m.byKind.link.find((x) => x.name === 'order_shipper')!;
    expect(l.sources).toEqual([{ table: 'orders', columns: ['order_id', 'shipper_id'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.naming', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(l.evidence.find((e) => e.rule === 'link.per_relationship')!.detail).toBe('orders: order → shipper');
    expect(l.evidence.find((e) => e.rule === 'link.driving_key')!.detail).toBe("orders becomes hub 'order': driving key order_hk");
    // each relationship's link comes from the node that declares or implies it
    expect(l.origin).toEqual(['tables', 'orders', 'columns', 'shipper_id']);
    expect(m.byKind.link.find((x) => x.name === 'employee_manager_employee')!.origin).toEqual(['tables', 'employees', 'references', 0]);
    // the order's satellite is unchanged: the hub's, without the references
    expect(m.byKind.satellite.find((s) => s.name === 'orders')!.payload.map((c) => c.name)).toEqual(['freight']);
    // business links carry the driving key on
    expect(m.byKind.business_link.map((b) => [b.name, b.drivingKey])).toEqual(shape(m).map(([n, , d]) => [n, d]));
  });

  test('an association table stays one unit-of-work link, without a driving key', () => {
    const m = ok({
      tables: {
        ...NORTHWIND,
        products: { business_key: ['product_id'], columns: { product_id: nn('int'), product_name: 'text' } },
        order_details: { primary_key: ['order_id', 'product_id'], columns: { order_id: nn('int'), product_id: nn('int'), quantity: 'int' } },
      },
    });
    const l = m.byKind.link.find((x) => x.name === 'order_product')!;
    expect(l.hubs.map((h) => h.hub)).toEqual(['order', 'product']);
    expect(l.drivingKey).toBeUndefined();
    expect(rules(l)).toEqual(['table.association', 'link.naming', 'link.naming', 'link.unit_of_work', 'link.name_from_hubs']);
    expect(m.byKind.link_satellite.map((s) => [s.name, s.parent])).toEqual([['order_product', 'order_product']]);
  });

  test('link: on a hub table asks for one unit-of-work link of its hub and all its references, driven by its hub', () => {
    const m = ok({ tables: { ...NORTHWIND, orders: { ...NORTHWIND['orders']!, link: 'order_placement' } } });
    expect(shape(m).filter(([n]) => n.startsWith('order'))).toEqual([['order_placement', ['order', 'customer', 'employee', 'shipper'], ['order_hk']]]);
    const l = m.byKind.link.find((x) => x.name === 'order_placement')!;
    expect(rules(l)).toEqual(['table.hub', 'link.naming', 'link.naming', 'link.naming', 'link.unit_of_work_declared', 'link.driving_key', 'link.name_from_hubs']);
    expect(l.sources).toEqual([{ table: 'orders', columns: ['order_id', 'customer_id', 'employee_id', 'shipper_id'] }]);
    expect(l.origin).toEqual(['tables', 'orders', 'link']);
  });

  test('link: in a references entry names that relationship’s link; the others keep their names', () => {
    const m = ok({
      tables: {
        ...NORTHWIND,
        orders: { ...NORTHWIND['orders']!, references: [{ columns: ['customer_id'], table: 'customers', link: 'order_placed_by' }] },
      },
    });
    expect(shape(m).filter(([n]) => n.startsWith('order'))).toEqual([
      ['order_employee', ['order', 'employee'], ['order_hk']],
      ['order_placed_by', ['order', 'customer'], ['order_hk']],
      ['order_shipper', ['order', 'shipper'], ['order_hk']],
    ]);
    const l = m.byKind.link.find((x) => x.name === 'order_placed_by')!;
    expect(l.hashKey).toBe('order_placed_by_hk');
    expect(l.origin).toEqual(['tables', 'orders', 'references', 0, 'link']);
    expect(l.evidence.at(-1)).toEqual({ rule: 'link.name_from_hubs', detail: 'named by the spec: order_placed_by' });
  });

  test('two references to one hub need roles: with them, two links; without, VLT406', () => {
    const address = { business_key: ['address_id'], columns: { address_id: nn('int'), city: 'text' } };
    const withRoles = ok({
      tables: {
        addresses: address,
        shipments: {
          business_key: ['shipment_id'],
          columns: { shipment_id: nn('int'), from_id: 'int', to_id: 'int' },
          references: [
            { columns: ['from_id'], table: 'addresses', role: 'origin' },
            { columns: ['to_id'], table: 'addresses', role: 'destination' },
          ],
        },
      },
    });
    expect(shape(withRoles)).toEqual([
      ['shipment_destination_address', ['shipment', 'destination_address'], ['shipment_hk']],
      ['shipment_origin_address', ['shipment', 'origin_address'], ['shipment_hk']],
    ]);
    expect(
      errors({
        tables: {
          addresses: address,
          shipments: {
            business_key: ['shipment_id'],
            columns: { shipment_id: nn('int'), from_id: 'int', to_id: 'int' },
            references: [
              { columns: ['from_id'], table: 'addresses' },
              { columns: ['to_id'], table: 'addresses' },
            ],
          },
        },
      }),
    ).toEqual([['VLT406', ['tables', 'shipments', 'references']]]);
  });

  test('two hubs of a link that would have one name: VLT406 names the hubs and roles the spec writes, not the name they would share', () => {
    const accounts = { business_key: ['account_id'], columns: { account_id: nn('int'), balance: 'int' } };
    const customers = { business_key: ['customer_id'], columns: { customer_id: nn('int'), name: 'text' } };
    const sameRole = [
      { columns: ['from_id'], table: 'accounts', role: 'source' },
      { columns: ['to_id'], table: 'accounts', role: 'source' },
    ];
    const transfer = { columns: { transfer_id: nn('int'), from_id: nn('int'), to_id: nn('int'), amount: 'int' }, references: sameRole };
    const messages = (body: Parameters<typeof compile>[0]): string[] =>
      compile(body)
        .diagnostics.filter((d) => d.code === 'VLT406')
        .map((d) => d.message);
    const twiceWithRole = "table 'transfers' references hub 'account' twice with the role 'source'; give the references different roles";
    // A hub table (one link per reference), a link table and an event table: one message.
    expect(messages({ tables: { accounts, transfers: { ...transfer, business_key: ['transfer_id'] } } })).toEqual([twiceWithRole]);
    expect(messages({ tables: { accounts, transfers: { ...transfer, kind: 'link' } } })).toEqual([twiceWithRole]);
    expect(messages({ tables: { accounts, transfers: { ...transfer, kind: 'non_historized_link', business_key: ['transfer_id'] } } })).toEqual([twiceWithRole]);
    // A hub table that asks for one unit-of-work link: its own hub is a hub of the link.
    expect(messages({ tables: { accounts, transfers: { ...transfer, business_key: ['transfer_id'], link: 'transfer_flow' } } })).toEqual([twiceWithRole]);
    // A role that makes one hub's name another's.
    expect(
      messages({
        tables: {
          customers,
          main_customers: { business_key: ['main_customer_id'], columns: { main_customer_id: nn('int'), name: 'text' } },
          orders: {
            business_key: ['order_id'],
            columns: { order_id: nn('int'), buyer_id: 'int', payer_id: 'int' },
            references: [
              { columns: ['buyer_id'], table: 'customers', role: 'main' },
              { columns: ['payer_id'], table: 'main_customers' },
            ],
          },
        },
      }),
    ).toEqual([
      "table 'orders' references hub 'customer' with the role 'main' and hub 'main_customer' without one, which would both be 'main_customer' in its link; give the reference to 'customer' another role",
    ]);
    // A self reference without a role: the table's own hub is the other one.
    expect(
      messages({
        tables: {
          employees: {
            business_key: ['employee_id'],
            columns: { employee_id: nn('int'), reports_to: 'int' },
            references: [{ columns: ['reports_to'], table: 'employees' }],
          },
        },
      }),
    ).toEqual(["table 'employees' becomes hub 'employee' and references it without a role; give the reference a role"]);
  });

  test('a relationship link whose name another table takes: VLT410 at the reference, with the hint to name it there', () => {
    const r = compile({
      tables: {
        customers: { business_key: ['customer_id'], columns: { customer_id: nn('int'), name: 'text' } },
        products: { business_key: ['product_id'], columns: { product_id: nn('int'), label: 'text' } },
        // customers.product_id would form customer_product, as the association table does
        customer: { business_key: ['customer_id'], hub: 'customer', columns: { customer_id: nn('int'), product_id: 'int' } },
        customer_product: { primary_key: ['customer_id', 'product_id'], columns: { customer_id: nn('int'), product_id: nn('int'), qty: 'int' } },
      },
    });
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((e) => [e.code, e.path])).toEqual([['VLT410', ['tables', 'customer_product']]]);
  });

  test('settings that cannot apply are diagnostics at their node', () => {
    const products = { business_key: ['product_id'], columns: { product_id: nn('int'), label: 'text' } };
    // a reference's link: on an association table: it forms one link, no relationship link to name
    expect(
      errors({
        tables: {
          ...NORTHWIND,
          products,
          order_details: {
            primary_key: ['order_id', 'product_id'],
            columns: { order_id: nn('int'), product_id: nn('int') },
            references: [
              { columns: ['order_id'], table: 'orders' },
              { columns: ['product_id'], table: 'products', link: 'line_product' },
            ],
          },
        },
      }),
    ).toEqual([['VLT406', ['tables', 'order_details', 'references', 1, 'link']]]);
    // a reference's link: beside the table's link: (one unit of work)
    expect(
      errors({
        tables: {
          ...NORTHWIND,
          orders: { ...NORTHWIND['orders']!, link: 'order_placement', references: [{ columns: ['customer_id'], table: 'customers', link: 'order_placed_by' }] },
        },
      }),
    ).toEqual([['VLT406', ['tables', 'orders', 'references', 0, 'link']]]);
    // link: on a hub table that references nothing
    expect(errors({ tables: { shippers: { ...NORTHWIND['shippers']!, link: 'shipper_link' } } })).toEqual([['VLT403', ['tables', 'shippers', 'link']]]);
    // a reference's link: to reference data, which forms no link
    expect(
      errors({
        tables: {
          countries: { kind: 'reference', business_key: ['country_code'], columns: { country_code: nn('text'), name: 'text' } },
          customers: {
            business_key: ['customer_id'],
            columns: { customer_id: nn('int'), country_code: 'text' },
            references: [{ columns: ['country_code'], table: 'countries', link: 'customer_country' }],
          },
        },
      }),
    ).toEqual([['VLT406', ['tables', 'customers', 'references', 0, 'link']]]);
    // a link name that is no identifier is caught by spec validation
    expect(errors({ tables: { ...NORTHWIND, orders: { ...NORTHWIND['orders']!, references: [{ columns: ['customer_id'], table: 'customers', link: 'bad name' }] } } })[0]).toEqual([
      expect.stringMatching(/^VLT2/),
      ['tables', 'orders', 'references', 0, 'link'],
    ]);
  });

  test('the YAML front end accepts link: in a references entry and prints a problem at its line', () => {
    const yaml = [
      'version: 1',
      'model: shop',
      'tables:',
      '  customers:',
      '    business_key: [customer_id]',
      '    columns: { customer_id: { type: int, nullable: false }, name: text }',
      '  orders:',
      '    business_key: [order_id]',
      '    link: order_placement',
      '    columns: { order_id: { type: int, nullable: false }, customer_id: int }',
      '    references:',
      '      - { columns: [customer_id], table: customers, link: order_placed_by }',
      '',
    ].join('\n');
    const a = analyzeSpec(parseSpecYaml(yaml, 'shop.yaml'));
    const d = a.diagnostics.find((x) => x.code === 'VLT406')!;
    expect(d.span.file).toBe('shop.yaml');
    expect(d.span.start.line).toBe(12);
  });
});

describe('the driving key downstream', () => {
  test('manifest.json and the Query DSL field mappings list it as a plain literal', () => {
    const m = ok({ tables: NORTHWIND });
    const manifest = buildManifest(m, { specPath: 'northwind.yaml', files: [] });
    const entry = manifest.raw_vault.links.find((l) => l.name === 'order_customer')!;
    expect(entry.driving_key).toEqual(['order_hk']);
    expect(Object.keys(entry).slice(0, 5)).toEqual(['name', 'business_keys', 'hubs', 'driving_key', 'missing_references']);
    expect(manifest.business_vault.links.find((l) => l.name === 'order_customer')!.driving_key).toEqual(['order_hk']);
    const files = emitQueryDsl(m, { specPath: 'northwind.yaml' });
    const fields = files.find((f) => f.path === 'raw_vault/order_customer_link_fields.py')!.content;
    expect(fields).toContain("    'driving_key': ['order_hk'],\n");
    const association = ok({
      tables: {
        ...NORTHWIND,
        products: { business_key: ['product_id'], columns: { product_id: nn('int') } },
        order_details: { primary_key: ['order_id', 'product_id'], columns: { order_id: nn('int'), product_id: nn('int') } },
      },
    });
    expect(buildManifest(association, { specPath: 'x.yaml', files: [] }).raw_vault.links.find((l) => l.name === 'order_product')!.driving_key).toBeUndefined();
    expect(emitQueryDsl(association, { specPath: 'x.yaml' }).find((f) => f.path === 'raw_vault/order_product_link_fields.py')!.content).toContain("    'driving_key': [],\n");
  });

  test('a star on a fact hub: dimensions through the links it drives, measures of the hub', () => {
    const m = ok({ tables: NORTHWIND, access_layer: { dimensional_models: { order_star: { fact: 'order', measures: ['freight'] } } } });
    const star = m.byKind.dimensional_model[0]!;
    expect(star.factKind).toBe('business_hub');
    expect(star.dimensions.map((d) => [d.name, d.businessHub, d.hashKey, d.through])).toEqual([
      ['customer', 'customer', 'customer_hk', { link: 'order_customer', drivingKey: 'order_hk' }],
      ['employee', 'employee', 'employee_hk', { link: 'order_employee', drivingKey: 'order_hk' }],
      ['shipper', 'shipper', 'shipper_hk', { link: 'order_shipper', drivingKey: 'order_hk' }],
    ]);
    expect(star.measures.map((c) => [c.name, c.from])).toEqual([['freight', 'order']]);
    expect(star.derivedFrom.filter((r) => r.kind === 'business_link').map((r) => r.name)).toEqual(['order_customer', 'order_employee', 'order_shipper']);
    // a chosen dimension, and one the hub does not reach
    const some = ok({ tables: NORTHWIND, access_layer: { dimensional_models: { s: { fact: 'employee', measures: ['last_name'], dimensions: ['manager_employee'] } } } });
    expect(some.byKind.dimensional_model[0]!.dimensions.map((d) => [d.name, d.role, d.through?.link])).toEqual([['manager_employee', 'manager', 'employee_manager_employee']]);
    const r = compile({ tables: NORTHWIND, access_layer: { dimensional_models: { s: { fact: 'order', measures: ['freight'], dimensions: ['product'] } } } });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path, d.message])).toEqual([
      ['VLT409', ['access_layer', 'dimensional_models', 's', 'dimensions', 0], "'product' is not a hub related to 'order'; its hubs are customer, employee, shipper"],
    ]);
  });
});

describe('TPC-H, Northwind and Chinook shapes from the compact string', () => {
  const linksOf = (text: string, model: string): Array<[string, string[], ReadonlyArray<string> | undefined]> => {
    const a = analyzeSpec(parseSpecCompact(text, { model }));
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return shape(a.model!);
  };

  test('TPC-H: orders and customer form one link per reference; lineitem and partsupp stay units of work', () => {
    const tpch =
      'region: r_regionkey(int), r_name(text); nation: n_nationkey(int), n_name(text), n_regionkey(int); customer: c_custkey(int), c_name(text), c_nationkey(int); supplier: s_suppkey(int), s_name(text), s_nationkey(int); part: p_partkey(int), p_name(text); partsupp: ps_partkey(int), ps_suppkey(int), ps_availqty(int); orders: o_orderkey(int), o_custkey(int), o_totalprice(decimal(15,2)); lineitem: l_orderkey(int), l_partkey(int), l_suppkey(int), l_linenumber(int), l_quantity(decimal(15,2))';
    expect(linksOf(tpch, 'tpch')).toEqual([
      ['customer_nation', ['customer', 'nation'], ['customer_hk']],
      ['nation_region', ['nation', 'region'], ['nation_hk']],
      ['order_customer', ['order', 'customer'], ['order_hk']],
      ['order_part_supplier', ['order', 'part', 'supplier'], undefined],
      ['part_supplier', ['part', 'supplier'], undefined],
      ['supplier_nation', ['supplier', 'nation'], ['supplier_hk']],
    ]);
  });
});

describe('a driven link fed by two tables', () => {
  /** `account` and `account_crm` both feed hub `account` and relate it to `branch`: one link, `account_branch`. */
  const twoSources = (extra: Partial<Spec['tables'][string]> = {}): Omit<Spec, 'version' | 'model'> => ({
    tables: {
      branch: { business_key: ['branch_id'], columns: { branch_id: nn('text'), branch_name: 'text' } },
      account: { business_key: ['account_id'], columns: { account_id: nn('text'), branch_id: 'text', balance: 'int' }, references: [{ columns: ['branch_id'], table: 'branch' }] },
      account_crm: {
        business_key: ['account_id'],
        hub: 'account',
        columns: { account_id: nn('text'), branch_id: 'text', owner: 'text' },
        references: [{ columns: ['branch_id'], table: 'branch' }],
        ...extra,
      },
    },
  });

  test("warns (VLT436) at the second table: its relationships are loaded into the link but never effective, since the effectivity satellite follows the first table's", () => {
    const body = twoSources();
    const m = ok(body);
    expect(m.byKind.link.map((l) => [l.name, l.sources.map((s) => s.table)])).toEqual([['account_branch', ['account', 'account_crm']]]);
    expect(m.byKind.effectivity_satellite.map((e) => [e.name, e.source.table])).toEqual([['account_branch', 'account']]);
    const { diagnostics } = compile(body);
    const warned = diagnostics.filter((d) => d.code === 'VLT436');
    expect(warned.map((d) => d.path)).toEqual([['tables', 'account_crm']]);
    expect(warned[0]!.message).toContain("a relationship only 'account_crm' brings is stored in the link but never effective");
  });

  test('no warning when the second table names its relationship apart, or the link has no effectivity satellite', () => {
    const apart = twoSources({ references: [{ columns: ['branch_id'], table: 'branch', link: 'account_crm_branch' }] });
    expect(compile(apart).diagnostics.filter((d) => d.code === 'VLT436')).toEqual([]);
    const both = twoSources();
    const off = { tables: { ...both.tables, account: { ...both.tables['account']!, effectivity: false } } };
    expect(compile(off).diagnostics.filter((d) => d.code === 'VLT436')).toEqual([]);
  });
});
