/**
 * Multi-active satellites in inference (packages/core/src/infer/multi-active.ts): declared with
 * `multi_active_key`, or inferred by `table.multi_active` only on all its evidence; what the
 * entity holds; the hub it leaves alone; and the diagnostics of misuse (VLT213, VLT218, VLT230,
 * VLT430).
 */
import { describe, expect, test } from 'vitest';
import { compileSpec, type ColumnSpec, type MultiActiveSatellite, type PathDiagnostic, type Spec, type TableSpec, type VaultModel } from '@vault/core';

function compile(tables: Record<string, TableSpec>): { model: VaultModel | undefined; diagnostics: ReadonlyArray<PathDiagnostic> } {
  return compileSpec({ version: 1, model: 'test', tables } satisfies Spec);
}
function ok(tables: Record<string, TableSpec>): VaultModel {
  const r = compile(tables);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model!;
}
const nn = (type: string): ColumnSpec => ({ type, nullable: false });
const names = (xs: ReadonlyArray<{ readonly name: string }>): string[] => xs.map((x) => x.name);
const only = (m: VaultModel): MultiActiveSatellite => {
  expect(names(m.byKind.multi_active_satellite)).toHaveLength(1);
  return m.byKind.multi_active_satellite[0]!;
};
const errors = (r: { diagnostics: ReadonlyArray<PathDiagnostic> }): Array<[string, string]> => r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path.join('.')]);

const PARTNERS: TableSpec = { columns: { partner_id: nn('int'), partner_name: 'text' } };
const phones = (more: Partial<TableSpec> = {}): TableSpec => ({
  primary_key: ['partner_id', 'phone_type'],
  columns: { partner_id: nn('int'), phone_type: nn('text'), digits: 'text', updated_at: 'timestamptz' },
  ...more,
});

describe('declared: multi_active_key', () => {
  test('a multi-active satellite of the hub the rest of the key references, and no hub or link of its own', () => {
    const m = ok({ partners: PARTNERS, partner_phones: phones({ multi_active_key: ['phone_type'] }) });
    const s = only(m);
    expect({ name: s.name, parent: s.parent, hk: s.parentHashKey, parentKey: s.parentKey, key: names(s.multiActiveKey), payload: names(s.payload), sensitive: s.sensitive }).toEqual({
      name: 'partner_phones',
      parent: 'partner',
      hk: 'partner_hk',
      parentKey: ['partner_id'],
      key: ['phone_type'],
      payload: ['digits'],
      sensitive: false,
    });
    expect(s.multiActiveKey.map((c) => c.nullable)).toEqual([false]);
    expect(s.evidence.map((e) => e.rule)).toEqual(['bk.primary_key', 'table.multi_active_declared', 'link.naming', 'sat.technical']);
    expect(names(m.byKind.hub)).toEqual(['partner']);
    expect(m.byKind.link).toEqual([]);
    // The hub is loaded from the phones too, as a reference (a phone without its partner is no lost hub row).
    expect(m.byKind.hub[0]!.sources).toEqual([
      { table: 'partner_phones', columns: ['partner_id'], reference: true },
      { table: 'partners', columns: ['partner_id'] },
    ]);
    // Not in the hub's business satellite: the presentation view keeps one row per partner.
    expect(m.byKind.business_satellite.flatMap((b) => b.columns.map((c) => c.sourceColumn))).not.toContain('digits');
  });

  test('a table without a key uses its one reference; a delta order is kept and stays out of the payload', () => {
    const m = ok({
      partners: PARTNERS,
      partner_phones: { multi_active_key: ['seq'], delta_order: 'changed', columns: { partner_id: nn('int'), seq: nn('int'), digits: 'text', changed: 'bigint' } },
    });
    const s = only(m);
    expect([s.parentKey, names(s.multiActiveKey), names(s.payload), s.deltaOrder]).toEqual([['partner_id'], ['seq'], ['digits'], 'changed']);
  });

  test('a sensitive column makes the whole set sensitive', () => {
    const m = ok({ partners: PARTNERS, partner_phones: { ...phones({ multi_active_key: ['phone_type'] }), columns: { partner_id: nn('int'), phone_type: nn('text'), phone_number: 'text' } } });
    expect(only(m).sensitive).toBe(true);
  });
});

