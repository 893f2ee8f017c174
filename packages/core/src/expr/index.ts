/**
 * The business-rule expression language: parse, type-check, print. Rule text from users and
 * from LLM proposals goes through `parseExpression`; only `printExpression` output reaches
 * generated code. Names are prefixed where they would be ambiguous at the top of @vault/core.
 */
export type * from './ast.js';
export { exprError, type ExprError, type ExprErrorCode } from './errors.js';
export {
  DATE_TRUNC_UNITS,
  FUNCTIONS as EXPR_FUNCTIONS,
  FUNCTION_NAMES as EXPR_FUNCTION_NAMES,
  type DateTruncUnit,
  type FunctionName,
  type FunctionSpec,
  type ParamType,
  type Signature,
} from './functions.js';
export { KEYWORDS as EXPR_KEYWORDS } from './lexer.js';
export { MAX_NESTING as MAX_EXPR_NESTING, MAX_TOKENS as MAX_EXPR_TOKENS, parseExpression, parseWithChevrotain as parseExpressionWithChevrotain, type ParseExpressionResult } from './parse.js';
export { fastParseExpression } from './fast-parse.js';
export { isColumnName as isExprColumnName, printExpression } from './print.js';
export { typecheckExpression, type TypecheckResult } from './typecheck.js';
export type { ExprType } from './types.js';
export { children as exprChildren, exprEquals, referencedColumns, stripSpans } from './walk.js';
