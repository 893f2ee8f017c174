/**
 * Type checking of business rules against the columns of their source table.
 *
 * Rules (the algebra itself is in types.ts):
 * - Columns are looked up case-insensitively; literals have their obvious family, DATE and
 *   TIMESTAMP literals theirs, and NULL the type 'null', compatible with everything.
 * - integer~numeric and date~timestamp are compatible; `/` on integers gives numeric.
 * - `||` gives text and needs at least one text (or NULL) side.
 * - Comparisons, IN and BETWEEN need compatible families; AND, OR, NOT and CASE WHEN
 *   conditions need booleans; all of these give boolean.
 * - CASE branches, COALESCE, GREATEST, LEAST and NULLIF unify their operands.
 * - CAST gives the target type's family (whether the cast succeeds is the database's call).
 * - UPPER/LOWER/TRIM take text; LENGTH gives integer; YEAR/QUARTER/MONTH/DAY take a date or
 *   timestamp and give integer; DATE_TRUNC gives timestamp.
 *
 * A sub-expression with an error has no type (undefined), and checks that depend on it are
 * skipped, so one mistake is reported once; independent mistakes are all reported.
 */
import { match } from 'ts-pattern';
import { columnHint } from '../diagnostics/did-you-mean.js';
import { TYPE_FAMILY, type ColumnType } from '../spec/column-type.js';
import type { Call, Case, Expr, ExprSpan } from './ast.js';
import { exprError, quote, sortExprErrors, type ExprError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { printExpression } from './print.js';
import { accepts, arithmetic, describeType, unify, type ExprType } from './types.js';

export type { ExprType };

export interface TypecheckResult {
  /** Undefined when the type could not be decided because of an error. */
  readonly type: ExprType | undefined;
  readonly errors: ReadonlyArray<ExprError>;
}

/**
 * Type-checks a parsed expression against the columns it may read.
 *
 * @example
 * typecheckExpression(parseExpression("amount * 2").expr!, new Map([['Amount', { kind: 'int' }]]))
 * // { type: 'integer', errors: [] }
 */
export function typecheckExpression(
  e: Expr,
  columns: ReadonlyMap<string, ColumnType>,
  opts: {
    readonly expect?: 'boolean';
    /** Columns the entity holds but does not offer (sensitive ones) → why, the rest of a sentence after the column's name. */
    readonly withheld?: ReadonlyMap<string, string>;
  } = {},
): TypecheckResult {
  const checker = new Checker(columns, opts.withheld ?? new Map());
  const type = checker.check(e);
  if (opts.expect === 'boolean' && type !== undefined && type !== 'boolean') {
    checker.report('VLT306', `a filter must be a boolean expression (a condition), but this expression is ${describeType(type)}`, e.span);
  }
  return { type, errors: sortExprErrors(checker.errors) };
}

class Checker {
  readonly errors: ExprError[] = [];
  private readonly byName: ReadonlyMap<string, ColumnType>;
  private readonly withheld: ReadonlyMap<string, string>;

  constructor(
    private readonly columns: ReadonlyMap<string, ColumnType>,
    withheld: ReadonlyMap<string, string>,
  ) {
    this.byName = new Map([...columns].map(([name, type]) => [name.toLowerCase(), type]));
    this.withheld = new Map([...withheld].map(([name, why]) => [name.toLowerCase(), why]));
  }

  report(code: ExprError['code'], message: string, span: ExprSpan): undefined {
    this.errors.push(exprError(code, message, span));
    return undefined;
  }

  check(e: Expr): ExprType | undefined {
    return match<Expr, ExprType | undefined>(e)
      .with({ kind: 'column' }, (c) => {
        const type = this.byName.get(c.name.toLowerCase());
        if (type !== undefined) return TYPE_FAMILY[type.kind];
        const why = this.withheld.get(c.name.toLowerCase());
        if (why !== undefined) return this.report('VLT302', `column ${quote(c.name)} ${why}`, c.span);
        const hint = columnHint(c.name, this.columns.keys());
        return this.report('VLT302', `unknown column ${quote(c.name)}${hint === undefined ? '' : `; ${hint}`}`, c.span);
      })
      .with({ kind: 'integer' }, () => 'integer')
      .with({ kind: 'decimal' }, () => 'numeric')
      .with({ kind: 'string' }, () => 'text')
      .with({ kind: 'boolean' }, () => 'boolean')
      .with({ kind: 'null' }, () => 'null')
      .with({ kind: 'temporal' }, (t) => t.type)
      .with({ kind: 'negate' }, (n) => {
        const t = this.check(n.operand);
        if (t === undefined || t === 'integer' || t === 'numeric' || t === 'interval' || t === 'null') return t;
        return this.report('VLT303', `unary minus needs a number, but ${this.show(n.operand)} is ${describeType(t)}`, n.span);
      })
      .with({ kind: 'not' }, (n) => this.condition(n.operand, 'NOT'))
      .with({ kind: 'binary', op: 'AND' }, { kind: 'binary', op: 'OR' }, (b) => {
        const l = this.condition(b.left, b.op);
        const r = this.condition(b.right, b.op);
        return l === undefined || r === undefined ? undefined : 'boolean';
      })
      .with({ kind: 'binary', op: '||' }, (b) => {
        const [l, r] = [this.check(b.left), this.check(b.right)];
        if (l === undefined || r === undefined) return undefined;
        if ([l, r].some((t) => t === 'text' || t === 'null')) return 'text';
        return this.report('VLT303', `|| joins text, but both sides are ${describeType(l)} and ${describeType(r)}; CAST one side to text`, b.span);
      })
      .with({ kind: 'binary', op: '+' }, { kind: 'binary', op: '-' }, { kind: 'binary', op: '*' }, { kind: 'binary', op: '/' }, { kind: 'binary', op: '%' }, (b) => {
        const [l, r] = [this.check(b.left), this.check(b.right)];
        if (l === undefined || r === undefined) return undefined;
        return arithmetic(b.op, l, r) ?? this.report('VLT303', `operator ${b.op} cannot be applied to ${describeType(l)} and ${describeType(r)}`, b.span);
      })
      .with({ kind: 'binary' }, (b) => this.comparable(this.check(b.left), b.right, b.span))
      .with({ kind: 'isNull' }, (n) => (this.check(n.operand), 'boolean'))
      .with({ kind: 'in' }, (n) => {
        const t = this.check(n.operand);
        return n.list.map((x) => this.comparable(t, x, x.span)).every((ok) => ok !== undefined) ? 'boolean' : undefined;
      })
      .with({ kind: 'between' }, (n) => {
        const t = this.check(n.operand);
        const [low, high] = [this.comparable(t, n.low, n.low.span), this.comparable(t, n.high, n.high.span)];
        return low === undefined || high === undefined ? undefined : 'boolean';
      })
      .with({ kind: 'case' }, (c) => this.caseExpr(c))
      .with({ kind: 'cast' }, (c) => (this.check(c.operand), TYPE_FAMILY[c.type.kind]))
      .with({ kind: 'call' }, (c) => this.call(c))
      .exhaustive();
  }

  /** Checks `e` is a boolean where `what` needs one; gives 'boolean' when it is. */
  private condition(e: Expr, what: string): ExprType | undefined {
    const t = this.check(e);
    if (t === undefined || t === 'boolean' || t === 'null') return t === undefined ? undefined : 'boolean';
    return this.report('VLT303', `${what} needs a boolean condition, but ${this.show(e)} is ${describeType(t)}`, e.span);
  }

  /** Checks `right` can be compared with a value of type `left`; gives 'boolean' when it can. */
  private comparable(left: ExprType | undefined, right: Expr, span: ExprSpan): ExprType | undefined {
    const r = this.check(right);
    if (left === undefined || r === undefined) return undefined;
    if (unify(left, r) !== undefined) return 'boolean';
    return this.report('VLT303', `cannot compare ${describeType(left)} with ${describeType(r)}`, span);
  }

  private caseExpr(c: Case): ExprType | undefined {
    const subject = c.operand === undefined ? undefined : this.check(c.operand);
    for (const w of c.whens) {
      if (c.operand === undefined) this.condition(w.when, 'CASE WHEN');
      else this.comparable(subject, w.when, w.when.span);
    }
    const branches = [...c.whens.map((w) => w.then), ...(c.else === undefined ? [] : [c.else])];
    return this.unifyAll(branches, 'CASE branch', 'earlier branches');
  }

  private call(c: Call): ExprType | undefined {
    const sig = FUNCTIONS[c.name].signature;
    if (sig.kind === 'unify') return this.unifyAll(c.args, `${c.name} argument`, 'earlier arguments');
    const types = c.args.map((a) => this.check(a));
    let ok = types.every((t) => t !== undefined);
    for (const [i, arg] of c.args.entries()) {
      const [t, param] = [types[i], sig.params[i]];
      if (t === undefined || param === undefined || accepts(param, t)) continue;
      ok = false;
      this.report('VLT303', `${c.name} expects ${param} as argument ${i + 1}, but ${this.show(arg)} is ${describeType(t)}`, arg.span);
    }
    if (!ok) return undefined;
    return sig.returns === 'first' ? types[0] : sig.returns;
  }

  /** The common type of `exprs`, reporting each one that does not fit the ones before it. */
  private unifyAll(exprs: ReadonlyArray<Expr>, what: string, before: string): ExprType | undefined {
    let acc: ExprType | undefined = 'null';
    let known = true;
    for (const e of exprs) {
      const t = this.check(e);
      if (t === undefined || acc === undefined) {
        known &&= t !== undefined;
        continue;
      }
      const u = unify(acc, t);
      if (u === undefined) {
        this.report('VLT303', `${what} ${this.show(e)} is ${describeType(t)}, which does not fit the ${before} (${describeType(acc)})`, e.span);
        known = false;
      } else {
        acc = u;
      }
    }
    return known ? acc : undefined;
  }

  /** A sub-expression as it would be printed, for messages; double quotes when it holds a string. */
  private show(e: Expr): string {
    const quoted = quote(printExpression(e), 40);
    return quoted.slice(1, -1).includes("'") ? `"${quoted.slice(1, -1)}"` : quoted;
  }
}
