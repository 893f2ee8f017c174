/**
 * Spark endpoints (`vault run --engine spark`, `--db URL` or `VAULT_SPARK_URL`), checked before
 * connecting:
 *
 *   spark://HOST:PORT[/DATABASE]        HiveServer2 binary Thrift (Apache Spark's Thrift server)
 *   spark+http://HOST:PORT/PATH         HiveServer2 over HTTP
 *   spark+https://HOST[:PORT]/PATH      the same over TLS (Databricks SQL warehouses:
 *                                       /sql/1.0/warehouses/ID)
 *
 * Credentials never come from the URL (it shows up in shell history and process lists): a URL
 * with user information is refused; they come from VAULT_SPARK_USER / VAULT_SPARK_PASSWORD or
 * VAULT_SPARK_TOKEN (sparkCredentials).
 */
import { DatabaseError } from '../database.js';
import { UsageError } from '../../exit.js';
import { redactUrl } from '../url.js';

export type SparkAddress =
  | { readonly transport: 'binary'; readonly host: string; readonly port: number; readonly database: string | undefined }
  | { readonly transport: 'http'; readonly host: string; readonly port: number; readonly path: string; readonly https: boolean };

export interface SparkCredentials {
  readonly user: string;
  readonly password: string;
}

const FORMS = 'spark://HOST:PORT[/DATABASE], spark+http://HOST:PORT/PATH or spark+https://HOST[:PORT]/PATH';
/** Where credentials go instead of the URL. */
export const CREDENTIALS_ENV = 'VAULT_SPARK_USER and VAULT_SPARK_PASSWORD (or VAULT_SPARK_TOKEN)';

/**
 * The endpoint a command with `--engine spark` uses: `--db` as given, else `VAULT_SPARK_URL`; a
 * usage mistake (exit 2) when neither names one.
 */
export function sparkEndpoint(given: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env['VAULT_SPARK_URL'];
  const url = given ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  if (url === undefined) throw new UsageError('--engine spark needs the endpoint: --db spark://HOST:PORT[/DATABASE] (or spark+https://HOST/PATH), or VAULT_SPARK_URL in the environment');
  return url;
}

/** How messages name the endpoint: as the user gave it, `--db URL` or `VAULT_SPARK_URL=URL`. */
export function sparkEndpointOption(given: string | undefined): string {
  return given !== undefined ? '--db URL' : 'VAULT_SPARK_URL=URL';
}

/**
 * Validates a Spark URL. A malformed one is a usage mistake (exit 2, as a malformed PostgreSQL
 * URL); one carrying a user or password is refused (exit 1), shown masked, named by `option`
 * (`sparkEndpointOption`).
 * @example parseSparkUrl('spark://127.0.0.1:10000/default') // { transport: 'binary', host: '127.0.0.1', port: 10000, database: 'default' }
 */
export function parseSparkUrl(url: string, option = '--db URL'): SparkAddress {
  const shown = option.replace(/URL$/, redactUrl(url));
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'spark' && scheme !== 'spark+http' && scheme !== 'spark+https') {
    throw new UsageError(`${shown}: expected a Spark URL, ${FORMS}`);
  }
  const at = url.indexOf('@', scheme.length + 3);
  const authorityEnd = url.slice(scheme.length + 3).search(/[/?#]/);
  if (at >= 0 && (authorityEnd < 0 || at < scheme.length + 3 + authorityEnd)) {
    throw new DatabaseError(`${shown}: a Spark URL carries no user or password; set ${CREDENTIALS_ENV} in the environment instead`);
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${shown} is not a URL; expected ${FORMS}`);
  }
  if (u.search !== '' || u.hash !== '') throw new UsageError(`${shown}: a Spark URL takes no ?query or #fragment; expected ${FORMS}`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new UsageError(`${shown}: no host; expected ${FORMS}`);
  const path = decodeURIComponent(u.pathname);
  if (scheme === 'spark') {
    if (u.port === '') throw new UsageError(`${shown}: no port (Spark's Thrift server listens on 10000 by default); expected ${FORMS}`);
    const database = path.replace(/^\//, '');
    if (database.includes('/')) throw new UsageError(`${shown}: the path of a spark:// URL is one database name; for HTTP transport use spark+http:// or spark+https://`);
    return { transport: 'binary', host, port: Number(u.port), database: database === '' ? undefined : database };
  }
  const https = scheme === 'spark+https';
  if (path === '' || path === '/') throw new UsageError(`${shown}: an HTTP endpoint needs its path (a Databricks SQL warehouse: /sql/1.0/warehouses/ID); expected ${FORMS}`);
  return { transport: 'http', host, port: u.port === '' ? (https ? 443 : 80) : Number(u.port), path, https };
}

/**
 * Credentials from the environment: VAULT_SPARK_TOKEN (as user `token`, Databricks' personal
 * access tokens), else VAULT_SPARK_USER / VAULT_SPARK_PASSWORD; none: user `anonymous` with
 * password `anonymous` (a Thrift server without authentication still wants a non-empty one).
 */
export function sparkCredentials(env: Readonly<Record<string, string | undefined>>): SparkCredentials {
  const token = env['VAULT_SPARK_TOKEN'];
  if (token !== undefined && token !== '') return { user: 'token', password: token };
  const user = env['VAULT_SPARK_USER'];
  const password = env['VAULT_SPARK_PASSWORD'];
  return { user: user !== undefined && user !== '' ? user : 'anonymous', password: password !== undefined && password !== '' ? password : 'anonymous' };
}

/** The endpoint, safe to print (it carries no credentials). */
export function sparkLocation(a: SparkAddress): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return a.transport === 'binary' ? `spark://${host}:${a.port}${a.database === undefined ? '' : `/${a.database}`}` : `spark+${a.https ? 'https' : 'http'}://${host}:${a.port}${a.path}`;
}
