/**
 * The Spark Thrift server of a test run: ONE `HiveThriftServer2` (pyspark's Spark, local[2],
 * in-memory catalog, Parquet tables in a warehouse under the run's directory) per vitest run,
 * started lazily by the first test that asks for it and shared by every worker.
 *
 * How the workers share it: `tests/spark/global-setup.ts` (a vitest globalSetup) makes the run's
 * directory under the OS tmp and provides its path (`inject('sparkRunDir')`). In it:
 * - `start/` is the lock: the worker whose `mkdir` succeeds starts the server;
 * - `pid` is the server's process id (its own process group), written when it is spawned;
 * - `port` is written once the server accepts connections: the others wait for it;
 * - `error` is written when the start failed: the others fail with the same message;
 * - `spark.log` is the server's output, `warehouse/` its tables.
 * A lock with no live server behind it (the starter died) is stale and taken over. The
 * globalSetup's teardown kills the server's process group and removes the directory; it also
 * kills servers of earlier runs whose vitest process is gone.
 *
 * Where Spark comes from: `$VAULT_SPARK_VENV` or `<repo>/.venv-spark` (scripts/install-spark.sh),
 * plus `java` on PATH. Without them the tests are skipped with the reason, printed once per run;
 * under `CI=true` they fail instead. `VAULT_TEST_SPARK=off` skips them anywhere.
 *
 * A second server, `sparkHttpsServer()`, is reached as a Databricks SQL warehouse is: HiveServer2
 * over HTTPS at a path, a token checked on every request. Its files carry the prefix `https-`
 * (`https-pid`, `https-port`, …) and its own folder `https/` holds what the start makes: a
 * self-signed certificate for 127.0.0.1 (`keytool`), its PEM (`ca.pem`, for NODE_EXTRA_CA_CERTS),
 * the token, and the password check compiled from `https-auth.ts` (`javac`: a JDK, not only a JRE).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { accepts, freePort, sparkHomeIn, spawnThriftServer } from '../../scripts/spark/thrift-server.mjs';
import { ROOT } from '../helpers/run-vault.js';
import { httpsFiles, prepareHttps, HTTPS_PATH, httpsToolsMissing } from './https-auth.js';
import { alive, readPid, readText } from './processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's directory for the shared Spark server (tests/spark/global-setup.ts). */
    sparkRunDir: string;
  }
}

/** A running Spark Thrift server: binary transport, no authentication, on 127.0.0.1. */
export interface SparkEndpoint {
  readonly host: string;
  readonly port: number;
  /** The engine's URL form: `spark://127.0.0.1:PORT`. */
  readonly url: string;
  /** The server's output, for a failing test's message. */
  readonly log: string;
}

/** The HTTPS server (`sparkHttpsServer`): its URL is `spark+https://127.0.0.1:PORT/cliservice`. */
export interface SparkHttpsEndpoint extends SparkEndpoint {
  /** The token it accepts, as user `token` (VAULT_SPARK_TOKEN). */
  readonly token: string;
  /** Its certificate in PEM, for NODE_EXTRA_CA_CERTS. */
  readonly ca: string;
}

const START_TIMEOUT_MS = 300_000;

const inCi = (): boolean => {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false';
};

/** The venv holding pyspark, or undefined: `$VAULT_SPARK_VENV`, else `<repo>/.venv-spark`. */
function sparkVenv(): string {
  const env = process.env['VAULT_SPARK_VENV'];
  return env !== undefined && env !== '' ? env : join(ROOT, '.venv-spark');
}

let missingChecked: { readonly reason: string | undefined; readonly home: string | undefined } | undefined;

