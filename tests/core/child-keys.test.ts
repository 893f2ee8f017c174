/**
 * Dependent child keys and keyless link tables: which columns become a link's dependent child
 * keys (declared, from the key, by name), the evidence `vault explain` shows, the diagnostics,
 * and the TPC-H, Northwind and Chinook shapes from the compact source-table string.
 */
import { describe, expect, test } from 'vitest';
import { analyzeSpec, parseSpecCompact } from '@vault/dsl';
import { errors, nn, ok } from './spec-body.js';

const names = (xs: ReadonlyArray<{ readonly name: string }> | undefined): string[] => (xs ?? []).map((x) => x.name);

const ORDERS_AND_PRODUCTS = {
  orders: { business_key: ['order_id'], columns: { order_id: nn('int'), placed: 'date' } },
  products: { business_key: ['product_id'], columns: { product_id: nn('int'), label: 'text' } },
} as const;

describe('dependent child keys', () => {
  test('a kind: link table keyed [order_id, product_id, line_no]: line_no is a child key, hashed last and not in the payload', () => {
    const m = ok({
      tables: {
        ...ORDERS_AND_PRODUCTS,
        order_lines: { kind: 'link', primary_key: ['order_id', 'product_id', 'line_no'], columns: { order_id: 'int', product_id: 'int', line_no: 'int', quantity: 'int' } },
      },
    });
    const link = m.byKind.link.find((l) => l.name === 'order_product')!;
    expect(names(link.dependentChildKeys)).toEqual(['line_no']);
    expect(link.sources).toEqual([{ table: 'order_lines', columns: ['order_id', 'product_id', 'line_no'] }]);
    expect(link.evidence.map((e) => e.rule)).toContain('link.dependent_child_key');
    expect(link.evidence.find((e) => e.rule === 'link.dependent_child_key')!.detail).toBe('order_lines: key column line_no is no reference');
    expect(m.byKind.link_satellite.flatMap((s) => names(s.payload))).toEqual(['quantity']);
  });

  test('without kind:, a key of two references and a line number makes a link, not a hub', () => {
    const m = ok({
      tables: { ...ORDERS_AND_PRODUCTS, order_lines: { primary_key: ['order_id', 'product_id', 'line_no'], columns: { order_id: 'int', product_id: 'int', line_no: 'int', quantity: 'int' } } },
    });
    expect(names(m.byKind.hub)).toEqual(['order', 'product']);
    const link = m.byKind.link.find((l) => l.name === 'order_product')!;
    expect(names(link.dependentChildKeys)).toEqual(['line_no']);
    expect(link.evidence[0]).toEqual({ rule: 'table.association_child_keys', detail: 'order_lines: key [order_id, product_id, line_no] is references and line_no' });
  });

  test('a key of one reference and a line number stays a hub (a weak entity), as does a key with a column not named like a line', () => {
    const weak = ok({ tables: { ...ORDERS_AND_PRODUCTS, order_lines: { primary_key: ['order_id', 'line_no'], columns: { order_id: 'int', line_no: 'int', product_id: 'int' } } } });
    expect(names(weak.byKind.hub)).toEqual(['order', 'order_line', 'product']);
    expect(weak.byKind.link.every((l) => l.dependentChildKeys === undefined)).toBe(true);
    const other = ok({ tables: { ...ORDERS_AND_PRODUCTS, order_lines: { primary_key: ['order_id', 'product_id', 'colour'], columns: { order_id: 'int', product_id: 'int', colour: 'text' } } } });
    expect(names(other.byKind.hub)).toContain('order_line');
  });

  test('declared dependent_child_keys win, in their order', () => {
    const m = ok({
      tables: {
        ...ORDERS_AND_PRODUCTS,
        shipments: { kind: 'link', dependent_child_keys: ['parcel', 'seq'], columns: { order_id: 'int', product_id: 'int', seq: 'int', parcel: 'text', weight: 'int' } },
      },
    });
    const link = m.byKind.link[0]!;
    expect(names(link.dependentChildKeys)).toEqual(['parcel', 'seq']);
    expect(link.sources[0]!.columns).toEqual(['order_id', 'product_id', 'parcel', 'seq']);
    expect(link.evidence.map((e) => e.rule)).toContain('link.dependent_child_key_declared');
    expect(m.byKind.link_satellite.flatMap((s) => names(s.payload))).toEqual(['weight']);
  });

  test('dependent_child_keys naming a reference, on a hub, or an unknown column are errors', () => {
    const lines = { order_id: 'int', product_id: 'int', line_no: 'int' };
    expect(errors({ tables: { ...ORDERS_AND_PRODUCTS, l: { kind: 'link', dependent_child_keys: ['order_id', 'line_no'], columns: lines } } })).toEqual([
      ['VLT406', ['tables', 'l', 'dependent_child_keys', 0]],
    ]);
    expect(errors({ tables: { ...ORDERS_AND_PRODUCTS, l: { business_key: ['line_no'], dependent_child_keys: ['line_no'], columns: lines } } })).toEqual([
      ['VLT406', ['tables', 'l', 'dependent_child_keys']],
    ]);
    expect(errors({ tables: { ...ORDERS_AND_PRODUCTS, l: { kind: 'link', dependent_child_keys: ['line'], columns: lines } } })).toEqual([['VLT213', ['tables', 'l', 'dependent_child_keys', 0]]]);
    // Two hubs keyed by `code` give the link key columns order_code and product_code.
    expect(
      errors({
        tables: {
          orders: { business_key: ['code'], columns: { code: nn('text') } },
          products: { business_key: ['code'], columns: { code: nn('text') } },
          l: {
            kind: 'link',
            dependent_child_keys: ['order_code'],
            columns: { o_ref: 'text', p_ref: 'text', order_code: 'text' },
            references: [
              { columns: ['o_ref'], table: 'orders' },
              { columns: ['p_ref'], table: 'products' },
            ],
          },
        },
      }),
    ).toEqual([['VLT406', ['tables', 'l', 'dependent_child_keys']]]);
  });

  test('a keyless table with two references is a link, its line-named column a child key; key-like names never are', () => {
    const m = ok({ tables: { ...ORDERS_AND_PRODUCTS, picks: { columns: { order_id: 'int', product_id: 'int', pick_seq: 'int', batch_code: 'text', note: 'text' } } } });
    expect(names(m.byKind.link[0]!.dependentChildKeys)).toEqual(['pick_seq']);
    expect(m.byKind.link_satellite.flatMap((s) => names(s.payload))).toEqual(['batch_code', 'note']);
  });
});

