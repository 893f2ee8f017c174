/**
 * Statement parameters in Spark SQL: named markers (`:load_ts`), as Spark and Databricks bind
 * them. A HiveServer2 (Thrift) connection has no binding, so `inlineParameters` writes the
 * values in as literals instead.
 */
import type { SqlParameter, SqlStatement } from '../../statement.js';
import { quoteLiteral } from './quote.js';

/** The marker of a parameter: `:load_ts`. */
export const marker = (name: SqlParameter): string => `:${name}`;

/** A value a parameter takes: text (a timestamp as ISO 8601), a number, or NULL. */
export type InlineValue = string | number | bigint | null;

/** Where a marker may stand: outside quotes, backticks and comments; a name after a `:`. */
const TOKENS = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`]|``)*`|--[^\n]*|\/\*[\s\S]*?\*\/|::|:([A-Za-z_][A-Za-z0-9_]*)/g;

function literal(name: string, value: InlineValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quoteLiteral(value);
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) throw new Error(`vault SQL: parameter '${name}' is ${value}, which is no SQL number`);
  return String(value);
}

/**
 * `statement`'s SQL with each of its parameter markers replaced by the value's literal (strings
 * through `quoteLiteral`, numbers as digits, null as NULL). A marker inside a string literal, a
 * quoted name or a comment is text, and stays. A declared parameter without a value is a bug in
 * the caller.
 * @example inlineParameters(load, { load_ts: '2024-05-01T00:00:00Z' }) // "… CAST('2024-05-01T00:00:00Z' AS TIMESTAMP) …"
 */
export function inlineParameters(statement: Pick<SqlStatement, 'sql' | 'parameters' | 'kind'>, values: Readonly<Partial<Record<SqlParameter, InlineValue>>>): string {
  const declared = new Set<string>(statement.parameters);
  return statement.sql.replace(TOKENS, (token, name: string | undefined) => {
    if (name === undefined || !declared.has(name)) return token;
    if (!Object.hasOwn(values, name)) throw new Error(`vault SQL: a ${statement.kind} statement takes '${name}', and no value was given for it`);
    return literal(name, values[name as SqlParameter] as InlineValue);
  });
}
