/**
 * Vault hashing standard v2 (docs/hashing.md) in SQL, for any dialect. Hash keys and hashdiffs
 * are the lower-case hex digest of one text built from the input values:
 *
 *   1. each value as canonical text (the rule of its type, `CANONICAL_TEXT`, rendered by the
 *      dialect: the same text whatever the session's settings),
 *   2. trimmed of leading and trailing spaces,
 *   3. upper-cased, a-z only, unless the model's case policy keeps case,
 *   4. NULL, or empty after trimming, becomes `^^`,
 *   5. `\` and `|` escaped with a backslash,
 *   6. joined with `||`,
 *   7. digested as UTF-8 bytes with the model's algorithm.
 *
 * Upper-casing is ASCII only on purpose (`Dialect.upperAscii`): the same key must hash alike on
 * every database, whatever its locale, and in every target.
 */
import type { ColumnType, HashAlgorithm, Hashing } from '@vault/core';
import { hashType } from '../columns.js';
import { HASH_DELIMITER, NULL_TOKEN } from '../hashing-settings.js';
import { CANONICAL_TEXT } from '../hashing-standard.js';
import type { Dialect, Spell } from './dialect/dialect.js';

// The standard's fixed values live with the settings `manifest.json` and `registry.py` publish.
export { HASHING_STANDARD, HASHING_STANDARD_VERSION, HASH_DELIMITER, NULL_TOKEN, zeroHash } from '../hashing-settings.js';

/** A value to hash: SQL for it, and its column type. */
export interface HashInput {
  readonly sql: string;
  readonly type: ColumnType;
}

/** Whether rows may be grouped by these values before hashing them (`CanonicalText.groupable`). */
export function groupableForHashing(types: ReadonlyArray<ColumnType>): boolean {
  return types.every((t) => CANONICAL_TEXT[t.kind].groupable);
}

/**
 * Step 1. The canonical text of a date spells `infinity` as step 3 leaves it (`spell`): it holds
 * no other letter, so the SQL writes the word already cased instead of upper-casing every row's text.
 */
function canonical(d: Dialect, input: HashInput, spell: Spell): string {
  return d.canonicalText(CANONICAL_TEXT[input.type.kind].rule, input, spell);
}

/** Steps 1-5 for one value; steps that cannot change a type's text are left out of the SQL. */
export function hashText(d: Dialect, input: HashInput, keepCase: boolean): string {
  const shape = CANONICAL_TEXT[input.type.kind];
  const text = canonical(d, input, keepCase ? (w) => w : asciiUpper);
  if (shape.plain) {
    const cased = keepCase || !shape.lower ? text : d.upperAscii(text);
    return `COALESCE(${cased}, ${d.quoteLiteral(NULL_TOKEN)})`;
  }
  const trimmed = d.trimSpaces(text);
  const cased = keepCase ? trimmed : d.upperAscii(trimmed);
  const present = `COALESCE(NULLIF(${cased}, ''), ${d.quoteLiteral(NULL_TOKEN)})`;
  return `replace(replace(${present}, ${d.quoteLiteral('\\')}, ${d.quoteLiteral('\\\\')}), ${d.quoteLiteral('|')}, ${d.quoteLiteral('\\|')})`;
}

/** Step 3 in TypeScript: a-z only. */
const asciiUpper = (word: string): string => word.replace(/[a-z]+/g, (w) => w.toUpperCase());

/** The SQL type of hash keys and hashdiffs: `char(32)`, `char(40)` or `char(64)`. */
export function hashSqlType(d: Dialect, algorithm: HashAlgorithm): string {
  return d.columnType(hashType(algorithm));
}

/**
 * The hash of `inputs` in order: a hash key (key case policy) or a hashdiff (hashdiff policy).
 * @example hashExpression(postgresDialect, model.hashing, [{ sql: '"s"."id"', type: { kind: 'int' } }], 'key')
 */
export function hashExpression(d: Dialect, hashing: Hashing, inputs: ReadonlyArray<HashInput>, purpose: 'key' | 'hashdiff'): string {
  const keepCase = purpose === 'key' ? hashing.caseSensitiveKeys : hashing.caseSensitiveHashdiff;
  // One value a line: the SQL writer keeps the continuation lines' relative indentation.
  const joined = inputs.length === 0 ? "''" : inputs.map((i) => hashText(d, i, keepCase)).join(`\n  || ${d.quoteLiteral(HASH_DELIMITER)} || `);
  return `CAST(${d.digest(hashing.algorithm, joined)} AS ${hashSqlType(d, hashing.algorithm)})`;
}

/**
 * True when a business key is missing: every column NULL or blank (what hashes as `^^` alone).
 * Such a row adds nothing to a hub; in a link the hub's column gets the zero key instead, and
 * only a link row with every hub key missing is skipped (load.ts, `linkKeep`).
 */
export function missingKey(d: Dialect, inputs: ReadonlyArray<HashInput>): string {
  if (inputs.length === 0) throw new Error('missingKey: a business key has at least one column');
  // A plain canonical text is never blank, and NULL exactly when the value is.
  const absent = (i: HashInput): string => (CANONICAL_TEXT[i.type.kind].plain ? `${i.sql} IS NULL` : `NULLIF(${d.trimSpaces(canonical(d, i, (w) => w))}, '') IS NULL`);
  return `(${inputs.map(absent).join(' AND ')})`;
}