/** Why Spark cannot run here (no java, no pyspark venv), or undefined when it can. Checked once per worker. */
function missing(): { readonly reason: string | undefined; readonly home: string | undefined } {
  if (missingChecked !== undefined) return missingChecked;
  const venv = sparkVenv();
  const home = sparkHomeIn(venv);
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const reason =
    java.error !== undefined || java.status !== 0
      ? 'no java on PATH (Spark needs Java 17 or later)'
      : home === undefined
        ? `no pyspark in ${venv} (run scripts/install-spark.sh, or set VAULT_SPARK_VENV to a venv with pyspark 4.3.0)`
        : undefined;
  missingChecked = { reason, home };
  return missingChecked;
}

/**
 * Why the Spark tests do not run, or undefined when they do: for `describe.skipIf`/`it.skipIf`
 * at collection time. Prints the reason once per run. Under `CI=true` a missing Spark is not a
 * reason to skip: this returns undefined and `sparkServer()` fails with the reason.
 */
export function sparkSkipReason(): string | undefined {
  const off = process.env['VAULT_TEST_SPARK'] === 'off';
  const reason = off ? 'VAULT_TEST_SPARK=off' : inCi() ? undefined : missing().reason;
  if (reason !== undefined) printOnce(`Spark tests skipped: ${reason}`);
  return reason;
}

/** Prints `line` once per run (the first worker to create the run directory's `marker` prints it). */
function printOnce(line: string, marker = 'skip-printed'): void {
  const dir = runDir();
  try {
    closeSync(openSync(join(dir, marker), 'wx'));
  } catch {
    return;
  }
  console.warn(line);
}

function runDir(): string {
  const dir = inject('sparkRunDir');
  if (typeof dir !== 'string' || dir === '') throw new Error('tests/spark/global-setup.ts is not in vitest.config.ts globalSetup (no sparkRunDir provided)');
  return dir;
}

/** Which server: the binary one every Spark test shares, or the HTTPS one; its files in the run directory carry `prefix`. */
type Flavour = 'binary' | 'https';
const PREFIX: Record<Flavour, string> = { binary: '', https: 'https-' };

let endpoint: Promise<SparkEndpoint | { readonly skip: string }> | undefined;
let httpsEndpoint: Promise<SparkHttpsEndpoint | { readonly skip: string }> | undefined;

/**
 * The run's Spark Thrift server, started on first need (about 30 s, more on a busy machine) and
 * shared by every worker; `{ skip }` when the Spark tests do not run here (see
 * `sparkSkipReason`). Throws when Spark should run but does not start, with the log's tail.
 */
export function sparkServer(): Promise<SparkEndpoint | { readonly skip: string }> {
  endpoint ??= acquire('binary');
  return endpoint;
}

/** `sparkServer()` in a suite that runs only where Spark does (`describe.skipIf(sparkSkipReason() !== undefined)`): a skip there is an error. */
export async function requiredSparkServer(): Promise<SparkEndpoint> {
  const server = await sparkServer();
  if ('skip' in server) throw new Error(`Spark was to run: ${server.skip}`);
  return server;
}

/** Why the HTTPS server cannot run here (see `sparkSkipReason`; it also needs `javac` and `keytool`), or undefined. */
export function sparkHttpsSkipReason(): string | undefined {
  const skip = sparkSkipReason();
  if (skip !== undefined || inCi()) return skip;
  const tools = httpsToolsMissing();
  if (tools !== undefined) printOnce(`Spark HTTPS test skipped: ${tools}`, 'https-skip-printed');
  return tools;
}

/** The run's HTTPS server (see the top of this file), started on first need like `sparkServer`. */
export function sparkHttpsServer(): Promise<SparkHttpsEndpoint | { readonly skip: string }> {
  httpsEndpoint ??= acquire('https').then((e) => ('skip' in e ? e : httpsServed(e)));
  return httpsEndpoint;
}

