/**
 * Vault hashing standard v2 (docs/hashing.md), in PostgreSQL. Hash keys and hashdiffs are the
 * lower-case hex digest of one text built from the input values:
 *
 *   1. each value as canonical text (`CANONICAL_TEXT`: the same text whatever the session's
 *      DateStyle, TimeZone or bytea_output),
 *   2. trimmed of leading and trailing spaces,
 *   3. upper-cased, a-z only, unless the model's case policy keeps case,
 *   4. NULL, or empty after trimming, becomes `^^`,
 *   5. `\` and `|` escaped with a backslash,
 *   6. joined with `||`,
 *   7. digested as UTF-8 bytes with the model's algorithm.
 *
 * Upper-casing is ASCII only (`COLLATE "C"`) on purpose: PostgreSQL's upper() otherwise follows
 * the database's locale, and the same key must hash alike on every database and in every target.
 */
import { match } from 'ts-pattern';
import type { ColumnType, ColumnTypeKind, HashAlgorithm, Hashing } from '@vault/core';
import { hashType } from '../columns.js';
import { HASH_DELIMITER, NULL_TOKEN } from '../hashing-settings.js';
import { quoteIdent, quoteLiteral } from './quote.js';
import { pgType } from './types.js';

// The standard's fixed values live with the settings `manifest.json` and `registry.py` publish.
export { HASHING_STANDARD, HASHING_STANDARD_VERSION, HASH_DELIMITER, NULL_TOKEN, zeroHash } from '../hashing-settings.js';

/** A value to hash: SQL for it, and its column type. */
export interface HashInput {
  readonly sql: string;
  readonly type: ColumnType;
}

/**
 * Writes a word of a canonical text (`infinity`) as step 3 leaves it: the canonical text of a
 * date holds no other letter, so the SQL spells the word already cased instead of upper-casing
 * every row's text.
 */
type Spell = (word: string) => string;

const asText = (x: string) => `CAST(${x} AS text)`;

/**
 * Dates and timestamps: `to_char` gives NULL for infinity and no era, so the text adds what it
 * lacks. Finite values of the year 1 AD or later keep v1's text exactly.
 *  - ` BC` after a date before the year 1: `BC` prints `AD` or `BC`, and rtrim of the characters
 *    ` `, `A` and `D` drops ` AD` only (the text before it ends in a digit); one call per row.
 *  - `infinity`, `-infinity` for the infinite values (only then is to_char NULL for a non-NULL
 *    value, so the CASE runs for those rows only).
 */
const calendar = (format: string) => (x: string, spell: Spell) =>
  `COALESCE(rtrim(to_char(${x}, ${quoteLiteral(`${format} BC`)}), ' AD'), ${infinite(x, spell)})`;

const infinite = (x: string, spell: Spell) =>
  `CASE WHEN ${x} = 'infinity' THEN ${quoteLiteral(spell('infinity'))} WHEN ${x} = '-infinity' THEN ${quoteLiteral(spell('-infinity'))} END`;

/** The last date to_char can print: it converts dates to timestamps, which end in 294276 AD. */
const LAST_TIMESTAMP_DATE = "DATE '294276-12-31'";
/** Days in 400 Gregorian years: the calendar repeats after them. */
const GREGORIAN_CYCLE = 146097;

/**
 * A date: as a timestamp's date part up to 294276 AD; after that (dates go on to 5874897 AD)
 * shifted back by whole 400-year cycles into 2000-2399, printed, and the years added back.
 * Written with date arithmetic only, so it runs on every PostgreSQL version.
 */
