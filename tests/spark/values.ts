/**
 * Values of every column type the Spark target stores, for the parity tests: fast-check
 * arbitraries weighted toward each type's edges, the edges themselves, and each value as a typed
 * SQL expression for PostgreSQL and for Spark (the same value on both engines).
 */
import { fc } from '@fast-check/vitest';
import type { ColumnType } from '@vault/core';
import { postgresDialect } from '../../packages/emitters/src/sql/dialect/postgres/index.js';
import { sparkDialect } from '../../packages/emitters/src/sql/dialect/spark/index.js';
import { calendarLiteral, type CalendarValue } from '../sql/reference-hash.js';

/** A finite day (and time) of the proleptic Gregorian calendar, years counted in eras. */
export type Day = Exclude<CalendarValue, string>;
/** Bytes, as lower-case hex. */
export interface Bytes {
  readonly hex: string;
}
/**
 * A value: integers and decimals as their digits (text), floats as numbers (NaN, ±Infinity, -0
 * included), text as itself, booleans, calendar values, uuids as text, bytes as hex.
 */
export type Value = string | number | boolean | Day | Bytes;

/** The last timestamp year Spark holds (microseconds in a 64-bit integer: up to 294247-01-10); PostgreSQL goes to 294276. */
export const SPARK_LAST_TIMESTAMP_YEAR = 294246;
/** The last date year both hold (PostgreSQL: 5874897 AD). */
const LAST_DATE_YEAR = 5874897;
/** The first year both hold in full: PostgreSQL starts at 4714-11-24 BC. */
const FIRST_BC_YEAR = 4713;

