/**
 * Step 1 of the hashing standard (docs/hashing.md) as data: the canonical text of a value of
 * each column type. A SQL dialect renders each rule (`Dialect.canonicalText`); frameworks
 * implement the same rules in their language. Keeping the rules here, apart from any SQL, lets
 * the same standard be checked on every engine: each dialect must give these texts.
 */
import type { ColumnTypeKind } from '@vault/core';

/** Years before 1 AD: the year counted back (1 BC, 2 BC, …) and this suffix. */
const BC_SUFFIX = ' BC';
/** The texts of the infinite dates and timestamps. */
const INFINITY = { positive: 'infinity', negative: '-infinity' } as const;

/**
 * How a calendar value is written: `YYYY-MM-DD` (at least four year digits, more when the year
 * needs them), for a timestamp ` HH:MM:SS.ffffff` after it, the era suffix before 1 AD, and its
 * own text for each infinity. Proleptic Gregorian calendar.
 */
export interface CalendarRule {
  readonly form: 'date' | 'timestamp';
  readonly minYearDigits: 4;
  /** Digits of the seconds' fraction (timestamps). */
  readonly fractionDigits: 0 | 6;
  /** `utc`: the instant, converted to UTC first (timestamptz). */
  readonly zone: 'as-is' | 'utc';
  readonly beforeYearOne: typeof BC_SUFFIX;
  readonly infinity: typeof INFINITY;
}

/** One rule of canonical text; a dialect renders every form. */
export type CanonicalRule =
  /** Decimal digits, `-` for negatives. */
  | { readonly form: 'integer' }
  /** Digits with exactly the column's scale of decimals, as the column holds them; `NaN`. */
  | { readonly form: 'decimal' }
  /** Shortest text that reads back as the same number; `NaN`, `Infinity`, `-Infinity`, `1e+20`. */
  | { readonly form: 'float' }
  /** The text itself (a fixed-length column's padding is trimmed in step 2 anyway). */
  | { readonly form: 'text' }
  | { readonly form: 'boolean'; readonly true: 'true'; readonly false: 'false' }
  | CalendarRule
  /** `HH:MM:SS.ffffff`, 24-hour clock. */
  | { readonly form: 'time'; readonly fractionDigits: 6 }
  /** PostgreSQL's default interval output (IntervalStyle `postgres`): `1 day 02:00:00`. */
  | { readonly form: 'interval'; readonly style: 'postgres' }
  /** Lower-case hex with hyphens. */
  | { readonly form: 'uuid' }
  /** The JSON text as the column stores it. */
  | { readonly form: 'json' }
  /** Lower-case hex, no prefix. */
  | { readonly form: 'hex' };

export type CanonicalForm = CanonicalRule['form'];

/**
 * A type's canonical text: its rule and what the text can hold, so that steps which cannot
 * change it are left out (the same bytes, fewer function calls per row).
 */
export interface CanonicalText {
  readonly rule: CanonicalRule;
  /** Never blank, no space at either end, no `\` or `|`: steps 2, 4's blank case and 5 are no-ops. */
  readonly plain: boolean;
  /** May hold a-z, so step 3 matters (`true`, `NaN`, `1e+20`, uuid and interval text). Calendar texts spell `infinity` already cased. */
  readonly lower: boolean;
  /**
   * Equal values (`=`) always have the same text, so rows may be grouped by value before
   * hashing. Not so: decimal (1.0 = 1.00), floats (0 = -0), interval ('1 day' = '24 hours'),
   * jsonb (1.0 = 1) and json (no `=`). Text is grouped byte for byte.
   */
  readonly groupable: boolean;
}

const calendar = (form: CalendarRule['form'], zone: CalendarRule['zone']): CalendarRule => ({
  form,
  minYearDigits: 4,
  fractionDigits: form === 'date' ? 0 : 6,
  zone,
  beforeYearOne: BC_SUFFIX,
  infinity: INFINITY,
});

const exact = (rule: CanonicalRule, lower: boolean): CanonicalText => ({ rule, plain: true, lower, groupable: true });
const inexact = (rule: CanonicalRule, plain: boolean): CanonicalText => ({ rule, plain, lower: true, groupable: false });
// Text can hold anything, even nothing; empty bytea encodes as ''.
const free = (rule: CanonicalRule): CanonicalText => ({ rule, plain: false, lower: true, groupable: true });

/** The canonical text of each column type (docs/hashing.md, "The text that is hashed"). */
export const CANONICAL_TEXT = {
  smallint: exact({ form: 'integer' }, false),
  int: exact({ form: 'integer' }, false),
  bigint: exact({ form: 'integer' }, false),
  decimal: inexact({ form: 'decimal' }, true),
  real: inexact({ form: 'float' }, true),
  double: inexact({ form: 'float' }, true),
  text: free({ form: 'text' }),
  varchar: free({ form: 'text' }),
  char: free({ form: 'text' }),
  boolean: exact({ form: 'boolean', true: 'true', false: 'false' }, true),
  date: exact(calendar('date', 'as-is'), false),
  time: exact({ form: 'time', fractionDigits: 6 }, false),
  timestamp: exact(calendar('timestamp', 'as-is'), false),
  timestamptz: exact(calendar('timestamp', 'utc'), false),
  interval: inexact({ form: 'interval', style: 'postgres' }, true),
  uuid: exact({ form: 'uuid' }, true),
  json: inexact({ form: 'json' }, false),
  jsonb: inexact({ form: 'json' }, false),
  bytea: free({ form: 'hex' }),
} as const satisfies Record<ColumnTypeKind, CanonicalText>;
