/**
 * Unit tests of the inference rules (packages/core/src/infer): for each rule, a small spec
 * built as a TS object, the IR `compileSpec` builds from it, and the evidence rule ids the
 * IR cites. Names, key columns, sources and evidence are asserted exactly.
 */
import { describe, expect, test } from 'vitest';
import { compileSpec, RULES, type ColumnSpec, type Hub, type Link, type LinkSatellite, type PathDiagnostic, type Satellite, type Spec, type Stage, type TableSpec, type VaultModel } from '@vault/core';
import { allEntities } from '@vault/core/internal';

type Tables = Spec['tables'];
type SpecBody = Omit<Spec, 'version' | 'model'>;

function compile(body: SpecBody, stage?: Stage): { model: VaultModel | undefined; diagnostics: ReadonlyArray<PathDiagnostic> } {
  return compileSpec({ version: 1, model: 'test', ...body }, stage ? { stage } : {});
}

/** Compiles and insists on no error (warnings are fine and returned). */
function ok(body: SpecBody, stage?: Stage): VaultModel {
  const r = compile(body, stage);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.model).toBeDefined();
  return r.model!;
}

const errorsOf = (body: SpecBody): Array<[string, ReadonlyArray<string | number>]> =>
  compile(body)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => [d.code, d.path]);

const nn = (type: string, extra: Partial<Exclude<ColumnSpec, string>> = {}): ColumnSpec => ({ type, nullable: false, ...extra });
const rules = (e: { readonly evidence: ReadonlyArray<{ readonly rule: string }> }): string[] => e.evidence.map((x) => x.rule);
const names = (xs: ReadonlyArray<{ readonly name: string }>): string[] => xs.map((x) => x.name);

function hub(m: VaultModel, name: string): Hub {
  const h = m.byKind.hub.find((x) => x.name === name);
  if (h === undefined) throw new Error(`no hub '${name}'; hubs: ${names(m.byKind.hub).join(', ')}`);
  return h;
}
function link(m: VaultModel, name: string): Link {
  const l = m.byKind.link.find((x) => x.name === name);
  if (l === undefined) throw new Error(`no link '${name}'; links: ${names(m.byKind.link).join(', ')}`);
  return l;
}
function sat(m: VaultModel, name: string): Satellite {
  const s = m.byKind.satellite.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no satellite '${name}'; satellites: ${names(m.byKind.satellite).join(', ')}`);
  return s;
}
function lsat(m: VaultModel, name: string): LinkSatellite {
  const s = m.byKind.link_satellite.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no link satellite '${name}'; link satellites: ${names(m.byKind.link_satellite).join(', ')}`);
  return s;
}
/** A link's hubs as [hub, role, hashKey, business key names]. */
const slots = (l: Link): Array<[string, string | undefined, string, string[]]> => l.hubs.map((h) => [h.hub, h.role, h.hashKey, names(h.businessKeys)]);
const payload = (s: Satellite | LinkSatellite): string[] => s.payload.map((c) => c.sourceColumn);

/** Every hub's sources line up with its business keys; every link's with its hubs' keys. */
function expectSourcesLineUp(m: VaultModel): void {
  for (const h of m.byKind.hub) for (const s of h.sources) expect(s.columns.length, `hub ${h.name} from ${s.table}`).toBe(h.businessKeys.length);
  for (const l of m.byKind.link) {
    const width = l.hubs.reduce((n, h) => n + h.businessKeys.length, 0);
    for (const s of l.sources) expect(s.columns.length, `link ${l.name} from ${s.table}`).toBe(width);
  }
}

test('every evidence rule the IR cites is a documented rule', () => {
  const m = ok({ tables: shop() });
  const cited = [
    ...m.byKind.hub,
    ...m.byKind.link,
    ...m.byKind.satellite,
    ...m.byKind.link_satellite,
    ...m.byKind.business_hub,
    ...m.byKind.business_link,
    ...m.byKind.business_satellite,
    ...m.byKind.business_link_satellite,
    ...m.byKind.presentation_view,
  ].flatMap(rules);
  for (const r of cited) expect(Object.keys(RULES)).toContain(r);
});

