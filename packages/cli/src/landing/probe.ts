/**
 * The checks that read data: a `SELECT ... LIMIT 1` of every source table within a statement
 * timeout (can the role really read it, now?), and with `--profile` a sample of each table's
 * business key (unique? NULL?). On PostgreSQL every query runs in its own transaction, so a
 * timeout or an error in one table never hides the others. Spark has neither transactions nor a
 * statement timeout: there each query runs as it is, until done.
 */
import { pathDiag } from '@vault/core/internal';
import { postgresDialect, sparkDialect } from '@vault/emitters/internal';
import { DatabaseError, isServerError, sqlErrorLine, type Database } from '../db/index.js';
import type { Finding } from './checks.js';

export interface ReadTarget {
  readonly table: string;
  readonly schema: string;
  /** Spec columns that exist in the database, in spec order. */
  readonly columns: ReadonlyArray<string>;
}

const dialectOf = (db: Database) => (db.kind === 'spark' ? sparkDialect : postgresDialect);
const qualified = (db: Database, t: ReadTarget): string => `${dialectOf(db).quoteIdent(t.schema)}.${dialectOf(db).quoteIdent(t.table)}`;

/** An error of the query that a finding reports: the server's (Spark's come as DatabaseError); anything else is thrown on. */
const reported = (db: Database, e: unknown): boolean => isServerError(e) || (db.kind === 'spark' && e instanceof DatabaseError);

/** Why a query failed, in one line; a statement timeout says which limit it hit. */
function failure(e: unknown, timeoutMs: number): string {
  if (isServerError(e) && e.code === '57014') return `no row within the statement timeout of ${timeoutMs} ms (--timeout-ms to wait longer)`;
  return isServerError(e) ? sqlErrorLine(e) : (e as Error).message;
}

async function withTimeout<T>(db: Database, timeoutMs: number, fn: (q: Database['query']) => Promise<T>): Promise<T> {
  if (db.kind === 'spark') return fn((sql, params) => db.query(sql, params));
  return db.transaction(async (tx) => {
    // SET LOCAL takes no parameters; the value is a whole number we produced.
    await tx.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    await tx.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    return fn((sql, params) => tx.query(sql, params));
  });
}

/** Reads one row of the table's spec columns; `undefined` when it worked, else the finding. */
export async function probeRead(db: Database, t: ReadTarget, timeoutMs: number): Promise<{ readonly ms: number; readonly finding?: Finding }> {
  const started = Date.now();
  const list = t.columns.length === 0 ? '1' : t.columns.map(dialectOf(db).quoteIdent).join(', ');
  try {
    await withTimeout(db, timeoutMs, (q) => q(`SELECT ${list} FROM ${qualified(db, t)} LIMIT 1`));
    return { ms: Date.now() - started };
  } catch (e) {
    if (!reported(db, e)) throw e;
    const message = `reading ${t.schema}.${t.table} failed: ${failure(e, timeoutMs)}`;
    return { ms: Date.now() - started, finding: { check: 'access', table: t.table, diagnostic: pathDiag('VLT611', ['tables', t.table], message, { target: 'key' }) } };
  }
}

export interface KeyProfile {
  readonly sampled: number;
  readonly nullKeys: number;
  readonly duplicateKeys: number;
  /** Up to three duplicated keys, most frequent first, printed as `(a, b) ×n`. */
  readonly examples: ReadonlyArray<string>;
}

/**
 * Samples up to `sample` rows of the table and counts NULL business keys and duplicated rows of
 * `unique` (the business key, plus the delta-order column where several versions land).
 */
export async function profileKey(db: Database, t: ReadTarget, key: ReadonlyArray<string>, unique: ReadonlyArray<string>, sample: number, timeoutMs: number): Promise<KeyProfile | Finding> {
  const quote = dialectOf(db).quoteIdent;
  const keyNull = key.map((c) => `${quote(c)} IS NULL`).join(' OR ');
  const cols = unique.map(quote);
  const anyNull = cols.map((c) => `${c} IS NULL`).join(' OR ');
  const from = `(SELECT ${cols.join(', ')} FROM ${qualified(db, t)} LIMIT ${Math.floor(sample)}) AS s`;
  const text = db.kind === 'spark' ? 'STRING' : 'text';
  const keyText = `'(' || concat_ws(', ', ${cols.map((c) => `coalesce(CAST(${c} AS ${text}), 'NULL')`).join(', ')}) || ')'`;
  try {
    return await withTimeout(db, timeoutMs, async (q) => {
      const counts = (await q(`SELECT count(*) AS n, count(*) FILTER (WHERE ${keyNull}) AS nulls FROM ${from}`)).rows[0] as { n: string | number; nulls: string | number } | undefined;
      // Ordered by the output names: Spark refuses an aggregate in ORDER BY beside a window.
      const sql = `SELECT ${keyText} AS k, count(*) AS n, count(*) OVER () AS keys FROM ${from} WHERE NOT (${anyNull}) GROUP BY ${cols.join(', ')} HAVING count(*) > 1 ORDER BY n DESC, k LIMIT 3`;
      const dups = (await q(sql)).rows as Array<{ k: string; n: string | number; keys: string | number }>;
      return {
        sampled: Number(counts?.n ?? 0),
        nullKeys: Number(counts?.nulls ?? 0),
        duplicateKeys: Number(dups[0]?.keys ?? 0),
        examples: dups.map((d) => `${d.k} ×${Number(d.n)}`),
      };
    });
  } catch (e) {
    if (!reported(db, e)) throw e;
    return { check: 'profile', table: t.table, diagnostic: pathDiag('VLT611', ['tables', t.table], `profiling ${t.schema}.${t.table} failed: ${failure(e, timeoutMs)}`, { target: 'key' }) };
  }
}
