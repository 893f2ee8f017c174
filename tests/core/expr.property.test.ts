import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  exprChildren,
  exprEquals,
  fastParseExpression,
  MAX_EXPR_NESTING,
  MAX_EXPR_TOKENS,
  parseExpression,
  parseExpressionWithChevrotain,
  printExpression,
  typecheckExpression,
  type ColumnType,
  type Expr,
  type WhenClause,
} from '@vault/core/internal';

// Written out here rather than imported, so the generator does not trust the code under test.
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'TRUE', 'FALSE', 'CAST', 'AS']);
const BINARY_OPS = ['OR', 'AND', '=', '<>', '<', '<=', '>', '>=', '+', '-', '||', '*', '/', '%'] as const;
const UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;
/** Name and allowed argument counts; DATE_TRUNC is generated separately (its first argument is a unit). */
const CALLS: ReadonlyArray<readonly [Exclude<Extract<Expr, { kind: 'call' }>['name'], 'DATE_TRUNC'>, number, number]> = [
  ['UPPER', 1, 1],
  ['LOWER', 1, 1],
  ['TRIM', 1, 1],
  ['LENGTH', 1, 1],
  ['ROUND', 1, 2],
  ['ABS', 1, 1],
  ['GREATEST', 1, 3],
  ['LEAST', 1, 3],
  ['COALESCE', 1, 4],
  ['NULLIF', 2, 2],
  ['YEAR', 1, 1],
  ['QUARTER', 1, 1],
  ['MONTH', 1, 1],
  ['DAY', 1, 1],
];
const CAST_TYPES: ReadonlyArray<ColumnType> = [
  { kind: 'int' },
  { kind: 'bigint' },
  { kind: 'smallint' },
  { kind: 'decimal' },
  { kind: 'decimal', precision: 10 },
  { kind: 'decimal', precision: 18, scale: 2 },
  { kind: 'double' },
  { kind: 'real' },
  { kind: 'text' },
  { kind: 'varchar', length: 40 },
  { kind: 'char', length: 1 },
  { kind: 'boolean' },
  { kind: 'date' },
  { kind: 'timestamp' },
  { kind: 'timestamptz' },
  { kind: 'interval' },
  { kind: 'uuid' },
  { kind: 'jsonb' },
];

const span = { start: 0, end: 0 };
const pad = (n: number, width: number) => String(n).padStart(width, '0');

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/).filter((s) => !KEYWORDS.has(s.toUpperCase()));
const digits = fc.bigInt({ min: 0n, max: 10n ** 24n }).map(String);
const day = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
const isoDate = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  identifier.map((name): Expr => ({ kind: 'column', name, span })),
  digits.map((text): Expr => ({ kind: 'integer', text, span })),
  fc.tuple(digits, fc.stringMatching(/^\d{1,6}$/)).map(([w, f]): Expr => ({ kind: 'decimal', text: `${w}.${f}`, span })),
  fc
    .oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom("'", "''", "a'b", '--', '/*', ';'))
    .filter((s) => !s.includes('\u0000'))
    .map((value): Expr => ({ kind: 'string', value, span })),
  fc.boolean().map((value): Expr => ({ kind: 'boolean', value, span })),
  fc.constant<Expr>({ kind: 'null', span }),
  day.map((d): Expr => ({ kind: 'temporal', type: 'date', value: isoDate(d), span })),
  fc.tuple(day, fc.option(fc.stringMatching(/^\.\d{1,6}$/), { nil: '' })).map(([d, frac]): Expr => ({
    kind: 'temporal',
    type: 'timestamp',
    value: `${isoDate(d)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${frac}`,
    span,
  })),
);