describe('inferred: table.multi_active', () => {
  test("a key of one reference plus a type column: the hub's multi-active satellite", () => {
    const s = only(ok({ partners: PARTNERS, partner_phones: phones() }));
    expect([s.parent, names(s.multiActiveKey)]).toEqual(['partner', ['phone_type']]);
    expect(s.evidence.map((e) => e.rule)).toContain('table.multi_active');
  });

  test.each<[string, Record<string, TableSpec>]>([
    ['a key column not named like a type, kind or sequence', { partners: PARTNERS, partner_phones: phones({ primary_key: ['partner_id', 'digits'] }) }],
    [
      'a table another table references',
      {
        partners: PARTNERS,
        partner_phones: phones(),
        calls: { columns: { call_id: nn('int'), partner_id: 'int', phone_type: 'text' }, references: [{ columns: ['partner_id', 'phone_type'], table: 'partner_phones' }] },
      },
    ],
    ['a satellites: setting', { partners: PARTNERS, partner_phones: phones({ satellites: { partner_phone_numbers: ['digits'] } }) }],
    [
      'a second reference to a hub',
      { partners: PARTNERS, regions: { columns: { region_id: nn('int'), region_name: 'text' } }, partner_phones: { ...phones(), columns: { ...phones().columns, region_id: 'int' } } },
    ],
  ])('not with %s', (_, tables) => {
    expect(compile(tables).model?.byKind.multi_active_satellite ?? []).toEqual([]);
  });
});

describe('misuse', () => {
  test('VLT213: a multi-active key column the table does not have; VLT218: listed twice', () => {
    expect(errors(compile({ partners: PARTNERS, partner_phones: phones({ multi_active_key: ['phone_kind'] }) }))).toContainEqual(['VLT213', 'tables.partner_phones.multi_active_key.0']);
    expect(errors(compile({ partners: PARTNERS, partner_phones: phones({ multi_active_key: ['phone_type', 'phone_type'] }) }))).toContainEqual(['VLT218', 'tables.partner_phones.multi_active_key.1']);
  });

  test('VLT230: a setting of another kind of table, or a key column that is a reference or the delta order', () => {
    expect(errors(compile({ partners: PARTNERS, partner_phones: phones({ multi_active_key: ['phone_type'], kind: 'hub' }) }))).toEqual([['VLT230', 'tables.partner_phones.kind']]);
    expect(errors(compile({ partners: PARTNERS, partner_phones: phones({ multi_active_key: ['phone_type'], duplicates: 'reject' }) }))).toEqual([['VLT230', 'tables.partner_phones.duplicates']]);
    expect(
      errors(compile({ partners: PARTNERS, partner_phones: phones({ multi_active_key: ['partner_id', 'phone_type'], references: [{ columns: ['partner_id'], table: 'partners' }] }) })),
    ).toContainEqual(['VLT230', 'tables.partner_phones.multi_active_key.0']);
    expect(errors(compile({ partners: PARTNERS, partner_phones: phones({ multi_active_key: ['phone_type'], delta_order: 'phone_type' }) }))).toContainEqual([
      'VLT230',
      'tables.partner_phones.multi_active_key.0',
    ]);
  });

  test('VLT430: the rest of the key is no reference to one hub', () => {
    const r = compile({ partner_phones: { primary_key: ['msisdn', 'phone_type'], multi_active_key: ['phone_type'], columns: { msisdn: nn('text'), phone_type: nn('text'), digits: 'text' } } });
    expect(errors(r)).toEqual([['VLT430', 'tables.partner_phones.multi_active_key']]);
  });
});