// ---------------------------------------------------------------------------------------------
describe('business keys', () => {
  const keyed = (extra: Partial<TableSpec>): Tables => ({
    account: {
      columns: { acc_a: nn('int'), acc_b: nn('int'), acc_c: nn('int'), account_id: nn('int'), label: 'text' },
      ...extra,
    },
  });

  test('declared business_key wins over primary key, unique key and naming', () => {
    const m = ok({ tables: keyed({ business_key: ['acc_a'], primary_key: ['acc_b'], unique_keys: [['acc_c']] }) });
    const h = hub(m, 'account');
    expect(names(h.businessKeys)).toEqual(['acc_a']);
    expect(h.sources).toEqual([{ table: 'account', columns: ['acc_a'] }]);
    expect(rules(h)).toEqual(['bk.declared', 'table.hub']);
    expect(h.evidence[0]!.detail).toBe('account: business_key [acc_a]');
    // the losing candidates are descriptive columns
    expect(payload(sat(m, 'account'))).toEqual(['acc_b', 'acc_c', 'account_id', 'label']);
  });

  test('primary key wins over unique key and naming', () => {
    const h = hub(ok({ tables: keyed({ primary_key: ['acc_b'], unique_keys: [['acc_c']] }) }), 'account');
    expect(names(h.businessKeys)).toEqual(['acc_b']);
    expect(rules(h)).toEqual(['bk.primary_key', 'table.hub']);
  });

  test('the first unique key wins over naming', () => {
    const h = hub(ok({ tables: keyed({ unique_keys: [['acc_c', 'acc_a'], ['acc_b']] }) }), 'account');
    expect(names(h.businessKeys)).toEqual(['acc_c', 'acc_a']);
    expect(h.sources).toEqual([{ table: 'account', columns: ['acc_c', 'acc_a'] }]);
    expect(rules(h)).toEqual(['bk.unique_key', 'table.hub']);
  });

  test('naming is the last resort', () => {
    const h = hub(ok({ tables: keyed({}) }), 'account');
    expect(names(h.businessKeys)).toEqual(['account_id']);
    expect(rules(h)).toEqual(['bk.naming', 'table.hub']);
    expect(h.evidence[0]!.detail).toBe("account: column 'account_id' is named like the key of 'account'");
  });

  test('a declared composite key keeps its declared order, not the column order', () => {
    const m = ok({
      tables: { contract: { business_key: ['contract_version', 'contract_code'], columns: { contract_code: nn('text'), contract_version: nn('int'), amount: 'int' } } },
    });
    const h = hub(m, 'contract');
    expect(h.businessKeys).toEqual([
      { name: 'contract_version', type: { kind: 'int' }, nullable: false },
      { name: 'contract_code', type: { kind: 'text' }, nullable: false },
    ]);
    expect(h.hashKey).toBe('contract_hk');
  });

  // [table, columns, key column, hub name]
  const naming: Array<[string, string[], string, string]> = [
    ['customer', ['id', 'name'], 'id', 'customer'],
    ['customer', ['customer_id', 'name'], 'customer_id', 'customer'],
    ['customer', ['customerkey', 'name'], 'customerkey', 'customer'],
    ['customer', ['customer_key', 'name'], 'customer_key', 'customer'],
    ['customer', ['customer_code', 'name'], 'customer_code', 'customer'],
    ['invoice', ['invoice_number', 'total'], 'invoice_number', 'invoice'],
    ['shipment', ['shipment_no', 'weight'], 'shipment_no', 'shipment'],
    ['customer', ['c_custkey', 'c_name'], 'c_custkey', 'customer'],
    ['orders', ['order_id', 'total'], 'order_id', 'order'],
    ['categories', ['category_id', 'label'], 'category_id', 'category'],
    ['tbl_customer', ['customer_id', 'name'], 'customer_id', 'customer'],
    ['customer', ['CUSTOMER_ID', 'name'], 'CUSTOMER_ID', 'customer'],
    ['business_partner', ['businesspartner_id', 'name'], 'businesspartner_id', 'business_partner'],
    // best name first: <entity>_id beats the bare id
    ['customer', ['id', 'customer_id', 'name'], 'customer_id', 'customer'],
  ];
  test.each(naming)('table %s with columns %j: key %s of hub %s', (table, columns, key, hubName) => {
    const m = ok({ tables: { [table]: { columns: Object.fromEntries(columns.map((c) => [c, c === key ? nn('int') : 'text'])) } } });
    expect(names(m.byKind.hub)).toEqual([hubName]);
    const h = hub(m, hubName);
    expect(names(h.businessKeys)).toEqual([key]);
    expect(h.hashKey).toBe(`${hubName}_hk`);
    expect(h.sources).toEqual([{ table, columns: [key] }]);
    expect(h.derivedFrom).toEqual([{ layer: 'source', kind: 'source_table', name: table }]);
    expect(rules(h)).toEqual(['bk.naming', 'table.hub']);
    const s = sat(m, table);
    expect(s.parent).toBe(hubName);
    expect(s.parentHashKey).toBe(`${hubName}_hk`);
    expect(payload(s)).not.toContain(key);
  });

  test('a column marked technical is never the key', () => {
    const m = ok({ tables: { customer: { columns: { id: { type: 'int', role: 'technical' }, c_custkey: nn('int'), c_name: 'text' } } } });
    expect(names(hub(m, 'customer').businessKeys)).toEqual(['c_custkey']);
    expect(payload(sat(m, 'customer'))).toEqual(['c_name']);
  });

  test('the prefixed key names its abbreviation in the evidence', () => {
    const h = hub(ok({ tables: { customer: { columns: { c_custkey: nn('int'), c_name: 'text', c_phone: 'text' } } } }), 'customer');
    expect(h.evidence[0]).toEqual({ rule: 'bk.naming', detail: "customer: column 'c_custkey' abbreviates 'customer' followed by key/id" });
  });

  test('a table without any key is a VLT413 warning at the table, and left out of a model that compiles', () => {
    const r = compile({ tables: { thing: { columns: { label: 'text', weight: 'int' } }, customer: { columns: { customer_id: nn('int'), name: 'text' } } } });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['VLT413', 'warning', ['tables', 'thing']]]);
    expect(names(r.model!.byKind.hub)).toEqual(['customer']);
    expect(r.model!.entities.some((e) => e.derivedFrom.some((f) => f.name === 'thing'))).toBe(false);
    const d = compile({ tables: { thing: { columns: { label: 'text' } } } }).diagnostics[0]!;
    expect(d.message).toContain('thing_id');
    expect(d.target).toBe('key');
  });

  test('kind: hub without a key is VLT401', () => {
    expect(errorsOf({ tables: { thing: { kind: 'hub', columns: { label: 'text' } } } })).toEqual([['VLT401', ['tables', 'thing']]]);
  });

  test('a key-less table with one reference is a VLT413 warning, not a link, and feeds no hub', () => {
    const r = compile({ tables: { customer: { columns: { customer_id: nn('int'), name: 'text' } }, note: { columns: { customer_id: 'int', body: 'text' } } } });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['VLT413', 'warning', ['tables', 'note']]]);
    expect(r.model!.byKind.link).toEqual([]);
    expect(hub(r.model!, 'customer').sources.map((s) => s.table)).toEqual(['customer']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('hubs of concepts no table owns', () => {
  // The EWS landing tables (specs/ews.yaml): business_partner_id is in both, and no
  // table is the business partner's own.
  const ews: Tables = {
    early_warning_signal: {
      business_key: ['early_warning_signal_id'],
      columns: {
        early_warning_signal_id: nn('int'),
        business_partner_id: nn('int'),
        signal_date: 'date',
        severity_level: 'smallint',
        days_past_due: 'int',
        updated_at: { type: 'timestamptz', role: 'technical' },
      },
      delta_order: 'updated_at',
    },
    early_warning_signal_input: {
      business_key: ['early_warning_signal_input_id'],
      columns: {
        early_warning_signal_input_id: nn('int'),
        customer_account_monitoring_batch_manifest_id: nn('int'),
        business_partner_id: nn('int'),
        balance_amount: 'decimal(18,2)',
        received_at: { type: 'timestamptz', role: 'technical' },
      },
    },
  };

  test('one business_partner hub, loaded from both tables', () => {
    const r = compile({ tables: ews });
    const m = r.model!;
    expect(names(m.byKind.hub)).toEqual(['business_partner', 'customer_account_monitoring_batch_manifest', 'early_warning_signal', 'early_warning_signal_input']);
    const bp = hub(m, 'business_partner');
    expect(bp.businessKeys).toEqual([{ name: 'business_partner_id', type: { kind: 'int' }, nullable: false }]);
    expect(bp.sources).toEqual([
      { table: 'early_warning_signal', columns: ['business_partner_id'], reference: true },
      { table: 'early_warning_signal_input', columns: ['business_partner_id'], reference: true },
    ]);
    expect(bp.derivedFrom.map((d) => d.name)).toEqual(['early_warning_signal', 'early_warning_signal_input']);
    expect(rules(bp)).toEqual(['hub.implied_by_key_column']);
    // hubs without descriptive data are warnings, not errors
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['VLT402', 'warning'],
      ['VLT402', 'warning'],
    ]);
  });

  test("the links to the implied hubs: one per reference, driven by the table's own hub, named after their two hubs, the referenced hub's last words when that passes 50 bytes", () => {
    // Before, early_warning_signal_input formed one link of its three hubs (named
    // early_warning_signal_input_relationship past 50 bytes); its two relationships are independent.
    const m = ok({ tables: ews });
    expect(names(m.byKind.link)).toEqual(['early_warning_signal_business_partner', 'early_warning_signal_input_batch_manifest', 'early_warning_signal_input_business_partner']);
    const l = link(m, 'early_warning_signal_business_partner');
    expect(slots(l)).toEqual([
      ['early_warning_signal', undefined, 'early_warning_signal_hk', ['early_warning_signal_id']],
      ['business_partner', undefined, 'business_partner_hk', ['business_partner_id']],
    ]);
    expect(l.drivingKey).toEqual(['early_warning_signal_hk']);
    expect(l.sources).toEqual([{ table: 'early_warning_signal', columns: ['early_warning_signal_id', 'business_partner_id'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.implied_hub', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    const long = link(m, 'early_warning_signal_input_batch_manifest');
    expect(long.hubs.map((h) => h.hub)).toEqual(['early_warning_signal_input', 'customer_account_monitoring_batch_manifest']);
    expect(long.sources).toEqual([{ table: 'early_warning_signal_input', columns: ['early_warning_signal_input_id', 'customer_account_monitoring_batch_manifest_id'] }]);
    expect(rules(long)).toEqual(['table.hub', 'link.implied_hub', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expectSourcesLineUp(m);
  });

  test('technical and delta_order columns stay out of the satellites', () => {
    const m = ok({ tables: ews });
    const s = sat(m, 'early_warning_signal');
    expect(payload(s)).toEqual(['days_past_due', 'severity_level', 'signal_date']);
    expect(s.deltaOrder).toBe('updated_at');
    expect(rules(s)).toEqual(['sat.default', 'sat.technical']);
    expect(s.evidence[1]!.detail).toBe('early_warning_signal: updated_at kept out of the payload');
  });

  test('two tables of one concept feed one hub (hub.same_concept)', () => {
    const m = ok({
      tables: {
        customer: { columns: { customer_id: nn('int'), name: 'text' } },
        tbl_customers: { columns: { customer_id: nn('int'), segment: 'text' } },
      },
    });
    expect(names(m.byKind.hub)).toEqual(['customer']);
    const h = hub(m, 'customer');
    expect(h.sources).toEqual([
      { table: 'customer', columns: ['customer_id'] },
      { table: 'tbl_customers', columns: ['customer_id'] },
    ]);
    expect(rules(h)).toEqual(['bk.naming', 'table.hub', 'hub.same_concept', 'bk.naming', 'table.hub']);
    expect(m.byKind.satellite.map((s) => [s.name, s.parent])).toEqual([
      ['customer', 'customer'],
      ['tbl_customers', 'customer'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('links', () => {
  test('from a declared reference', () => {
    const m = ok({
      tables: {
        business_partner: { primary_key: ['business_partner_id'], columns: { business_partner_id: nn('bigint'), partner_name: 'text' } },
        facility: {
          primary_key: ['facility_id'],
          columns: { facility_id: nn('bigint'), bp_ref: nn('bigint'), limit_amount: 'decimal(18,2)' },
          references: [{ columns: ['bp_ref'], table: 'business_partner' }],
        },
      },
    });
    const l = link(m, 'facility_business_partner');
    expect(l.hashKey).toBe('facility_business_partner_hk');
    expect(slots(l)).toEqual([
      ['facility', undefined, 'facility_hk', ['facility_id']],
      ['business_partner', undefined, 'business_partner_hk', ['business_partner_id']],
    ]);
    expect(l.sources).toEqual([{ table: 'facility', columns: ['facility_id', 'bp_ref'] }]);
    expect(l.derivedFrom).toEqual([{ layer: 'source', kind: 'source_table', name: 'facility' }]);
    expect(rules(l)).toEqual(['table.hub', 'link.declared_reference', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(l.evidence[1]!.detail).toBe('facility(bp_ref) → business_partner');
    expect(hub(m, 'business_partner').sources).toEqual([
      { table: 'business_partner', columns: ['business_partner_id'] },
      { table: 'facility', columns: ['bp_ref'], reference: true },
    ]);
    expect(payload(sat(m, 'facility'))).toEqual(['limit_amount']);
    expectSourcesLineUp(m);
  });

  test('from naming: customer_id → customers keyed by customer_id', () => {
    const m = ok({
      tables: {
        customers: { columns: { customer_id: nn('int'), name: 'text' } },
        orders: { columns: { order_id: nn('int'), customer_id: 'int', amount: 'decimal(18,2)' } },
      },
    });
    const l = link(m, 'order_customer');
    expect(slots(l)).toEqual([
      ['order', undefined, 'order_hk', ['order_id']],
      ['customer', undefined, 'customer_hk', ['customer_id']],
    ]);
    expect(l.sources).toEqual([{ table: 'orders', columns: ['order_id', 'customer_id'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.naming', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(hub(m, 'customer').sources).toEqual([
      { table: 'customers', columns: ['customer_id'] },
      { table: 'orders', columns: ['customer_id'], reference: true },
    ]);
    expect(payload(sat(m, 'orders'))).toEqual(['amount']);
  });

  test('from naming: customer_id → customers keyed by id', () => {
    const m = ok({
      tables: {
        customers: { columns: { id: nn('int'), name: 'text' } },
        orders: { columns: { order_id: nn('int'), customer_id: 'int', amount: 'decimal(18,2)' } },
      },
    });
    const l = link(m, 'order_customer');
    expect(slots(l)).toEqual([
      ['order', undefined, 'order_hk', ['order_id']],
      ['customer', undefined, 'customer_hk', ['id']],
    ]);
    expect(l.sources).toEqual([{ table: 'orders', columns: ['order_id', 'customer_id'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.naming', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(hub(m, 'customer').sources).toEqual([
      { table: 'customers', columns: ['id'] },
      { table: 'orders', columns: ['customer_id'], reference: true },
    ]);
  });

  test('role-named: manager_staff_id in store → staff under the role manager', () => {
    const m = ok({
      tables: {
        staff: { columns: { staff_id: nn('int'), first_name: 'text' } },
        store: { columns: { store_id: nn('int'), manager_staff_id: 'int', address_line: 'text' } },
      },
    });
    const l = link(m, 'store_manager_staff');
    expect(slots(l)).toEqual([
      ['store', undefined, 'store_hk', ['store_id']],
      ['staff', 'manager', 'manager_staff_hk', ['manager_staff_id']],
    ]);
    expect(l.sources).toEqual([{ table: 'store', columns: ['store_id', 'manager_staff_id'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.role_named', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(l.evidence[1]!.detail).toBe("store.manager_staff_id is named like the key of 'staff' under the role 'manager'");
  });

  test('role-named self reference in staff', () => {
    const m = ok({ tables: { staff: { columns: { staff_id: nn('int'), manager_staff_id: 'int', first_name: 'text' } } } });
    expect(names(m.byKind.hub)).toEqual(['staff']);
    const l = link(m, 'staff_manager_staff');
    expect(slots(l)).toEqual([
      ['staff', undefined, 'staff_hk', ['staff_id']],
      ['staff', 'manager', 'manager_staff_hk', ['manager_staff_id']],
    ]);
    expect(l.sources).toEqual([{ table: 'staff', columns: ['staff_id', 'manager_staff_id'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.role_named', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(hub(m, 'staff').sources).toEqual([
      { table: 'staff', columns: ['manager_staff_id'], reference: true },
      { table: 'staff', columns: ['staff_id'] },
    ]);
    expect(payload(sat(m, 'staff'))).toEqual(['first_name']);
  });

  test('language_id and original_language_id: the language hub twice, the second under a role', () => {
    const m = ok({
      tables: {
        film: { columns: { film_id: nn('int'), language_id: 'int', original_language_id: 'int', title: 'text' } },
        language: { columns: { language_id: nn('int'), name: 'text' } },
      },
    });
    // One link per relationship: the film's language and its original language change apart.
    expect(names(m.byKind.link)).toEqual(['film_language', 'film_original_language']);
    const l = link(m, 'film_original_language');
    expect(slots(l)).toEqual([
      ['film', undefined, 'film_hk', ['film_id']],
      ['language', 'original', 'original_language_hk', ['original_language_id']],
    ]);
    expect(l.sources).toEqual([{ table: 'film', columns: ['film_id', 'original_language_id'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.role_named', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(rules(link(m, 'film_language'))).toEqual(['table.hub', 'link.naming', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(hub(m, 'language').sources).toEqual([
      { table: 'film', columns: ['language_id'], reference: true },
      { table: 'film', columns: ['original_language_id'], reference: true },
      { table: 'language', columns: ['language_id'] },
    ]);
    expect(payload(sat(m, 'film'))).toEqual(['title']);
  });

  test('a declared composite-key reference (2 columns)', () => {
    const m = ok({
      tables: {
        contract: { business_key: ['contract_code', 'contract_version'], columns: { contract_code: nn('text'), contract_version: nn('int'), amount: 'int' } },
        payment: {
          business_key: ['payment_id'],
          columns: { payment_id: nn('int'), c_code: nn('text'), c_ver: nn('int'), paid: 'decimal(18,2)' },
          references: [{ columns: ['c_code', 'c_ver'], table: 'contract', role: 'settled' }],
        },
      },
    });
    const l = link(m, 'payment_settled_contract');
    expect(slots(l)).toEqual([
      ['payment', undefined, 'payment_hk', ['payment_id']],
      ['contract', 'settled', 'settled_contract_hk', ['settled_contract_code', 'settled_contract_version']],
    ]);
    expect(l.sources).toEqual([{ table: 'payment', columns: ['payment_id', 'c_code', 'c_ver'] }]);
    expect(rules(l)).toEqual(['table.hub', 'link.declared_reference', 'link.per_relationship', 'link.driving_key', 'link.name_from_hubs']);
    expect(l.evidence[1]!.detail).toBe('payment(c_code, c_ver) → contract as settled');
    expect(hub(m, 'contract').sources).toEqual([
      { table: 'contract', columns: ['contract_code', 'contract_version'] },
      { table: 'payment', columns: ['c_code', 'c_ver'], reference: true },
    ]);
    expect(payload(sat(m, 'payment'))).toEqual(['paid']);
    expectSourcesLineUp(m);
  });

  test('an association table (key made only of references): a link and a link satellite', () => {
    const m = ok({
      tables: {
        facility: { primary_key: ['facility_id'], columns: { facility_id: nn('bigint'), product_type: 'text' } },
        collateral: { business_key: ['collateral_code'], columns: { collateral_code: nn('varchar(20)'), market_value: 'decimal(18,2)' } },
        facility_collateral: {
          primary_key: ['facility_id', 'collateral_code'],
          columns: { facility_id: nn('bigint'), collateral_code: nn('varchar(20)'), allocated_amount: 'decimal(18,2)', priority_rank: 'smallint', updated_at: 'timestamptz' },
          references: [
            { columns: ['facility_id'], table: 'facility' },
            { columns: ['collateral_code'], table: 'collateral' },
          ],
        },
      },
    });
    expect(names(m.byKind.hub)).toEqual(['collateral', 'facility']);
    const l = link(m, 'facility_collateral');
    expect(slots(l)).toEqual([
      ['facility', undefined, 'facility_hk', ['facility_id']],
      ['collateral', undefined, 'collateral_hk', ['collateral_code']],
    ]);
    expect(l.sources).toEqual([{ table: 'facility_collateral', columns: ['facility_id', 'collateral_code'] }]);
    expect(rules(l)).toEqual(['table.association', 'link.declared_reference', 'link.declared_reference', 'link.unit_of_work', 'link.name_from_hubs']);
    const ls = lsat(m, 'facility_collateral');
    expect(ls.parent).toBe('facility_collateral');
    expect(ls.parentHashKey).toBe('facility_collateral_hk');
    expect(payload(ls)).toEqual(['allocated_amount', 'priority_rank']);
    expect(ls.source).toEqual({ table: 'facility_collateral', columns: ['allocated_amount', 'priority_rank'] });
    expect(rules(ls)).toEqual(['sat.link_satellite', 'sat.technical']);
    expect(m.byKind.satellite.map((s) => s.name)).toEqual(['collateral', 'facility']);
  });

  test('an association table named by link:', () => {
    const m = ok({
      tables: {
        facility: { primary_key: ['facility_id'], columns: { facility_id: nn('bigint'), product_type: 'text' } },
        collateral: { business_key: ['collateral_code'], columns: { collateral_code: nn('varchar(20)'), market_value: 'decimal(18,2)' } },
        pledges: {
          link: 'facility_pledge',
          primary_key: ['facility_id', 'collateral_code'],
          columns: { facility_id: nn('bigint'), collateral_code: nn('varchar(20)'), allocated_amount: 'decimal(18,2)' },
        },
      },
    });
    const l = link(m, 'facility_pledge');
    expect(rules(l)).toEqual(['table.association', 'link.naming', 'link.naming', 'link.unit_of_work', 'link.name_from_hubs']);
    expect(l.evidence.at(-1)!.detail).toBe('named by the spec: facility_pledge');
    // collateral sorts before facility: naming references follow the column order
    expect(l.hubs.map((h) => h.hub)).toEqual(['collateral', 'facility']);
    expect(l.sources).toEqual([{ table: 'pledges', columns: ['collateral_code', 'facility_id'] }]);
    expect(payload(lsat(m, 'facility_pledge'))).toEqual(['allocated_amount']);
  });

  test('a key-less table with two references becomes a link', () => {
    const m = ok({
      tables: {
        customer: { columns: { customer_id: nn('int'), name: 'text' } },
        product: { columns: { product_id: nn('int'), label: 'text' } },
        page_view: { columns: { customer_id: 'int', product_id: 'int', viewed_seconds: 'int', load_ts: 'timestamptz' } },
      },
    });
    expect(names(m.byKind.hub)).toEqual(['customer', 'product']);
    const l = link(m, 'customer_product');
    expect(slots(l)).toEqual([
      ['customer', undefined, 'customer_hk', ['customer_id']],
      ['product', undefined, 'product_hk', ['product_id']],
    ]);
    expect(l.sources).toEqual([{ table: 'page_view', columns: ['customer_id', 'product_id'] }]);
    expect(rules(l)).toEqual(['table.keyless_references', 'link.naming', 'link.naming', 'link.unit_of_work', 'link.name_from_hubs']);
    const ls = lsat(m, 'customer_product');
    expect(payload(ls)).toEqual(['viewed_seconds']);
    expect(rules(ls)).toEqual(['sat.link_satellite', 'sat.technical']);
  });

  test('two references to one hub without a role are VLT406', () => {
    expect(
      errorsOf({
        tables: {
          customer: { columns: { customer_id: nn('int'), name: 'text' } },
          transfer: {
            columns: { transfer_id: nn('int'), payer: 'int', payee: 'int', amount: 'int' },
            references: [
              { columns: ['payer'], table: 'customer' },
              { columns: ['payee'], table: 'customer' },
            ],
          },
        },
      }),
    ).toEqual([['VLT406', ['tables', 'transfer', 'references']]]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('satellites', () => {
  const customer: TableSpec = {
    columns: {
      customer_id: nn('int'),
      full_name: 'text',
      segment: 'text',
      credit_limit: 'decimal(18,2)',
      risk_score: 'int',
      email: 'text',
      mobile_phone: 'text',
      iban: 'varchar(34)',
      ssn: 'text',
      date_of_birth: 'date',
      password: 'text',
      nickname: { type: 'text', role: 'sensitive' },
      updated_at: 'timestamptz',
      load_ts: 'timestamptz',
      batch_number: { type: 'int', role: 'technical' },
      scratch: { type: 'text', role: 'ignore' },
    },
  };

  test('technical columns stay out of payloads; sensitive columns go to <table>_sensitive', () => {
    const m = ok({ tables: { customer } });
    expect(names(m.byKind.satellite)).toEqual(['customer', 'customer_sensitive']);
    const plain = sat(m, 'customer');
    expect(plain.sensitive).toBe(false);
    expect(payload(plain)).toEqual(['credit_limit', 'full_name', 'risk_score', 'segment']);
    expect(rules(plain)).toEqual(['sat.default', 'sat.technical']);
    expect(plain.evidence[1]!.detail).toBe('customer: batch_number, load_ts, updated_at kept out of the payload');
    const secret = sat(m, 'customer_sensitive');
    expect(secret.sensitive).toBe(true);
    expect(secret.parent).toBe('customer');
    expect(payload(secret)).toEqual(['date_of_birth', 'email', 'iban', 'mobile_phone', 'nickname', 'password', 'ssn']);
    expect(rules(secret)).toEqual(['sat.sensitive', 'sat.technical']);
    expect(secret.payload[0]).toEqual({ name: 'date_of_birth', type: { kind: 'date' }, nullable: true, sourceTable: 'customer', sourceColumn: 'date_of_birth' });
    expect(secret.source).toEqual({ table: 'customer', columns: ['date_of_birth', 'email', 'iban', 'mobile_phone', 'nickname', 'password', 'ssn'] });
  });

  test('satellites: override assigns named satellites; the rest keeps the default', () => {
    const m = ok({ tables: { customer: { ...customer, satellites: { customer_finance: ['credit_limit', 'risk_score'], customer_contact: ['email'] } } } });
    expect(names(m.byKind.satellite)).toEqual(['customer', 'customer_contact', 'customer_finance', 'customer_sensitive']);
    expect(payload(sat(m, 'customer_finance'))).toEqual(['credit_limit', 'risk_score']);
    expect(rules(sat(m, 'customer_finance'))).toEqual(['sat.override', 'sat.technical']);
    expect(sat(m, 'customer_finance').sensitive).toBe(false);
    expect(payload(sat(m, 'customer'))).toEqual(['full_name', 'segment']);
    expect(payload(sat(m, 'customer_contact'))).toEqual(['email']);
    expect(payload(sat(m, 'customer_sensitive'))).toEqual(['date_of_birth', 'iban', 'mobile_phone', 'nickname', 'password', 'ssn']);
  });

  test('a role: sensitive column makes its override satellite sensitive, whatever the column order', () => {
    // Before the fix in raw-vault.ts the first column (by name) decided: [alias, nick] gave a
    // non-sensitive satellite, and nick reached the business vault and the presentation view.
    for (const other of ['alias', 'zone']) {
      const m = ok({
        tables: { customer: { columns: { customer_id: nn('int'), nick: { type: 'text', role: 'sensitive' }, [other]: 'text', name: 'text' }, satellites: { customer_extra: [other, 'nick'] } } },
      });
      expect(sat(m, 'customer_extra').sensitive).toBe(true);
      expect(m.byKind.business_satellite[0]!.satellites).toEqual(['customer']);
      expect(m.byKind.presentation_view[0]!.columns.map((c) => c.name)).toEqual(['customer_id', 'name']);
    }
  });

  test('a table of only keys gets no satellite, and VLT402 warns', () => {
    const r = compile({ tables: { tag: { columns: { tag_id: nn('int'), updated_at: 'timestamptz' } } } });
    expect(r.model!.byKind.satellite).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['VLT402', 'warning', ['tables', 'tag', 'columns', 'tag_id']]]);
  });

  test('kind: reference: no hub and no link; the referencing column stays in the payload', () => {
    for (const country of [
      { kind: 'reference', columns: { country_code: nn('char(2)'), country_name: 'text' } },
      { kind: 'reference', business_key: ['country_code'], columns: { country_code: nn('char(2)'), country_name: 'text' } },
    ] satisfies TableSpec[]) {
      for (const references of [undefined, [{ columns: ['country_code'], table: 'country' }]]) {
        const m = ok({
          tables: { country, customer: { columns: { customer_id: nn('int'), country_code: 'char(2)', full_name: 'text' }, ...(references ? { references } : {}) } },
        });
        expect(names(m.byKind.hub)).toEqual(['customer']);
        expect(m.byKind.link).toEqual([]);
        expect(names(m.byKind.satellite)).toEqual(['customer']);
        expect(payload(sat(m, 'customer'))).toEqual(['country_code', 'full_name']);
        expect(m.sources.map((s) => s.name)).toEqual(['country', 'customer']);
      }
    }
  });

  test('hub: override merges two tables into one hub', () => {
    const m = ok({
      tables: {
        crm_client: { hub: 'client', business_key: ['client_id'], columns: { client_id: nn('int'), client_name: 'text', segment: 'text' } },
        erp_client: { hub: 'client', business_key: ['client_id'], columns: { client_id: nn('int'), client_name: 'text', credit_limit: 'decimal(18,2)' } },
      },
    });
    expect(names(m.byKind.hub)).toEqual(['client']);
    const h = hub(m, 'client');
    expect(h.sources).toEqual([
      { table: 'crm_client', columns: ['client_id'] },
      { table: 'erp_client', columns: ['client_id'] },
    ]);
    expect(h.derivedFrom.map((d) => d.name)).toEqual(['crm_client', 'erp_client']);
    expect(rules(h)).toEqual(['bk.declared', 'table.hub', 'hub.same_concept', 'bk.declared', 'table.hub']);
    expect(m.byKind.satellite.map((s) => [s.name, s.parent, payload(s)])).toEqual([
      ['crm_client', 'client', ['client_name', 'segment']],
      ['erp_client', 'client', ['client_name', 'credit_limit']],
    ]);
    // the business satellite brings both together; a shared name is prefixed by its satellite
    const bs = m.byKind.business_satellite.find((s) => s.name === 'client')!;
    expect(bs.satellites).toEqual(['crm_client', 'erp_client']);
    expect(bs.columns.map((c) => [c.name, c.satellite, c.sourceColumn])).toEqual([
      ['crm_client_client_name', 'crm_client', 'client_name'],
      ['segment', 'crm_client', 'segment'],
      ['erp_client_client_name', 'erp_client', 'client_name'],
      ['credit_limit', 'erp_client', 'credit_limit'],
    ]);
  });

  test('hub: override with keys of different arity is VLT410', () => {
    expect(
      errorsOf({
        tables: {
          crm_client: { hub: 'client', business_key: ['client_id'], columns: { client_id: nn('int'), client_name: 'text' } },
          erp_client: { hub: 'client', business_key: ['client_id', 'client_ver'], columns: { client_id: nn('int'), client_ver: nn('int'), segment: 'text' } },
        },
      }),
    ).toEqual([['VLT410', ['tables', 'erp_client']]]);
  });
});

// ---------------------------------------------------------------------------------------------
/** A small shop: customers keyed by id, invoices referencing them, an association table. */
function shop(): Tables {
  return {
    customers: { columns: { id: nn('int'), full_name: 'varchar(100)', segment: 'text', email: 'text' } },
    invoices: {
      columns: { invoice_id: nn('int'), customer_id: 'int', amount: 'decimal(18,2)', quantity: 'int', issued_on: 'date', updated_at: 'timestamptz' },
    },
    products: { columns: { product_id: nn('int'), label: 'text', price: 'decimal(10,2)' } },
    invoice_lines: {
      primary_key: ['invoice_id', 'product_id'],
      columns: { invoice_id: nn('int'), product_id: nn('int'), line_amount: 'decimal(18,2)', units: 'int' },
    },
  };
}

describe('business vault', () => {
  const body: SpecBody = {
    tables: shop(),
    business_vault: {
      rules: {
        invoice: { derive: { gross: 'round( amount*quantity ,2 )', units_or_zero: 'coalesce(quantity,0)' }, filter: 'amount is not null and quantity>0' },
        invoice_product: { derive: { line_total: 'line_amount*units' } },
      },
    },
  };

  test('the raw vault of the shop', () => {
    const m = ok(body);
    expect(names(m.byKind.hub)).toEqual(['customer', 'invoice', 'product']);
    expect(names(m.byKind.link)).toEqual(['invoice_customer', 'invoice_product']);
    expect(rules(link(m, 'invoice_product'))).toEqual(['table.association', 'link.naming', 'link.naming', 'link.unit_of_work', 'link.name_from_hubs']);
    expect(names(m.byKind.satellite)).toEqual(['customers', 'customers_sensitive', 'invoices', 'products']);
    expect(names(m.byKind.link_satellite)).toEqual(['invoice_product']);
  });

  test('one business hub per hub', () => {
    const m = ok(body);
    expect(names(m.byKind.business_hub)).toEqual(['customer', 'invoice', 'product']);
    const customer = m.byKind.business_hub[0]!;
    expect(customer).toEqual({
      kind: 'business_hub',
      name: 'customer',
      hub: 'customer',
      hashKey: 'customer_hk',
      businessKeys: [{ name: 'id', type: { kind: 'int' }, nullable: false }],
      derivedFrom: [{ layer: 'raw_vault', kind: 'hub', name: 'customer' }],
      evidence: [{ rule: 'bv.business_hub', detail: 'from hub customer' }],
      // No rules for customer: it comes from where its hub does, the table owning the key.
      origin: ['tables', 'customers'],
    });
  });

  test('the filter: canonical text, and the business hub then reads the satellites', () => {
    const invoice = ok(body).byKind.business_hub.find((h) => h.name === 'invoice')!;
    expect(invoice.filter!.text).toBe('amount IS NOT NULL AND quantity > 0');
    expect(invoice.derivedFrom).toEqual([
      { layer: 'raw_vault', kind: 'hub', name: 'invoice' },
      { layer: 'raw_vault', kind: 'satellite', name: 'invoices' },
    ]);
    expect(rules(invoice)).toEqual(['bv.business_hub', 'bv.rules']);
    expect(invoice.evidence[1]!.detail).toBe('filter: amount IS NOT NULL AND quantity > 0');
  });

  test("the business satellite merges the hub's non-sensitive satellites and adds derived attributes", () => {
    const m = ok(body);
    expect(names(m.byKind.business_satellite)).toEqual(['customer', 'invoice', 'product']);
    const customer = m.byKind.business_satellite[0]!;
    expect(customer.satellites).toEqual(['customers']);
    expect(customer.columns.map((c) => c.name)).toEqual(['full_name', 'segment']);
    expect(rules(customer)).toEqual(['bv.business_satellite']);

    const invoice = m.byKind.business_satellite[1]!;
    expect(invoice.parent).toBe('invoice');
    expect(invoice.parentHashKey).toBe('invoice_hk');
    expect(invoice.columns.map((c) => [c.name, c.satellite, c.sourceColumn])).toEqual([
      ['amount', 'invoices', 'amount'],
      ['issued_on', 'invoices', 'issued_on'],
      ['quantity', 'invoices', 'quantity'],
    ]);
    expect(invoice.derived.map((d) => [d.name, d.text, d.type])).toEqual([
      ['gross', 'ROUND(amount * quantity, 2)', { kind: 'decimal' }],
      ['units_or_zero', 'COALESCE(quantity, 0)', { kind: 'bigint' }],
    ]);
    expect(invoice.derivedFrom).toEqual([
      { layer: 'raw_vault', kind: 'hub', name: 'invoice' },
      { layer: 'raw_vault', kind: 'satellite', name: 'invoices' },
    ]);
    expect(rules(invoice)).toEqual(['bv.business_satellite', 'bv.rules']);
    expect(invoice.evidence[1]!.detail).toBe('derived: gross, units_or_zero');
  });

  test('business links and business link satellites', () => {
    const m = ok(body);
    expect(names(m.byKind.business_link)).toEqual(['invoice_customer', 'invoice_product']);
    const bl = m.byKind.business_link[1]!;
    expect(bl.link).toBe('invoice_product');
    expect(bl.hubs).toEqual(link(m, 'invoice_product').hubs);
    expect(bl.derivedFrom).toEqual([{ layer: 'raw_vault', kind: 'link', name: 'invoice_product' }]);
    expect(rules(bl)).toEqual(['bv.business_link']);
    expect(names(m.byKind.business_link_satellite)).toEqual(['invoice_product']);
    const bls = m.byKind.business_link_satellite[0]!;
    expect(bls.satellites).toEqual(['invoice_product']);
    expect(bls.columns.map((c) => c.name)).toEqual(['line_amount', 'units']);
    expect(bls.derived.map((d) => [d.name, d.text])).toEqual([['line_total', 'line_amount * units']]);
    expect(bls.derivedFrom).toEqual([
      { layer: 'raw_vault', kind: 'link', name: 'invoice_product' },
      { layer: 'raw_vault', kind: 'link_satellite', name: 'invoice_product' },
    ]);
    expect(rules(bls)).toEqual(['bv.business_link_satellite', 'bv.rules']);
    expect(bls.evidence[1]!.detail).toBe('derived: line_total');
  });

  test('business rules can target the hub of a plural table whose singular is a reserved word (orders → order)', () => {
    // rule targets are lookups of existing hubs and links, not new names (was VLT208 before d8f7565)
    const m = ok({
      tables: { orders: { columns: { order_id: nn('int'), amount: 'int' } } },
      business_vault: { rules: { order: { filter: 'amount > 0' } } },
    });
    expect(m.byKind.business_hub[0]!.filter!.text).toBe('amount > 0');
  });

  test('business rules for an entity that does not exist are VLT307, with a hint', () => {
    const r = compile({ tables: shop(), business_vault: { rules: { invoices: { filter: 'amount > 0' } } } });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path])).toEqual([['VLT307', ['business_vault', 'rules', 'invoices']]]);
    expect(r.diagnostics[0]!.message).toContain("did you mean 'invoice'?");
  });

  test('a derived attribute may not reuse a column name (VLT308), nor read a sensitive column', () => {
    expect(errorsOf({ tables: shop(), business_vault: { rules: { invoice: { derive: { amount: 'amount * 2' } } } } })).toEqual([
      ['VLT308', ['business_vault', 'rules', 'invoice', 'derive', 'amount']],
    ]);
    expect(errorsOf({ tables: shop(), business_vault: { rules: { customer: { derive: { mail_domain: 'LOWER(email)' } } } } })).toEqual([
      ['VLT302', ['business_vault', 'rules', 'customer', 'derive', 'mail_domain']],
    ]);
  });

  test('stage: raw builds only the raw vault; stage: business stops before the access layer', () => {
    const full = ok(body);
    const raw = ok(body, 'raw');
    expect(raw.stages).toEqual(['raw']);
    const inLayer = (m: VaultModel, layer: string): ReadonlyArray<unknown> =>
      allEntities(m)
        .filter((x) => x.layer === layer)
        .map((x) => x.entity);
    expect(inLayer(raw, 'raw_vault')).toEqual(inLayer(full, 'raw_vault'));
    expect(inLayer(raw, 'business_vault')).toEqual([]);
    expect(inLayer(raw, 'access_layer')).toEqual([]);
    const business = ok(body, 'business');
    expect(business.stages).toEqual(['raw', 'business']);
    expect(inLayer(business, 'business_vault')).toEqual(inLayer(full, 'business_vault'));
    expect(inLayer(business, 'access_layer')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('access layer', () => {
  const body: SpecBody = {
    tables: shop(),
    business_vault: { rules: { invoice: { derive: { gross: 'ROUND(amount * quantity, 2)' } } } },
    access_layer: {
      dimensional_models: {
        sales_star: { fact: 'invoice_product', measures: ['line_amount', 'amount', 'price'] },
        customer_star: { fact: 'invoice_customer', measures: ['gross'], dimensions: ['customer'] },
      },
      reporting_views: {
        big_invoices: { from: 'invoice', columns: ['invoice_id', 'amount', 'gross'], filter: 'gross>1000' },
      },
    },
  };

  test('a presentation view per business hub: keys, satellite columns, derived attributes', () => {
    const m = ok(body);
    expect(names(m.byKind.presentation_view)).toEqual(['customer', 'invoice', 'product']);
    const invoice = m.byKind.presentation_view[1]!;
    expect(invoice.businessHub).toBe('invoice');
    expect(invoice.businessKeys).toEqual(['invoice_id']);
    expect(invoice.columns.map((c) => [c.name, c.from, c.fromKind])).toEqual([
      ['invoice_id', 'invoice', 'business_hub'],
      ['amount', 'invoice', 'business_satellite'],
      ['issued_on', 'invoice', 'business_satellite'],
      ['quantity', 'invoice', 'business_satellite'],
      ['gross', 'invoice', 'business_satellite'],
    ]);
    expect(invoice.derivedFrom).toEqual([
      { layer: 'business_vault', kind: 'business_hub', name: 'invoice' },
      { layer: 'business_vault', kind: 'business_satellite', name: 'invoice' },
    ]);
    expect(rules(invoice)).toEqual(['al.presentation_view']);
    // the sensitive satellite never reaches the access layer
    expect(m.byKind.presentation_view[0]!.columns.map((c) => c.name)).toEqual(['id', 'full_name', 'segment']);
  });

  test('presentation_views: none, or a list', () => {
    expect(ok({ ...body, access_layer: { presentation_views: 'none' } }).byKind.presentation_view).toEqual([]);
    expect(names(ok({ ...body, access_layer: { presentation_views: ['product'] } }).byKind.presentation_view)).toEqual(['product']);
    expect(errorsOf({ ...body, access_layer: { presentation_views: ['products'] } })).toEqual([['VLT409', ['access_layer', 'presentation_views', 0]]]);
  });

  test('a dimensional model: measures from the fact and its hubs, a dimension per hub', () => {
    const m = ok(body);
    expect(names(m.byKind.dimensional_model)).toEqual(['customer_star', 'sales_star']);
    const star = m.byKind.dimensional_model[1]!;
    expect(star.fact).toBe('invoice_product');
    expect(star.factKind).toBe('business_link');
    expect(star.measures.map((c) => [c.name, c.from, c.fromKind])).toEqual([
      ['line_amount', 'invoice_product', 'business_link_satellite'],
      ['amount', 'invoice', 'business_satellite'],
      ['price', 'product', 'business_satellite'],
    ]);
    expect(star.dimensions.map((d) => [d.name, d.businessHub, d.role, d.hashKey, d.attributes.map((a) => a.name)])).toEqual([
      ['invoice', 'invoice', undefined, 'invoice_hk', ['invoice_id', 'amount', 'issued_on', 'quantity', 'gross']],
      ['product', 'product', undefined, 'product_hk', ['product_id', 'label', 'price']],
    ]);
    for (const r of star.derivedFrom) expect(r.layer).toBe('business_vault');
    expect(rules(star)).toEqual(['al.dimensional_model']);
    expect(star.evidence[0]!.detail).toBe('fact invoice_product; dimensions invoice, product');

    const customerStar = m.byKind.dimensional_model[0]!;
    expect(customerStar.dimensions.map((d) => d.name)).toEqual(['customer']);
    expect(customerStar.measures.map((c) => [c.name, c.from])).toEqual([['gross', 'invoice']]);
  });

  test('dimensions with roles are named <role>_<hub>', () => {
    const m = ok({
      tables: {
        staff: { columns: { staff_id: nn('int'), first_name: 'text' } },
        rental: { columns: { rental_id: nn('int'), staff_id: 'int', manager_staff_id: 'int', fee: 'decimal(8,2)' } },
      },
      access_layer: { dimensional_models: { rental_star: { fact: 'rental', measures: ['fee'], dimensions: ['manager_staff'] } } },
    });
    const star = m.byKind.dimensional_model[0]!;
    expect(star.dimensions.map((d) => [d.name, d.businessHub, d.role, d.hashKey])).toEqual([['manager_staff', 'staff', 'manager', 'manager_staff_hk']]);
  });

  test('a reporting view: chosen columns and a canonical filter', () => {
    const m = ok(body);
    const v = m.byKind.reporting_view[0]!;
    expect(v.name).toBe('big_invoices');
    expect(v.from).toBe('invoice');
    expect(v.fromKind).toBe('business_hub');
    expect(v.columns.map((c) => [c.name, c.fromKind])).toEqual([
      ['invoice_id', 'business_hub'],
      ['amount', 'business_satellite'],
      ['gross', 'business_satellite'],
    ]);
    expect(v.filter!.text).toBe('gross > 1000');
    expect(v.derivedFrom).toEqual([
      { layer: 'business_vault', kind: 'business_hub', name: 'invoice' },
      { layer: 'business_vault', kind: 'business_satellite', name: 'invoice' },
    ]);
    expect(rules(v)).toEqual(['al.reporting_view']);
  });

  test('unknown names in the access layer are VLT409 / VLT411', () => {
    expect(errorsOf({ tables: shop(), access_layer: { dimensional_models: { x: { fact: 'invoice_products', measures: ['amount'] } } } })).toEqual([
      ['VLT409', ['access_layer', 'dimensional_models', 'x', 'fact']],
    ]);
    expect(errorsOf({ tables: shop(), access_layer: { dimensional_models: { x: { fact: 'invoice_product', measures: ['amount_x'] } } } })).toEqual([
      ['VLT411', ['access_layer', 'dimensional_models', 'x', 'measures', 0]],
    ]);
    expect(errorsOf({ tables: shop(), access_layer: { reporting_views: { v: { from: 'invoice', columns: ['email'] } } } })).toEqual([
      ['VLT411', ['access_layer', 'reporting_views', 'v', 'columns', 0]],
    ]);
  });

  test('a column the business vault prefixes by its satellite: VLT411 in a reporting view or measure names the prefixed column, as in rules', () => {
    // contracts.valid_from is named like a history-view column, and status is shared by two satellites.
    const { diagnostics } = compile({
      tables: {
        contracts: { business_key: ['contract_id'], columns: { contract_id: nn('int'), valid_from: 'date', status: 'text', amount: 'int' } },
        contract_notes: { hub: 'contract', business_key: ['contract_id'], columns: { contract_id: nn('int'), status: 'text' } },
      },
      business_vault: { rules: { contract: { filter: 'valid_from IS NOT NULL' } } },
      access_layer: {
        reporting_views: { current_contracts: { from: 'contract', columns: ['contract_id', 'valid_from', 'status'] } },
        dimensional_models: { contract_star: { fact: 'contract', measures: ['amount', 'valid_from', 'status'] } },
      },
    });
    expect(diagnostics.map((d) => [d.code, d.path.join('.'), d.message])).toEqual([
      ['VLT302', 'business_vault.rules.contract.filter', "unknown column 'valid_from'; did you mean 'contracts_valid_from'?"],
      ['VLT411', 'access_layer.dimensional_models.contract_star.measures.1', "measure 'valid_from' is not a column of 'contract' or of its hubs; did you mean 'contracts_valid_from'?"],
      [
        'VLT411',
        'access_layer.dimensional_models.contract_star.measures.2',
        "measure 'status' is not a column of 'contract' or of its hubs; did you mean one of 'contract_notes_status', 'contracts_status'?",
      ],
      ['VLT411', 'access_layer.reporting_views.current_contracts.columns.1', "column 'valid_from' is not a column of 'contract'; did you mean 'contracts_valid_from'?"],
      ['VLT411', 'access_layer.reporting_views.current_contracts.columns.2', "column 'status' is not a column of 'contract'; did you mean one of 'contract_notes_status', 'contracts_status'?"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
/**
 * Regression tests for inference bugs found while writing these tests.
 */
describe('fixed inference bugs', () => {
  test('a link never has two business key columns of the same name (hubs both keyed by id)', () => {
    const m = ok({
      tables: {
        customers: { columns: { id: nn('int'), name: 'text' } },
        orders: { columns: { id: nn('int'), customer_id: 'int', amount: 'int' } },
      },
    });
    const l = link(m, 'order_customer');
    const keyNames = l.hubs.flatMap((h) => names(h.businessKeys));
    expect(keyNames).toEqual(['order_id', 'customer_id']);
    expect(new Set(keyNames).size).toBe(keyNames.length);
  });

  test('a key column carried by two tables of one hub is still a reference elsewhere', () => {
    // customer and tbl_customer feed the one hub customer: orders.customer_id is not ambiguous.
    const m = ok({
      tables: {
        customer: { columns: { customer_id: nn('int'), name: 'text' } },
        tbl_customer: { columns: { customer_id: nn('int'), segment: 'text' } },
        orders: { columns: { order_id: nn('int'), customer_id: 'int', amount: 'int' } },
      },
    });
    expect(names(m.byKind.link)).toEqual(['order_customer']);
    expect(payload(sat(m, 'orders'))).toEqual(['amount']);
  });

  test('two tables that form the same relationship feed one link (link.same_relationship), not VLT410', () => {
    // customer.product_id (a relationship link driven by customer) and the association table
    // customer_product, which the spec names after it (link:), both form 'customer_product' over
    // customer and product: one link, a source per table. Without link: the shared name would be
    // an accident and VLT410 (tests/core/links-per-relationship.test.ts).
    const m = ok({
      tables: {
        customer: { columns: { customer_id: nn('int'), name: 'text', product_id: 'int' } },
        product: { columns: { product_id: nn('int'), label: 'text' } },
        customer_product: { link: 'customer_product', primary_key: ['customer_id', 'product_id'], columns: { customer_id: nn('int'), product_id: nn('int'), qty: 'int' } },
      },
    });
    const l = link(m, 'customer_product');
    expect(l.sources).toEqual([
      { table: 'customer', columns: ['customer_id', 'product_id'] },
      { table: 'customer_product', columns: ['customer_id', 'product_id'] },
    ]);
    expect(rules(l)).toContain('link.same_relationship');
    expect(names(m.byKind.link_satellite)).toEqual(['customer_product']);
  });

  test('target_columns that are not the business key do not load the hub with foreign values', () => {
    // loan.fac_no holds facility_number values, but the facility hub is keyed by facility_id:
    // loading the hub from fac_no would mix keys; it is an error (VLT221) instead.
    const r = compile({
      tables: {
        facility: { primary_key: ['facility_id'], unique_keys: [['facility_number']], columns: { facility_id: nn('bigint'), facility_number: nn('varchar(30)'), limit_amount: 'int' } },
        loan: {
          business_key: ['loan_id'],
          columns: { loan_id: nn('int'), fac_no: 'varchar(30)', amount: 'int' },
          references: [{ columns: ['fac_no'], table: 'facility', target_columns: ['facility_number'] }],
        },
      },
    });
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.path.join('.')])).toEqual([['VLT221', 'tables.loan.references.0.target_columns']]);
  });

  test('target_columns in another order than the key still line up with the hub key', () => {
    const m = ok({
      tables: {
        contract: { business_key: ['contract_code', 'contract_version'], columns: { contract_code: nn('text'), contract_version: nn('int'), amount: 'int' } },
        payment: {
          business_key: ['payment_id'],
          columns: { payment_id: nn('int'), c_ver: nn('int'), c_code: nn('text'), paid: 'int' },
          references: [{ columns: ['c_ver', 'c_code'], table: 'contract', target_columns: ['contract_version', 'contract_code'] }],
        },
      },
    });
    expect(hub(m, 'contract').sources).toContainEqual({ table: 'payment', columns: ['c_code', 'c_ver'], reference: true });
    expect(link(m, 'payment_contract').sources).toEqual([{ table: 'payment', columns: ['payment_id', 'c_code', 'c_ver'] }]);
  });
});

describe('origin: the spec node each entity comes from', () => {
  const spec: SpecBody = {
    tables: {
      orders: {
        columns: { order_id: nn('int'), customer_id: nn('int'), amount: 'decimal(10,2)', note: 'text' },
        business_key: ['order_id'],
        satellites: { order_notes: ['note'] },
      },
      order_lines: {
        columns: { order_id: nn('int'), product_id: nn('int'), quantity: 'int' },
        link: 'order_product',
        references: [{ columns: ['order_id'], table: 'orders' }],
      },
    },
    business_vault: { rules: { order: { filter: 'amount > 0' } } },
    access_layer: { presentation_views: ['customer', 'order'] },
  };

  test('tables, named links and satellites, implied hubs, rules and listed views', () => {
    const m = ok(spec);
    expect(hub(m, 'order').origin).toEqual(['tables', 'orders']);
    // No table owns customer: the first column that implies it.
    expect(hub(m, 'customer').origin).toEqual(['tables', 'orders', 'columns', 'customer_id']);
    expect(link(m, 'order_product').origin).toEqual(['tables', 'order_lines', 'link']);
    expect(sat(m, 'order_notes').origin).toEqual(['tables', 'orders', 'satellites', 'order_notes']);
    expect(sat(m, 'orders').origin).toEqual(['tables', 'orders']);
    const business = (name: string): ReadonlyArray<string | number> | undefined => m.byKind.business_hub.find((h) => h.name === name)?.origin;
    expect(business('order')).toEqual(['business_vault', 'rules', 'order']);
    expect(business('customer')).toEqual(['tables', 'orders', 'columns', 'customer_id']);
    expect(m.byKind.presentation_view.map((v) => v.origin)).toEqual([
      ['access_layer', 'presentation_views', 0],
      ['access_layer', 'presentation_views', 1],
    ]);
  });
});
