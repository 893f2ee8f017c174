// A local Spark Thrift server for the benchmarks (scripts/bench-spark.mjs): pyspark's Spark from
// $VAULT_SPARK_VENV or <repo>/.venv-spark (scripts/install-spark.sh), on 127.0.0.1 and a free
// port, `local[N]`, in-memory catalog, Parquet tables in a warehouse under a directory of its own,
// session time zone UTC: the settings tests/spark/server.ts starts the tests' server with (that
// one is shared by vitest workers and needs vitest; this one belongs to one process).
// `stop()` kills its process group and removes the directory.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** SPARK_HOME inside the venv, or a reason it is missing. */
export function sparkHome() {
  const venv = process.env.VAULT_SPARK_VENV || join(root, '.venv-spark');
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) return { reason: 'no java on PATH (Spark needs Java 17 or later)' };
  const lib = join(venv, 'lib');
  if (existsSync(lib)) {
    for (const python of readdirSync(lib)
      .filter((d) => d.startsWith('python'))
      .sort()) {
      const home = join(lib, python, 'site-packages', 'pyspark');
      if (existsSync(join(home, 'bin', 'spark-submit'))) return { home };
    }
  }
  return { reason: `no pyspark in ${venv} (run scripts/install-spark.sh, or set VAULT_SPARK_VENV)` };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
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

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

/**
 * Starts a server with `cores` cores (`local[cores]`); resolves when it accepts connections.
 * @returns {Promise<{ url: string, port: number, log: string, stop: () => Promise<void> }>}
 */
export async function startSparkServer(home, cores, { driverMemory = '4g', timeoutMs = 300_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vault-bench-spark-'));
  const port = await freePort();
  const logFile = join(dir, 'spark.log');
  const log = openSync(logFile, 'a');
  const conf = {
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.ui.enabled': 'false',
    'spark.sql.session.timeZone': 'UTC',
    'spark.sql.catalogImplementation': 'in-memory',
    'spark.sql.warehouse.dir': join(dir, 'warehouse'),
    'spark.sql.shuffle.partitions': String(Math.max(2, cores * 2)),
  };
  const hiveconf = {
    'hive.server2.thrift.bind.host': '127.0.0.1',
    'hive.server2.thrift.port': String(port),
    'hive.server2.transport.mode': 'binary',
    'hive.server2.authentication': 'NONE',
  };
  const args = [
    '--class',
    'org.apache.spark.sql.hive.thriftserver.HiveThriftServer2',
    '--name',
    'vault-bench',
    '--master',
    `local[${cores}]`,
    '--driver-memory',
    driverMemory,
    ...Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]),
    ...Object.entries(hiveconf).flatMap(([k, v]) => ['--hiveconf', `${k}=${v}`]),
    'spark-internal',
  ];
  const child = spawn(join(home, 'bin', 'spark-submit'), args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, SPARK_HOME: home, SPARK_LOCAL_IP: '127.0.0.1', SPARK_LOG_DIR: dir, SPARK_PID_DIR: dir },
  });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  const stop = async () => {
    if (pid !== undefined && alive(pid)) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // gone already
      }
      for (let waited = 0; waited < 20_000 && alive(pid); waited += 200) await new Promise((r) => setTimeout(r, 200));
      if (alive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (pid === undefined || !alive(pid) || Date.now() > deadline) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`the Spark Thrift server (local[${cores}]) did not start:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url: `spark://127.0.0.1:${port}`, port, log: logFile, stop };
}
