/**
 * Column types as the database reports them, read into the spec's vocabulary, and how a spec
 * type and a database type compare.
 */
import { parseColumnType, printColumnType, TYPE_FAMILY, type ColumnType } from '@vault/core/internal';

/**
 * The spec's type for a `format_type` string, or undefined for types the spec has no word for
 * (arrays, enums, domains, geometry, ...). Fractional-second precision is dropped: the spec's
 * timestamps have none.
 * @example databaseType('timestamp(3) with time zone') // { kind: 'timestamptz' }
 */
export function databaseType(formatted: string): ColumnType | undefined {
  if (formatted.endsWith(']')) return undefined;
  // `bpchar` without a length is blank-padded text of any length, while the spec's bare `char`
  // is PostgreSQL's `char`, one character: read it as text.
  if (formatted === 'bpchar') return { kind: 'text' };
  // `money` prints as the server's lc_monetary says (`$1,234.50`), so its text would hash
  // differently from server to server: it is read as the number it holds (an exact cast).
  if (formatted === 'money') return { kind: 'decimal' };
  const plain = formatted.replace(/^(timestamp|time)\(\d+\)/, '$1').replace(/^interval\b.*$/, 'interval');
  const parsed = parseColumnType(plain);
  return parsed.ok ? parsed.type : undefined;
}

/** `same`; `compatible` (int vs bigint, varchar(40) vs text: a warning); `incompatible` (text vs int: an error). */
export type TypeMatch = 'same' | 'compatible' | 'incompatible';

/** Families whose values cast into each other without surprises. */
const NEAR: ReadonlyArray<readonly [string, string]> = [['integer', 'numeric']];

export function compareTypes(spec: ColumnType, db: ColumnType | undefined): TypeMatch {
  if (db === undefined) return TYPE_FAMILY[spec.kind] === 'text' ? 'compatible' : 'incompatible';
  if (spec.kind === db.kind) {
    // A spec type without arguments (varchar, decimal) accepts any length or precision.
    const bare = printColumnType(spec) === spec.kind;
    return bare || printColumnType(spec) === printColumnType(db) ? 'same' : 'compatible';
  }
  const a = TYPE_FAMILY[spec.kind];
  const b = TYPE_FAMILY[db.kind];
  if (a === b) return 'compatible';
  return NEAR.some(([x, y]) => (a === x && b === y) || (a === y && b === x)) ? 'compatible' : 'incompatible';
}
