/**
 * Business rules in PostgreSQL, rendered from the parsed tree (never from rule text). Every
 * compound expression is parenthesised, so the printed SQL means what the tree means whatever
 * PostgreSQL's precedence; where PostgreSQL differs from the rule language, the difference is
 * bridged here:
 * - `/` is numeric division (the language's), never integer division;
 * - `%` on a non-integer works (PostgreSQL has no double precision `%`);
 * - `||` casts its sides to text; YEAR/QUARTER/MONTH/DAY are `EXTRACT(...)` as integers;
 * - ROUND takes any number (PostgreSQL's two-argument round needs numeric);
 * - DATE_TRUNC of a date works on the date as a timestamp (not a time-zone-dependent timestamptz).
 */
import { match } from 'ts-pattern';
import { typecheckExpression, type Call, type ColumnType, type Expr, type ExprType, type FunctionName } from '@vault/core/internal';
import { numericLiteral, quoteLiteral } from './quote.js';
import { pgType } from './types.js';

/** A column a rule may read: its name (matched case-insensitively), type, and SQL. */
export interface ScopeColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly sql: string;
}

/** The columns a rule sees, looked up as the type checker does. */
export class ExprScope {
  private readonly byName = new Map<string, ScopeColumn>();
  private readonly env: ReadonlyMap<string, ColumnType>;

  constructor(columns: ReadonlyArray<ScopeColumn>) {
    // Later columns win, as in the type checker's environment.
    for (const c of columns) this.byName.set(c.name.toLowerCase(), c);
    this.env = new Map(columns.map((c) => [c.name, c.type] as const));
  }

  column(name: string): string {
    const c = this.byName.get(name.toLowerCase());
    if (c === undefined) throw new Error(`vault SQL: a rule reads '${name}', which is not a column it can see`);
    return c.sql;
  }

  /** The type family of a sub-expression (the rule type-checked as a whole, so it has one). */
  typeOf(e: Expr): ExprType | undefined {
    return typecheckExpression(e, this.env).type;
  }
}

/**
 * @example renderExpr(parseExpression('a / 2').expr!, scope) // '(CAST("b"."a" AS numeric) / CAST(2 AS numeric))'
 */
export function renderExpr(e: Expr, scope: ExprScope): string {
  const r = (x: Expr): string => renderExpr(x, scope);
  const isNumber = (x: Expr): boolean => {
    const t = scope.typeOf(x);
    return t === 'integer' || t === 'numeric' || t === 'null';
  };
  const numeric = (x: Expr): string => `CAST(${r(x)} AS numeric)`;
  return match(e)
    .with({ kind: 'column' }, (c) => scope.column(c.name))
    .with({ kind: 'integer' }, { kind: 'decimal' }, (n) => numericLiteral(n.text))
    .with({ kind: 'string' }, (s) => quoteLiteral(s.value))
    .with({ kind: 'boolean' }, (b) => (b.value ? 'TRUE' : 'FALSE'))
    .with({ kind: 'null' }, () => 'NULL')
    .with({ kind: 'temporal' }, (t) => `${t.type === 'date' ? 'DATE' : 'TIMESTAMP'} ${quoteLiteral(t.value)}`)
    // The space keeps `- -1` from becoming a `--` comment.
    .with({ kind: 'negate' }, (n) => `(- ${r(n.operand)})`)
    .with({ kind: 'not' }, (n) => `(NOT ${r(n.operand)})`)
    .with({ kind: 'binary', op: '||' }, (b) => `(CAST(${r(b.left)} AS text) || CAST(${r(b.right)} AS text))`)
    .with({ kind: 'binary', op: '/' }, (b) =>
      isNumber(b.left) && isNumber(b.right) ? `(${numeric(b.left)} / ${numeric(b.right)})` : `(${r(b.left)} / ${r(b.right)})`,
    )
    .with({ kind: 'binary', op: '%' }, (b) =>
      scope.typeOf(b.left) === 'integer' && scope.typeOf(b.right) === 'integer' ? `(${r(b.left)} % ${r(b.right)})` : `(${numeric(b.left)} % ${numeric(b.right)})`,
    )
    .with({ kind: 'binary' }, (b) => `(${r(b.left)} ${b.op} ${r(b.right)})`)
    .with({ kind: 'isNull' }, (n) => `(${r(n.operand)} IS ${n.negated ? 'NOT ' : ''}NULL)`)
    .with({ kind: 'in' }, (n) => `(${r(n.operand)} ${n.negated ? 'NOT ' : ''}IN (${n.list.map(r).join(', ')}))`)
    .with({ kind: 'between' }, (n) => `(${r(n.operand)} ${n.negated ? 'NOT ' : ''}BETWEEN ${r(n.low)} AND ${r(n.high)})`)
    .with({ kind: 'case' }, (c) => {
      const parts = [
        'CASE',
        ...(c.operand === undefined ? [] : [r(c.operand)]),
        ...c.whens.map((w) => `WHEN ${r(w.when)} THEN ${r(w.then)}`),
        ...(c.else === undefined ? [] : [`ELSE ${r(c.else)}`]),
        'END',
      ];
      return parts.join(' ');
    })
    .with({ kind: 'cast' }, (c) => `CAST(${r(c.operand)} AS ${pgType(c.type)})`)
    .with({ kind: 'call' }, (c) => FUNCTION_SQL[c.name](c, scope))
    .exhaustive();
}

const simple = (sqlName: string) => (c: Call, scope: ExprScope) => `${sqlName}(${c.args.map((a) => renderExpr(a, scope)).join(', ')})`;
const datePart = (field: string) => (c: Call, scope: ExprScope) => `CAST(EXTRACT(${field} FROM ${renderExpr(arg(c, 0), scope)}) AS integer)`;

function arg(c: Call, i: number): Expr {
  const a = c.args[i];
  if (a === undefined) throw new Error(`vault SQL: ${c.name} without argument ${i + 1}`);
  return a;
}

const FUNCTION_SQL = {
  UPPER: simple('upper'),
  LOWER: simple('lower'),
  // The language's TRIM removes spaces, as btrim does.
  TRIM: simple('btrim'),
  LENGTH: simple('length'),
  ROUND: (c, scope) => {
    const x = `CAST(${renderExpr(arg(c, 0), scope)} AS numeric)`;
    return c.args.length === 1 ? `round(${x})` : `round(${x}, CAST(${renderExpr(arg(c, 1), scope)} AS integer))`;
  },
  ABS: simple('abs'),
  GREATEST: simple('GREATEST'),
  LEAST: simple('LEAST'),
  COALESCE: simple('COALESCE'),
  NULLIF: simple('NULLIF'),
  YEAR: datePart('YEAR'),
  QUARTER: datePart('QUARTER'),
  MONTH: datePart('MONTH'),
  DAY: datePart('DAY'),
  DATE_TRUNC: (c, scope) => {
    const x = arg(c, 1);
    const value = scope.typeOf(x) === 'date' ? `CAST(${renderExpr(x, scope)} AS timestamp)` : renderExpr(x, scope);
    return `date_trunc(${renderExpr(arg(c, 0), scope)}, ${value})`;
  },
} as const satisfies Record<FunctionName, (c: Call, scope: ExprScope) => string>;
