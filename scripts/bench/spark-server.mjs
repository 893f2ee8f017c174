// A local Spark Thrift server for the benchmarks (scripts/bench-spark.mjs): pyspark's Spark from
// $VAULT_SPARK_VENV or <repo>/.venv-spark (scripts/install-spark.sh), on 127.0.0.1 and a free
// port, `local[N]`, in-memory catalog, Parquet tables in a warehouse under a directory of its own,
// session time zone UTC: started by scripts/spark/thrift-server.mjs, as the tests' server is (that
// one is shared by vitest workers and needs vitest; this one belongs to one process).
// `stop()` kills its process group and removes the directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accepts, freePort, sparkHomeIn, spawnThriftServer } from '../spark/thrift-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** SPARK_HOME inside the venv, or a reason it is missing. */
export function sparkHome() {
  const venv = process.env.VAULT_SPARK_VENV || join(root, '.venv-spark');
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) return { reason: 'no java on PATH (Spark needs Java 17 or later)' };
  const home = sparkHomeIn(venv);
  if (home !== undefined) return { home };
  return { reason: `no pyspark in ${venv} (run scripts/install-spark.sh, or set VAULT_SPARK_VENV)` };
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
  const pid = spawnThriftServer({ home, dir, port, cores, name: 'vault-bench', shufflePartitions: Math.max(2, cores * 2), logFile, driverMemory });
  const stop = async () => {
    if (alive(pid)) {
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
    if (!alive(pid) || Date.now() > deadline) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`the Spark Thrift server (local[${cores}]) did not start:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url: `spark://127.0.0.1:${port}`, port, log: logFile, stop };
}
