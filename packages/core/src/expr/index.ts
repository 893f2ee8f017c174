/**
 * The business-rule expression language: parse, type-check, print. Rule text from users and
 * from LLM proposals goes through `parseExpression`; only `printExpression` output reaches
 * generated code.
 */
export type * from './ast.js';
export { exprError, type ExprError, type ExprErrorCode } from './errors.js';
export { DATE_TRUNC_UNITS, FUNCTIONS, FUNCTION_NAMES, type DateTruncUnit, type FunctionName, type FunctionSpec, type ParamType, type Signature } from './functions.js';
export { KEYWORDS } from './lexer.js';
export { MAX_NESTING, MAX_TOKENS, parseExpression, type ParseExpressionResult } from './parse.js';
export { isColumnName, printExpression } from './print.js';
export { typecheckExpression, type TypecheckResult } from './typecheck.js';
export type { ExprType } from './types.js';
export { children, exprEquals, referencedColumns, stripSpans } from './walk.js';
