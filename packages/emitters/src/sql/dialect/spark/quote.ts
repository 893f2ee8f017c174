/**
 * THE place where text becomes Spark SQL. Every identifier and every literal that comes from a
 * spec goes through one of these functions; nothing is ever spliced into SQL any other way.
 */
import { shortenIdentifier } from '../shorten.js';

/**
 * Spark itself sets no limit, but the catalogs do: the Hive metastore stores table and column
 * names in 128-character columns, Databricks' Unity Catalog allows 255. vault keeps every name
 * within 128 bytes (shortened as for PostgreSQL, `dialect/shorten.ts`), so a model runs on both.
 */
export const MAX_SPARK_IDENTIFIER_BYTES = 128;

/**
 * The identifier as created in the catalog: shortened when over 128 bytes.
 * @example sparkName('sat_early_warning_signal') // 'sat_early_warning_signal'
 */
export function sparkName(name: string): string {
  return shortenIdentifier(name, MAX_SPARK_IDENTIFIER_BYTES);
}

/**
 * An identifier, always in backticks (so key words and any character survive), a backtick
 * doubled. Spark compares names case-insensitively (`spark.sql.caseSensitive` is false), so
 * quoting keeps the spelling in the schema, not a distinct name.
 * @example quoteIdent('order')  // '`order`'
 * @example quoteIdent('a`b')    // '`a``b`'
 */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) throw new Error(`quoteIdent: '${name}' cannot be a Spark identifier`);
  return `\`${sparkName(name).replaceAll('`', '``')}\``;
}

/**
 * A string literal. In Spark SQL `\` escapes the next character inside a literal (unless the
 * session sets `spark.sql.parser.escapedStringLiterals`, which vault does not), so `\` is
 * doubled and `'` written `\'`; control characters become `\uXXXX`, so a literal never spans
 * lines (the SQL writer indents every line it writes, which would change its value).
 * @example quoteLiteral("it's")  // "'it\\'s'"
 * @example quoteLiteral('a\\b')  // "'a\\\\b'"
 */
export function quoteLiteral(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `'${out}'`;
}

/**
 * A number from a business rule. The parser only makes digit strings, so this only checks it.
 * Spark reads `12` as an integer (a bigint or decimal when it does not fit) and `1.5` as a
 * decimal, as PostgreSQL reads them as numeric.
 */
export function numericLiteral(text: string): string {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) throw new Error(`numericLiteral: '${text}' is not a number literal`);
  return text;
}

/** `` `schema`.`name` ``: a table or view, quoted and qualified. */
export function tableIdent(t: { readonly schema: string; readonly name: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}
