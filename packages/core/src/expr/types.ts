/**
 * The type algebra of expressions, over the broad type families of column types.
 *
 * - integer and numeric are compatible; a mix is numeric. date and timestamp are compatible;
 *   a mix is timestamp. NULL is compatible with everything and takes the other side's type.
 * - `+ - * %` on numbers give integer when both sides are integer, else numeric; `/` always
 *   gives numeric (SQL's integer division truncates, which a business rule rarely means).
 * - Date arithmetic as in PostgreSQL: date ± integer is a date, date - date an integer,
 *   timestamp - timestamp an interval, date/timestamp ± interval a timestamp.
 */
import type { TypeFamily } from '../spec/column-type.js';
import type { ArithmeticOp } from './ast.js';
import type { ParamType } from './functions.js';

/** The type of an expression: a column type family, or the type of a bare NULL. */
export type ExprType = TypeFamily | 'null';

/** The one type both sides can take, or undefined when they are incompatible. */
export function unify(a: ExprType, b: ExprType): ExprType | undefined {
  if (a === b || b === 'null') return a;
  if (a === 'null') return b;
  if (isNumber(a) && isNumber(b)) return 'numeric';
  if (isTemporal(a) && isTemporal(b)) return 'timestamp';
  return undefined;
}

export function isNumber(t: ExprType): boolean {
  return t === 'integer' || t === 'numeric';
}

export function isTemporal(t: ExprType): boolean {
  return t === 'date' || t === 'timestamp';
}

const TEMPORAL_ARITHMETIC: Readonly<Record<string, TypeFamily>> = {
  'date + integer': 'date',
  'integer + date': 'date',
  'date - integer': 'date',
  'date - date': 'integer',
  'timestamp - timestamp': 'interval',
  'timestamp - date': 'interval',
  'date - timestamp': 'interval',
  'date + interval': 'timestamp',
  'interval + date': 'timestamp',
  'date - interval': 'timestamp',
  'timestamp + interval': 'timestamp',
  'interval + timestamp': 'timestamp',
  'timestamp - interval': 'timestamp',
  'interval + interval': 'interval',
  'interval - interval': 'interval',
  'interval * integer': 'interval',
  'interval * numeric': 'interval',
  'integer * interval': 'interval',
  'numeric * interval': 'interval',
  'interval / integer': 'interval',
  'interval / numeric': 'interval',
};

/** The result of `l op r`, or undefined when the operator does not apply to these types. */
export function arithmetic(op: ArithmeticOp, l: ExprType, r: ExprType): ExprType | undefined {
  if (l === 'null' || r === 'null') {
    // An untyped NULL takes the other side's type, as in SQL.
    const other = l === 'null' ? r : l;
    if (other === 'null') return 'null';
    if (isNumber(other)) return op === '/' ? 'numeric' : other;
    return (isTemporal(other) || other === 'interval') && (op === '+' || op === '-') ? other : undefined;
  }
  if (isNumber(l) && isNumber(r)) {
    if (op === '/') return 'numeric';
    return l === 'integer' && r === 'integer' ? 'integer' : 'numeric';
  }
  return TEMPORAL_ARITHMETIC[`${l} ${op} ${r}`];
}

const ACCEPTS = {
  text: (t) => t === 'text',
  number: isNumber,
  integer: (t) => t === 'integer',
  temporal: isTemporal,
  any: () => true,
} as const satisfies Record<ParamType, (t: ExprType) => boolean>;

/** Whether an argument of type `t` may be passed where `param` is expected; NULL always may. */
export function accepts(param: ParamType, t: ExprType): boolean {
  return t === 'null' || ACCEPTS[param](t);
}

export function describeType(t: ExprType): string {
  return t === 'null' ? 'NULL' : t;
}
