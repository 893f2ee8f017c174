/**
 * The business rule language's functions in Spark SQL, as PostgreSQL computes them:
 * - TRIM removes spaces only (Spark's trim(), like btrim);
 * - ROUND rounds half away from zero (Spark's round() is HALF_UP on decimals and on a double's
 *   shortest decimal text, as PostgreSQL's round of numeric);
 * - YEAR/QUARTER/MONTH/DAY are integers;
 * - DATE_TRUNC of a date truncates it as a timestamp without time zone.
 */
import { arg, callFrom, simple, type Call, type FunctionTable } from '../function-calls.js';

const datePart = (fn: string) => (c: Call) => `${fn}(${arg(c, 0).sql})`;

const FUNCTION_SQL = {
  UPPER: simple('upper'),
  LOWER: simple('lower'),
  TRIM: simple('trim'),
  LENGTH: simple('char_length'),
  ROUND: (c) => (c.args.length === 1 ? `round(${arg(c, 0).sql})` : `round(${arg(c, 0).sql}, CAST(${arg(c, 1).sql} AS INT))`),
  ABS: simple('abs'),
  GREATEST: simple('greatest'),
  LEAST: simple('least'),
  COALESCE: simple('coalesce'),
  NULLIF: simple('nullif'),
  YEAR: datePart('year'),
  QUARTER: datePart('quarter'),
  MONTH: datePart('month'),
  DAY: datePart('day'),
  DATE_TRUNC: (c) => {
    const x = arg(c, 1);
    return `date_trunc(${arg(c, 0).sql}, ${x.family === 'date' ? `CAST(${x.sql} AS TIMESTAMP_NTZ)` : x.sql})`;
  },
} as const satisfies FunctionTable;

export const callFunction = callFrom(FUNCTION_SQL);
