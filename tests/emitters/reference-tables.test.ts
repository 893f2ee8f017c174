/**
 * Reference tables in the Query DSL and the manifest: the corpus spec with Northwind's US states
 * and currencies compiles to class-shaped builders `.build_reference_table(ReferenceTable.X,
 * BusinessKey([...]))`, whose field mappings and the business satellites' carry the extra facts
 * as plain literals, and every file imports and runs against the stand-in framework.
 */
import { describe, expect, it } from 'vitest';
import { compileFiles } from '../helpers/compile-files.js';
import { expectChainsMatchManifest, hasPython, runPythonHarness } from '../helpers/python-harness.js';

const SPEC = 'tests/corpus/good/northwind-codes.yaml';

describe('reference tables in the Query DSL', () => {
  const compiled = compileFiles(SPEC);
  const file = (path: string): string => compiled.files.find((f) => f.path === path)!.content;

  it('writes a class-shaped builder keyed by the code', () => {
    expect(file('raw_vault/currency_reference_table.py')).toContain(
      [
        'class CurrencyReferenceTable:',
        '    @staticmethod',
        '    def build_reference_table():',
        '        return (',
        '            Query(CURRENCY_REFERENCE_TABLE_FIELD_MAPPING)',
        "            .build_reference_table(ReferenceTable.CURRENCY, BusinessKey(['currency_code']))",
        '        )',
      ].join('\n'),
    );
    expect(file('registry.py')).toContain("class ReferenceTable(Enum):\n    CURRENCY = 'currency'\n    US_STATE = 'us_state'\n");
  });

  it('puts the code, the descriptions and the tables carrying the code in the field mapping, and the lookups in the business satellite’s', () => {
    expect(file('raw_vault/us_state_reference_table_fields.py')).toContain("    'used_by': [\n        {'table': 'customers', 'columns': ['region']},\n    ],\n");
    expect(file('business_vault/customer_business_satellite_fields.py')).toContain(
      [
        "    'lookups': [",
        '        {',
        "            'reference_table': 'raw_vault.reference_tables.us_state',",
        "            'code_columns': ['region'],",
        "            'columns': {",
        "                'us_state_name': {'source_column': 'state_name', 'type': 'text'},",
        "                'us_state_region': {'source_column': 'state_region', 'type': 'text'},",
        '            },',
        '        },',
        '    ],',
      ].join('\n'),
    );
  });

  it('lists them in the manifest', () => {
    const rt = compiled.manifest.raw_vault.reference_tables;
    expect(rt.map((e) => [e.name, e.business_keys, e.sources, e.used_by])).toEqual([
      [
        'currency',
        ['currency_code'],
        [{ table: 'currencies', columns: ['currency_code', 'currency_name'], record_source: 'northwind_codes.currencies' }],
        [
          { table: 'order_details', columns: ['price_currency_code'] },
          { table: 'orders', columns: ['currency_code'] },
        ],
      ],
      [
        'us_state',
        ['state_abbr'],
        [{ table: 'us_states', columns: ['state_abbr', 'state_name', 'state_region'], record_source: 'northwind_codes.us_states' }],
        [{ table: 'customers', columns: ['region'] }],
      ],
    ]);
    expect(rt[0]!.columns.map((c) => c.name)).toEqual(['currency_code', 'load_ts', 'record_source', 'hashdiff', 'currency_name']);
    expect(compiled.manifest.business_vault.satellites.find((s) => s.name === 'order')!.lookups).toEqual([
      { reference_table: 'currency', code_columns: ['currency_code'], columns: ['currency_name'] },
    ]);
  });

  it.skipIf(!hasPython)('parses, imports and runs against the stand-in framework, one chain per manifest entity', () => {
    expectChainsMatchManifest(runPythonHarness(compiled.files, compiled.model), compiled.manifest);
  });
});