const dateText = (x: string, spell: Spell): string => {
  const cycles = `((${x} - DATE '2000-01-01') / ${GREGORIAN_CYCLE})`;
  const shifted = `(${x} - ${cycles} * ${GREGORIAN_CYCLE})`;
  const far = `CAST(CAST(to_char(${shifted}, 'YYYY') AS int) + 400 * ${cycles} AS text) || to_char(${shifted}, '-MM-DD')`;
  const finite = `CASE WHEN ${x} <= ${LAST_TIMESTAMP_DATE} THEN rtrim(to_char(${x}, 'YYYY-MM-DD BC'), ' AD') WHEN isfinite(${x}) THEN ${far} END`;
  return `COALESCE(${finite}, ${infinite(x, spell)})`;
};

/** Canonical text of a value of each type (step 1). */
const CANONICAL_TEXT = {
  smallint: asText, int: asText, bigint: asText, decimal: asText,
  // Shortest text that reads back as the same float (PostgreSQL 12+, extra_float_digits = 1).
  real: asText, double: asText,
  text: (x) => x, varchar: asText,
  // char(n) as text drops the padding, which trimming would drop anyway.
  char: asText,
  boolean: asText,
  date: dateText,
  time: (x) => `to_char(${x}, 'HH24:MI:SS.US')`,
  timestamp: calendar('YYYY-MM-DD HH24:MI:SS.US'),
  timestamptz: (x, spell) => calendar('YYYY-MM-DD HH24:MI:SS.US')(`(${x} AT TIME ZONE 'UTC')`, spell),
  // PostgreSQL's default IntervalStyle ('postgres').
  interval: asText,
  uuid: asText,
  json: asText, jsonb: asText,
  bytea: (x) => `encode(${x}, 'hex')`,
} as const satisfies Record<ColumnTypeKind, (x: string, spell: Spell) => string>;

/**
 * What the canonical text of a type can hold, so that steps that cannot change it are left out
 * of the SQL (the same bytes, fewer function calls per row: hashing is most of a load's time).
 * `plain`: never blank, no space at either end, no `\` or `|` (steps 2, 4's blank case and 5 are
 * no-ops). `lower`: may hold a-z (step 3 matters): `true`, `NaN`, `1e+20`, uuid and interval
 * text; dates and timestamps spell `infinity` already cased (`Spell`).
 */
const TEXT_SHAPE = {
  smallint: { plain: true, lower: false }, int: { plain: true, lower: false }, bigint: { plain: true, lower: false },
  date: { plain: true, lower: false }, time: { plain: true, lower: false },
  timestamp: { plain: true, lower: false }, timestamptz: { plain: true, lower: false },
  decimal: { plain: true, lower: true }, real: { plain: true, lower: true }, double: { plain: true, lower: true },
  boolean: { plain: true, lower: true }, uuid: { plain: true, lower: true }, interval: { plain: true, lower: true },
  // Empty bytea encodes as ''; text and JSON can hold anything.
  bytea: { plain: false, lower: true }, text: { plain: false, lower: true }, varchar: { plain: false, lower: true },
  char: { plain: false, lower: true }, json: { plain: false, lower: true }, jsonb: { plain: false, lower: true },
} as const satisfies Record<ColumnTypeKind, { readonly plain: boolean; readonly lower: boolean }>;

/**
 * Types whose equal values (`=`) always have the same canonical text, so rows can be grouped by
 * value before hashing and every row of a group hashes alike. Not so: decimal (1.0 = 1.00),
 * real and double (0 = -0), interval ('1 day' = '24 hours'), jsonb (1.0 = 1) and json (no `=`).
 * Text is grouped under `COLLATE "C"`, where equal means byte for byte.
 */
const GROUPABLE = {
  smallint: true, int: true, bigint: true, text: true, varchar: true, char: true, boolean: true,
  date: true, time: true, timestamp: true, timestamptz: true, uuid: true, bytea: true,
  decimal: false, real: false, double: false, interval: false, json: false, jsonb: false,
} as const satisfies Record<ColumnTypeKind, boolean>;

/** Whether rows may be grouped by these values before hashing them (see `GROUPABLE`). */
export function groupableForHashing(types: ReadonlyArray<ColumnType>): boolean {
  return types.every((t) => GROUPABLE[t.kind]);
}