const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  const list = (min: number, max: number) => fc.array(sub, { minLength: min, maxLength: max });
  return {
    expr: fc.oneof(
      { maxDepth: 4, depthIdentifier: 'expr' },
      { arbitrary: leaf, weight: 6 },
      sub.map((operand): Expr => ({ kind: 'negate', operand, span })),
      sub.map((operand): Expr => ({ kind: 'not', operand, span })),
      { arbitrary: fc.tuple(fc.constantFrom(...BINARY_OPS), sub, sub).map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, span })), weight: 4 },
      fc.tuple(sub, fc.boolean()).map(([operand, negated]): Expr => ({ kind: 'isNull', operand, negated, span })),
      fc.tuple(sub, list(1, 3), fc.boolean()).map(([operand, l, negated]): Expr => ({ kind: 'in', operand, list: l, negated, span })),
      fc.tuple(sub, sub, sub, fc.boolean()).map(([operand, low, high, negated]): Expr => ({ kind: 'between', operand, low, high, negated, span })),
      fc.tuple(fc.option(sub, { nil: undefined }), fc.array(fc.tuple(sub, sub), { minLength: 1, maxLength: 3 }), fc.option(sub, { nil: undefined })).map(([operand, whens, otherwise]): Expr => ({
        kind: 'case',
        operand,
        whens: whens.map(([when, then]): WhenClause => ({ when, then })),
        else: otherwise,
        span,
      })),
      fc.tuple(sub, fc.constantFrom(...CAST_TYPES)).map(([operand, type]): Expr => ({ kind: 'cast', operand, type, span })),
      fc.constantFrom(...CALLS).chain(([name, min, max]) => list(min, max).map((args): Expr => ({ kind: 'call', name, args, span }))),
      fc.tuple(fc.constantFrom(...UNITS), sub).map(([unit, x]): Expr => ({
        kind: 'call',
        name: 'DATE_TRUNC',
        args: [{ kind: 'string', value: unit, span }, x],
        span,
      })),
    ),
  };
});

/** Every node of a tree, parents first. */
function nodes(e: Expr): Expr[] {
  return [e, ...exprChildren(e).flatMap(nodes)];
}

/** Expression-language tokens, for inputs that are mostly almost-valid. */
const tokenSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(...KEYWORDS, 'upper', 'coalesce', 'date_trunc', 'cast', 'date', 'x', 'y', '1', '2.5', "'s'", "'", 'int', 'varchar(3)'),
      fc.constantFrom('(', ')', ',', '+', '-', '*', '/', '%', '||', '=', '<>', '!=', '<', '<=', '>', '>=', ';', '"', '--'),
    ),
    { maxLength: 25 },
  )
  .chain((tokens) => fc.constantFrom(' ', '').map((sep) => tokens.join(sep)));

describe('expression round trip', () => {
  test.prop([expr], { numRuns: 1000 })('parse(print(e)) equals e', (e) => {
    const text = printExpression(e);
    const r = parseExpression(text);
    expect(r.errors).toEqual([]);
    expect(r.expr !== undefined && exprEquals(r.expr, e)).toBe(true);
  });

  test.prop([expr], { numRuns: 500 })('printing is idempotent', (e) => {
    const once = printExpression(e);
    const reparsed = parseExpression(once).expr;
    expect(reparsed === undefined ? undefined : printExpression(reparsed)).toBe(once);
  });

  test.prop([expr], { numRuns: 300 })('every span covers text that parses back to that node', (e) => {
    const text = printExpression(e);
    const tree = parseExpression(text).expr;
    expect(tree).toBeDefined();
    for (const node of tree === undefined ? [] : nodes(tree)) {
      const again = parseExpression(text.slice(node.span.start, node.span.end)).expr;
      expect(again !== undefined && exprEquals(again, node)).toBe(true);
    }
  });

  test.prop([expr], { numRuns: 300 })('type checking never throws and reports positions inside the text', (e) => {
    const text = printExpression(e);
    const tree = parseExpression(text).expr!;
    const columns = new Map<string, ColumnType>([
      ['x', { kind: 'int' }],
      ['Y', { kind: 'text' }],
      ['b', { kind: 'boolean' }],
    ]);
    const { errors } = typecheckExpression(tree, columns, { expect: 'boolean' });
    for (const err of errors) {
      expect(err.inner.start).toBeGreaterThanOrEqual(0);
      expect(err.inner.end).toBeLessThanOrEqual(text.length);
      expect(['VLT302', 'VLT303', 'VLT306']).toContain(err.code);
    }
  });
});

