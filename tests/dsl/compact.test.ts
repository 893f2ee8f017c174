import { describe, expect, test } from 'vitest';
import type { Spec } from '@vault/core';
import { compactPathKey, compactSource, parseSourceTables, printSourceTables } from '@vault/dsl/internal';

const EWS =
  'early_warning_signal:early_warning_signal_id(int),business_partner_id(int),two_month_window_behavioural_score_average(decimal);' +
  'early_warning_signal_input:early_warning_signal_input_id(int),customer_account_monitoring_batch_manifest_id(int),business_partner_id(int)';

const parse = (text: string) => parseSourceTables(text, { model: 'm' });

describe('parseSourceTables', () => {
  test('the EWS compact source-table string', () => {
    const parsed = parseSourceTables(EWS, { model: 'ews', description: 'Early Warning Signal model for credit risk monitoring and behavioral analysis' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.duplicates).toEqual([]);
    expect(parsed.spec).toEqual({
      version: 1,
      model: 'ews',
      description: 'Early Warning Signal model for credit risk monitoring and behavioral analysis',
      tables: {
        early_warning_signal: {
          columns: {
            early_warning_signal_id: 'int',
            business_partner_id: 'int',
            two_month_window_behavioural_score_average: 'decimal',
          },
        },
        early_warning_signal_input: {
          columns: {
            early_warning_signal_input_id: 'int',
            customer_account_monitoring_batch_manifest_id: 'int',
            business_partner_id: 'int',
          },
        },
      },
    } satisfies Spec);
    expect(Object.keys(parsed.spec?.tables ?? {})).toEqual(['early_warning_signal', 'early_warning_signal_input']);
  });

  test('no description option, no description key', () => {
    expect(parse('t:a(int)').spec).toStrictEqual({ version: 1, model: 'm', tables: { t: { columns: { a: 'int' } } } });
  });

  test('types with arguments and of several words', () => {
    const parsed = parse('t:a(decimal(18,6)),b(varchar(40)),c(double precision),d(character varying(255)),e(timestamp with time zone)');
    expect(parsed.errors).toEqual([]);
    expect(parsed.spec?.tables).toEqual({
      t: {
        columns: {
          a: 'decimal(18,6)',
          b: 'varchar(40)',
          c: 'double precision',
          d: 'character varying(255)',
          e: 'timestamp with time zone',
        },
      },
    });
  });

  test('whitespace between tokens is ignored; runs inside a type become one space', () => {
    const parsed = parse('  orders : id ( int ) ,\n amount(decimal (18, 2)) ;\tlines:x(double   precision)  ');
    expect(parsed.errors).toEqual([]);
    expect(parsed.spec?.tables).toEqual({
      orders: { columns: { id: 'int', amount: 'decimal (18, 2)' } },
      lines: { columns: { x: 'double precision' } },
    });
  });

  test("a trailing ';' is allowed", () => {
    const parsed = parse('a:x(int);b:y(text); ');
    expect(parsed.errors).toEqual([]);
    expect(parsed.spec?.tables).toEqual({ a: { columns: { x: 'int' } }, b: { columns: { y: 'text' } } });
  });

  test('a table named __proto__ stays a table', () => {
    const tables = parse('__proto__:a(int)').spec?.tables;
    expect(Object.keys(tables ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tables)).toBe(Object.prototype);
  });
});

describe('syntax errors', () => {
  test.each([
    ['missing colon', 'orders,a(int)', [[6, 1, "expected ':' after table name 'orders' but found ','"]]],
    ['missing colon at the end', 'orders', [[6, 0, "expected ':' after table name 'orders' but found the end of the input"]]],
    ["missing '('", 't:a int', [[4, 3, "expected '(' after column name 'a' but found 'int'"]]],
    ['column without type', 't:a', [[3, 0, "expected '(' after column name 'a' but found the end of the input"]]],
    ['unclosed type paren', 't:a(int,b(int)', [[7, 1, "expected ')' to close the type of column 'a' but found ','"]]],
    ['unclosed type paren after arguments', 't:a(decimal(18,6)', [[17, 0, "expected ')' to close the type of column 'a' but found the end of the input"]]],
    ['unclosed argument list', 't:a(decimal(18,6;u:b(int)', [[16, 1, "expected ',' or ')' in the arguments of type 'decimal' but found ';'"]]],
    ['empty string', '', [[0, 0, 'expected a table name but found the end of the input']]],
    ['only whitespace', '   ', [[3, 0, 'expected a table name but found the end of the input']]],
    ['table with no columns', 't:', [[2, 0, "expected a column name after 't:' but found the end of the input"]]],
    ['table with no columns, then another', 't:;u:a(int)', [[2, 1, "expected a column name after 't:' but found ';'"]]],
    ['trailing comma', 't:a(int),', [[9, 0, "expected a column name after ',' in table 't' but found the end of the input"]]],
    ['empty type', 't:a()', [[4, 1, "expected a type name for column 'a' but found ')'"]]],
    ['empty argument', 't:a(decimal(18,))', [[15, 1, "expected a type argument after ',' in type 'decimal' but found ')'"]]],
    ['no argument', 't:a(varchar())', [[12, 1, "expected a type argument after 'varchar(' but found ')'"]]],
    ['arguments without comma', 't:a(decimal(18 6))', [[15, 1, "expected ',' or ')' in the arguments of type 'decimal' but found '6'"]]],
    ['columns without comma', 't:a(int) b(int)', [[9, 1, "expected ',' or ';' after column 'a' but found 'b'"]]],
    ["one ')' too many", 't:a(int)),b(int)', [[8, 1, "expected ',' or ';' after column 'a' but found ')'"]]],
    [
      'stray double quote',
      't:"a(int)"',
      [
        [2, 1, "expected a name, ':', ',', ';', '(' or ')' but found '\"'"],
        [9, 1, "expected a name, ':', ',', ';', '(' or ')' but found '\"'"],
      ],
    ],
    ['stray dollar', 't:a$(int)', [[3, 1, "expected a name, ':', ',', ';', '(' or ')' but found '$'"]]],
    ['stray characters in a run', 't:a(int)$$', [[8, 2, "expected a name, ':', ',', ';', '(' or ')' but found '$$'"]]],
    ['digit-leading table name', '1t:a(int)', [[0, 2, "expected a table name but found '1t'; names start with a letter or '_'"]]],
    ['digit-leading column name', 't:2nd(int)', [[2, 3, "expected a column name after 't:' but found '2nd'; names start with a letter or '_'"]]],
    ['digit-leading type name', 't:a(8bit)', [[4, 4, "expected a type name for column 'a' but found '8bit'; names start with a letter or '_'"]]],
    ['empty table between two', 'a:b(int);;c:d(int)', [[9, 1, "expected a table name but found ';'"]]],
    ['only a semicolon', ';', [[0, 1, "expected a table name but found ';'"]]],
  ] as const)('%s: %j', (_name, text, expected) => {
    const parsed = parse(text);
    expect(parsed.errors).toEqual(expected.map(([offset, length, message]) => ({ offset, length, message })));
    expect(parsed.spec).toBeUndefined();
  });

  test('one error per table, every table reported, in string order', () => {
    const parsed = parse('a:x(int;b$:y(int);c:z(int);d:');
    expect(parsed.errors).toEqual([
      { offset: 7, length: 1, message: "expected ')' to close the type of column 'x' but found ';'" },
      { offset: 9, length: 1, message: "expected a name, ':', ',', ';', '(' or ')' but found '$'" },
      { offset: 29, length: 0, message: "expected a column name after 'd:' but found the end of the input" },
    ]);
    expect(parsed.spec).toBeUndefined();
    // The table that parsed still has positions.
    expect(parsed.positions.get(compactPathKey(['tables', 'c']))).toEqual({ key: { start: 18, end: 19 }, value: { start: 18, end: 26 } });
  });
});

describe('duplicates', () => {
  test('a duplicate table is recorded, the first occurrence wins', () => {
    const parsed = parse('a:b(int);a:c(text)');
    expect(parsed.errors).toEqual([]);
    expect(parsed.duplicates).toEqual([{ path: ['tables', 'a'], offset: 9, length: 1 }]);
    expect(parsed.spec?.tables).toEqual({ a: { columns: { b: 'int' } } });
    expect(parsed.positions.get(compactPathKey(['tables', 'a']))).toEqual({ key: { start: 0, end: 1 }, value: { start: 0, end: 8 } });
  });

  test('a duplicate column is recorded, the first occurrence wins', () => {
    const parsed = parse('orders:id(int),amount(decimal),id(text)');
    expect(parsed.errors).toEqual([]);
    expect(parsed.duplicates).toEqual([{ path: ['tables', 'orders', 'columns', 'id'], offset: 31, length: 2 }]);
    expect(parsed.spec?.tables).toEqual({ orders: { columns: { id: 'int', amount: 'decimal' } } });
  });

  test('names differing in case are not duplicates here (core checks folding)', () => {
    const parsed = parse('a:x(int),X(int)');
    expect(parsed.duplicates).toEqual([]);
    expect(parsed.spec?.tables).toEqual({ a: { columns: { x: 'int', X: 'int' } } });
  });
});

describe('positions and compactSource', () => {
  const text = 'orders : id(int), amount ( decimal  (18, 2) )';
  const parsed = parse(text);
  const source = compactSource(text, parsed.positions);
  const span = (startCol: number, endCol: number) => ({ file: '<source-tables>', start: { line: 1, col: startCol }, end: { line: 1, col: endCol } });

  test('the positions map', () => {
    expect([...parsed.positions]).toEqual([
      [compactPathKey(['tables', 'orders']), { key: { start: 0, end: 6 }, value: { start: 0, end: 45 } }],
      [compactPathKey(['tables', 'orders', 'columns']), { value: { start: 9, end: 45 } }],
      [compactPathKey(['tables', 'orders', 'columns', 'id']), { key: { start: 9, end: 11 }, value: { start: 12, end: 15 } }],
      [compactPathKey(['tables', 'orders', 'columns', 'id', 'type']), { value: { start: 12, end: 15 } }],
      [compactPathKey(['tables', 'orders', 'columns', 'amount']), { key: { start: 18, end: 24 }, value: { start: 27, end: 43 } }],
      [compactPathKey(['tables', 'orders', 'columns', 'amount', 'type']), { value: { start: 27, end: 43 } }],
    ]);
    expect(compactPathKey(['tables', 'orders', 'columns', 'id'])).toBe('tables\u0000orders\u0000columns\u0000id');
  });

  test('keys, values and types', () => {
    expect(source.file).toBe('<source-tables>');
    expect(source.span({ path: ['tables', 'orders'], target: 'key' })).toEqual(span(1, 7));
    expect(source.span({ path: ['tables', 'orders', 'columns', 'amount'], target: 'key' })).toEqual(span(19, 25));
    expect(source.span({ path: ['tables', 'orders', 'columns', 'amount'] })).toEqual(span(28, 44));
    expect(source.span({ path: ['tables', 'orders', 'columns', 'amount', 'type'] })).toEqual(span(28, 44));
  });

  test('inner ranges are offsets into the normalised type, mapped back exactly', () => {
    expect(parsed.spec?.tables['orders']?.columns['amount']).toBe('decimal (18, 2)');
    // '18' is at 9..11 in 'decimal (18, 2)' and at 10..12 in 'decimal  (18, 2)'.
    expect(source.span({ path: ['tables', 'orders', 'columns', 'amount'], inner: { start: 9, end: 11 } })).toEqual(span(38, 40));
    expect(source.span({ path: ['tables', 'orders', 'columns', 'amount', 'type'], inner: { start: 0, end: 15 } })).toEqual(span(28, 44));
  });

  test('falls back to the nearest ancestor, then to the whole string', () => {
    expect(source.span({ path: ['tables', 'orders', 'business_key', 0] })).toEqual(span(1, 46));
    expect(source.span({ path: ['tables', 'orders', 'columns', 'missing'], target: 'key' })).toEqual(span(10, 46));
    expect(source.span({ path: ['hashing', 'algorithm'] })).toEqual(span(1, 46));
    expect(source.span({ path: [] })).toEqual(span(1, 46));
  });

  test('a custom file name', () => {
    expect(compactSource('t:a(int)', parse('t:a(int)').positions, 'cli').span({ path: ['tables', 't'], target: 'key' })).toEqual({
      file: 'cli',
      start: { line: 1, col: 1 },
      end: { line: 1, col: 2 },
    });
  });
});

describe('printSourceTables', () => {
  test('canonical: no spaces, types as written, string and object column forms', () => {
    const spec: Spec = {
      version: 1,
      model: 'm',
      tables: {
        orders: { columns: { id: 'int', amount: { type: 'decimal(18,2)', nullable: false }, note: 'character varying(40)' } },
        lines: { columns: { x: 'double precision' } },
      },
    };
    expect(printSourceTables(spec)).toBe('orders:id(int),amount(decimal(18,2)),note(character varying(40));lines:x(double precision)');
  });

  test('prints the EWS string back byte for byte', () => {
    const spec = parse(EWS).spec;
    expect(spec).toBeDefined();
    if (spec !== undefined) expect(printSourceTables(spec)).toBe(EWS);
  });
});