/** Steps 1-5 for one value. */
export function hashText(input: HashInput, keepCase: boolean): string {
  const shape = TEXT_SHAPE[input.type.kind];
  const canonical = CANONICAL_TEXT[input.type.kind](input.sql, keepCase ? (w) => w : asciiUpper);
  if (shape.plain) {
    const cased = keepCase || !shape.lower ? canonical : `upper(${canonical} COLLATE ${quoteIdent('C')})`;
    return `COALESCE(${cased}, ${quoteLiteral(NULL_TOKEN)})`;
  }
  const trimmed = `btrim(${canonical})`;
  const cased = keepCase ? trimmed : `upper(${trimmed} COLLATE ${quoteIdent('C')})`;
  const present = `COALESCE(NULLIF(${cased}, ''), ${quoteLiteral(NULL_TOKEN)})`;
  return `replace(replace(${present}, ${quoteLiteral('\\')}, ${quoteLiteral('\\\\')}), ${quoteLiteral('|')}, ${quoteLiteral('\\|')})`;
}

/** Step 3 in TypeScript: a-z only. */
const asciiUpper = (word: string): string => word.replace(/[a-z]+/g, (w) => w.toUpperCase());

/** Step 7: lower-case hex of the digest of UTF-8 bytes. sha1 needs pgcrypto's digest(). */
const DIGEST = {
  md5: (bytes) => `md5(${bytes})`,
  sha1: (bytes) => `encode(digest(${bytes}, 'sha1'), 'hex')`,
  sha256: (bytes) => `encode(sha256(${bytes}), 'hex')`,
} as const satisfies Record<HashAlgorithm, (bytes: string) => string>;

/** Whether the setup needs the pgcrypto extension. */
export function needsPgcrypto(algorithm: HashAlgorithm): boolean {
  return match(algorithm)
    .with('sha1', () => true)
    .with('md5', 'sha256', () => false)
    .exhaustive();
}

/** The SQL type of hash keys and hashdiffs: `char(32)`, `char(40)` or `char(64)`. */
export function hashSqlType(algorithm: HashAlgorithm): string {
  return pgType(hashType(algorithm));
}

/**
 * The hash of `inputs` in order: a hash key (key case policy) or a hashdiff (hashdiff policy).
 * @example hashExpression(model.hashing, [{ sql: '"s"."id"', type: { kind: 'int' } }], 'key')
 */
export function hashExpression(hashing: Hashing, inputs: ReadonlyArray<HashInput>, purpose: 'key' | 'hashdiff'): string {
  const keepCase = purpose === 'key' ? hashing.caseSensitiveKeys : hashing.caseSensitiveHashdiff;
  // One value a line: the SQL writer keeps the continuation lines' relative indentation.
  const joined = inputs.length === 0 ? "''" : inputs.map((i) => hashText(i, keepCase)).join(`\n  || ${quoteLiteral(HASH_DELIMITER)} || `);
  return `CAST(${DIGEST[hashing.algorithm](`convert_to(${joined}, 'UTF8')`)} AS ${hashSqlType(hashing.algorithm)})`;
}

/**
 * True when a business key is missing: every column NULL or blank (what hashes as `^^` alone).
 * Such a row adds nothing to a hub, and a link row with a missing hub key is skipped.
 */
export function missingKey(inputs: ReadonlyArray<HashInput>): string {
  if (inputs.length === 0) throw new Error('missingKey: a business key has at least one column');
  // A plain canonical text is never blank, and NULL exactly when the value is.
  const absent = (i: HashInput): string =>
    TEXT_SHAPE[i.type.kind].plain ? `${i.sql} IS NULL` : `NULLIF(btrim(${CANONICAL_TEXT[i.type.kind](i.sql, (w) => w)}), '') IS NULL`;
  return `(${inputs.map(absent).join(' AND ')})`;
}
