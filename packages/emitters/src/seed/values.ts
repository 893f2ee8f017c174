/**
 * Values of each column type: business keys (a whole number in, the same key out, so every
 * table that carries a hub's key can draw the same keys) and descriptive attributes (random, with
 * unicode text and quotes, the way real landing data looks).
 */
import type { ColumnType, ColumnTypeKind } from '@vault/core';
import type { Rng } from './prng.js';

/** A value as a bind parameter: numbers that need exact digits (decimals) are strings. */
export type SeedValue = string | number | boolean | null;

const DAY_MS = 86_400_000;
const EPOCH_KEYS = Date.UTC(2000, 0, 1);
const EPOCH_DATA = Date.UTC(2020, 0, 1);

/** Text with what breaks naive loaders: accents, scripts, emoji, quotes, a German ß (upper-cases to SS). */
const WORDS = [
  'alpha',
  'review',
  'pending',
  'Zürich',
  'Łódź',
  'São Paulo',
  '東京',
  'Ελλάδα',
  'Москва',
  'naïve café',
  "O'Brien",
  'Straße',
  '🚀 launch',
  'Ångström',
  'العربية',
  'back\\slash',
  'semi;colon',
  '"quoted"',
  'tab\there',
  'ok',
] as const;

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const isoTimestamp = (ms: number, zone: boolean): string => {
  const s = new Date(ms).toISOString();
  return zone ? s : s.slice(0, -1);
};
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0').slice(-width);

/** Cuts to at most `n` characters (code points, as PostgreSQL counts them, not UTF-16 units). */
function fit(text: string, n: number | undefined): string {
  if (n === undefined) return text;
  const chars = Array.from(text);
  return chars.length <= n ? text : chars.slice(0, n).join('');
}

/** `ABC-12` for column `abc_code`, or base 36 digits when the column is too short for that. */
function textKey(column: string, index: number, length: number | undefined): string {
  const prefix =
    column
      .replace(/[^a-z]/gi, '')
      .slice(0, 3)
      .toUpperCase() || 'K';
  const readable = `${prefix}-${index + 1}`;
  if (length === undefined || readable.length <= length) return readable;
  return (index + 1).toString(36).toUpperCase().padStart(length, '0').slice(-length);
}

/** `n` (a whole number, 0 or more) divided by 10^`k`, as exact text with `k` decimals. */
function shifted(n: number, k: number): string {
  if (k === 0) return String(n);
  const digits = String(n).padStart(k + 1, '0');
  return `${digits.slice(0, -k)}.${digits.slice(-k)}`;
}

/**
 * The whole number `n` (1 or more) as a key of `decimal(p,s)`: itself while it has fewer than
 * p - s digits; then it wraps round, as a smallint's keys do, and a decimal with no whole digit
 * (`decimal(3,3)`) runs 0.001, 0.002, ... instead.
 */
function decimalKey(n: number, precision: number | undefined, scale: number | undefined): SeedValue {
  if (precision === undefined) return n;
  const s = scale ?? 0;
  const whole = precision - s;
  if (n < 10 ** whole) return n;
  if (whole > 0) return ((n - 1) % (10 ** whole - 1)) + 1;
  return shifted(((n - 1) % (10 ** precision - 1)) + 1, s);
}

/**
 * A delta order as a `decimal(p,s)`: `sequence` where every batch's fits (11 whole digits or more,
 * as for the integers), else `compact`, divided by the least power of ten (up to 10^s) that makes
 * it fit; a decimal too small even for that wraps round.
 */
function decimalOrder(sequence: number, compact: number, precision: number | undefined, scale: number | undefined): SeedValue {
  if (precision === undefined) return sequence;
  const s = scale ?? 0;
  const whole = precision - s;
  if (whole >= 11) return sequence;
  for (let k = 0; k <= s; k++) if (compact < 10 ** (whole + k)) return k === 0 ? compact : shifted(compact, k);
  return shifted(((compact - 1) % (10 ** precision - 1)) + 1, s);
}

/**
 * A delta order as text of at most `length` characters: `padded` where it fits, else `compact` in
 * base 36 (digits before capitals, as byte order sorts them), padded to `length`; wraps round
 * when even that does not fit.
 */
function textOrder(padded: string, compact: number, length: number | undefined): string {
  if (length === undefined || padded.length <= length) return padded;
  const digits = compact.toString(36).toUpperCase();
  return digits.length <= length ? digits.padStart(length, '0') : digits.slice(-length);
}

/**
 * The business key value number `index` of a column: injective in `index` for every type with
 * room for it (a smallint wraps after 32,767 keys, a boolean after 2, a decimal(p,s) after
 * 10^(p-s) - 1).
 * @example keyValue('collateral_code', { kind: 'varchar', length: 20 }, 6) // 'COL-7'
 */
export function keyValue(column: string, type: ColumnType, index: number): SeedValue {
  const KEYS = {
    smallint: () => (index % 32_767) + 1,
    int: () => index + 1,
    bigint: () => index + 1,
    decimal: () => decimalKey(index + 1, type.kind === 'decimal' ? type.precision : undefined, type.kind === 'decimal' ? type.scale : undefined),
    real: () => index + 1,
    double: () => index + 1,
    text: () => textKey(column, index, undefined),
    varchar: () => textKey(column, index, type.kind === 'varchar' ? type.length : undefined),
    char: () => textKey(column, index, type.kind === 'char' ? (type.length ?? 1) : undefined),
    boolean: () => index % 2 === 0,
    date: () => isoDate(EPOCH_KEYS + index * DAY_MS),
    time: () => new Date(EPOCH_KEYS + (index % 86_400) * 1000).toISOString().slice(11, 19),
    timestamp: () => isoTimestamp(EPOCH_KEYS + index * 1000, false),
    timestamptz: () => isoTimestamp(EPOCH_KEYS + index * 1000, true),
    interval: () => `${index} seconds`,
    uuid: () => `00000000-0000-4000-8000-${hex(index, 12)}`,
    json: () => JSON.stringify({ key: index + 1 }),
    jsonb: () => JSON.stringify({ key: index + 1 }),
    bytea: () => `\\x${hex(index, 8)}`,
  } as const satisfies Record<ColumnTypeKind, () => SeedValue>;
  return KEYS[type.kind]();
}

