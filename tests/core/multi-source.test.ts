/**
 * Entities fed by several source tables (packages/core/src/infer/multi-source.ts): record
 * sources per table, one link formed by several tables, satellites on a hub a table only
 * references, and one satellite fed by two tables (refused). Asserted exactly: sources,
 * evidence, diagnostics and their spec paths.
 */
import { describe, expect, test } from 'vitest';
import { compileSpec, type ColumnSpec, type PathDiagnostic, type Spec, type VaultModel } from '@vault/core';

type SpecBody = Omit<Spec, 'version' | 'model'>;

const compile = (body: SpecBody): { model: VaultModel | undefined; diagnostics: ReadonlyArray<PathDiagnostic> } => compileSpec({ version: 1, model: 'shop', ...body });
function ok(body: SpecBody): VaultModel {
  const r = compile(body);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model!;
}
const errorsOf = (body: SpecBody): Array<[string, ReadonlyArray<string | number>]> =>
  compile(body)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => [d.code, d.path]);
const nn = (type: string): ColumnSpec => ({ type, nullable: false });

const customers = { business_key: ['customer_id'], columns: { customer_id: nn('int'), name: 'text' } };
const orders = { business_key: ['order_id'], columns: { order_id: nn('int'), customer_id: 'int', amount: 'int', customer_name: 'text' } };

describe('record sources', () => {
  test("each table's rows say '<system>.<table>', or what the table declares; the system defaults to the model name", () => {
    const m = ok({ tables: { customers: { ...customers, record_source: 'crm.customers' }, orders } });
    expect(m.recordSource).toBe('shop');
    expect(m.sources.map((t) => [t.name, t.recordSource])).toEqual([
      ['customers', 'crm.customers'],
      ['orders', 'shop.orders'],
    ]);
    expect(ok({ record_source: 'erp', tables: { orders } }).sources.map((t) => t.recordSource)).toEqual(['erp.orders']);
  });

  test('a record source with a control character is VLT106 at the table', () => {
    expect(errorsOf({ tables: { orders: { ...orders, record_source: 'crm\ncustomers' } } })).toEqual([['VLT106', ['tables', 'orders', 'record_source']]]);
  });
});

describe('one link from several tables', () => {
  test('a hub table and an association table relating the same hubs feed one link, columns lined up with its hubs', () => {
    const m = ok({
      tables: {
        customers,
        orders,
        order_history: { link: 'order_customer', primary_key: ['order_id', 'customer_id'], columns: { order_id: 'int', customer_id: 'int', note: 'text' } },
      },
    });
    expect(m.byKind.link.map((l) => l.name)).toEqual(['order_customer']);
    const l = m.byKind.link[0]!;
    // The hub order comes from orders, whose link is named after its hubs; order_history's columns follow it.
    expect(l.hubs.map((h) => h.hub)).toEqual(['order', 'customer']);
    expect(l.sources).toEqual([
      { table: 'order_history', columns: ['order_id', 'customer_id'] },
      { table: 'orders', columns: ['order_id', 'customer_id'] },
    ]);
    expect(l.derivedFrom.map((d) => d.name)).toEqual(['order_history', 'orders']);
    expect(l.evidence.find((e) => e.rule === 'link.same_relationship')!.detail).toBe('order_history relates order, customer too: one link, loaded from orders, order_history');
    // order_history is the first table (in name order) to form the link: its link satellite takes the link's name.
    expect(m.byKind.link_satellite.map((s) => [s.name, s.parent, s.source.table])).toEqual([['order_customer', 'order_customer', 'order_history']]);
  });

  test('the same name for another relationship is VLT410 at the later table, saying what differs', () => {
    const r = compile({
      tables: {
        customers,
        orders,
        order_lines: { link: 'order_customer', primary_key: ['order_id', 'customer_id', 'line_no'], columns: { order_id: 'int', customer_id: 'int', line_no: 'int' } },
      },
    });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.path])).toEqual([['VLT410', ['tables', 'order_lines', 'link']]]);
    expect(errors[0]!.message).toBe(
      "table 'order_lines' forms link 'order_customer', which table 'orders' forms too, with dependent child keys [line_no int], where that table gives it []; one link is one relationship: name one of them with link:",
    );
  });

  test('the same hubs under other roles are another relationship', () => {
    const r = compile({
      tables: {
        staff: { business_key: ['staff_id'], columns: { staff_id: nn('int'), name: 'text' } },
        teams: { business_key: ['team_id'], columns: { team_id: nn('int'), staff_id: 'int' } },
        team_leads: {
          link: 'team_staff',
          primary_key: ['team_id', 'lead_staff_id'],
          columns: { team_id: 'int', lead_staff_id: 'int' },
          references: [{ columns: ['lead_staff_id'], table: 'staff', role: 'lead' }],
        },
      },
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path])).toEqual([['VLT410', ['tables', 'team_leads', 'link']]]);
  });
});

