/**
 * Business rules in SQL, rendered from the parsed tree (never from rule text). Every compound
 * expression is parenthesised, so the printed SQL means what the tree means whatever the
 * engine's precedence; where SQL differs from the rule language, the difference is bridged here
 * (and in the dialect's `callFunction`, for functions):
 * - `/` is numeric division (the language's), never integer division;
 * - `%` on a non-integer works (PostgreSQL has no double precision `%`);
 * - `||` casts its sides to text, a date's and a timestamp's as ISO text in every session.
 */
import { match } from 'ts-pattern';
import { typecheckExpression, type ColumnType, type Expr, type ExprType } from '@vault/core/internal';
import type { Dialect } from './dialect/dialect.js';

/** A column a rule may read: its name (matched case-insensitively), type, and SQL. */
export interface ScopeColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly sql: string;
}

/**
 * The columns a rule sees, looked up as the type checker does. A timestamp with time zone is
 * seen as its wall-clock time in UTC (`utcClock`): every time a rule computes with is one without
 * zone, so truncating, extracting, comparing with a date and casting give the same values in any
 * session's time zone (a rule's timestamp result becomes an instant again, read as UTC:
 * `ruleResult`).
 */
export class ExprScope {
  private readonly byName = new Map<string, ScopeColumn>();
  private readonly env: ReadonlyMap<string, ColumnType>;

  constructor(
    readonly dialect: Dialect,
    columns: ReadonlyArray<ScopeColumn>,
  ) {
    // Later columns win, as in the type checker's environment.
    for (const c of columns) this.byName.set(c.name.toLowerCase(), c.type.kind === 'timestamptz' ? { ...c, sql: dialect.dates.utcClock(c.sql) } : c);
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
 * A rule's value as a column of `type` (the type its result family gives, rule-check.ts): a time
 * becomes an instant again, read as UTC (`ExprScope`); a decimal without precision keeps its own
 * scale (`Dialect.exactNumber`).
 */
export function ruleResult(sql: string, type: ColumnType, dialect: Dialect): string {
  if (type.kind === 'decimal' && type.precision === undefined) return dialect.exactNumber(sql);
  if (type.kind !== 'timestamptz') return `CAST(${sql} AS ${dialect.columnType(type)})`;
  return dialect.dates.utcInstant(`CAST(${sql} AS ${dialect.columnType({ kind: 'timestamp' })})`);
}

/**
 * @example renderExpr(parseExpression('a / 2').expr!, scope) // '(CAST("b"."a" AS numeric) / CAST(2 AS numeric))'
 */
export function renderExpr(e: Expr, scope: ExprScope): string {
  const r = (x: Expr): string => renderExpr(x, scope);
  const d = scope.dialect;
  const { numericLiteral, quoteLiteral } = d;
  const text = d.columnType({ kind: 'text' });
  const isNumber = (x: Expr): boolean => {
    const t = scope.typeOf(x);
    return t === 'integer' || t === 'numeric' || t === 'null';
  };
  const numeric = (x: Expr): string => d.exactNumber(r(x), scope.typeOf(x));
  // A date's or a timestamp's text is ISO whatever the reading session's DateStyle (a view is read in the reader's).
  const asText = (x: Expr): string => {
    const t = scope.typeOf(x);
    return t === 'date' || t === 'timestamp' ? d.dates.isoText(r(x), t) : r(x);
  };
  const isText = (kind: ColumnType['kind']): boolean => kind === 'text' || kind === 'varchar' || kind === 'char';
  return (
    match(e)
      .with({ kind: 'column' }, (c) => scope.column(c.name))
      .with({ kind: 'integer' }, { kind: 'decimal' }, (n) => numericLiteral(n.text))
      .with({ kind: 'string' }, (s) => quoteLiteral(s.value))
      .with({ kind: 'boolean' }, (b) => (b.value ? 'TRUE' : 'FALSE'))
      .with({ kind: 'null' }, () => 'NULL')
      .with({ kind: 'temporal' }, (t) => `${t.type === 'date' ? 'DATE' : 'TIMESTAMP'} ${quoteLiteral(t.value)}`)
      // The space keeps `- -1` from becoming a `--` comment.
      .with({ kind: 'negate' }, (n) => `(- ${r(n.operand)})`)
      .with({ kind: 'not' }, (n) => `(NOT ${r(n.operand)})`)
      .with({ kind: 'binary', op: '||' }, (b) => `(CAST(${asText(b.left)} AS ${text}) || CAST(${asText(b.right)} AS ${text}))`)
      .with({ kind: 'binary', op: '/' }, (b) => (isNumber(b.left) && isNumber(b.right) ? `(${numeric(b.left)} / ${numeric(b.right)})` : `(${r(b.left)} / ${r(b.right)})`))
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
      // A cast to timestamptz stays a time without zone (as every time in a rule): text is read as an instant first, as UTC without a zone.
      .with({ kind: 'cast' }, (c) =>
        c.type.kind !== 'timestamptz'
          ? `CAST(${isText(c.type.kind) ? asText(c.operand) : r(c.operand)} AS ${d.columnType(c.type)})`
          : scope.typeOf(c.operand) === 'text'
            ? d.dates.textClock(r(c.operand))
            : `CAST(${r(c.operand)} AS ${d.columnType({ kind: 'timestamp' })})`,
      )
      .with({ kind: 'call' }, (c) =>
        d.callFunction(
          c.name,
          c.args.map((a) => ({ sql: r(a), family: scope.typeOf(a) })),
        ),
      )
      .exhaustive()
  );
}
