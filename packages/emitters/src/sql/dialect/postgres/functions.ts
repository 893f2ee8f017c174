/**
 * The business rule language's functions in PostgreSQL, bridged where PostgreSQL differs:
 * - TRIM removes spaces, as btrim does;
 * - ROUND takes any number (PostgreSQL's two-argument round needs numeric);
 * - YEAR/QUARTER/MONTH/DAY are `EXTRACT(...)` as integers;
 * - DATE_TRUNC of a date works on the date as a timestamp (not a time-zone-dependent timestamptz).
 */
import type { FunctionName } from '@vault/core/internal';
import type { FunctionArgument } from '../dialect.js';

/** A call: the function and its arguments, rendered. */
interface Call {
  readonly name: FunctionName;
  readonly args: ReadonlyArray<FunctionArgument>;
}

const simple = (sqlName: string) => (c: Call) => `${sqlName}(${c.args.map((a) => a.sql).join(', ')})`;
const datePart = (field: string) => (c: Call) => `CAST(EXTRACT(${field} FROM ${arg(c, 0).sql}) AS integer)`;

function arg(c: Call, i: number): FunctionArgument {
  const a = c.args[i];
  if (a === undefined) throw new Error(`vault SQL: ${c.name} without argument ${i + 1}`);
  return a;
}

const FUNCTION_SQL = {
  UPPER: simple('upper'),
  LOWER: simple('lower'),
  TRIM: simple('btrim'),
  LENGTH: simple('length'),
  ROUND: (c) => {
    const x = `CAST(${arg(c, 0).sql} AS numeric)`;
    return c.args.length === 1 ? `round(${x})` : `round(${x}, CAST(${arg(c, 1).sql} AS integer))`;
  },
  ABS: simple('abs'),
  GREATEST: simple('GREATEST'),
  LEAST: simple('LEAST'),
  COALESCE: simple('COALESCE'),
  NULLIF: simple('NULLIF'),
  YEAR: datePart('YEAR'),
  QUARTER: datePart('QUARTER'),
  MONTH: datePart('MONTH'),
  DAY: datePart('DAY'),
  DATE_TRUNC: (c) => {
    const x = arg(c, 1);
    return `date_trunc(${arg(c, 0).sql}, ${x.family === 'date' ? `CAST(${x.sql} AS timestamp)` : x.sql})`;
  },
} as const satisfies Record<FunctionName, (c: Call) => string>;

export function callFunction(name: FunctionName, args: ReadonlyArray<FunctionArgument>): string {
  return FUNCTION_SQL[name]({ name, args });
}
