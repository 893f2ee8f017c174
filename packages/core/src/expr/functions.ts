/**
 * The whitelist of functions a business rule may call, as data. A name not in this table
 * cannot appear in a parsed expression (VLT304), so adding a function is a deliberate,
 * reviewed change here and in every emitter that prints it.
 */
import type { TypeFamily } from '../spec/column-type.js';

/**
 * What an argument must be. `number` is integer or numeric; `temporal` is date or timestamp.
 * NULL is accepted everywhere.
 */
export type ParamType = 'text' | 'number' | 'integer' | 'temporal' | 'any';

export type Signature =
  /** Each argument checked against its parameter; `first` returns the first argument's type. */
  | { readonly kind: 'fixed'; readonly params: ReadonlyArray<ParamType>; readonly returns: TypeFamily | 'first' }
  /** All arguments unify to one type, which is the result (COALESCE, GREATEST, ...). */
  | { readonly kind: 'unify' };

export interface FunctionSpec {
  readonly minArgs: number;
  /** Undefined: any number of arguments from `minArgs` on. */
  readonly maxArgs: number | undefined;
  readonly signature: Signature;
  readonly doc: string;
}

const text1 = { minArgs: 1, maxArgs: 1, signature: { kind: 'fixed', params: ['text'], returns: 'text' } } as const;
const datePart = { minArgs: 1, maxArgs: 1, signature: { kind: 'fixed', params: ['temporal'], returns: 'integer' } } as const;
const variadic = { minArgs: 1, maxArgs: undefined, signature: { kind: 'unify' } } as const;

export const FUNCTIONS = {
  UPPER: { ...text1, doc: 'the text in upper case' },
  LOWER: { ...text1, doc: 'the text in lower case' },
  TRIM: { ...text1, doc: 'the text without leading and trailing spaces' },
  LENGTH: { minArgs: 1, maxArgs: 1, signature: { kind: 'fixed', params: ['text'], returns: 'integer' }, doc: 'number of characters' },
  ROUND: {
    minArgs: 1,
    maxArgs: 2,
    signature: { kind: 'fixed', params: ['number', 'integer'], returns: 'numeric' },
    doc: 'ROUND(x) or ROUND(x, digits)',
  },
  ABS: { minArgs: 1, maxArgs: 1, signature: { kind: 'fixed', params: ['number'], returns: 'first' }, doc: 'absolute value' },
  GREATEST: { ...variadic, doc: 'the largest non-null argument' },
  LEAST: { ...variadic, doc: 'the smallest non-null argument' },
  COALESCE: { ...variadic, doc: 'the first non-null argument' },
  NULLIF: { minArgs: 2, maxArgs: 2, signature: { kind: 'unify' }, doc: 'NULL when both arguments are equal, else the first' },
  YEAR: { ...datePart, doc: 'the year of a date or timestamp' },
  QUARTER: { ...datePart, doc: 'the quarter (1-4) of a date or timestamp' },
  MONTH: { ...datePart, doc: 'the month (1-12) of a date or timestamp' },
  DAY: { ...datePart, doc: 'the day of the month of a date or timestamp' },
  DATE_TRUNC: {
    minArgs: 2,
    maxArgs: 2,
    signature: { kind: 'fixed', params: ['text', 'temporal'], returns: 'timestamp' },
    doc: "DATE_TRUNC('unit', x): x truncated to the unit; the unit is a string literal from DATE_TRUNC_UNITS",
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export const FUNCTION_NAMES: ReadonlyArray<FunctionName> = Object.keys(FUNCTIONS).sort() as FunctionName[];

/** Looks a name up case-insensitively. */
export function lookupFunction(name: string): FunctionName | undefined {
  const upper = name.toUpperCase();
  return Object.hasOwn(FUNCTIONS, upper) ? (upper as FunctionName) : undefined;
}

export function functionSpec(name: FunctionName): FunctionSpec {
  return FUNCTIONS[name];
}

/** Units DATE_TRUNC accepts; lower case is canonical. */
export const DATE_TRUNC_UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;
export type DateTruncUnit = (typeof DATE_TRUNC_UNITS)[number];

/** "takes 1 argument", "takes 1 or 2 arguments", "takes at least 1 argument". */
export function describeArity(spec: FunctionSpec): string {
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (spec.maxArgs === undefined) return `takes at least ${plural(spec.minArgs)}`;
  if (spec.maxArgs === spec.minArgs) return `takes ${plural(spec.minArgs)}`;
  if (spec.maxArgs === spec.minArgs + 1) return `takes ${spec.minArgs} or ${plural(spec.maxArgs)}`;
  return `takes ${spec.minArgs} to ${plural(spec.maxArgs)}`;
}
