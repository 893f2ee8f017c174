import { describe, expect, test } from 'vitest';
import { exprEquals, parseExpression, printExpression, referencedColumns, stripSpans, typecheckExpression, type ColumnType, type Expr } from '@vault/core/internal';

function parsed(text: string): Expr {
  const r = parseExpression(text);
  expect(r.errors).toEqual([]);
  if (r.expr === undefined) throw new Error(`no tree for ${text}`);
  return r.expr;
}

const canonical = (text: string): string => printExpression(parsed(text));

describe('canonical printing', () => {
  test.each([
    // columns and literals
    ['Order_Total', 'Order_Total'],
    ['007', '7'],
    ['1.50', '1.50'],
    ['.5', '0.5'],
    ['1.', '1.0'],
    ["'it''s'", "'it''s'"],
    ["''", "''"],
    ['true', 'TRUE'],
    ['False', 'FALSE'],
    ['null', 'NULL'],
    ["date '2024-02-29'", "DATE '2024-02-29'"],
    ["timestamp '2024-01-31T23:59'", "TIMESTAMP '2024-01-31 23:59:00'"],
    ["Timestamp '2024-01-31 23:59:59.123'", "TIMESTAMP '2024-01-31 23:59:59.123'"],
    // names that are functions or literal prefixes elsewhere are ordinary columns here
    ['upper + date - year', 'upper + date - year'],
    // arithmetic and precedence
    ['a+b*c', 'a + b * c'],
    ['(a+b)*c', '(a + b) * c'],
    ['a-(b-c)', 'a - (b - c)'],
    ['(a-b)-c', 'a - b - c'],
    ['a % 2 / b', 'a % 2 / b'],
    ["a||'-'||b", "a || '-' || b"],
    ['a || (b + c)', 'a || (b + c)'],
    ['-a', '-a'],
    ['- - a', '-(-a)'],
    ['-(a + b)', '-(a + b)'],
    ['-a * b', '-a * b'],
    ['a - -1', 'a - -1'],
    ['a -- comment', 'a - -comment'],
    // comparisons
    ['a=1', 'a = 1'],
    ['a<>1', 'a <> 1'],
    ['a!=1', 'a <> 1'],
    ['a<1', 'a < 1'],
    ['a<=1', 'a <= 1'],
    ['a>1', 'a > 1'],
    ['a>=1', 'a >= 1'],
    ['(a = b) = c', '(a = b) = c'],
    ['a = (b = c)', 'a = (b = c)'],
    ['a + 1 > b * 2', 'a + 1 > b * 2'],
    // logic
    ['not a and b or c', 'NOT a AND b OR c'],
    ['not (a or b)', 'NOT (a OR b)'],
    ['a and (b or c)', 'a AND (b OR c)'],
    ['(a and b) and c', 'a AND b AND c'],
    ['a or (b or c)', 'a OR (b OR c)'],
    ['not not a', 'NOT NOT a'],
    ['not a = b', 'NOT a = b'],
    ['(not a) = b', '(NOT a) = b'],
    // predicates
    ['a is null', 'a IS NULL'],
    ['a IS not NULL', 'a IS NOT NULL'],
    ['(a is null) is null', '(a IS NULL) IS NULL'],
    ['a in (1,2,  3)', 'a IN (1, 2, 3)'],
    ["a not in ('x')", "a NOT IN ('x')"],
    ['a in (b or c)', 'a IN (b OR c)'],
    ['a between 1 and 2', 'a BETWEEN 1 AND 2'],
    ['a not between b+1 and c*2', 'a NOT BETWEEN b + 1 AND c * 2'],
    ['a between 1 and 2 and b', 'a BETWEEN 1 AND 2 AND b'],
    ['a between (b and c) and d', 'a BETWEEN (b AND c) AND d'],
    // CASE
    ['case when a > 0 then 1 when a < 0 then -1 else 0 end', 'CASE WHEN a > 0 THEN 1 WHEN a < 0 THEN -1 ELSE 0 END'],
    ["case status when 'A' then 'active' end", "CASE status WHEN 'A' THEN 'active' END"],
    ['case when a or b then c end + 1', 'CASE WHEN a OR b THEN c END + 1'],
    // functions and CAST
    ['coalesce(a,b,0)', 'COALESCE(a, b, 0)'],
    ["nullif(a, '')", "NULLIF(a, '')"],
    ['upper(a) || lower(b) || trim(c)', 'UPPER(a) || LOWER(b) || TRIM(c)'],
    ['length(a)', 'LENGTH(a)'],
    ['round(a) + round(a, 2)', 'ROUND(a) + ROUND(a, 2)'],
    ['abs(-a)', 'ABS(-a)'],
    ['greatest(a, b) - least(a, b, c)', 'GREATEST(a, b) - LEAST(a, b, c)'],
    ['year(d) * 10 + quarter(d) + month(d) + day(d)', 'YEAR(d) * 10 + QUARTER(d) + MONTH(d) + DAY(d)'],
    ["date_trunc('Month', ts)", "DATE_TRUNC('month', ts)"],
    ['cast(a as integer)', 'CAST(a AS int)'],
    ['CAST(a AS numeric(18, 2))', 'CAST(a AS decimal(18,2))'],
    ['cast(a as character varying(40))', 'CAST(a AS varchar(40))'],
    ['cast(ts as timestamp with time zone)', 'CAST(ts AS timestamptz)'],
    ['cast(a + 1 as double precision)', 'CAST(a + 1 AS double)'],
    // layout
    [' a\n+\tb ', 'a + b'],
    ['(((a)))', 'a'],
  ])('%j prints as %j', (input, expected) => {
    expect(canonical(input)).toBe(expected);
    expect(canonical(expected)).toBe(expected);
  });
});

