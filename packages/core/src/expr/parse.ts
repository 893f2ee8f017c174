/**
 * `parseExpression`: text to tree, or every problem found. Never throws on any input.
 */
import type { Expr } from './ast.js';
import { exprError, sortExprErrors, type ExprError } from './errors.js';
import type { IToken } from 'chevrotain';
import { fastParseExpression } from './fast-parse.js';
import { ExprParser } from './grammar.js';
import { Case, End, LParen, RParen, tokenize, tokenSpan } from './lexer.js';

/**
 * Business rules are a line or two; these limits only stop pathological input (an LLM
 * stuck in a loop, a fuzzer) from exhausting the stack of the recursive parser and walkers.
 */
export const MAX_TOKENS = 1000;
export const MAX_NESTING = 64;

export interface ParseExpressionResult {
  /** Present only when `errors` is empty. */
  readonly expr: Expr | undefined;
  readonly errors: ReadonlyArray<ExprError>;
}

/**
 * Parses a business-rule expression.
 *
 * @example
 * parseExpression("upper(name) = 'ACME' and amount > 0").expr   // a Binary 'AND' node
 * parseExpression('a +').errors   // [{ code: 'VLT301', message: 'expected an expression but found end of input', inner: { start: 3, end: 3 } }]
 */
export function parseExpression(text: string): ParseExpressionResult {
  // Nearly every rule has no problem: read it by hand; chevrotain reads the rest and words the problems.
  const expr = fastParseExpression(text, { maxTokens: MAX_TOKENS, maxNesting: MAX_NESTING });
  if (expr !== undefined) return { expr, errors: [] };
  return parseWithChevrotain(text);
}

/** `parseExpression` by chevrotain alone, for every input: what fast-parse.ts must agree with. */
export function parseWithChevrotain(text: string): ParseExpressionResult {
  const { tokens, errors } = tokenize(text);
  if (errors.length > 0) return { expr: undefined, errors: sortExprErrors(errors) };
  if (tokens.length > MAX_TOKENS) {
    const message = `expression is too long: ${tokens.length} tokens, at most ${MAX_TOKENS} are allowed`;
    return { expr: undefined, errors: [exprError('VLT301', message, { start: 0, end: text.length })] };
  }
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenType === LParen || t.tokenType === Case) depth++;
    if (t.tokenType === RParen || t.tokenType === End) depth--;
    if (depth > MAX_NESTING) {
      const message = `expression is nested too deeply: at most ${MAX_NESTING} levels of parentheses and CASE are allowed`;
      return { expr: undefined, errors: [exprError('VLT301', message, { start: t.startOffset, end: t.startOffset + t.image.length })] };
    }
  }
  const parsed = parseTokens(tokens, text.length);
  return { expr: parsed.expr, errors: sortExprErrors(parsed.errors) };
}

// Built on first use: chevrotain's grammar analysis is the costly part of start-up.
let instance: ExprParser | undefined;

/** Parses tokens into a tree; every problem is returned, the tree only when there were none. */
function parseTokens(tokens: IToken[], textLength: number): { readonly expr: Expr | undefined; readonly errors: ExprError[] } {
  const parser = (instance ??= new ExprParser());
  parser.semanticErrors = [];
  parser.input = tokens;
  const expr = parser.expression();
  const syntax: ExprError[] = parser.errors.map((e) => ({
    code: 'VLT301',
    message: e.message,
    inner: Number.isNaN(e.token.startOffset) ? { start: textLength, end: textLength } : tokenSpan(e.token),
  }));
  const errors = [...parser.semanticErrors, ...syntax];
  return { expr: errors.length === 0 ? expr : undefined, errors };
}
