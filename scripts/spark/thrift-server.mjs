// What starting a local Spark Thrift server takes, shared by the Spark tests (tests/spark/server.ts)
// and `npm run bench:spark` (scripts/bench/spark-server.mjs): where pyspark is, a free port on
// 127.0.0.1, whether the port accepts connections, and the spark-submit command itself.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

/** `SPARK_HOME`: the pyspark package inside `venv` (it ships Spark's jars and bin/), or undefined. */
export function sparkHomeIn(venv) {
  const lib = join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)
    .filter((d) => d.startsWith('python'))
    .sort()) {
    const home = join(lib, python, 'site-packages', 'pyspark');
    if (existsSync(join(home, 'bin', 'spark-submit'))) return home;
  }
  return undefined;
}

/** A port on 127.0.0.1 nothing listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Whether 127.0.0.1:`port` accepts a connection within 2 s. */
export function accepts(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Spawns a Spark Thrift server (HiveServer2 protocol, no authentication) on 127.0.0.1:`port`,
 * `local[cores]`, session time zone UTC, an in-memory catalog with its warehouse in `dir`,
 * output appended to `logFile`. Its own process group (detached, unref'd), so the caller can stop
 * spark-submit and its JVM together with `process.kill(-pid)`.
 *
 * Binary transport by default. With `https`, HTTP transport over TLS at `https.path`, as a
 * Databricks SQL warehouse is reached: the certificate from `https.keystore` (PKCS12), and every
 * request checked by `https.auth.className` (a HiveServer2 `PasswdAuthenticationProvider` on
 * `https.auth.classPath`, reading what it accepts from `https.env`, which the server's
 * environment gets). Spark's HTTP mode listens on every interface (its Jetty connector is given
 * a port, not a host): hence TLS and a password, never an open endpoint.
 * @returns the child's pid
 */
export function spawnThriftServer({ home, dir, port, cores, name, shufflePartitions, logFile, driverMemory, https }) {
  const conf = {
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.ui.enabled': 'false',
    'spark.sql.session.timeZone': 'UTC',
    'spark.sql.catalogImplementation': 'in-memory',
    'spark.sql.warehouse.dir': join(dir, 'warehouse'),
    'spark.sql.shuffle.partitions': String(shufflePartitions),
  };
  const hiveconf =
    https === undefined
      ? {
          'hive.server2.thrift.bind.host': '127.0.0.1',
          'hive.server2.thrift.port': String(port),
          'hive.server2.transport.mode': 'binary',
          'hive.server2.authentication': 'NONE',
        }
      : {
          'hive.server2.thrift.bind.host': '127.0.0.1',
          'hive.server2.transport.mode': 'http',
          'hive.server2.thrift.http.port': String(port),
          'hive.server2.thrift.http.path': https.path,
          'hive.server2.use.SSL': 'true',
          'hive.server2.keystore.path': https.keystore.path,
          'hive.server2.keystore.password': https.keystore.password,
          'hive.server2.authentication': 'CUSTOM',
          'hive.server2.custom.authentication.class': https.auth.className,
        };
  const args = [
    '--class',
    'org.apache.spark.sql.hive.thriftserver.HiveThriftServer2',
    '--name',
    name,
    '--master',
    `local[${cores}]`,
    ...(driverMemory === undefined ? [] : ['--driver-memory', driverMemory]),
    ...(https === undefined ? [] : ['--driver-class-path', https.auth.classPath]),
    ...Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]),
    ...Object.entries(hiveconf).flatMap(([k, v]) => ['--hiveconf', `${k}=${v}`]),
    'spark-internal',
  ];
  const log = openSync(logFile, 'a');
  const child = spawn(join(home, 'bin', 'spark-submit'), args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...(https?.env ?? {}), SPARK_HOME: home, SPARK_LOCAL_IP: '127.0.0.1', SPARK_LOG_DIR: dir, SPARK_PID_DIR: dir },
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not spawn ${join(home, 'bin', 'spark-submit')}`);
  child.unref();
  return child.pid;
}
