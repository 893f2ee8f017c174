/**
 * The settings of every PostgreSQL session vault opens, whatever `ALTER DATABASE … SET`,
 * `ALTER ROLE … SET`, postgresql.conf, PGOPTIONS or the URL's `options` give it, so the same spec
 * and landing rows give the same vault and the same output on every server (docs/run.md,
 * "Session settings").
 */
import type { Queryable } from './database.js';

/**
 * What vault reads back and prints reads as on a default server: times in UTC (`--load-ts`
 * without a zone is UTC), dates and intervals in PostgreSQL's default forms (node-postgres
 * parses ISO dates only), floats in their shortest exact text, and text in UTF-8 (the only
 * encoding node-postgres decodes).
 */
const PINNED = [
  ['TimeZone', 'UTC'],
  ['DateStyle', 'ISO, MDY'],
  ['IntervalStyle', 'postgres'],
  ['extra_float_digits', '1'],
  ['client_encoding', 'UTF8'],
] as const;

/**
 * Built-ins first and nothing else a user may create objects in: vault's SQL calls functions
 * (md5, upper, to_char, …), operators and types by their bare names, and a session whose
 * search_path holds a schema others can write (public, before or after pg_catalog) would find a
 * function there that matches better than the built-in, or the same one first, and run it in
 * vault's loads and views: other hash keys, other rows, code run as vault's role. Every table
 * and view vault names is qualified with its schema, so it needs no other schema on the path,
 * except where pgcrypto is (sha1's `digest`). pg_temp last: a temporary table never hides a
 * table.
 */
const SAFE_SEARCH_PATH = 'pg_catalog, pg_temp';

/**
 * Sets every pinned setting and the search path for the session (not the transaction: also
 * inside one, they outlast its commit). The first statement names nothing the session's own
 * search_path could resolve to a user's object (only literals and qualified built-ins).
 */
export async function pinSessionSettings(q: Queryable): Promise<void> {
  const calls = [...PINNED, ['search_path', SAFE_SEARCH_PATH] as const].map(([name, value]) => `pg_catalog.set_config('${name}', '${value}', false)`);
  await q.query(`SELECT ${calls.join(', ')}`);
  await pinSearchPath(q);
}

/** The safe search path, with pgcrypto's schema when it is installed (after pg_catalog, so it shadows no built-in). */
export async function pinSearchPath(q: Queryable): Promise<void> {
  await q.query(
    `SELECT set_config('search_path', concat_ws(', ', 'pg_catalog', (SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgcrypto'), 'pg_temp'), false)`,
  );
}

/**
 * Runs `statement` (a CREATE EXTENSION of setup) with the session's own search_path, so the
 * extension is installed where the user's settings put it, as psql would; then pins the path
 * again, now with that schema.
 */
export async function withUserSearchPath<T>(q: Queryable, statement: () => Promise<T>): Promise<T> {
  await q.query('RESET search_path');
  try {
    return await statement();
  } finally {
    // After a failure the transaction is aborted; its rollback undoes the RESET.
    await pinSearchPath(q).catch(() => undefined);
  }
}
