/**
 * Parses and type-checks one business rule. The canonical printed form is the only rule text
 * that leaves this function.
 */
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { ExprType } from '../expr/index.js';
import { parseExpression, printExpression, typecheckExpression } from '../expr/index.js';
import type { Expr } from '../expr/ast.js';
import type { Column } from '../ir/common.js';
import type { ColumnType, TypeFamily } from '../spec/column-type.js';

export interface CheckedRule {
  readonly expr: Expr;
  readonly text: string;
  readonly type: ColumnType;
}

/** The column type a derived attribute gets from its expression's type family. */
const FAMILY_TYPE = {
  integer: { kind: 'bigint' },
  numeric: { kind: 'decimal' },
  text: { kind: 'text' },
  boolean: { kind: 'boolean' },
  date: { kind: 'date' },
  time: { kind: 'time' },
  timestamp: { kind: 'timestamptz' },
  interval: { kind: 'interval' },
  uuid: { kind: 'uuid' },
  json: { kind: 'jsonb' },
  binary: { kind: 'bytea' },
} as const satisfies Record<TypeFamily, ColumnType>;

/** `withheld`: columns the entity holds but does not offer (sensitive ones), and why (`SensitiveColumns`). */
export function checkRule(
  text: string,
  columns: ReadonlyArray<Column>,
  path: SpecPath,
  expect: 'boolean' | undefined,
  diagnostics: PathDiagnostic[],
  withheld: ReadonlyMap<string, string> = new Map(),
): CheckedRule | undefined {
  const parsed = parseExpression(text);
  for (const e of parsed.errors) diagnostics.push(pathDiag(e.code, path, `${e.message}`, { inner: e.inner }));
  if (parsed.expr === undefined || parsed.errors.length > 0) return undefined;
  const env = new Map(columns.map((c) => [c.name, c.type] as const));
  const checked = typecheckExpression(parsed.expr, env, { ...(expect ? { expect } : {}), withheld });
  for (const e of checked.errors) diagnostics.push(pathDiag(e.code, path, e.message, { inner: e.inner }));
  if (checked.errors.length > 0 || checked.type === undefined) return undefined;
  return { expr: parsed.expr, text: printExpression(parsed.expr), type: derivedColumnType(checked.type) };
}

/** The column type a derived attribute whose expression has type `t` gets (a NULL literal: text). */
export function derivedColumnType(t: ExprType): ColumnType {
  return t === 'null' ? { kind: 'text' } : FAMILY_TYPE[t];
}
