/**
 * The YAML front end for several sources per entity: a table's record_source and the
 * satellites object form `{ parent, columns }`, with diagnostics at the line that caused them.
 */
import { describe, expect, it } from 'vitest';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';

const spec = (satellite: string, extra = ''): string => `version: 1
model: shop
record_source: erp
tables:
  customers:
    record_source: crm.customers
    columns: { customer_id: { type: int, nullable: false }, name: text }
  orders:
    columns: { order_id: { type: int, nullable: false }, customer_id: int, customer_name: text, amount: int }
    satellites:
      order_customer_names: ${satellite}
${extra}`;

const codes = (text: string): Array<[string, number]> => analyzeSpec(parseSpecYaml(text, 's.yaml')).diagnostics.map((d) => [d.code, d.span.start.line]);

describe('several sources per entity in YAML', () => {
  it('reads a table record_source and a satellite of a referenced hub', () => {
    const a = analyzeSpec(parseSpecYaml(spec('{ parent: customer, columns: [customer_name] }'), 's.yaml'));
    expect(a.diagnostics).toEqual([]);
    expect(a.model!.sources.map((t) => [t.name, t.recordSource])).toEqual([
      ['customers', 'crm.customers'],
      ['orders', 'erp.orders'],
    ]);
    const s = a.model!.byKind.satellite.find((x) => x.name === 'order_customer_names')!;
    expect([s.parent, s.parentKey]).toEqual(['customer', ['customer_id']]);
  });

  it('refuses an unknown key in the object form (VLT101), a missing columns: (VLT103), and an empty record_source', () => {
    expect(codes(spec('{ parent: customer, columns: [customer_name], colums: [x] }'))).toEqual([['VLT101', 11]]);
    expect(codes(spec('{ parent: customer }'))[0]![0]).toBe('VLT103');
    expect(codes(spec('[customer_name]', "    record_source: ''\n")).map(([c]) => c)).toEqual(['VLT106']);
  });

  it('reports a parent the table does not reference at its line (VLT408), and a missing column at its item (VLT213)', () => {
    expect(codes(spec('{ parent: product, columns: [customer_name] }'))).toEqual([['VLT408', 11]]);
    expect(codes(spec('\n        parent: customer\n        columns: [customer_name, nope]'))).toEqual([['VLT213', 13]]);
  });
});
