/**
 * A Spark SQL endpoint as a `Database`, through npm `hive-driver` (the HiveServer2 Thrift
 * protocol that Apache Spark's Thrift server and Databricks SQL warehouses speak): one
 * connection, one session.
 *
 * What differs from PostgreSQL, by design (docs/spark.md):
 * - No parameters are bound: the protocol has no binding, so statements arrive with their values
 *   written in (`inlineParameters`, through `DatabasePlan.bind`); `query` refuses parameters.
 * - No transactions: `transaction(fn)` runs `fn` on the session as it is. Spark writes each
 *   Parquet INSERT all or nothing, and the loads are built so that one INSERT writes each
 *   entity's table and a rerun completes a load that failed part-way.
 * - `rowCount` is the number of rows a statement returned: the protocol does not say how many
 *   rows an INSERT wrote (`vault run` counts the table before and after instead).
 * - The driver reads BIGINT and DECIMAL columns as JavaScript numbers (BIGINT beyond 2^53 as
 *   null): a query that needs them exact selects `CAST(x AS STRING)`.
 * - An error the server sends back is a `SparkServerError`: a `DatabaseError` whose message is
 *   Spark's own, on one line (no Java stack), with its SQLSTATE as `code`.
 *
 * `hive-driver` is imported when a Spark endpoint is opened, so no other command loads it.
 */
import type { Database, QueryResult, Queryable, SqlParam } from '../database.js';
import { DatabaseError } from '../database.js';
import { scrubber } from '@vault/core/internal';
import { parseSparkUrl, sparkCredentials, sparkLocation, type SparkAddress, type SparkCredentials } from './url.js';
import { openWaiting, SparkUnavailable, sparkWaitSeconds, unavailable } from './wait.js';

/** How long opening the connection and the session may take (a Databricks warehouse may be waking up). */
const OPEN_TIMEOUT_MS = 60_000;

/** An error Spark reported for a statement: its message on one line, its SQLSTATE as `code` (as PostgreSQL's errors carry theirs). */
export class SparkServerError extends DatabaseError {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The parts of hive-driver used here (it ships loose typings: `thrift` is `any`). */
interface HiveModule {
  readonly HiveClient: new (service: unknown, types: unknown) => HiveClientLike;
  readonly HiveUtils: new (types: unknown) => HiveUtilsLike;
  readonly thrift: { readonly TCLIService: unknown; readonly TCLIService_types: { readonly TProtocolVersion: Record<string, number> } };
  readonly connections: { readonly TcpConnection: new () => unknown; readonly HttpConnection: new () => unknown };
  readonly auth: {
    readonly PlainTcpAuthentication: new (o: { username: string; password: string }) => unknown;
    readonly PlainHttpAuthentication: new (o: { username: string; password: string }) => unknown;
  };
}
interface HiveClientLike {
  on(event: 'error' | 'close', listener: (e?: Error) => void): void;
  connect(options: { host: string; port: number; options?: Record<string, unknown> }, connection: unknown, auth: unknown): Promise<HiveClientLike>;
  openSession(request: { client_protocol: number }): Promise<HiveSessionLike>;
  close(): unknown;
}
interface HiveSessionLike {
  executeStatement(sql: string, options: { runAsync: boolean }): Promise<HiveOperationLike>;
  close(): Promise<unknown>;
}
interface HiveOperationLike {
  close(): Promise<unknown>;
}
interface HiveUtilsLike {
  waitUntilReady(op: HiveOperationLike, progress: boolean, callback: () => void): Promise<unknown>;
  fetchAll(op: HiveOperationLike): Promise<unknown>;
  getResult(op: HiveOperationLike): { getValue(): unknown };
}

async function loadDriver(): Promise<HiveModule> {
  const m = (await import('hive-driver')) as unknown as { default?: HiveModule } & HiveModule;
  return m.default ?? m;
}

/**
 * Opens `url` (see url.ts) with the credentials of `env`; every failure to connect is one
 * `DatabaseError` line naming the endpoint, never a credential. An endpoint that answers that it
 * is not serving yet (HTTP 429, 502, 503, 504: a SQL warehouse starting) is waited for, up to
 * `VAULT_SPARK_WAIT` seconds, each wait told to `options.note` (wait.ts).
 */
export async function openSpark(url: string, env: Readonly<Record<string, string | undefined>> = process.env, options: { readonly note?: (line: string) => void } = {}): Promise<Database> {
  const address = parseSparkUrl(url);
  const location = sparkLocation(address);
  const waitSeconds = sparkWaitSeconds(env);
  const credentials = sparkCredentials(env);
  const hide = scrubber([credentials.password]);
  const hive = await loadDriver();
  return openWaiting(() => openOnce(hive, address, location, credentials, hide), { location, waitSeconds, ...(options.note !== undefined ? { note: options.note } : {}) });
}

/** One attempt at opening: a connection, a session in UTC; `SparkUnavailable` when the endpoint is not serving yet. */
async function openOnce(hive: HiveModule, address: SparkAddress, location: string, credentials: SparkCredentials, hide: (s: string) => string): Promise<Database> {
  const types = hive.thrift.TCLIService_types;
  const client = new hive.HiveClient(hive.thrift.TCLIService, types);
  const utils = new hive.HiveUtils(types);
  // The connection reports trouble as events; without a listener Node would crash on 'error'.
  let lost: string | undefined;
  /** What the connection reported first, for `opening` to tell an endpoint not serving yet. */
  let cause: unknown;
  const losses = new Set<(why: string) => void>();
  const lose = (why: string): void => {
    lost ??= why;
    for (const f of losses) f(why);
  };
  client.on('error', (e) => {
    cause ??= e;
    lose(e === undefined ? 'connection error' : connectFailure(e, address));
  });
  client.on('close', () => lose('the server closed the connection'));
  /** `p`, or a rejection as soon as the connection is lost or `ms` pass. */
  const guarded = <T>(p: Promise<T>, what: string, ms?: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      // Whichever comes first settles it, and leaves no timer or listener behind to keep the process alive.
      const done = (): void => {
        losses.delete(fail);
        if (timer !== undefined) clearTimeout(timer);
      };
      const fail = (why: string): void => {
        done();
        reject(new DatabaseError(hide(`${what}: ${why}`)));
      };
      if (lost !== undefined) return fail(lost);
      losses.add(fail);
      if (ms !== undefined) timer = setTimeout(() => fail(`no answer within ${ms / 1000} s`), ms);
      p.then(
        (v) => {
          done();
          resolve(v);
        },
        (e: unknown) => {
          done();
          reject(e);
        },
      );
    });

