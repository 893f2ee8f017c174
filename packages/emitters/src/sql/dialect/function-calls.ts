/**
 * What every dialect's table of business-rule functions is built from: a call (the function and
 * its rendered arguments), its arguments by position, a plain `name(args…)` spelling, and the
 * dialect's `callFunction` from its table.
 */
import type { FunctionName } from '@vault/core/internal';
import type { FunctionArgument } from './dialect.js';

/** A call: the function and its arguments, rendered. */
export interface Call {
  readonly name: FunctionName;
  readonly args: ReadonlyArray<FunctionArgument>;
}

/** Each function's SQL in one engine. */
export type FunctionTable = Record<FunctionName, (c: Call) => string>;

/** `sqlName(arg, …)`. */
export const simple = (sqlName: string) => (c: Call) => `${sqlName}(${c.args.map((a) => a.sql).join(', ')})`;

/** Argument `i` (from 0); a call without it is a bug of the type checker, not the user's mistake. */
export function arg(c: Call, i: number): FunctionArgument {
  const a = c.args[i];
  if (a === undefined) throw new Error(`vault SQL: ${c.name} without argument ${i + 1}`);
  return a;
}

/** A dialect's `callFunction` over its table. */
export const callFrom =
  (table: FunctionTable) =>
  (name: FunctionName, args: ReadonlyArray<FunctionArgument>): string =>
    table[name]({ name, args });