describe('trees', () => {
  test('precedence: OR < AND < NOT < comparison < additive < multiplicative < unary minus', () => {
    expect(stripSpans(parsed('NOT a = -b * c + d OR e AND f'))).toEqual({
      kind: 'binary',
      op: 'OR',
      left: {
        kind: 'not',
        operand: {
          kind: 'binary',
          op: '=',
          left: { kind: 'column', name: 'a' },
          right: {
            kind: 'binary',
            op: '+',
            left: {
              kind: 'binary',
              op: '*',
              left: { kind: 'negate', operand: { kind: 'column', name: 'b' } },
              right: { kind: 'column', name: 'c' },
            },
            right: { kind: 'column', name: 'd' },
          },
        },
      },
      right: { kind: 'binary', op: 'AND', left: { kind: 'column', name: 'e' }, right: { kind: 'column', name: 'f' } },
    });
  });

  test('|| shares the level of + and -, left-associative', () => {
    expect(stripSpans(parsed("a || b + 'c'"))).toEqual({
      kind: 'binary',
      op: '+',
      left: { kind: 'binary', op: '||', left: { kind: 'column', name: 'a' }, right: { kind: 'column', name: 'b' } },
      right: { kind: 'string', value: 'c' },
    });
  });

  test('spans are 0-based, end-exclusive, and include parentheses', () => {
    const e = parsed('(a + b) * 30');
    expect(e).toEqual({
      kind: 'binary',
      op: '*',
      span: { start: 0, end: 12 },
      left: {
        kind: 'binary',
        op: '+',
        span: { start: 0, end: 7 },
        left: { kind: 'column', name: 'a', span: { start: 1, end: 2 } },
        right: { kind: 'column', name: 'b', span: { start: 5, end: 6 } },
      },
      right: { kind: 'integer', text: '30', span: { start: 10, end: 12 } },
    });
  });

  test('spans of CASE, CAST, calls, literals and predicates', () => {
    const e = parsed("CASE WHEN x IS NOT NULL THEN CAST(x AS text) ELSE upper('n') END");
    expect(e.span).toEqual({ start: 0, end: 64 });
    if (e.kind !== 'case') throw new Error('expected CASE');
    const [first] = e.whens;
    expect(first?.when.span).toEqual({ start: 10, end: 23 });
    expect(first?.then.span).toEqual({ start: 29, end: 44 });
    expect(e.else?.span).toEqual({ start: 50, end: 60 });
    expect(parsed("DATE '2020-01-01'").span).toEqual({ start: 0, end: 17 });
    expect(parsed('a NOT IN (1, 2)').span).toEqual({ start: 0, end: 15 });
    expect(parsed('a BETWEEN 1 AND b').span).toEqual({ start: 0, end: 17 });
  });

  test('CAST and DATE_TRUNC hold checked values', () => {
    expect(stripSpans(parsed("DATE_TRUNC('QUARTER', CAST(d AS varchar(10)))"))).toEqual({
      kind: 'call',
      name: 'DATE_TRUNC',
      args: [
        { kind: 'string', value: 'quarter' },
        { kind: 'cast', operand: { kind: 'column', name: 'd' }, type: { kind: 'varchar', length: 10 } },
      ],
    });
  });

  test('exprEquals ignores spans and parentheses', () => {
    expect(exprEquals(parsed('a + 1'), parsed('((a)) +   1'))).toBe(true);
    expect(exprEquals(parsed('a + 1'), parsed('a + 2'))).toBe(false);
    expect(exprEquals(parsed('a + 1'), parsed('1 + a'))).toBe(false);
    expect(exprEquals(parsed('CASE WHEN a THEN 1 END'), parsed('CASE WHEN a THEN 1 ELSE NULL END'))).toBe(false);
  });

  test('referencedColumns: distinct, case-insensitive, first spelling, first-appearance order', () => {
    expect(referencedColumns(parsed('a + B * coalesce(b, c, A) || upper(d) || CASE WHEN e THEN c END'))).toEqual(['a', 'B', 'c', 'd', 'e']);
    expect(referencedColumns(parsed("1 + 2 = 3 AND 'x' IS NULL"))).toEqual([]);
  });

  test('the printer refuses trees the parser cannot produce', () => {
    const span = { start: 0, end: 0 };
    expect(() => printExpression({ kind: 'column', name: 'x; DROP TABLE t', span })).toThrow(/malformed column name/);
    expect(() => printExpression({ kind: 'column', name: 'select', span })).not.toThrow();
    expect(() => printExpression({ kind: 'column', name: 'AND', span })).toThrow(/malformed column name/);
    expect(() => printExpression({ kind: 'integer', text: '1; x', span })).toThrow(/malformed integer/);
    expect(() => printExpression({ kind: 'in', operand: { kind: 'null', span }, list: [], negated: false, span })).toThrow(/empty IN list/);
    const one: Expr = { kind: 'integer', text: '1', span };
    const badOp = { kind: 'binary', op: '; DROP TABLE t; --', left: one, right: one, span } as unknown as Expr;
    expect(() => printExpression(badOp)).toThrow(/malformed operator/);
    const badType = { kind: 'cast', operand: one, type: { kind: 'varchar', length: Number.NaN }, span } as const;
    expect(() => printExpression(badType)).toThrow(/malformed CAST type/);
    expect(printExpression({ kind: 'string', value: "'; DROP TABLE t; --", span })).toBe("'''; DROP TABLE t; --'");
  });
});