describe('parseExpression on arbitrary input', () => {
  test.prop([fc.oneof(fc.string(), fc.string({ unit: 'binary' }), tokenSoup)], { numRuns: 2000 })('never throws; either a tree that round-trips, or errors inside the text', (text) => {
    const r = parseExpression(text);
    expect((r.expr === undefined) !== (r.errors.length === 0)).toBe(true);
    for (const err of r.errors) {
      expect(err.code).toMatch(/^VLT30[1-5]$/);
      expect(err.inner.start).toBeGreaterThanOrEqual(0);
      expect(err.inner.start).toBeLessThanOrEqual(err.inner.end);
      expect(err.inner.end).toBeLessThanOrEqual(text.length);
    }
    if (r.expr !== undefined) {
      const printed = printExpression(r.expr);
      const again = parseExpression(printed).expr;
      expect(again !== undefined && exprEquals(again, r.expr)).toBe(true);
    }
  });
});

describe('the hand-written reader (fast-parse.ts) and chevrotain', () => {
  const LIMITS = { maxTokens: MAX_EXPR_TOKENS, maxNesting: MAX_EXPR_NESTING };
  /** When the reader answers, chevrotain finds no problem and builds the same tree, key order and spans included. */
  const agree = (text: string): Expr | undefined => {
    const fast = fastParseExpression(text, LIMITS);
    const slow = parseExpressionWithChevrotain(text);
    if (fast !== undefined) {
      expect(slow.errors).toEqual([]);
      expect(fast).toStrictEqual(slow.expr);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.expr));
    } else {
      // It declines only where chevrotain reports a problem: valid rules never pay for chevrotain.
      expect(slow.errors.length, text).toBeGreaterThan(0);
    }
    return fast;
  };
  const blanks = fc.array(fc.constantFrom(' ', '  ', '\t', '\n', '\r\n'), { minLength: 1, maxLength: 40 });
  /** A printed tree with other white space, and in lower case (keywords are case-insensitive); string literals kept. */
  const respelled = fc.tuple(expr, blanks, fc.boolean()).map(([e, ws, lower]) => {
    let i = 0;
    return printExpression(e)
      .split(/('(?:[^']|'')*')/)
      .map((part, n) => (n % 2 === 1 ? part : (lower ? part.toLowerCase() : part).replace(/ /g, () => ws[i++ % ws.length]!)))
      .join('');
  });
  /** A printed tree with one character dropped, doubled or replaced: mostly problems, some still valid. */
  const damaged = fc.tuple(expr, fc.nat(), fc.constantFrom('drop', 'double', '(', ')', "'", ',', ' ', '.', '-', 'x')).map(([e, at, how]) => {
    const text = printExpression(e);
    const i = text.length === 0 ? 0 : at % text.length;
    if (how === 'drop') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'double') return text.slice(0, i + 1) + text.slice(i);
    return text.slice(0, i) + how + text.slice(i + 1);
  });

  test.prop([expr], { numRuns: 1000 })('reads every printed tree, as chevrotain does', (e) => {
    expect(agree(printExpression(e))).toBeDefined();
  });

  test.prop([respelled], { numRuns: 500 })('reads any white space and letter case, as chevrotain does', (text) => {
    expect(agree(text)).toBeDefined();
  });

  /** A few tokens: the short inputs where a wrong lookahead shows (`x NOT`, `x IS`, `CASE END`). */
  const shortSoup = fc
    .array(fc.constantFrom(...KEYWORDS, 'x', 'date', 'upper', '1', '1.', '.5', "'s'", "'2024-01-31'", '(', ')', ',', '-', '+', '||', '=', '!=', 'int'), { minLength: 1, maxLength: 4 })
    .map((tokens) => tokens.join(' '));

  test.prop([fc.oneof(damaged, tokenSoup, shortSoup, fc.string(), fc.string({ unit: 'binary' }))], { numRuns: 5000 })('answers only what chevrotain answers, and declines every problem', (text) => {
    agree(text);
  });

  test('short problems, the limits, unterminated strings and NUL decline', () => {
    for (const text of [
      'x NOT',
      'x IS',
      'x NOT NULL',
      'x IS NOT',
      'x NOT IN',
      'x BETWEEN 1',
      'CASE END',
      'CAST(x AS)',
      'upper(x,)',
      'a = b = c',
      "'abc''",
      "'a\u0000b'",
      `${'('.repeat(MAX_EXPR_NESTING + 1)}1${')'.repeat(MAX_EXPR_NESTING + 1)}`,
      Array.from({ length: MAX_EXPR_TOKENS + 1 }, () => '1').join('+'),
      'upper(x',
      'nosuchfunction(x)',
      "date '2024-02-30'",
    ]) {
      expect(agree(text), text).toBeUndefined();
    }
  });
});
