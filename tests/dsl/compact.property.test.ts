import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { ColumnSpec, Spec, TableSpec } from '@vault/core';
import { compactPathKey, parseSourceTables, printSourceTables } from '@vault/dsl/internal';

const TYPES = [
  'int',
  'bigint',
  'text',
  'boolean',
  'decimal',
  'decimal(18,6)',
  'numeric(10)',
  'varchar(40)',
  'double precision',
  'character varying(255)',
  'timestamp with time zone',
  'char(1)',
] as const;

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
const column = fc.tuple(
  name,
  fc.oneof(
    fc.constantFrom(...TYPES),
    fc.constantFrom(...TYPES).map((type): ColumnSpec => ({ type })),
  ),
);
const table = fc.uniqueArray(column, { minLength: 1, maxLength: 8, selector: ([c]) => c });
const spec: fc.Arbitrary<Spec> = fc
  .record({
    model: fc.string(),
    description: fc.option(fc.string(), { nil: undefined }),
    tables: fc.uniqueArray(fc.tuple(name, table), { minLength: 1, maxLength: 6, selector: ([t]) => t }),
  })
  .map(({ model, description, tables }) => ({
    version: 1,
    model,
    ...(description === undefined ? {} : { description }),
    tables: Object.fromEntries(tables.map(([t, cols]): [string, TableSpec] => [t, { columns: Object.fromEntries(cols) }])),
  }));

/** The parser returns the shorthand form: a column's type as a string. */
function shorthand(s: Spec): Spec {
  const tables = Object.entries(s.tables).map(([t, { columns }]): [string, TableSpec] => [
    t,
    { columns: Object.fromEntries(Object.entries(columns).map(([c, col]) => [c, typeof col === 'string' ? col : col.type])) },
  ]);
  return { ...s, tables: Object.fromEntries(tables) };
}

/** Text that looks like the grammar, so the generator reaches deep into the parser. */
const grammarish = fc.string({ unit: fc.constantFrom('a', 'b', '_', '1', ':', ';', ',', '(', ')', ' ', '$', '"', '\n'), maxLength: 40 });

describe('compact source-table string', () => {
  test.prop([spec])('parse(print(spec)) is the spec', (s) => {
    const parsed = parseSourceTables(printSourceTables(s), s.description === undefined ? { model: s.model } : { model: s.model, description: s.description });
    expect(parsed.errors).toEqual([]);
    expect(parsed.duplicates).toEqual([]);
    expect(parsed.spec).toEqual(shorthand(s));
    expect(Object.keys(parsed.spec?.tables ?? {})).toEqual(Object.keys(s.tables));
  });

  test.prop([spec])('every name and type position points at its text', (s) => {
    const text = printSourceTables(s);
    const parsed = parseSourceTables(text, { model: s.model });
    for (const [t, { columns }] of Object.entries(s.tables)) {
      const key = parsed.positions.get(compactPathKey(['tables', t]))?.key;
      expect(key && text.slice(key.start, key.end)).toBe(t);
      for (const [c, col] of Object.entries(columns)) {
        const node = parsed.positions.get(compactPathKey(['tables', t, 'columns', c]));
        expect(node?.key && text.slice(node.key.start, node.key.end)).toBe(c);
        expect(node && text.slice(node.value.start, node.value.end)).toBe(typeof col === 'string' ? col : col.type);
      }
    }
  });

  test.prop([fc.oneof(fc.string(), grammarish)])('never throws; errors lie inside the text; a spec only without errors', (text) => {
    const parsed = parseSourceTables(text, { model: 'm' });
    for (const e of parsed.errors) {
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset + e.length).toBeLessThanOrEqual(text.length);
      expect(e.message).toMatch(/^expected .+ but found .+$/s);
    }
    expect(parsed.spec === undefined).toBe(parsed.errors.length > 0);
  });
});