const leap = (year: number, bc: boolean): boolean => {
  const y = bc ? 1 - year : year;
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
};
const daysIn = (year: number, bc: boolean, month: number): number => [31, leap(year, bc) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** `unscaled` × 10^-scale as plain digits: exactly `scale` decimals, or (`short`) without trailing zeros. */
function decimalText(unscaled: bigint, scale: number, short: boolean): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  if (short) fraction = fraction.replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

const STRANGE_TEXTS = [
  '',
  ' ',
  '   ',
  ' a ',
  '|',
  '\\',
  '\\|',
  '||',
  '^^',
  ' ^^ ',
  'a|b\\c',
  "it's",
  '"q"',
  'ß',
  'ǆ',
  'İ',
  'ﬃ',
  'Zoë',
  'müller',
  '\t x\n',
  '😀',
  '𝔘x',
  'é',
  'e\u0301',
  '\u00a0nb\u00a0',
  ':load_ts',
  '-- c',
  '/* c */',
  '`b`',
  '$1',
  '%s',
  'NULL',
  'null',
  'true',
];
const TEXT_UNITS = ['a', 'z', 'A', 'Z', ' ', '|', '\\', '^', 'ß', 'é', "'", '"', '\n', '\t', '😀', '`', ':', '-', '/', '*', '0', '\u00a0'];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text of at most `max` code points (no NUL, which PostgreSQL's text cannot hold). */
function textArb(max: number): fc.Arbitrary<string> {
  const fits = (s: string): boolean => [...s].length <= max && !s.includes('\0') && !LONE_SURROGATE.test(s);
  return fc
    .oneof(
      { arbitrary: fc.string({ unit: 'binary', maxLength: max }), weight: 2 },
      { arbitrary: fc.string({ unit: fc.constantFrom(...TEXT_UNITS), maxLength: max }), weight: 3 },
      { arbitrary: fc.constantFrom(...STRANGE_TEXTS), weight: 2 },
    )
    .filter(fits);
}

const FLOAT_EDGES = [
  // Its 7-digit text -4.455531e+07 lies half-way to the next real: PostgreSQL writes 8 digits.
  -44555312,
  44555312,
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  0.1,
  0.5,
  1,
  -1,
  1e-4,
  9.999999747378752e-5,
  1e-5,
  123456,
  999999,
  1e6,
  1234567,
  16777216,
  1.401298464324817e-45,
  1.1754943508222875e-38,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  3.3333332538604736,
  // Exactly half-way between two 8-digit texts: PostgreSQL takes the even last digit.
  -2448527.25,
  2448528.25,
  2448527.75,
].map(Math.fround);
const DOUBLE_EDGES = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  0.1 + 0.2,
  0.1,
  1 / 3,
  1e-4,
  9.99e-5,
  1e-5,
  999999999999999,
  1e15,
  999999999999999.9,
  1e15 + 0.5,
  1e16,
  123456789012345680000,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  2.225073858507201e-308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  1e21,
  1e22,
  1e100,
  1e-100,
  // Integers from 2^54 up whose shorter text lies exactly half-way to the next double (Java reads
  // it back as the value, its last mantissa bit being 0): PostgreSQL writes one more digit.
  69875996404219904,
  -34309831317782528,
  42965950130137596e3,
  578033528920166367232,
  -4191910139848032256,
  9859107976407678976,
  2 ** 54 + 8,
];

function integerArb(bits: 16 | 32 | 64): fc.Arbitrary<string> {
  const max = 2n ** BigInt(bits - 1) - 1n;
  const min = -max - 1n;
  return fc.oneof(fc.bigInt({ min, max }), fc.bigInt({ min: -1000n, max: 1000n }), fc.constantFrom(min, max, 0n, -1n, 1n, min + 1n, max - 1n)).map(String);
}

function decimalArb(precision: number, scale: number): fc.Arbitrary<string> {
  const max = pow10(precision) - 1n;
  const small = max < 1000n ? max : 1000n;
  const edges = [max, -max, 0n, 1n, -1n, ...(scale < precision ? [pow10(scale), -pow10(scale)] : [])];
  return fc.tuple(fc.oneof(fc.bigInt({ min: -max, max }), fc.bigInt({ min: -small, max: small }), fc.constantFrom(...edges)), fc.boolean()).map(([u, short]) => decimalText(u, scale, short));
}

function dayArb(kind: 'date' | 'timestamp' | 'timestamptz'): fc.Arbitrary<Day> {
  const last = kind === 'date' ? LAST_DATE_YEAR : SPARK_LAST_TIMESTAMP_YEAR;
  const years = fc.oneof(
    fc.integer({ min: 1, max: 3000 }).map((year) => ({ year, bc: false })),
    fc.integer({ min: 1, max: FIRST_BC_YEAR }).map((year) => ({ year, bc: true })),
    fc.integer({ min: 9990, max: 10010 }).map((year) => ({ year, bc: false })),
    fc.integer({ min: 10000, max: last }).map((year) => ({ year, bc: false })),
    fc.constantFrom({ year: 1, bc: false }, { year: 1, bc: true }, { year: 1582, bc: false }, { year: 1900, bc: false }, { year: FIRST_BC_YEAR, bc: true }, { year: last, bc: false }),
  );
  const time = fc.record({
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    micro: fc.oneof(fc.integer({ min: 0, max: 999999 }), fc.constantFrom(0, 1, 10, 500000, 999999)),
  });
  return fc.tuple(years, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), time).map(([{ year, bc }, month, day, t]) => ({
    year,
    bc,
    month,
    day: Math.min(day, daysIn(year, bc, month)),
    ...(kind === 'date' ? {} : { time: t }),
  }));
}

const hex = (bytes: Uint8Array): Bytes => ({ hex: Buffer.from(bytes).toString('hex') });

/** Random values of `t`, weighted toward its edges. */
export function valueArb(t: ColumnType): fc.Arbitrary<Value> {
  switch (t.kind) {
    case 'smallint':
      return integerArb(16);
    case 'int':
      return integerArb(32);
    case 'bigint':
      return integerArb(64);
    case 'decimal':
      return decimalArb(t.precision ?? 38, t.scale ?? 0);
    case 'real':
      return fc.oneof(fc.float(), fc.constantFrom(...FLOAT_EDGES));
    case 'double':
      return fc.oneof(
        fc.double(),
        fc.constantFrom(...DOUBLE_EDGES),
        fc.integer().map((n) => n / 10),
      );
    case 'text':
      return textArb(16);
    case 'varchar':
    case 'char':
      return textArb(t.length ?? 16);
    case 'boolean':
      return fc.boolean();
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return dayArb(t.kind);
    case 'uuid':
      return fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u));
    case 'bytea':
      return fc.uint8Array({ maxLength: 12 }).map(hex);
    default:
      throw new Error(`the Spark target does not store ${t.kind} columns`);
  }
}

