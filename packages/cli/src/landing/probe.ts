/**
 * The checks that read data: a `SELECT ... LIMIT 1` of every source table within a statement
 * timeout (can the role really read it, now?), and with `--profile` a sample of each table's
 * business key (unique? NULL?). Every query runs in its own transaction, so a timeout or an
 * error in one table never hides the others.
 */
import { pathDiag } from '@vault/core/internal';
import { quoteIdent } from '@vault/emitters';
import { isServerError, sqlErrorLine, type Database } from '../db/index.js';
import type { Finding } from './checks.js';

export interface ReadTarget {
  readonly table: string;
  readonly schema: string;
  /** Spec columns that exist in the database, in spec order. */
  readonly columns: ReadonlyArray<string>;
}

const qualified = (t: ReadTarget): string => `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;

/** Why a query failed, in one line; a statement timeout says which limit it hit. */
function failure(e: unknown, timeoutMs: number): string {
  if (isServerError(e) && e.code === '57014') return `no row within the statement timeout of ${timeoutMs} ms (--timeout-ms to wait longer)`;
  return sqlErrorLine(e);
}

async function withTimeout<T>(db: Database, timeoutMs: number, fn: (q: Database['query']) => Promise<T>): Promise<T> {
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
  const list = t.columns.length === 0 ? '1' : t.columns.map(quoteIdent).join(', ');
  try {
    await withTimeout(db, timeoutMs, (q) => q(`SELECT ${list} FROM ${qualified(t)} LIMIT 1`));
    return { ms: Date.now() - started };
  } catch (e) {
    if (!isServerError(e)) throw e;
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
  const keyNull = key.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ');
  const cols = unique.map(quoteIdent);
  const anyNull = cols.map((c) => `${c} IS NULL`).join(' OR ');
  const from = `(SELECT ${cols.join(', ')} FROM ${qualified(t)} LIMIT ${Math.floor(sample)}) AS s`;
  const keyText = `'(' || concat_ws(', ', ${cols.map((c) => `coalesce(${c}::text, 'NULL')`).join(', ')}) || ')'`;
  try {
    return await withTimeout(db, timeoutMs, async (q) => {
      const counts = (await q(`SELECT count(*) AS n, count(*) FILTER (WHERE ${keyNull}) AS nulls FROM ${from}`)).rows[0] as { n: string | number; nulls: string | number } | undefined;
      const dups = (
        await q(`SELECT ${keyText} AS k, count(*) AS n, count(*) OVER () AS keys FROM ${from} WHERE NOT (${anyNull}) GROUP BY ${cols.join(', ')} HAVING count(*) > 1 ORDER BY count(*) DESC, 1 LIMIT 3`)
      ).rows as Array<{ k: string; n: string | number; keys: string | number }>;
      return {
        sampled: Number(counts?.n ?? 0),
        nullKeys: Number(counts?.nulls ?? 0),
        duplicateKeys: Number(dups[0]?.keys ?? 0),
        examples: dups.map((d) => `${d.k} ×${Number(d.n)}`),
      };
    });
  } catch (e) {
    if (!isServerError(e)) throw e;
    return { check: 'profile', table: t.table, diagnostic: pathDiag('VLT611', ['tables', t.table], `profiling ${t.schema}.${t.table} failed: ${failure(e, timeoutMs)}`, { target: 'key' }) };
  }
}
