/**
 * Deletes and status tracking in the spec and in inference: `batches`, `deletes` and the rules
 * `table.delete_flag`, `table.cdc_operation` and `sat.status_tracking` (docs/inference.md,
 * "Deletes and status tracking"), with their evidence and diagnostics.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnSpec, TableSpec } from '@vault/core';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { codes, nn, ok, rules, type SpecBody } from './spec-body.js';

const customers = (over: Partial<TableSpec> = {}, columns: Record<string, ColumnSpec> = {}): TableSpec => ({
  business_key: ['customer_id'],
  columns: { customer_id: nn('int'), name: 'text', ...columns },
  ...over,
});

describe('status tracking satellites', () => {
  it('a hand-written table without a delete marker has delta batches and none', () => {
    expect(ok({ tables: { customers: customers() } }).byKind.status_tracking_satellite).toEqual([]);
  });

  it('batches: full gives one on the table own hub, keyed by the table key columns', () => {
    const [sts, ...more] = ok({ tables: { customers: customers({ batches: 'full' }) } }).byKind.status_tracking_satellite;
    expect(more).toEqual([]);
    expect(sts).toMatchObject({ name: 'customers', parent: 'customer', parentKind: 'hub', parentHashKey: 'customer_hk', batches: 'full', source: { table: 'customers', columns: ['customer_id'] } });
    expect(sts!.deletes).toBeUndefined();
    expect(rules(sts!)).toEqual(['sat.status_tracking']);
    expect(sts!.origin).toEqual(['tables', 'customers', 'batches']);
  });

  it("a link table's is on its unit-of-work link, keyed by the link's key columns, with the delta order", () => {
    const model = ok({
      tables: {
        orders: { business_key: ['order_id'], columns: { order_id: nn('int') } },
        products: { business_key: ['product_id'], columns: { product_id: nn('int'), label: 'text' } },
        order_lines: {
          primary_key: ['order_id', 'product_id'],
          batches: 'full',
          delta_order: 'seq',
          columns: { order_id: nn('int'), product_id: nn('int'), quantity: 'int', seq: 'int' },
          references: [
            { columns: ['order_id'], table: 'orders' },
            { columns: ['product_id'], table: 'products' },
          ],
        },
      },
    });
    expect(model.byKind.status_tracking_satellite.map((s) => [s.name, s.parentKind, s.parent, s.source.columns, s.deltaOrder])).toEqual([
      ['order_product', 'link', 'order_product', ['order_id', 'product_id'], 'seq'],
    ]);
  });

  it("current views read it: the business hub and satellite derive from it, and a business link from its driving hub's", () => {
    const model = ok({
      tables: {
        customers: customers({ batches: 'full' }),
        orders: { business_key: ['order_id'], batches: 'full', columns: { order_id: nn('int'), customer_id: 'int', placed: 'date' }, references: [{ columns: ['customer_id'], table: 'customers' }] },
      },
    });
    const from = (kind: 'business_hub' | 'business_satellite' | 'business_link', name: string): string[] =>
      model.byKind[kind]
        .find((e) => e.name === name)!
        .derivedFrom.filter((r) => r.kind === 'status_tracking_satellite')
        .map((r) => r.name);
    expect(from('business_hub', 'customer')).toEqual(['customers']);
    expect(from('business_satellite', 'customer')).toEqual(['customers']);
    // The order drives its link to the customer: a deleted order takes the relationship with it.
    expect(from('business_link', 'order_customer')).toEqual(['orders']);
  });

  it('an event table or a code list gets none: batches: full there is warning VLT431', () => {
    const body: SpecBody = {
      tables: {
        currencies: { kind: 'reference', primary_key: ['currency_code'], batches: 'full', columns: { currency_code: nn('char(3)'), currency_name: 'text' } },
      },
    };
    expect(ok(body).byKind.status_tracking_satellite).toEqual([]);
    expect(codes(body, 'warning')).toEqual([['VLT431', ['tables', 'currencies', 'batches']]]);
  });
});

describe('delete markers', () => {
  it('table.delete_flag: a boolean is_deleted is a delete flag and stays payload of the satellite', () => {
    const model = ok({ tables: { customers: customers({}, { is_deleted: 'boolean' }) } });
    const [sts] = model.byKind.status_tracking_satellite;
    expect(sts).toMatchObject({ batches: 'delta', deletes: { kind: 'flag', column: 'is_deleted' } });
    expect(rules(sts!)).toEqual(['sat.status_tracking', 'table.delete_flag']);
    expect(model.byKind.satellite[0]!.payload.map((c) => c.name)).toEqual(['is_deleted', 'name']);
  });

  it.each(['deleted', 'deleted_flag', 'is_removed', 'del_ind', 'IS_DELETED'])('%s (boolean) is a delete flag', (column) => {
    expect(ok({ tables: { customers: customers({}, { [column]: 'boolean' }) } }).byKind.status_tracking_satellite[0]?.deletes).toEqual({ kind: 'flag', column });
  });

  it('a column named like a delete flag that is not boolean marks nothing, and stays payload: never silently dropped', () => {
    const model = ok({ tables: { customers: customers({}, { is_deleted: 'char(1)', deleted_flag: 'text' }) } });
    expect(model.byKind.status_tracking_satellite).toEqual([]);
    expect(model.byKind.satellite[0]!.payload.map((c) => c.name)).toEqual(['deleted_flag', 'is_deleted', 'name']);
  });

  it('table.cdc_operation: a text op column is an operation column (D, DELETE), technical: out of the payload', () => {
    const model = ok({ tables: { customers: customers({}, { change_type: 'varchar(10)' }) } });
    const [sts] = model.byKind.status_tracking_satellite;
    expect(sts!.deletes).toEqual({ kind: 'operation', column: 'change_type', values: ['D', 'DELETE'] });
    expect(rules(sts!)).toEqual(['sat.status_tracking', 'table.cdc_operation']);
    expect(model.byKind.satellite[0]!.payload.map((c) => c.name)).toEqual(['name']);
    expect(rules(model.byKind.satellite[0]!)).toContain('sat.technical');
  });

  it('the spec names an operation column and its delete values (upper-cased), or a flag', () => {
    const op = ok({ tables: { customers: customers({ deletes: { operation: 'action', delete_values: ['x', 'Purge'] } }, { action: 'text' }) } });
    expect(op.byKind.status_tracking_satellite[0]!.deletes).toEqual({ kind: 'operation', column: 'action', values: ['X', 'PURGE'] });
    expect(op.byKind.satellite[0]!.payload.map((c) => c.name)).toEqual(['name']);
    // ASCII letters only, as the loads upper-case the column on every engine: never 'GELÖSCHT' or 'STRASSE'.
    const unicode = ok({ tables: { customers: customers({ deletes: { operation: 'action', delete_values: ['gelöscht', 'straße'] } }, { action: 'text' }) } });
    expect(unicode.byKind.status_tracking_satellite[0]!.deletes).toEqual({ kind: 'operation', column: 'action', values: ['GELöSCHT', 'STRAßE'] });
    const flag = ok({ tables: { customers: customers({ deletes: { flag: 'gone' } }, { gone: 'boolean' }) } });
    expect(flag.byKind.status_tracking_satellite[0]!.deletes).toEqual({ kind: 'flag', column: 'gone' });
    expect(flag.byKind.satellite[0]!.payload.map((c) => c.name)).toEqual(['gone', 'name']);
  });

  it('deletes: none switches inference off; a column with a role is never guessed at', () => {
    expect(ok({ tables: { customers: customers({ deletes: 'none' }, { is_deleted: 'boolean' }) } }).byKind.status_tracking_satellite).toEqual([]);
    expect(ok({ tables: { customers: customers({}, { op: { type: 'text', role: 'technical' } }) } }).byKind.status_tracking_satellite).toEqual([]);
  });

  it('a column the table lacks is VLT213; a flag that is not boolean, an operation that is not text, a key column or a listed operation column is VLT231', () => {
    expect(codes({ tables: { customers: customers({ deletes: { flag: 'nope' } }) } })).toEqual([['VLT213', ['tables', 'customers', 'deletes', 'flag']]]);
    expect(codes({ tables: { customers: customers({ deletes: { flag: 'name' } }) } })).toEqual([['VLT231', ['tables', 'customers', 'deletes', 'flag']]]);
    expect(codes({ tables: { customers: customers({ deletes: { operation: 'n' } }, { n: 'int' }) } })).toEqual([['VLT231', ['tables', 'customers', 'deletes', 'operation']]]);
    expect(codes({ tables: { customers: customers({ deletes: { operation: 'customer_id' } }) } })).toEqual([
      ['VLT231', ['tables', 'customers', 'deletes', 'operation']],
      ['VLT231', ['tables', 'customers', 'deletes', 'operation']],
    ]);
    expect(codes({ tables: { customers: customers({ deletes: { operation: 'op' }, satellites: { details: ['op', 'name'] } }, { op: 'text' }) } })).toEqual([
      ['VLT231', ['tables', 'customers', 'deletes', 'operation']],
    ]);
  });

  it('batches and deletes are checked by the schema', () => {
    const check = (table: string): string[] =>
      analyzeSpec(parseSpecYaml(`version: 1\nmodel: test\ntables:\n  customers:\n    business_key: [id]\n    columns: { id: int, op: text }\n${table}`, 'test.yaml'))
        .diagnostics.filter((d) => d.severity === 'error')
        .map((d) => d.code);
    expect(check('    batches: full\n    deletes: { operation: op, delete_values: [D, X] }\n')).toEqual([]);
    expect(check('    batches: weekly\n')).not.toEqual([]);
    expect(check('    deletes: { operation: op, flag: op }\n')).not.toEqual([]);
    expect(check('    deletes: all\n')).not.toEqual([]);
  });
});
