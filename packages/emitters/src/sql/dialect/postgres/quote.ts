/**
 * THE place where text becomes PostgreSQL. Every identifier and every literal that comes from a
 * spec (table, column and schema names, string constants of business rules, the record source)
 * goes through one of these functions; nothing is ever spliced into SQL any other way.
 */
import { shortenIdentifier } from '../shorten.js';

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1). */
export const MAX_SQL_IDENTIFIER_BYTES = 63;

/**
 * The identifier as it is created in the database. A name over 63 bytes would be truncated by
 * PostgreSQL, and two long names sharing their first 63 bytes would then collide; instead it
 * becomes its first 54 bytes, `_`, and the first 8 hex digits of the md5 of the full name
 * (63 bytes in all), the same on every run.
 * @example sqlName('sat_early_warning_signal') // 'sat_early_warning_signal'
 */
export function sqlName(name: string): string {
  return shortenIdentifier(name, MAX_SQL_IDENTIFIER_BYTES);
}

/**
 * An identifier, always double-quoted (so case and key words survive), `"` doubled, and
 * shortened first when PostgreSQL would truncate it (see `sqlName`).
 * @example quoteIdent('CamelCase') // '"CamelCase"'
 * @example quoteIdent('order')     // '"order"'
 */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) throw new Error(`quoteIdent: '${name}' cannot be a PostgreSQL identifier`);
  return `"${sqlName(name).replaceAll('"', '""')}"`;
}

/**
 * A string literal. Plain text is a standard-conforming literal with `'` doubled. Text holding a
 * backslash or a control character becomes an escape string (`E'...'`), whose meaning does not
 * depend on the `standard_conforming_strings` setting, and which never spans lines (the SQL
 * writer indents every line it writes, which would change a literal's value).
 * @example quoteLiteral("it's")  // "'it''s'"
 * @example quoteLiteral('a\\b')  // "E'a\\\\b'"
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('quoteLiteral: PostgreSQL text cannot hold the NUL character');
  if (!/[\\\u0001-\u001f\u007f]/.test(value)) return `'${value.replaceAll("'", "''")}'`;
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "''";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `E'${out}'`;
}

/**
 * A number from a business rule. The parser only makes digit strings, so this only checks it:
 * a number that is not plain digits is a bug, never SQL.
 */
export function numericLiteral(text: string): string {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) throw new Error(`numericLiteral: '${text}' is not a number literal`);
  return text;
}

/** `"schema"."name"`: a table or view, quoted and qualified. */
export function tableIdent(t: { readonly schema: string; readonly name: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}