  let session: HiveSessionLike;
  try {
    await guarded(client.connect(connectOptions(address), connection(hive, address), authentication(hive, address, credentials)), `cannot connect to ${location}`, OPEN_TIMEOUT_MS);
    session = await guarded(client.openSession({ client_protocol: types.TProtocolVersion['HIVE_CLI_SERVICE_PROTOCOL_V10']! }), `cannot connect to ${location}`, OPEN_TIMEOUT_MS);
  } catch (e) {
    closeQuietly(client);
    throw opening(e instanceof DatabaseError ? e : new DatabaseError(hide(`cannot connect to ${location}: ${connectFailure(e, address)}`)), cause);
  }

  const run = async <Row>(sql: string, params?: ReadonlyArray<SqlParam>): Promise<QueryResult<Row>> => {
    if (params !== undefined && params.length > 0) {
      throw new Error('vault: the Spark engine binds no parameters; the statement must carry its values (inlineParameters)');
    }
    const what = `lost the connection to ${location}`;
    let op: HiveOperationLike | undefined;
    try {
      op = await guarded(session.executeStatement(sql, { runAsync: true }), what);
      await guarded(
        utils.waitUntilReady(op, false, () => undefined),
        what,
      );
      await guarded(utils.fetchAll(op), what);
      const value = utils.getResult(op).getValue();
      const rows = (Array.isArray(value) ? value : []) as Row[];
      return { rows, rowCount: rows.length, command: commandOf(sql) };
    } catch (e) {
      throw e instanceof DatabaseError ? e : serverError(e, hide);
    } finally {
      if (op !== undefined) await op.close().catch(() => undefined);
    }
  };

