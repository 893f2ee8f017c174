/**
 * The spec's `duplicates` policy in inference and validation (docs/spec.md, "Duplicate keys in
 * one batch"): every satellite of the table carries it; `keep_last_by`'s column stays out of the
 * payloads like a delta order, and must be a sortable column of a table without a delta order.
 */
import { describe, expect, it } from 'vitest';
import { compileSpec, type DuplicatesSpec, type Spec } from '@vault/core';

const spec = (duplicates: DuplicatesSpec | undefined, more: Partial<Spec['tables'][string]> = {}): Spec => ({
  version: 1,
  model: 'shop',
  tables: {
    customers: {
      business_key: ['customer_id'],
      columns: { customer_id: 'int', name: 'text', email: 'text', version_no: 'int', doc: 'json' },
      ...(duplicates === undefined ? {} : { duplicates }),
      ...more,
    },
  },
});

describe('duplicates in the IR', () => {
  it('is absent for the default, said or not, and carried by every satellite of the table otherwise', () => {
    for (const d of [undefined, 'report'] as const) {
      const { model } = compileSpec(spec(d));
      expect(model!.byKind.satellite.map((s) => s.duplicates)).toEqual([undefined, undefined]);
    }
    const { model } = compileSpec(spec('error_table'));
    expect(model!.byKind.satellite.map((s) => [s.name, s.duplicates])).toEqual([
      ['customers', { kind: 'error_table' }],
      ['customers_sensitive', { kind: 'error_table' }],
    ]);
  });

  it('keeps the keep_last_by column out of every payload', () => {
    const { model, diagnostics } = compileSpec(spec({ keep_last_by: 'version_no' }));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const payloads = model!.byKind.satellite.flatMap((s) => s.payload.map((c) => c.name));
    expect(payloads).not.toContain('version_no');
    expect(payloads).toContain('name');
    expect(model!.byKind.satellite[0]!.duplicates).toEqual({ kind: 'keep_last_by', column: 'version_no' });
    // Without the policy the same column is payload.
    expect(compileSpec(spec(undefined)).model!.byKind.satellite.flatMap((s) => s.payload.map((c) => c.name))).toContain('version_no');
  });

  it('refuses a keep_last_by column that is missing, json, listed in a satellite, or beside a delta_order', () => {
    const codes = (s: Spec): ReadonlyArray<string> =>
      compileSpec(s)
        .diagnostics.filter((d) => d.severity === 'error')
        .map((d) => `${d.code} ${d.path.join('.')}`);
    expect(codes(spec({ keep_last_by: 'versio_no' }))).toEqual(['VLT213 tables.customers.duplicates.keep_last_by']);
    expect(codes(spec({ keep_last_by: 'doc' }))).toEqual(['VLT224 tables.customers.duplicates.keep_last_by']);
    expect(codes(spec({ keep_last_by: 'version_no' }, { satellites: { history: ['name', 'version_no'] } }))).toEqual(['VLT224 tables.customers.duplicates.keep_last_by']);
    expect(codes(spec({ keep_last_by: 'version_no' }, { delta_order: 'version_no' }))).toEqual(['VLT224 tables.customers.duplicates.keep_last_by']);
    expect(codes(spec('reject', { delta_order: 'version_no' }))).toEqual([]);
  });
});