/** A decimal that fits `decimal(p,s)`; fractions (scale >= 4, rates and ratios) stay near 0..1. */
function decimalValue(r: Rng, precision: number | undefined, scale: number | undefined): string {
  const s = scale ?? (precision === undefined ? 2 : 0);
  const wholeDigits = precision === undefined ? 6 : precision - s;
  const max = s >= 4 ? Math.min(1.5, 10 ** wholeDigits - 10 ** -s) : Math.min(100_000, 10 ** wholeDigits - 1);
  // toFixed takes at most 100 digits; a scale past that (up to 1000) gets zeros.
  const text = (r.next() * max).toFixed(Math.min(s, 100));
  return s > 100 ? `${text}${'0'.repeat(s - 100)}` : text;
}

/**
 * A random descriptive value. `version` is folded in by the caller's stream, so a changed row
 * gets new values and an unchanged one the same.
 */
export function attributeValue(type: ColumnType, r: Rng): SeedValue {
  const text = (): string => `${r.pick(WORDS)} ${r.pick(WORDS)}`;
  const ATTRIBUTES = {
    smallint: () => r.int(0, 5),
    int: () => r.int(0, 120),
    bigint: () => r.int(0, 1_000_000),
    decimal: () => decimalValue(r, type.kind === 'decimal' ? type.precision : undefined, type.kind === 'decimal' ? type.scale : undefined),
    real: () => Math.round(r.next() * 1_000_000) / 1000,
    double: () => Math.round(r.next() * 1_000_000) / 1000,
    text,
    varchar: () => fit(text(), type.kind === 'varchar' ? type.length : undefined),
    char: () => Array.from({ length: type.kind === 'char' ? (type.length ?? 1) : 1 }, () => String.fromCharCode(65 + r.int(0, 25))).join(''),
    boolean: () => r.chance(0.5),
    date: () => isoDate(EPOCH_DATA + r.int(0, 1500) * DAY_MS),
    time: () => new Date(r.int(0, 86_399) * 1000).toISOString().slice(11, 19),
    timestamp: () => isoTimestamp(EPOCH_DATA + r.int(0, 1500 * 86_400) * 1000, false),
    timestamptz: () => isoTimestamp(EPOCH_DATA + r.int(0, 1500 * 86_400) * 1000, true),
    interval: () => `${r.int(0, 400)} days`,
    uuid: () => `${hex(r.int(0, 0xffffffff), 8)}-${hex(r.int(0, 0xffff), 4)}-4${hex(r.int(0, 0xfff), 3)}-8${hex(r.int(0, 0xfff), 3)}-${hex(r.int(0, 0xffffff), 6)}${hex(r.int(0, 0xffffff), 6)}`,
    json: () => JSON.stringify({ n: r.int(0, 99), s: r.pick(WORDS) }),
    jsonb: () => JSON.stringify({ n: r.int(0, 99), s: r.pick(WORDS) }),
    bytea: () => `\\x${hex(r.int(0, 0xffffffff), 8)}`,
  } as const satisfies Record<ColumnTypeKind, () => SeedValue>;
  return ATTRIBUTES[type.kind]();
}

/**
 * The delta-order value of a row: increases with the batch and, inside a batch, with the row, so
 * a later version of a key always sorts after the earlier one. `rows` is the rows per batch: a
 * type too small for batch * 1,000,000 + row (a smallint, a short text, a decimal with few whole
 * digits) gets the compact sequence 1, 2, ... through the batches instead, which keeps the order
 * while it fits.
 */
export function deltaOrderValue(type: ColumnType, batch: number, row: number, rows: number): SeedValue {
  const ms = EPOCH_DATA + 1500 * DAY_MS + batch * DAY_MS + row * 1000;
  const sequence = batch * 1_000_000 + row;
  const compact = (batch - 1) * rows + row + 1;
  const padded = String(sequence).padStart(12, '0');
  const ORDERS = {
    smallint: () => ((compact - 1) % 32_767) + 1,
    int: () => sequence,
    bigint: () => sequence,
    decimal: () => decimalOrder(sequence, compact, type.kind === 'decimal' ? type.precision : undefined, type.kind === 'decimal' ? type.scale : undefined),
    real: () => sequence,
    double: () => sequence,
    text: () => padded,
    varchar: () => textOrder(padded, compact, type.kind === 'varchar' ? type.length : undefined),
    char: () => textOrder(padded, compact, type.kind === 'char' ? (type.length ?? 1) : undefined),
    boolean: () => batch % 2 === 0,
    date: () => isoDate(EPOCH_DATA + (batch * 10_000 + row) * DAY_MS),
    time: () => new Date((compact % 86_400) * 1000).toISOString().slice(11, 19),
    timestamp: () => isoTimestamp(ms, false),
    timestamptz: () => isoTimestamp(ms, true),
    interval: () => `${sequence} seconds`,
    uuid: () => `00000000-0000-4000-8000-${hex(sequence, 12)}`,
    json: () => JSON.stringify({ sequence }),
    jsonb: () => JSON.stringify({ sequence }),
    bytea: () => `\\x${hex(sequence, 12)}`,
  } as const satisfies Record<ColumnTypeKind, () => SeedValue>;
  return ORDERS[type.kind]();
}