// TPC-H, as the compact source-table string: no declared keys, prefixed key names.
const TPCH = [
  'region: r_regionkey(int), r_name(text), r_comment(text)',
  'nation: n_nationkey(int), n_name(text), n_regionkey(int), n_comment(text)',
  'part: p_partkey(int), p_name(text), p_retailprice(decimal(15,2))',
  'supplier: s_suppkey(int), s_name(text), s_nationkey(int), s_acctbal(decimal(15,2))',
  'partsupp: ps_partkey(int), ps_suppkey(int), ps_availqty(int), ps_supplycost(decimal(15,2))',
  'customer: c_custkey(int), c_name(text), c_nationkey(int)',
  'orders: o_orderkey(int), o_custkey(int), o_orderstatus(text), o_totalprice(decimal(15,2)), o_orderdate(date)',
  'lineitem: l_orderkey(int), l_partkey(int), l_suppkey(int), l_linenumber(int), l_quantity(decimal(15,2)), l_extendedprice(decimal(15,2)), l_linestatus(char(1)), l_shipdate(date)',
].join('; ');

describe('the compact-string TPC-H schema', () => {
  const analysis = analyzeSpec(parseSpecCompact(TPCH, { model: 'tpch' }));

  test('compiles without a diagnostic', () => {
    expect(analysis.diagnostics).toEqual([]);
  });

  test('lineitem and partsupp are links; lineitem with l_linenumber as dependent child key', () => {
    const m = analysis.model!;
    expect(names(m.byKind.hub)).toEqual(['customer', 'nation', 'order', 'part', 'region', 'supplier']);
    expect(m.byKind.link.map((l) => [l.name, l.sources[0]!.table, l.hubs.map((h) => h.hub), names(l.dependentChildKeys)])).toEqual([
      ['customer_nation', 'customer', ['customer', 'nation'], []],
      ['nation_region', 'nation', ['nation', 'region'], []],
      ['order_customer', 'orders', ['order', 'customer'], []],
      ['order_part_supplier', 'lineitem', ['order', 'part', 'supplier'], ['l_linenumber']],
      ['part_supplier', 'partsupp', ['part', 'supplier'], []],
      ['supplier_nation', 'supplier', ['supplier', 'nation'], []],
    ]);
    const lineitem = m.byKind.link.find((l) => l.name === 'order_part_supplier')!;
    expect(lineitem.sources[0]!.columns).toEqual(['l_orderkey', 'l_partkey', 'l_suppkey', 'l_linenumber']);
    expect(m.byKind.link_satellite.find((s) => s.parent === 'order_part_supplier')!.payload.map((c) => c.name)).toEqual(['l_extendedprice', 'l_linestatus', 'l_quantity', 'l_shipdate']);
    const partsupp = m.byKind.link.find((l) => l.name === 'part_supplier')!;
    expect(partsupp.evidence.slice(0, 2).map((e) => e.rule)).toEqual(['bk.prefixed_reference', 'table.keyless_references']);
  });

  test('a table that still has no key is a warning and left out; the rest compiles', () => {
    const a = analyzeSpec(parseSpecCompact(`${TPCH}; audit: message(text), severity(text)`, { model: 'tpch' }));
    expect(a.diagnostics.map((d) => [d.code, d.severity])).toEqual([['VLT413', 'warning']]);
    expect(a.model!.byKind.link.length).toBe(6);
  });
});

describe('Northwind and Chinook shapes', () => {
  test("Chinook's invoice_line stays a hub on its own key, with one link to invoice and one to track (table.hub decides)", () => {
    const a = analyzeSpec(
      parseSpecCompact(
        'invoice: invoice_id(int), total(decimal(10,2)); track: track_id(int), name(text); invoice_line: invoice_line_id(int), invoice_id(int), track_id(int), unit_price(decimal(10,2)), quantity(int)',
        { model: 'chinook' },
      ),
    );
    expect(a.diagnostics).toEqual([]);
    expect(names(a.model!.byKind.hub)).toEqual(['invoice', 'invoice_line', 'track']);
    // One link per relationship, driven by the line (before: one link invoice_line_invoice_track).
    expect(a.model!.byKind.link.map((l) => [l.name, names(l.dependentChildKeys), l.drivingKey])).toEqual([
      ['invoice_line_invoice', [], ['invoice_line_hk']],
      ['invoice_line_track', [], ['invoice_line_hk']],
    ]);
  });

  test("Northwind's order_details (no key, order and product) is a link without child keys", () => {
    const a = analyzeSpec(
      parseSpecCompact(
        'orders: order_id(int), order_date(date); products: product_id(int), product_name(text); order_details: order_id(int), product_id(int), unit_price(decimal(10,2)), quantity(int), discount(real)',
        {
          model: 'northwind',
        },
      ),
    );
    expect(a.diagnostics).toEqual([]);
    expect(a.model!.byKind.link.map((l) => [l.name, names(l.dependentChildKeys)])).toEqual([['order_product', []]]);
  });
});
