/**
 * The hashing standard's hooks in PostgreSQL: each canonical text rule (hashing-standard.ts)
 * as an expression whose text does not depend on the session's DateStyle, TimeZone or
 * bytea_output, ASCII-only upper-casing, and the digests.
 */
import type { HashAlgorithm } from '@vault/core';
import { match } from 'ts-pattern';
import type { CalendarRule, CanonicalForm, CanonicalRule } from '../../../hashing-standard.js';
import type { Spell, TypedSql } from '../dialect.js';
import { quoteIdent, quoteLiteral } from './quote.js';

type Of<F extends CanonicalForm> = Extract<CanonicalRule, { form: F }>;

const asText = (v: TypedSql) => `CAST(${v.sql} AS text)`;

/** The infinite values' texts: only then is to_char NULL for a non-NULL value, so the CASE runs for those rows only. */
const infinite = (x: string, r: CalendarRule, spell: Spell) =>
  `CASE WHEN ${x} = 'infinity' THEN ${quoteLiteral(spell(r.infinity.positive))} WHEN ${x} = '-infinity' THEN ${quoteLiteral(spell(r.infinity.negative))} END`;

/** to_char's pattern of a calendar rule (`US`: six fraction digits). */
const pattern = (r: CalendarRule): string => (r.fractionDigits === 0 ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH24:MI:SS.US');

/**
 * Timestamps: `to_char` gives NULL for infinity and no era, so the text adds what it lacks.
 * ` BC` after a value before the year 1: `BC` prints `AD` or `BC`, and rtrim of the characters
 * ` `, `A` and `D` drops ` AD` only (the text before it ends in a digit); one call per row.
 */
const timestampText = (x: string, r: CalendarRule, spell: Spell) => `COALESCE(rtrim(to_char(${x}, ${quoteLiteral(`${pattern(r)}${r.beforeYearOne}`)}), ' AD'), ${infinite(x, r, spell)})`;

/** The last date to_char can print: it converts dates to timestamps, which end in 294276 AD. */
const LAST_TIMESTAMP_DATE = "DATE '294276-12-31'";
/** Days in 400 Gregorian years: the calendar repeats after them. */
const GREGORIAN_CYCLE = 146097;

/**
 * A date: as a timestamp's date part up to 294276 AD; after that (dates go on to 5874897 AD)
 * shifted back by whole 400-year cycles into 2000-2399, printed, and the years added back.
 * Written with date arithmetic only, so it runs on every PostgreSQL version.
 */
const dateText = (x: string, r: CalendarRule, spell: Spell): string => {
  const cycles = `((${x} - DATE '2000-01-01') / ${GREGORIAN_CYCLE})`;
  const shifted = `(${x} - ${cycles} * ${GREGORIAN_CYCLE})`;
  const far = `CAST(CAST(to_char(${shifted}, 'YYYY') AS int) + 400 * ${cycles} AS text) || to_char(${shifted}, '-MM-DD')`;
  const finite = `CASE WHEN ${x} <= ${LAST_TIMESTAMP_DATE} THEN rtrim(to_char(${x}, ${quoteLiteral(`${pattern(r)}${r.beforeYearOne}`)}), ' AD') WHEN isfinite(${x}) THEN ${far} END`;
  return `COALESCE(${finite}, ${infinite(x, r, spell)})`;
};

/** PostgreSQL's own spelling of the infinite values (no case policy applies outside hashing). */
const asIs: Spell = (word) => word;
const ISO_DATE: CalendarRule = { form: 'date', minYearDigits: 4, fractionDigits: 0, zone: 'as-is', beforeYearOne: ' BC', infinity: { positive: 'infinity', negative: '-infinity' } };

/**
 * The text a date or a timestamp (without zone) casts to under PostgreSQL's default DateStyle
 * (ISO), whatever the session's: a view reading it gives every reader the same text. A date's
 * is its canonical text; a timestamp's drops the fraction's trailing zeros (and a fraction of
 * none), as PostgreSQL prints it.
 */
export function isoText(x: string, family: 'date' | 'timestamp'): string {
  if (family === 'date') return dateText(x, ISO_DATE, asIs);
  const finite = `rtrim(rtrim(to_char(${x}, 'YYYY-MM-DD HH24:MI:SS.US'), '0'), '.') || CASE WHEN ${x} < TIMESTAMP '0001-01-01 00:00:00' THEN ' BC' ELSE '' END`;
  return `COALESCE(${finite}, ${infinite(x, ISO_DATE, asIs)})`;
}

const calendar = (v: TypedSql, r: CalendarRule, spell: Spell): string => {
  const x = r.zone === 'utc' ? `(${v.sql} AT TIME ZONE 'UTC')` : v.sql;
  return r.form === 'date' ? dateText(x, r, spell) : timestampText(x, r, spell);
};

/** Each rule in PostgreSQL; a rule's text is what `CAST(… AS text)` gives wherever that suffices. */
const RENDER = {
  integer: asText,
  decimal: asText,
  // Shortest text that reads back as the same float (PostgreSQL 12+, extra_float_digits = 1).
  float: asText,
  // text is text already; char(n) as text drops the padding, which trimming would drop anyway.
  text: (v) => (v.type.kind === 'text' ? v.sql : asText(v)),
  boolean: asText,
  date: (v, r, spell) => calendar(v, r, spell),
  timestamp: (v, r, spell) => calendar(v, r, spell),
  time: (v) => `to_char(${v.sql}, 'HH24:MI:SS.US')`,
  // PostgreSQL's default IntervalStyle ('postgres').
  interval: asText,
  uuid: asText,
  json: asText,
  hex: (v) => `encode(${v.sql}, 'hex')`,
} as const satisfies { [F in CanonicalForm]: (v: TypedSql, rule: Of<F>, spell: Spell) => string };

export function canonicalText(rule: CanonicalRule, value: TypedSql, spell: Spell): string {
  return (RENDER[rule.form] as (v: TypedSql, r: CanonicalRule, spell: Spell) => string)(value, rule, spell);
}

/**
 * Upper-casing is ASCII only (`COLLATE "C"`) on purpose: PostgreSQL's upper() otherwise follows
 * the database's locale, and the same key must hash alike on every database and in every target.
 */
export const upperAscii = (text: string): string => `upper(${byteOrder(text)})`;

/** Text sorts and groups by code point under the "C" collation, whatever the database's locale. */
export const byteOrder = (sql: string): string => `${sql} COLLATE ${quoteIdent('C')}`;

/** Step 7: lower-case hex of the digest of UTF-8 bytes. sha1 needs pgcrypto's digest(). */
const DIGEST = {
  md5: (bytes) => `md5(${bytes})`,
  sha1: (bytes) => `encode(digest(${bytes}, 'sha1'), 'hex')`,
  sha256: (bytes) => `encode(sha256(${bytes}), 'hex')`,
} as const satisfies Record<HashAlgorithm, (bytes: string) => string>;

export const digest = (algorithm: HashAlgorithm, text: string): string => DIGEST[algorithm](`convert_to(${text}, 'UTF8')`);

/** sha1 comes from pgcrypto; md5 and sha256 are built in (PostgreSQL 11+). */
export function digestSetup(algorithm: HashAlgorithm): ReadonlyArray<string> {
  return match(algorithm)
    .with('sha1', () => ['CREATE EXTENSION IF NOT EXISTS pgcrypto'])
    .with('md5', 'sha256', () => [])
    .exhaustive();
}