  try {
    // Timestamps print and parse the same wherever vault runs, as on PostgreSQL: the session is in UTC.
    await run("SET TIME ZONE 'UTC'");
    if (address.transport === 'binary' && address.database !== undefined) await run(`USE \`${address.database.replace(/`/g, '``')}\``);
  } catch (e) {
    if (lost === undefined) await session.close().catch(() => undefined);
    closeQuietly(client);
    throw e instanceof DatabaseError ? opening(e, cause) : e;
  }

  const db: Database = {
    location,
    kind: 'spark',
    query: run,
    /** No transaction: Spark has none. `fn` runs on the session; what it wrote before a failure stays (docs/spark.md). */
    transaction: <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => fn(db),
    close: async () => {
      if (lost === undefined) await guarded(session.close(), 'closing', 10_000).catch(() => undefined);
      closeQuietly(client);
    },
  };
  return db;
}

/** A failure while opening, as `SparkUnavailable` when the connection's `cause` says the endpoint is not serving yet. */
function opening(e: DatabaseError, cause: unknown): DatabaseError {
  const u = unavailable(cause);
  return u === undefined ? e : new SparkUnavailable(e.message, u.status, u.retryAfterMs);
}

function connectOptions(a: SparkAddress): { host: string; port: number; options?: Record<string, unknown> } {
  if (a.transport === 'binary') return { host: a.host, port: a.port };
  // hive-driver turns certificate checks off for https unless told otherwise: keep them on.
  return { host: a.host, port: a.port, options: { path: a.path, https: a.https, nodeOptions: { rejectUnauthorized: true } } };
}

function connection(hive: HiveModule, a: SparkAddress): unknown {
  return a.transport === 'binary' ? new hive.connections.TcpConnection() : new hive.connections.HttpConnection();
}

function authentication(hive: HiveModule, a: SparkAddress, c: { readonly user: string; readonly password: string }): unknown {
  const options = { username: c.user, password: c.password };
  return a.transport === 'binary' ? new hive.auth.PlainTcpAuthentication(options) : new hive.auth.PlainHttpAuthentication(options);
}

function closeQuietly(client: HiveClientLike): void {
  try {
    client.close();
  } catch {
    // already closed
  }
}

/** The statement's first keyword, upper case: INSERT, SELECT, CREATE, … */
function commandOf(sql: string): string {
  const word = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(sql)?.[1];
  return (word ?? '').toUpperCase();
}

/**
 * Why opening failed (or the connection was lost), in the user's terms: a network error by its
 * code; over HTTP, the status an endpoint answered with (a refused token, a wrong path) and a TLS
 * certificate vault does not trust; a binary `spark://` URL given to an HTTP endpoint, or
 * `spark+http://` to an HTTPS one. Otherwise the driver's own message, on one line.
 * @example connectFailure({ statusCode: 401 }, parseSparkUrl('spark+https://h/sql/1.0/warehouses/a')) // 'h:443 refused the credentials (HTTP 401): …'
 */
export function connectFailure(e: unknown, a: SparkAddress): string {
  const where = `${a.host}:${a.port}`;
  const err = e as { code?: string; message?: string; statusCode?: number; errors?: ReadonlyArray<{ code?: string }> };
  const code = err.code ?? err.errors?.[0]?.code;
  const message = oneLine(err.message ?? String(e));
  const CAUSES: Record<string, string> = {
    ECONNREFUSED: `connection refused by ${where} (is a Spark Thrift server or SQL warehouse listening there?)`,
    ENOTFOUND: `unknown host '${a.host}'`,
    EAI_AGAIN: `unknown host '${a.host}' (name lookup failed)`,
    EHOSTUNREACH: `host ${a.host} is unreachable`,
    ENETUNREACH: `network unreachable for ${where}`,
    ETIMEDOUT: `timed out connecting to ${where}`,
    ECONNRESET: `${where} closed the connection (is it a Spark Thrift server? does it want spark+http:// or spark+https://?)`,
  };
  const cause = code !== undefined ? CAUSES[code] : undefined;
  if (cause !== undefined) return cause;
  if (typeof err.statusCode === 'number') return httpStatus(err.statusCode, where, a);
  if (code !== undefined && UNTRUSTED.has(code)) {
    return `the TLS certificate of ${where} is not trusted (${message}); vault checks certificates: add the issuing CA with NODE_EXTRA_CA_CERTS=FILE.pem`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the TLS certificate of ${where} is for another host (${message})`;
  if (a.transport === 'http' && a.https && code === 'EPROTO')
    return `no TLS handshake with ${where} (${message.replace(/^write EPROTO\s+/, '').slice(0, 120)}): is it a plain HTTP endpoint (spark+http://)?`;
  if (a.transport === 'http' && !a.https && code !== undefined && code.startsWith('HPE_')) return `${where} did not answer in plain HTTP: is it an HTTPS endpoint (spark+https://)?`;
  // An HTTP server answers the binary handshake with an HTTP error page; an HTTPS one with a TLS alert (a byte or two).
  if (a.transport === 'binary' && /^Authentication error: (?:[\s\S]*\bHTTP\b|[^A-Za-z]*[A-Za-z]?[^A-Za-z]*$)/.test(message)) {
    return `${where} did not answer the binary protocol: is it an HTTP endpoint (spark+http://${where}/PATH, or spark+https://)?`;
  }
  return message;
}

/** Node's codes for a certificate chain it does not trust. */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
]);

