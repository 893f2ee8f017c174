/**
 * A PostgreSQL server through `pg`: one client, one session, so the session-level advisory lock
 * and the transactions are all on the same connection.
 */
import pg from 'pg';
import { DatabaseError, type Database, type QueryResult, type Queryable, type SqlParam } from './database.js';
import { parseDbUrl, redactUrl, scrub, type ServerAddress } from './url.js';

/**
 * Connects to `url`; every failure to connect becomes one `DatabaseError` line without the password.
 * `option`: how the command names a server in messages (`--db URL`, compile's `--validate-db=URL`).
 */
export async function openServer(url: string, option?: string): Promise<Database> {
  const address = parseDbUrl(url, option);
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: address.connectTimeoutSeconds * 1000, application_name: 'vault' });
  } catch (e) {
    // pg reads sslrootcert, sslcert and sslkey while it parses the URL, and throws if one is missing.
    throw new DatabaseError(scrub(`cannot connect to ${redactUrl(url)}: ${sslFileFailure(e)}`, url));
  }
  // A server that goes away mid-run emits 'error' on the client; without a listener Node would crash.
  let lost: Error | undefined;
  client.on('error', (e) => {
    lost = e;
  });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new DatabaseError(scrub(connectionFailure(e, address, url), url));
  }
  const run = async <Row>(sql: string, params?: ReadonlyArray<SqlParam>): Promise<QueryResult<Row>> => {
    if (lost !== undefined) throw new DatabaseError(`lost the connection to ${redactUrl(url)}: ${scrub(lost.message, url)}`);
    const r = await client.query(sql, params === undefined ? undefined : [...params]);
    return { rows: r.rows as Row[], rowCount: r.rowCount ?? 0, command: r.command };
  };
  const tx: Queryable = { query: run };
  return {
    location: redactUrl(url),
    kind: 'server',
    query: run,
    async transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      await run('BEGIN');
      try {
        const result = await fn(tx);
        await run('COMMIT');
        return result;
      } catch (e) {
        await run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    close: () => client.end().catch(() => undefined),
  };
}

/** A certificate or key file named in the URL that cannot be read, in the user's terms. */
function sslFileFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const file = typeof err.path === 'string' ? err.path : undefined;
  const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'it is a folder' : (err.message ?? String(e)).split('\n')[0];
  if (err.code === undefined) return `the URL cannot be used: ${why}`;
  return `cannot read ${file ?? 'a certificate or key file the URL names'}${file === undefined ? '' : ', a certificate or key file the URL names'} (sslrootcert, sslcert or sslkey): ${why}`;
}

/** Why a connection failed, in the user's terms. */
function connectionFailure(e: unknown, a: ServerAddress, url: string): string {
  const where = `${a.host}:${a.port}`;
  const err = e as { code?: string; message?: string; errors?: ReadonlyArray<{ code?: string }> };
  // Node reports "localhost" failures as an AggregateError over ::1 and 127.0.0.1.
  const code = err.code ?? err.errors?.[0]?.code;
  const message = err.message ?? String(e);
  const CAUSES: Record<string, string> = {
    ECONNREFUSED: `connection refused by ${where} (is PostgreSQL running there?)`,
    ENOTFOUND: `unknown host '${a.host}'`,
    EAI_AGAIN: `unknown host '${a.host}' (name lookup failed)`,
    EHOSTUNREACH: `host ${a.host} is unreachable`,
    ENETUNREACH: `network unreachable for ${where}`,
    ETIMEDOUT: `timed out connecting to ${where}`,
    ECONNRESET: `${where} closed the connection (is it a PostgreSQL server? does it require SSL?)`,
    '28P01': `password authentication failed for user '${a.user}'`,
    '28000': /no encryption|SSL off|requires SSL/i.test(message)
      ? `the server requires an encrypted connection: add sslmode=require to the URL (${message.replace(/\s+/g, ' ')})`
      : `the server at ${where} rejected user '${a.user}': ${message}`,
    '3D000': `database '${a.database}' does not exist on ${where}`,
    '53300': `${where} has too many connections`,
    '57P03': `the server at ${where} is starting up or shutting down`,
  };
  const cause =
    (code !== undefined ? CAUSES[code] : undefined) ??
    (/timeout expired|timed out/i.test(message) ? `timed out after ${a.connectTimeoutSeconds} s connecting to ${where} (set connect_timeout=SECONDS in the URL to wait longer)` : undefined) ??
    (/Connection terminated/i.test(message) ? `${where} closed the connection during start-up` : message.replace(/\s+/g, ' '));
  return `cannot connect to ${redactUrl(url)}: ${cause}`;
}