/** Fixed values at the edges of `t`. */
export function edgeValues(t: ColumnType): ReadonlyArray<Value | null> {
  const day = (year: number, bc: boolean, month = 1, d = 1, micro = 0): Day => ({
    year,
    bc,
    month,
    day: d,
    ...(t.kind === 'date' ? {} : { time: { hour: 23, minute: 59, second: 59, micro } }),
  });
  switch (t.kind) {
    case 'smallint':
      return ['-32768', '32767', '0', null];
    case 'int':
      return ['-2147483648', '2147483647', '0', null];
    case 'bigint':
      return ['-9223372036854775808', '9223372036854775807', '9007199254740993', '0', null];
    case 'decimal': {
      const p = t.precision ?? 38;
      const s = t.scale ?? 0;
      const max = pow10(p) - 1n;
      return [decimalText(max, s, false), decimalText(-max, s, false), decimalText(0n, s, false), decimalText(1n, s, false), decimalText(-1n, s, false), decimalText(1n, s, true), null];
    }
    case 'real':
      return [...FLOAT_EDGES, null];
    case 'double':
      return [...DOUBLE_EDGES, null];
    case 'text':
    case 'varchar':
    case 'char':
      return [...STRANGE_TEXTS.filter((x) => [...x].length <= (t.kind === 'text' ? 100 : (t.length ?? 100))), null];
    case 'boolean':
      return [true, false, null];
    case 'date':
    case 'timestamp':
    case 'timestamptz': {
      const last = t.kind === 'date' ? LAST_DATE_YEAR : SPARK_LAST_TIMESTAMP_YEAR;
      return [
        day(1, false),
        day(1, true, 12, 31, 999999),
        day(FIRST_BC_YEAR, true),
        day(44, true, 3, 15, 1),
        day(1582, false, 10, 4),
        day(1582, false, 10, 15),
        day(1899, false, 12, 31, 999999),
        day(1970, false),
        day(9999, false, 12, 31, 999999),
        day(10000, false),
        day(12345, false, 6, 1),
        day(last, false, 12, 31, 999999),
        day(2024, false, 2, 29, 500000),
        null,
      ];
    }
    case 'uuid':
      return [
        '00000000-0000-0000-0000-000000000000',
        'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        // Other spellings PostgreSQL reads (braces, no hyphens, a hyphen after any four digits): the same canonical text.
        '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}',
        'a0eebc999c0b4ef8bb6d6bb9bd380a11',
        'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
        null,
      ];
    case 'bytea':
      return [{ hex: '' }, { hex: '00' }, { hex: 'ff00aa' }, { hex: '7c5c' }, null];
    default:
      throw new Error(`the Spark target does not store ${t.kind} columns`);
  }
}

/** A float as both engines read it: `NaN`, `Infinity`, `-Infinity`, `-0`, or JavaScript's shortest round-trip digits. */
export function floatText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

/** A calendar value as Spark reads it: astronomical years (1 BC is `0000`, 2 BC `-0001`), an instant in UTC (`Z`). */
export function sparkCalendarText(v: Day, zone: boolean): string {
  const y = v.bc ? 1 - v.year : v.year;
  const time = v.time === undefined ? '' : ` ${pad(v.time.hour, 2)}:${pad(v.time.minute, 2)}:${pad(v.time.second, 2)}.${pad(v.time.micro, 6)}${zone ? 'Z' : ''}`;
  return `${y < 0 ? '-' : ''}${pad(y, 4)}-${pad(v.month, 2)}-${pad(v.day, 2)}${time}`;
}

/** `v` (of type `t`) as a typed PostgreSQL expression. */
export function pgValueSql(t: ColumnType, v: Value | null): string {
  const type = postgresDialect.columnType(t);
  const q = postgresDialect.quoteLiteral;
  if (v === null) return `CAST(NULL AS ${type})`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return `CAST(${q(floatText(v))} AS ${type})`;
  if (typeof v === 'string') return `CAST(${q(v)} AS ${type})`;
  if ('hex' in v) return `decode(${q(v.hex)}, 'hex')`;
  return `CAST(${q(calendarLiteral(v, t.kind === 'timestamptz'))} AS ${type})`;
}

/** `v` (of type `t`) as a typed Spark expression. */
export function sparkValueSql(t: ColumnType, v: Value | null): string {
  const type = sparkDialect.columnType(t);
  const q = sparkDialect.quoteLiteral;
  if (v === null) return `CAST(NULL AS ${type})`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return `CAST(${q(floatText(v))} AS ${type})`;
  if (typeof v === 'string') return `CAST(${q(v)} AS ${type})`;
  if ('hex' in v) return `X'${v.hex}'`;
  return `CAST(${q(sparkCalendarText(v, t.kind === 'timestamptz'))} AS ${type})`;
}
