/**
 * The business rule language's functions in PostgreSQL, bridged where PostgreSQL differs:
 * - TRIM removes spaces, as btrim does;
 * - ROUND takes any number (PostgreSQL's two-argument round needs numeric);
 * - YEAR/QUARTER/MONTH/DAY are `EXTRACT(...)` as integers;
 * - DATE_TRUNC of a date works on the date as a timestamp (not a time-zone-dependent timestamptz).
 */
import { arg, callFrom, simple, type Call, type FunctionTable } from '../function-calls.js';

const datePart = (field: string) => (c: Call) => `CAST(EXTRACT(${field} FROM ${arg(c, 0).sql}) AS integer)`;

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
} as const satisfies FunctionTable;

export const callFunction = callFrom(FUNCTION_SQL);
