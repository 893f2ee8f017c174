/**
 * The tree of a business-rule expression (derived attribute or filter). Only the parser
 * builds these from text, and only `printExpression` turns them back into text, so what a
 * rule can say is exactly what these node kinds can hold.
 *
 * Every node carries the range of source text it came from (0-based UTF-16 offsets, end
 * exclusive); a parenthesised expression's range includes its parentheses.
 */
import type { InnerRange } from '../diagnostics/diagnostic.js';
import type { ColumnType } from '../spec/column-type.js';
import type { FunctionName } from './functions.js';

export type ExprSpan = InnerRange;

export type LogicalOp = 'OR' | 'AND';
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type BinaryOp = LogicalOp | ComparisonOp | ArithmeticOp | '||';

/** A reference to a source column, spelled as written (lookup is case-insensitive). */
export interface ColumnRef {
  readonly kind: 'column';
  readonly name: string;
  readonly span: ExprSpan;
}

/** Digits without leading zeros: `007` is stored as `7`. Never negative; see `Negate`. */
export interface IntegerLiteral {
  readonly kind: 'integer';
  readonly text: string;
  readonly span: ExprSpan;
}

/** `digits.digits`, normalised: `.5` is `0.5`, `1.` is `1.0`; trailing zeros kept (they are scale). */
export interface DecimalLiteral {
  readonly kind: 'decimal';
  readonly text: string;
  readonly span: ExprSpan;
}

/** The string's value, unescaped (`'it''s'` holds `it's`). */
export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly span: ExprSpan;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: ExprSpan;
}

export interface NullLiteral {
  readonly kind: 'null';
  readonly span: ExprSpan;
}

/** `DATE 'yyyy-mm-dd'` or `TIMESTAMP 'yyyy-mm-dd hh:mm[:ss[.ffffff]]'`, validated and normalised. */
export interface TemporalLiteral {
  readonly kind: 'temporal';
  readonly type: 'date' | 'timestamp';
  readonly value: string;
  readonly span: ExprSpan;
}

/** Unary minus. */
export interface Negate {
  readonly kind: 'negate';
  readonly operand: Expr;
  readonly span: ExprSpan;
}

export interface Not {
  readonly kind: 'not';
  readonly operand: Expr;
  readonly span: ExprSpan;
}

export interface Binary {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: ExprSpan;
}

/** `x IS NULL`, or `x IS NOT NULL` when negated. */
export interface IsNull {
  readonly kind: 'isNull';
  readonly operand: Expr;
  readonly negated: boolean;
  readonly span: ExprSpan;
}

/** `x IN (a, b)`, or `x NOT IN (...)` when negated. The list is never empty. */
export interface InList {
  readonly kind: 'in';
  readonly operand: Expr;
  readonly list: ReadonlyArray<Expr>;
  readonly negated: boolean;
  readonly span: ExprSpan;
}

/** `x BETWEEN low AND high`, or `x NOT BETWEEN ...` when negated. */
export interface Between {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly span: ExprSpan;
}

export interface WhenClause {
  readonly when: Expr;
  readonly then: Expr;
}

/** Searched case when `operand` is undefined, simple case (`CASE x WHEN 1 THEN ...`) otherwise. */
export interface Case {
  readonly kind: 'case';
  readonly operand: Expr | undefined;
  readonly whens: ReadonlyArray<WhenClause>;
  readonly else: Expr | undefined;
  readonly span: ExprSpan;
}

export interface Cast {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: ColumnType;
  readonly span: ExprSpan;
}

/** A call of a whitelisted function, with an argument count the whitelist allows. */
export interface Call {
  readonly kind: 'call';
  readonly name: FunctionName;
  readonly args: ReadonlyArray<Expr>;
  readonly span: ExprSpan;
}

export type Expr =
  ColumnRef | IntegerLiteral | DecimalLiteral | StringLiteral | BooleanLiteral | NullLiteral | TemporalLiteral | Negate | Not | Binary | IsNull | InList | Between | Case | Cast | Call;

export type ExprKind = Expr['kind'];
