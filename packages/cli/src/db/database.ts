/**
 * One small interface over the databases vault loads into: a PostgreSQL server (`--db URL`,
 * through `pg`), the embedded PGlite kept under `.vault/MODEL/pgdata`, and a Spark SQL endpoint
 * (`vault run --engine spark`, through `hive-driver`: db/spark/). Commands see only this.
 */

export type SqlParam = string | number | boolean | null;

export interface QueryResult<Row> {
  readonly rows: ReadonlyArray<Row>;
  /** Rows the statement inserted, updated, deleted or returned (the command tag's count). */
  readonly rowCount: number;
  /** The command tag's verb: INSERT, SELECT, CREATE, … */
  readonly command: string;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: ReadonlyArray<SqlParam>): Promise<QueryResult<Row>>;
}

export interface Database extends Queryable {
  /** Where the data lives, safe to print: a URL without its password, or the embedded directory. */
  readonly location: string;
  /** `spark`: no transactions, no bound parameters (db/spark/connection.ts). */
  readonly kind: 'server' | 'embedded' | 'spark';
  /**
   * Opens another session on the same server, for work that can run side by side; absent for
   * the embedded database, which has one session.
   */
  readonly fork?: () => Promise<Database>;
  /**
   * Runs `fn` in one transaction: committed when it returns, rolled back when it throws. Spark
   * has no transactions: there `fn` runs on the session as it is (db/spark/connection.ts).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A mistake or condition the user can act on (cannot connect, database locked, a load failed):
 * printed as one line, no stack trace, exit 1.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}

/** An error PostgreSQL sent back (pg and PGlite both carry these fields). */
export interface ServerError {
  readonly message: string;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: string;
}

export function isServerError(e: unknown): e is ServerError & Error {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/**
 * The server's error on one line: SQLSTATE, message, and detail/hint when given.
 * @example sqlErrorLine(e) // 'ERROR 42703: column "signal_date" does not exist'
 */
export function sqlErrorLine(e: unknown): string {
  if (!isServerError(e)) return e instanceof Error ? e.message : String(e);
  const extra = [e.detail, e.hint, timeoutHint(e)].filter((x): x is string => typeof x === 'string' && x !== '').map((x) => x.replace(/\s+/g, ' '));
  return [`ERROR ${e.code}: ${e.message.replace(/\s+/g, ' ')}`, ...extra].join('; ');
}

/**
 * What to do when a server's timeout stopped a statement: vault leaves statement_timeout and
 * lock_timeout to the server (docs/run.md, "Session settings"), so they come from a database's or
 * role's setting, postgresql.conf or PGOPTIONS, where the user changes them.
 */
function timeoutHint(e: ServerError): string | undefined {
  const setting = e.code === '57014' && /statement timeout/i.test(e.message) ? 'statement_timeout' : e.code === '55P03' && /lock timeout/i.test(e.message) ? 'lock_timeout' : undefined;
  if (setting === undefined) return undefined;
  return `the session's ${setting} stopped it (set for the server, the database or the role, or in PGOPTIONS): raise it for the role vault runs as, ALTER ROLE … SET ${setting} = '1h', or for one run, PGOPTIONS='-c ${setting}=0'`;
}