describe('syntax errors', () => {
  const FUNCTION_LIST = 'ABS, COALESCE, DATE_TRUNC, DAY, GREATEST, LEAST, LENGTH, LOWER, MONTH, NULLIF, QUARTER, ROUND, TRIM, UPPER, YEAR';
  const UNITS = "'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'";
  test.each([
    ['a +', 'VLT301', 'expected an expression but found end of input', 3, 3],
    ["'unterminated", 'VLT301', 'unterminated string literal: a closing quote is missing', 0, 13],
    // `'it'` is a complete string, so the unterminated one is `'s`.
    ["a = 'it''s", 'VLT301', 'unterminated string literal: a closing quote is missing', 8, 10],
    ['foo(1)', 'VLT304', `unknown function 'foo'; the functions are ${FUNCTION_LIST}`, 0, 3],
    ['uper(name)', 'VLT304', "unknown function 'uper'; did you mean 'UPPER'?", 0, 4],
    ["__import__('os')", 'VLT304', `unknown function '__import__'; the functions are ${FUNCTION_LIST}`, 0, 10],
    ['UPPER(1,2)', 'VLT305', 'UPPER takes 1 argument, not 2', 0, 10],
    ['round(a, 1, 2)', 'VLT305', 'ROUND takes 1 or 2 arguments, not 3', 0, 14],
    ['x + coalesce()', 'VLT305', 'COALESCE takes at least 1 argument, not 0', 4, 14],
    ["a = 'x' AND", 'VLT301', 'expected an expression but found end of input', 11, 11],
    ['DROP TABLE x', 'VLT301', "expected an operator or the end of the expression but found 'TABLE'", 5, 10],
    ['a; DROP TABLE t', 'VLT301', "unexpected character ';'; an expression is a single expression, not statements", 1, 2],
    ['a $$ b', 'VLT301', "unexpected characters '$$'", 2, 4],
    ['/* c */ a', 'VLT301', "expected an expression but found '/'", 0, 1],
    ['a = b = c', 'VLT301', "expected an operator or the end of the expression but found '='", 6, 7],
    ['a = NOT b', 'VLT301', "expected an expression but found 'NOT'", 4, 7],
    ['(a', 'VLT301', "expected ')' but found end of input", 2, 2],
    ['CASE END', 'VLT301', "expected WHEN but found 'END'", 5, 8],
    ['CASE WHEN a THEN 1', 'VLT301', 'expected END but found end of input', 18, 18],
    ['a IN ()', 'VLT301', "expected an expression but found ')'", 6, 7],
    ['a IS 1', 'VLT301', "expected NULL but found '1'", 5, 6],
    ['a BETWEEN 1', 'VLT301', 'expected AND but found end of input', 11, 11],
    ['cast(a as)', 'VLT301', "expected a type name but found ')'", 9, 10],
    ['CAST(x AS foo)', 'VLT301', "unknown column type 'foo'; did you mean 'bool'?", 10, 13],
    ['CAST(x AS varchar(0))', 'VLT301', 'varchar length must be between 1 and 10485760, not 0', 10, 20],
    ["DATE '2021-02-29'", 'VLT301', "invalid DATE literal '2021-02-29'; expected a real date written 'yyyy-mm-dd'", 0, 17],
    ["date_trunc('fortnight', ts)", 'VLT301', `unknown DATE_TRUNC unit 'fortnight'; the units are ${UNITS}`, 11, 22],
    ['date_trunc(u, ts)', 'VLT301', `the first argument of DATE_TRUNC must be a unit in quotes, one of ${UNITS}`, 11, 12],
    ["a = 'x\u0000'", 'VLT301', 'a string literal cannot contain the NUL character', 4, 8],
    ['', 'VLT301', 'expected an expression but found end of input', 0, 0],
  ])('%j: %s %s at %i..%i', (input, code, message, start, end) => {
    const r = parseExpression(input);
    expect(r.expr).toBeUndefined();
    expect(r.errors).toEqual([{ code, message, inner: { start, end } }]);
  });

  test('every problem is reported, in source order', () => {
    expect(parseExpression('lowr(1) + upper(a, b) +').errors).toEqual([
      { code: 'VLT304', message: "unknown function 'lowr'; did you mean 'LOWER'?", inner: { start: 0, end: 4 } },
      { code: 'VLT305', message: 'UPPER takes 1 argument, not 2', inner: { start: 10, end: 21 } },
      { code: 'VLT301', message: 'expected an expression but found end of input', inner: { start: 23, end: 23 } },
    ]);
    expect(parseExpression('"a"').errors).toEqual([
      { code: 'VLT301', message: "unexpected character '\"'; quoted identifiers are not supported, write the column name without quotes", inner: { start: 0, end: 1 } },
      { code: 'VLT301', message: "unexpected character '\"'; quoted identifiers are not supported, write the column name without quotes", inner: { start: 2, end: 3 } },
    ]);
  });

  test('pathological input is refused before it can exhaust the stack', () => {
    expect(parseExpression(`${'('.repeat(64)}a${')'.repeat(64)}`).errors).toEqual([]);
    expect(parseExpression(`${'('.repeat(65)}a${')'.repeat(65)}`).errors).toEqual([
      { code: 'VLT301', message: 'expression is nested too deeply: at most 64 levels of parentheses and CASE are allowed', inner: { start: 64, end: 65 } },
    ]);
    expect(parseExpression(`${'a + '.repeat(600)}a`).errors).toEqual([{ code: 'VLT301', message: 'expression is too long: 1201 tokens, at most 1000 are allowed', inner: { start: 0, end: 2401 } }]);
    const longest = parsed(`${'NOT '.repeat(998)}a`);
    expect(printExpression(longest)).toBe(`${'NOT '.repeat(998)}a`);
  });
});

