/**
 * The canonical printer: the only way rule text reaches generated code. One form per tree:
 * keywords and function names in upper case, single spaces around binary operators,
 * `, ` between arguments, and parentheses only where precedence needs them, so
 * `print(parse(print(e))) === print(e)`.
 *
 * It refuses (throws) trees the parser could not have produced, such as a column name that
 * is not a plain identifier: such a tree is a bug in the caller, and printing it could put
 * arbitrary text into generated SQL.
 */
import { match } from 'ts-pattern';
import { parseColumnType, printColumnType } from '../spec/column-type.js';
import type { BinaryOp, Expr } from './ast.js';
import { FUNCTIONS } from './functions.js';
import { KEYWORDS } from './lexer.js';

/** Binding strength, loosest first; NOT sits at 3, IS/IN/BETWEEN share the comparisons' 4. */
const BINARY_PRECEDENCE = {
  OR: 1,
  AND: 2,
  '=': 4,
  '<>': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '||': 5,
  '*': 6,
  '/': 6,
  '%': 6,
} as const satisfies Record<BinaryOp, number>;

const NOT = 3;
const COMPARISON = 4;
const ADDITIVE = 5;
const NEGATE = 7;
const ATOM = 8;
const ANY = 1;

function precedence(e: Expr): number {
  return match(e)
    .with({ kind: 'binary' }, (b) => BINARY_PRECEDENCE[b.op])
    .with({ kind: 'not' }, () => NOT)
    .with({ kind: 'isNull' }, { kind: 'in' }, { kind: 'between' }, () => COMPARISON)
    .with({ kind: 'negate' }, () => NEGATE)
    .with(
      { kind: 'column' },
      { kind: 'integer' },
      { kind: 'decimal' },
      { kind: 'string' },
      { kind: 'boolean' },
      { kind: 'null' },
      { kind: 'temporal' },
      { kind: 'case' },
      { kind: 'cast' },
      { kind: 'call' },
      () => ATOM,
    )
    .exhaustive();
}

/**
 * Prints an expression in its canonical form.
 *
 * @example
 * printExpression(parseExpression("not (a=1 or b != 'x''y')").expr!)   // "NOT (a = 1 OR b <> 'x''y')"
 */
export function printExpression(e: Expr): string {
  return print(e, ANY);
}

/** Prints `e` so that it parses back at a position that needs at least `min` binding strength. */
function print(e: Expr, min: number): string {
  const text = render(e);
  return precedence(e) < min ? `(${text})` : text;
}

function render(e: Expr): string {
  return (
    match(e)
      .with({ kind: 'column' }, (c) => checked(c.name, isColumnName(c.name), 'column name'))
      .with({ kind: 'integer' }, (n) => checked(n.text, /^(0|[1-9]\d*)$/.test(n.text), 'integer'))
      .with({ kind: 'decimal' }, (n) => checked(n.text, /^(0|[1-9]\d*)\.\d+$/.test(n.text), 'decimal'))
      .with({ kind: 'string' }, (s) => checked(quoteString(s.value), !s.value.includes('\u0000'), 'string'))
      .with({ kind: 'boolean' }, (b) => (b.value ? 'TRUE' : 'FALSE'))
      .with({ kind: 'null' }, () => 'NULL')
      .with({ kind: 'temporal' }, (t) => checked(`${t.type.toUpperCase()} ${quoteString(t.value)}`, (t.type === 'date' ? DATE : TIMESTAMP).test(t.value), 'temporal literal'))
      // `-(-x)`, never `--x`: two dashes start a comment in SQL.
      .with({ kind: 'negate' }, (n) => `-${n.operand.kind === 'negate' ? `(${render(n.operand)})` : print(n.operand, NEGATE)}`)
      .with({ kind: 'not' }, (n) => `NOT ${print(n.operand, NOT)}`)
      .with({ kind: 'binary' }, (b) => {
        const p = BINARY_PRECEDENCE[checked(b.op, Object.hasOwn(BINARY_PRECEDENCE, b.op), 'operator')];
        // Comparisons do not chain, so both sides need parentheses at their own level.
        const [l, r] = p === COMPARISON ? [ADDITIVE, ADDITIVE] : [p, p + 1];
        return `${print(b.left, l)} ${b.op} ${print(b.right, r)}`;
      })
      .with({ kind: 'isNull' }, (n) => `${print(n.operand, ADDITIVE)} IS ${n.negated ? 'NOT ' : ''}NULL`)
      .with({ kind: 'in' }, (n) => {
        const list = checked(n.list.map((x) => print(x, ANY)).join(', '), n.list.length > 0, 'empty IN list');
        return `${print(n.operand, ADDITIVE)} ${n.negated ? 'NOT ' : ''}IN (${list})`;
      })
      .with({ kind: 'between' }, (n) => `${print(n.operand, ADDITIVE)} ${n.negated ? 'NOT ' : ''}BETWEEN ${print(n.low, ADDITIVE)} AND ${print(n.high, ADDITIVE)}`)
      .with({ kind: 'case' }, (c) => {
        const parts = ['CASE'];
        if (c.operand !== undefined) parts.push(print(c.operand, ANY));
        for (const w of c.whens) parts.push('WHEN', print(w.when, ANY), 'THEN', print(w.then, ANY));
        if (c.else !== undefined) parts.push('ELSE', print(c.else, ANY));
        parts.push('END');
        return checked(parts.join(' '), c.whens.length > 0, 'CASE without WHEN');
      })
      .with({ kind: 'cast' }, (c) => {
        const type = printColumnType(c.type);
        return `CAST(${print(c.operand, ANY)} AS ${checked(type, parseColumnType(type).ok, 'CAST type')})`;
      })
      .with({ kind: 'call' }, (c) => checked(`${c.name}(${c.args.map((a) => print(a, ANY)).join(', ')})`, Object.hasOwn(FUNCTIONS, c.name), 'function'))
      .exhaustive()
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

/** Whether `name` can be printed as a column reference and read back as the same one. */
export function isColumnName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase());
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function checked<T extends string>(text: T, ok: boolean, what: string): T {
  if (!ok) throw new Error(`printExpression: malformed ${what} ${JSON.stringify(text)}; only trees from parseExpression can be printed`);
  return text;
}