describe('satellites of a referenced hub', () => {
  test('parent: names a hub the table references; the parent key is the reference, the columns leave the table’s own satellite', () => {
    const m = ok({ tables: { customers, orders: { ...orders, satellites: { order_customer_names: { parent: 'customer', columns: ['customer_name'] } } } } });
    const s = m.byKind.satellite.find((x) => x.name === 'order_customer_names')!;
    expect([s.parent, s.parentHashKey, s.parentKey, s.source, s.origin]).toEqual([
      'customer',
      'customer_hk',
      ['customer_id'],
      { table: 'orders', columns: ['customer_name'] },
      ['tables', 'orders', 'satellites', 'order_customer_names'],
    ]);
    expect(s.evidence.map((e) => e.rule)).toEqual(['link.naming', 'sat.referenced_hub']);
    expect(m.byKind.satellite.find((x) => x.name === 'orders')!.payload.map((c) => c.name)).toEqual(['amount']);
    // The business satellite of customer brings it together with the customer's own satellite.
    expect(m.byKind.business_satellite.find((x) => x.name === 'customer')!.satellites).toEqual(['customers', 'order_customer_names']);
  });

  test('parent: the own hub is the array form', () => {
    const m = ok({ tables: { customers, orders: { ...orders, satellites: { order_money: { parent: 'order', columns: ['amount'] } } } } });
    const s = m.byKind.satellite.find((x) => x.name === 'order_money')!;
    expect([s.parent, s.parentKey, s.evidence.map((e) => e.rule)]).toEqual(['order', undefined, ['sat.override']]);
  });

  test('under a role: the role-qualified name, and the bare hub is ambiguous (VLT408)', () => {
    const tables = (parent: string): SpecBody['tables'] => ({
      staff: { business_key: ['staff_id'], columns: { staff_id: nn('int'), name: 'text' } },
      tickets: {
        business_key: ['ticket_id'],
        columns: { ticket_id: nn('int'), owner_staff_id: 'int', manager_staff_id: 'int', manager_mood: 'text' },
        satellites: { ticket_manager: { parent, columns: ['manager_mood'] } },
      },
    });
    const s = ok({ tables: tables('manager_staff') }).byKind.satellite.find((x) => x.name === 'ticket_manager')!;
    expect([s.parent, s.parentKey]).toEqual(['staff', ['manager_staff_id']]);
    const r = compile({ tables: tables('staff') });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.path])).toEqual([['VLT408', ['tables', 'tickets', 'satellites', 'ticket_manager', 'parent']]]);
    expect(errors[0]!.message).toContain('references 2 times; name the reference: manager_staff, owner_staff');
  });

  test('a parent the table does not reference, or no hub at all, is VLT408 at parent:', () => {
    const base = { customers, products: { business_key: ['product_id'], columns: { product_id: nn('int'), label: 'text' } } };
    const at = ['tables', 'orders', 'satellites', 'x', 'parent'];
    const r = compile({ tables: { ...base, orders: { ...orders, satellites: { x: { parent: 'product', columns: ['customer_name'] } } } } });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path, d.message])).toEqual([
      ['VLT408', at, "satellite 'x' names parent 'product', a hub table 'orders' does not reference; declare the reference under references:, or choose a parent it has (order, customer)"],
    ]);
    expect(errorsOf({ tables: { ...base, orders: { ...orders, satellites: { x: { parent: 'nobody', columns: ['customer_name'] } } } } })).toEqual([['VLT408', at]]);
  });

  test('a column the table lacks is VLT213 at its place in columns:', () => {
    expect(errorsOf({ tables: { customers, orders: { ...orders, satellites: { x: { parent: 'customer', columns: ['customer_name', 'nope'] } } } } })).toEqual([
      ['VLT213', ['tables', 'orders', 'satellites', 'x', 'columns', 1]],
    ]);
  });

  test("the reference's own column cannot describe the hub it keys (VLT406)", () => {
    expect(errorsOf({ tables: { customers, orders: { ...orders, satellites: { x: { parent: 'customer', columns: ['customer_id'] } } } } })).toEqual([
      ['VLT406', ['tables', 'orders', 'satellites', 'x']],
    ]);
  });
});

describe('one satellite, one source table', () => {
  test('two tables giving a satellite the same name is VLT410 at the later one', () => {
    const r = compile({
      tables: {
        customers: { ...customers, satellites: { customer_names: ['name'] } },
        orders: { ...orders, satellites: { customer_names: { parent: 'customer', columns: ['customer_name'] } } },
      },
    });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.path])).toEqual([['VLT410', ['tables', 'orders', 'satellites', 'customer_names']]]);
    expect(errors[0]!.message).toContain('a satellite has one source table');
  });

  test('two tables may feed satellites of one hub under different names', () => {
    const m = ok({ tables: { customers, orders: { ...orders, satellites: { order_customer_names: { parent: 'customer', columns: ['customer_name'] } } } } });
    expect(
      m.byKind.satellite
        .filter((s) => s.parent === 'customer')
        .map((s) => [s.name, s.source.table])
        .sort(),
    ).toEqual([
      ['customers', 'customers'],
      ['order_customer_names', 'orders'],
    ]);
  });
});