describe('type checking', () => {
  const columns: ReadonlyMap<string, ColumnType> = new Map<string, ColumnType>([
    ['Amount', { kind: 'int' }],
    ['price', { kind: 'decimal', precision: 18, scale: 2 }],
    ['name', { kind: 'varchar', length: 40 }],
    ['active', { kind: 'boolean' }],
    ['created_at', { kind: 'timestamptz' }],
    ['birth_date', { kind: 'date' }],
    ['duration', { kind: 'interval' }],
  ]);
  const check = (text: string, opts?: { expect?: 'boolean' }) => typecheckExpression(parsed(text), columns, opts);

  test.each([
    ['amount + 1', 'integer'],
    ['AMOUNT / 2', 'numeric'],
    ['amount % 3', 'integer'],
    ['amount * price', 'numeric'],
    ['-price', 'numeric'],
    ['name || amount || NULL', 'text'],
    ['length(name)', 'integer'],
    ['upper(name)', 'text'],
    ['year(created_at) + quarter(birth_date) + month(birth_date) + day(created_at)', 'integer'],
    ["date_trunc('day', birth_date)", 'timestamp'],
    ['created_at - birth_date', 'interval'],
    ['birth_date + 1', 'date'],
    ['birth_date - birth_date', 'integer'],
    ['created_at + duration', 'timestamp'],
    ['coalesce(amount, price, 0)', 'numeric'],
    ['coalesce(NULL, name)', 'text'],
    ['greatest(birth_date, created_at)', 'timestamp'],
    ['nullif(amount, 0)', 'integer'],
    ['cast(amount as text)', 'text'],
    ['round(price)', 'numeric'],
    ['round(amount, 2)', 'numeric'],
    ['abs(amount)', 'integer'],
    ['abs(price)', 'numeric'],
    ['NULL', 'null'],
    ['amount > NULL', 'boolean'],
    ['amount = 1.5', 'boolean'],
    ["birth_date < TIMESTAMP '2020-01-01 00:00'", 'boolean'],
    ['case when active then amount else price end', 'numeric'],
    ["case amount when 1 then 'one' when 2 then NULL end", 'text'],
    ['amount between 1 and 2.5', 'boolean'],
    ["name in ('a', NULL)", 'boolean'],
    ['active is null and not active or active = TRUE', 'boolean'],
  ])('%j has type %s', (text, type) => {
    expect(check(text)).toEqual({ type, errors: [] });
  });

  test.each([
    ["1 + 'a'", 'VLT303', 'operator + cannot be applied to integer and text', 0, 7],
    ['amont + 1', 'VLT302', "unknown column 'amont'; did you mean 'Amount'?", 0, 5],
    ['zzz', 'VLT302', "unknown column 'zzz'", 0, 3],
    ['not amount', 'VLT303', "NOT needs a boolean condition, but 'amount' is integer", 4, 10],
    ['active and amount', 'VLT303', "AND needs a boolean condition, but 'amount' is integer", 11, 17],
    ['name = 1', 'VLT303', 'cannot compare text with integer', 0, 8],
    ['amount in (1, 2, name)', 'VLT303', 'cannot compare integer with text', 17, 21],
    ["amount between 1 and 'x'", 'VLT303', 'cannot compare integer with text', 21, 24],
    ["case when active then 1 else 'x' end", 'VLT303', 'CASE branch "\'x\'" is text, which does not fit the earlier branches (integer)', 29, 32],
    ['upper(amount)', 'VLT303', "UPPER expects text as argument 1, but 'amount' is integer", 6, 12],
    ['year(name)', 'VLT303', "YEAR expects temporal as argument 1, but 'name' is text", 5, 9],
    ['round(price, 1.5)', 'VLT303', "ROUND expects integer as argument 2, but '1.5' is numeric", 13, 16],
    ['coalesce(amount, active)', 'VLT303', "COALESCE argument 'active' is boolean, which does not fit the earlier arguments (integer)", 17, 23],
    ['amount || amount', 'VLT303', '|| joins text, but both sides are integer and integer; CAST one side to text', 0, 16],
    ['-name', 'VLT303', "unary minus needs a number, but 'name' is text", 0, 5],
    ['birth_date * 2', 'VLT303', 'operator * cannot be applied to date and integer', 0, 14],
  ])('%j: %s %s at %i..%i', (text, code, message, start, end) => {
    expect(check(text)).toEqual({ type: undefined, errors: [{ code, message, inner: { start, end } }] });
  });

  test('a bad CASE condition does not hide the type of the CASE', () => {
    expect(check('case when amount then 1 end')).toEqual({
      type: 'integer',
      errors: [{ code: 'VLT303', message: "CASE WHEN needs a boolean condition, but 'amount' is integer", inner: { start: 10, end: 16 } }],
    });
  });

  test('independent errors are all reported; dependent ones are not repeated', () => {
    expect(check("xx + 1 = 'a' AND NOT amount OR upper(price) = 'P'")).toEqual({
      type: undefined,
      errors: [
        { code: 'VLT302', message: "unknown column 'xx'", inner: { start: 0, end: 2 } },
        { code: 'VLT303', message: "NOT needs a boolean condition, but 'amount' is integer", inner: { start: 21, end: 27 } },
        { code: 'VLT303', message: "UPPER expects text as argument 1, but 'price' is numeric", inner: { start: 37, end: 42 } },
      ],
    });
  });

  test('filters must be boolean (VLT306)', () => {
    expect(check('amount + 1', { expect: 'boolean' })).toEqual({
      type: 'integer',
      errors: [{ code: 'VLT306', message: 'a filter must be a boolean expression (a condition), but this expression is integer', inner: { start: 0, end: 10 } }],
    });
    expect(check('active AND amount > 0', { expect: 'boolean' })).toEqual({ type: 'boolean', errors: [] });
    // An expression that is already wrong is not reported twice.
    expect(check("1 + 'a'", { expect: 'boolean' }).errors.map((e) => e.code)).toEqual(['VLT303']);
  });
});
