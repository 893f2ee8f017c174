/**
 * The Spark engine's parts that need no Spark: its URL forms and credentials, Spark's error text
 * on one line, statements with their values written in, and the lock files that stand in for
 * PostgreSQL's advisory locks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlStatement } from '../../packages/emitters/src/sql/statement.js';
import { ENGINES } from '../../packages/cli/src/db/engine.js';
import { DatabaseError } from '../../packages/cli/src/db/database.js';
import { connectFailure, lockSparkSchemas, parseSparkUrl, sparkCredentials, sparkLocation, sparkMessage } from '../../packages/cli/src/db/spark/index.js';
import { UsageError } from '../../packages/cli/src/exit.js';

describe('Spark URLs', () => {
  it('reads the binary and the HTTP forms', () => {
    expect(parseSparkUrl('spark://127.0.0.1:10000')).toEqual({ transport: 'binary', host: '127.0.0.1', port: 10000, database: undefined });
    expect(parseSparkUrl('spark://spark.internal:10001/sales')).toEqual({ transport: 'binary', host: 'spark.internal', port: 10001, database: 'sales' });
    expect(parseSparkUrl('spark+https://adb-1.azuredatabricks.net/sql/1.0/warehouses/abc')).toEqual({
      transport: 'http',
      host: 'adb-1.azuredatabricks.net',
      port: 443,
      path: '/sql/1.0/warehouses/abc',
      https: true,
    });
    expect(parseSparkUrl('spark+http://[::1]:10001/cliservice')).toEqual({ transport: 'http', host: '::1', port: 10001, path: '/cliservice', https: false });
    expect(sparkLocation(parseSparkUrl('spark+http://[::1]:10001/cliservice'))).toBe('spark+http://[::1]:10001/cliservice');
  });

  it('refuses credentials in the URL (DatabaseError, exit 1) and malformed URLs (UsageError, exit 2), never echoing a password', () => {
    for (const url of ['spark://u:pw-in-url@h:1', 'spark://justuser@h:1', 'spark+https://token:dapiX@h/sql/1.0/warehouses/a']) {
      const e = (() => {
        try {
          parseSparkUrl(url);
        } catch (x) {
          return x as Error;
        }
        return undefined;
      })();
      expect(e, url).toBeInstanceOf(DatabaseError);
      expect(e?.message, url).not.toMatch(/pw-in-url|dapiX/);
    }
    for (const url of ['postgres://h/d', 'spark:h:1', 'spark://h', 'spark://h:1/a/b', 'spark+https://h', 'spark://h:1?x=1']) {
      expect(() => parseSparkUrl(url), url).toThrow(UsageError);
    }
  });

  it('takes credentials from the environment: a token first, then user and password, else anonymous', () => {
    expect(sparkCredentials({ VAULT_SPARK_TOKEN: 't0k', VAULT_SPARK_USER: 'u', VAULT_SPARK_PASSWORD: 'p' })).toEqual({ user: 'token', password: 't0k' });
    expect(sparkCredentials({ VAULT_SPARK_USER: 'u', VAULT_SPARK_PASSWORD: 'p' })).toEqual({ user: 'u', password: 'p' });
    expect(sparkCredentials({})).toEqual({ user: 'anonymous', password: 'anonymous' });
  });
});

describe('why a connection to Spark failed', () => {
  const warehouse = parseSparkUrl('spark+https://adb-1.example.net/sql/1.0/warehouses/abc');
  const http = parseSparkUrl('spark+http://127.0.0.1:10001/cliservice');
  const binary = parseSparkUrl('spark://127.0.0.1:10000');
  const failure = (props: Record<string, unknown>, message = 'driver text'): Error => Object.assign(new Error(message), props);

  it('names the HTTP status an endpoint answered with', () => {
    expect(connectFailure(failure({ statusCode: 401 }), warehouse)).toBe(
      'adb-1.example.net:443 refused the credentials (HTTP 401): set VAULT_SPARK_TOKEN, or VAULT_SPARK_USER and VAULT_SPARK_PASSWORD',
    );
    expect(connectFailure(failure({ statusCode: 403 }), warehouse)).toBe('adb-1.example.net:443 denied access (HTTP 403): the credentials may not use /sql/1.0/warehouses/abc');
    for (const status of [404, 405]) {
      expect(connectFailure(failure({ statusCode: status }), warehouse)).toBe(
        `no HiveServer2 endpoint at /sql/1.0/warehouses/abc on adb-1.example.net:443 (HTTP ${status}): check the path (a Databricks SQL warehouse: /sql/1.0/warehouses/ID)`,
      );
    }
    expect(connectFailure(failure({ statusCode: 503 }), warehouse)).toBe('adb-1.example.net:443 is not serving yet (HTTP 503; a SQL warehouse may be starting)');
    expect(connectFailure(failure({ statusCode: 429 }), warehouse)).toBe('adb-1.example.net:443 is limiting the rate of requests (HTTP 429)');
    expect(connectFailure(failure({ statusCode: 418 }), http)).toBe('127.0.0.1:10001 answered HTTP 418');
  });

  it('names a certificate vault does not trust, or one for another host', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED']) {
      expect(connectFailure(failure({ code }, 'self-signed certificate'), warehouse), code).toBe(
        'the TLS certificate of adb-1.example.net:443 is not trusted (self-signed certificate); vault checks certificates: add the issuing CA with NODE_EXTRA_CA_CERTS=FILE.pem',
      );
    }
    expect(connectFailure(failure({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, "Hostname/IP does not match certificate's altnames"), warehouse)).toBe(
      "the TLS certificate of adb-1.example.net:443 is for another host (Hostname/IP does not match certificate's altnames)",
    );
  });

  it('names a transport that does not match the endpoint', () => {
    expect(connectFailure(failure({ code: 'EPROTO' }, 'write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), warehouse)).toBe(
      'no TLS handshake with adb-1.example.net:443 (80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number): is it a plain HTTP endpoint (spark+http://)?',
    );
    expect(connectFailure(failure({ code: 'HPE_INVALID_CONSTANT' }, 'Parse Error: Expected HTTP/'), http)).toBe(
      '127.0.0.1:10001 did not answer in plain HTTP: is it an HTTPS endpoint (spark+https://)?',
    );
    const hint = '127.0.0.1:10000 did not answer the binary protocol: is it an HTTP endpoint (spark+http://127.0.0.1:10000/PATH, or spark+https://)?';
    expect(connectFailure(failure({}, 'Authentication error: 1.1 400 Bad Request\nServer: Jetty\n<h2>HTTP ERROR 400 Bad Request</h2>'), binary)).toBe(hint);
    expect(connectFailure(failure({}, 'Authentication error: \u0015\u0003P'), binary)).toBe(hint);
    // A real refusal of the binary handshake keeps the server's words.
    expect(connectFailure(failure({}, 'Authentication error: Error validating the login'), binary)).toBe('Authentication error: Error validating the login');
  });

  it('keeps the network causes, and otherwise the driver message on one line', () => {
    expect(connectFailure(failure({ code: 'ECONNREFUSED' }), binary)).toBe('connection refused by 127.0.0.1:10000 (is a Spark Thrift server or SQL warehouse listening there?)');
    expect(connectFailure(failure({ code: 'ENOTFOUND' }), warehouse)).toBe("unknown host 'adb-1.example.net'");
    expect(connectFailure(failure({}, 'something\n  odd   happened'), http)).toBe('something odd happened');
  });
});

describe("Spark's error text", () => {
  it('keeps the error class and message, drops the Java wrappers, stack, SQL echo and query plan', () => {
    const raw =
      "org.apache.hive.service.cli.HiveSQLException: Error running query: [PARSE_SYNTAX_ERROR] org.apache.spark.sql.catalyst.parser.ParseException: \n[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^\n\n\tat org.apache.spark.sql.hive.thriftserver.HiveThriftServerErrors$.runningQueryError(HiveThriftServerErrors.scala:43)\n";
    expect(sparkMessage(raw)).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)");
    const analysis =
      "Error running query: [X] org.apache.spark.sql.AnalysisException: [X] The table `a`.`b` cannot be found. SQLSTATE: 42P01; line 1 pos 14;\n'Project [*]\n+- 'UnresolvedRelation [a, b], [], false\n";
    expect(sparkMessage(analysis)).toBe('[X] The table `a`.`b` cannot be found. SQLSTATE: 42P01 (line 1, pos 14)');
    const plan = `[Y] org.apache.spark.sql.AnalysisException: [Y] Unsupported: Join LeftOuter, (a = b) :- SubqueryAlias n ${'+- Project [x] '.repeat(200)}SQLSTATE: 0A000 (line 57, pos 0)`;
    expect(sparkMessage(plan)).toBe('[Y] Unsupported: Join LeftOuter, (a = b) … (line 57, pos 0)');
  });
});

describe('statements on Spark', () => {
  it('carry their values as literals (no bound parameters); a missing value is a bug', () => {
    const st = sqlStatement('load', "INSERT INTO `t` SELECT CAST(:load_ts AS TIMESTAMP), ':load_ts' -- :load_ts\nFROM `s`", { parameters: ['load_ts'] });
    expect(ENGINES.spark.bind(st, { load_ts: "2024-05-01T00:00:00.000000Z'" })).toEqual({
      sql: "INSERT INTO `t` SELECT CAST('2024-05-01T00:00:00.000000Z\\'' AS TIMESTAMP), ':load_ts' -- :load_ts\nFROM `s`",
      params: undefined,
    });
    expect(() => ENGINES.spark.bind(st, {})).toThrow(/takes 'load_ts'/);
    expect(ENGINES.postgres.bind(sqlStatement('load', 'SELECT $1', { parameters: ['load_ts'] }), { load_ts: 'x' })).toEqual({ sql: 'SELECT $1', params: ['x'] });
  });
});

describe('Spark runs take turns through lock files on the machine', () => {
  it('a second run writing a schema of the same endpoint is refused at once; another endpoint or schema is not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-locks-test-'));
    try {
      const first = lockSparkSchemas('spark://h:1', ['raw_vault', 'landing'], dir);
      expect(() => lockSparkSchemas('spark://h:1', ['access_layer', 'landing'], dir)).toThrow(
        new DatabaseError(
          `another vault run is writing schema landing of spark://h:1 (vault process ${process.pid} of this machine holds its lock); runs that share a schema take turns: try again when it has finished`,
        ),
      );
      // The refused run let go of what it took before the refusal (access_layer, sorted first).
      await lockSparkSchemas('spark://h:1', ['access_layer'], dir).release();
      const elsewhere = lockSparkSchemas('spark://other:1', ['landing'], dir);
      const other = lockSparkSchemas('spark://h:1', ['business_vault'], dir);
      await Promise.all([first.release(), elsewhere.release(), other.release()]);
      const again = lockSparkSchemas('spark://h:1', ['raw_vault', 'landing'], dir);
      await again.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