/** An HTTP endpoint's refusal, by its status. */
function httpStatus(status: number, where: string, a: SparkAddress): string {
  const path = a.transport === 'http' ? a.path : '';
  if (status === 401) return `${where} refused the credentials (HTTP 401): set VAULT_SPARK_TOKEN, or VAULT_SPARK_USER and VAULT_SPARK_PASSWORD`;
  if (status === 403) return `${where} denied access (HTTP 403): the credentials may not use ${path === '' ? 'this endpoint' : path}`;
  if (status === 404 || status === 405) return `no HiveServer2 endpoint at ${path} on ${where} (HTTP ${status}): check the path (a Databricks SQL warehouse: /sql/1.0/warehouses/ID)`;
  if (status === 429) return `${where} is limiting the rate of requests (HTTP 429)`;
  if (status === 502 || status === 503 || status === 504) return `${where} is not serving yet (HTTP ${status}; a SQL warehouse may be starting)`;
  return `${where} answered HTTP ${status}`;
}

/**
 * Spark's error as one line: the message of its error class, without the Java exception names
 * wrapped around it, the stack, or the echoed SQL.
 * @example sparkMessage('org.apache.hive.service.cli.HiveSQLException: Error running query: [X] org.apache.spark.sql.AnalysisException: [X] The table … cannot be found.\n\tat …') // '[X] The table … cannot be found.'
 */
export function sparkMessage(text: string): string {
  let m = text;
  const stack = m.search(/\n\s*at [\w$.]+\(/);
  if (stack >= 0) m = m.slice(0, stack);
  const sql = m.indexOf('\n== SQL');
  if (sql >= 0) m = m.slice(0, sql);
  // An analysis error ends with the position and the unresolved plan: keep the position.
  m = m.replace(/;\s*line (\d+) pos (\d+);[\s\S]*$/, ' (line $1, pos $2)');
  // "...Exception: [CLASS] message": keep what follows the last Java exception name.
  m = m.replace(/^[\s\S]*(?:[\w$]+\.)+[\w$]*(?:Exception|Error): /, '');
  m = oneLine(m);
  // Some errors print the query plan (`Join LeftOuter, … +- SubqueryAlias …`): cut it, keep the position.
  const position = /\(line \d+, pos \d+\)$/.exec(m)?.[0];
  const plan = m.search(/ (?:\+-|:-) /);
  if (plan >= 0) m = `${m.slice(0, plan).replace(/[\s:,(]+$/, '')} …${position === undefined ? '' : ` ${position}`}`;
  return m.length > MAX_MESSAGE ? `${m.slice(0, MAX_MESSAGE)}…${position === undefined ? '' : ` ${position}`}` : m;
}

/** Characters of a Spark error message printed at most (some messages spell out whole query plans). */
const MAX_MESSAGE = 600;

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

function serverError(e: unknown, hide: (s: string) => string): DatabaseError {
  const err = e as { message?: string; response?: { errorMessage?: string | null; sqlState?: string | null; status?: { errorMessage?: string | null; sqlState?: string | null } } };
  const text = err.response?.errorMessage ?? err.response?.status?.errorMessage ?? err.message ?? String(e);
  const state = err.response?.sqlState ?? err.response?.status?.sqlState ?? undefined;
  const code = typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? state : undefined;
  return new SparkServerError(hide(sparkMessage(text)), code);
}
