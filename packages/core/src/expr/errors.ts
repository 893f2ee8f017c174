/**
 * Problems found in a business-rule expression. Offsets are inside the expression text;
 * the front end that read the rule (YAML, CLI) maps them to file positions.
 */
import { byCodeUnit } from '../compare.js';
import type { InnerRange } from '../diagnostics/diagnostic.js';

export type ExprErrorCode = 'VLT301' | 'VLT302' | 'VLT303' | 'VLT304' | 'VLT305' | 'VLT306';

export interface ExprError {
  readonly code: ExprErrorCode;
  readonly message: string;
  readonly inner: InnerRange;
}

export function exprError(code: ExprErrorCode, message: string, inner: InnerRange): ExprError {
  return { code, message, inner };
}

/** Stable order for callers and tests: by position, then code. */
export function sortExprErrors(errors: ReadonlyArray<ExprError>): ExprError[] {
  return [...errors].sort((a, b) => a.inner.start - b.inner.start || a.inner.end - b.inner.end || byCodeUnit(a.code, b.code));
}

/** Quotes user text for a message; control characters are escaped and long text is cut. */
export function quote(text: string, max = 24): string {
  const shown = text.length > max ? `${text.slice(0, max)}...` : text;
  return `'${shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}