async function acquire(flavour: Flavour): Promise<SparkEndpoint | { readonly skip: string }> {
  const skip = flavour === 'binary' ? sparkSkipReason() : sparkHttpsSkipReason();
  if (skip !== undefined) return { skip };
  const { reason, home } = missing();
  if (reason !== undefined || home === undefined) throw new Error(`Spark is required under CI: ${reason ?? 'no SPARK_HOME'}`);
  if (flavour === 'https') {
    const tools = httpsToolsMissing();
    if (tools !== undefined) throw new Error(`the Spark HTTPS test is required under CI: ${tools}`);
  }
  const dir = runDir();
  const p = PREFIX[flavour];
  const files = { lock: join(dir, `${p}start`), pid: join(dir, `${p}pid`), port: join(dir, `${p}port`), error: join(dir, `${p}error`), log: join(dir, `${p}spark.log`) };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const error = readText(files.error);
    if (error !== undefined) throw new Error(error);
    const port = readText(files.port);
    const pid = readPid(files.pid);
    if (port !== undefined && pid !== undefined && alive(pid)) return served(flavour, Number(port), files.log);
    try {
      mkdirSync(files.lock);
    } catch {
      // Another worker is starting it; take the lock over when the starter left nothing alive behind.
      if (stale(files.lock, pid)) rmSync(files.lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`the Spark Thrift server did not start within ${START_TIMEOUT_MS / 1000} s (log: ${files.log})`);
      else await sleep(500);
      continue;
    }
    try {
      return await start(flavour, home, dir, files);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      writeFileSync(files.error, message);
      throw e;
    }
  }
}

/** A start lock is stale when its server is dead, or when no server was spawned within a minute of taking it. */
function stale(lock: string, pid: number | undefined): boolean {
  if (pid !== undefined) return !alive(pid);
  try {
    return Date.now() - statSync(lock).mtimeMs > 60_000;
  } catch {
    return false;
  }
}

async function start(flavour: Flavour, home: string, dir: string, files: { readonly pid: string; readonly port: string; readonly log: string }): Promise<SparkEndpoint> {
  rmSync(files.port, { force: true });
  const port = await freePort();
  const own = join(dir, flavour === 'binary' ? '.' : 'https');
  mkdirSync(join(own, 'warehouse'), { recursive: true });
  const https = flavour === 'https' ? { path: HTTPS_PATH.slice(1), ...prepareHttps(home, own, randomBytes(24).toString('hex')) } : undefined;
  const pid = spawnThriftServer({
    home,
    dir: own,
    port,
    cores: 2,
    name: `vault-test${flavour === 'binary' ? '' : '-https'}`,
    shufflePartitions: 4,
    logFile: files.log,
    ...(https === undefined ? {} : { https }),
  });
  writeFileSync(files.pid, String(pid));
  const began = Date.now();
  const deadline = began + START_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (!alive(pid)) throw new Error(`the Spark Thrift server exited while starting:\n${tail(files.log)}`);
    if (Date.now() > deadline) throw new Error(`the Spark Thrift server did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s:\n${tail(files.log)}`);
    await sleep(500);
  }
  writeFileSync(files.port, String(port));
  console.warn(`Spark Thrift server${flavour === 'binary' ? '' : ' (HTTPS)'} up on 127.0.0.1:${port} in ${((Date.now() - began) / 1000).toFixed(1)} s (log: ${files.log})`);
  return served(flavour, port, files.log);
}

function served(flavour: Flavour, port: number, log: string): SparkEndpoint {
  const url = flavour === 'binary' ? `spark://127.0.0.1:${port}` : `spark+https://127.0.0.1:${port}${HTTPS_PATH}`;
  return { host: '127.0.0.1', port, url, log };
}

/** The HTTPS endpoint with its token and certificate, read from what its start wrote. */
function httpsServed(e: SparkEndpoint): SparkHttpsEndpoint {
  const files = httpsFiles(join(runDir(), 'https'));
  const token = readText(files.token);
  if (token === undefined) throw new Error(`the Spark HTTPS server has no token file ${files.token}`);
  return { ...e, token, ca: files.ca };
}

/** The last lines of the server's log. */
export function tail(log: string, lines = 30): string {
  return (readText(log) ?? '(no log)').split('\n').slice(-lines).join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
