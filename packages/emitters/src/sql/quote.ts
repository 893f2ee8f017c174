/**
 * THE place where text becomes SQL. Every identifier and every literal that comes from a spec
 * (table, column and schema names, string constants of business rules, the record source) goes
 * through one of these functions; nothing is ever spliced into SQL any other way.
 */
import { sqlName, type SqlTable } from './names.js';

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

/** `"schema"."name"`. */
export function qualifiedIdent(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
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

/** Text for a `--` comment: one line, control characters shown as `\uXXXX`. */
export function sqlCommentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A table or view of the model, quoted and qualified. */
export function tableIdent(t: SqlTable): string {
  return qualifiedIdent(t.schema, t.name);
}
