/**
 * vitest globalSetup for the shared Spark Thrift server (tests/spark/server.ts): makes this
 * run's directory under the OS tmp and provides it to the workers; the teardown kills the server
 * if a test started one (and the HTTPS server, if one did) and removes the directory. Runs of earlier vitest processes that died
 * without their teardown (killed, crashed) leave a live server behind: it is killed here too.
 * Nothing is started here: a run without Spark tests never pays for Spark.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { alive, readPid, RUN_DIR_PREFIX } from './processes.js';

export default function setup(project: TestProject): () => Promise<void> {
  for (const old of readdirSync(tmpdir()).filter((d) => d.startsWith(RUN_DIR_PREFIX))) {
    const dir = join(tmpdir(), old);
    const owner = readPid(join(dir, 'owner'));
    // Only run directories (they name their vitest process); a live vitest's run is its own.
    if (owner === undefined || alive(owner)) continue;
    void Promise.all(SERVERS.map((pid) => stopServer(dir, pid))).then(() => rmSync(dir, { recursive: true, force: true }));
  }
  const dir = mkdtempSync(join(tmpdir(), RUN_DIR_PREFIX));
  writeFileSync(join(dir, 'owner'), String(process.pid));
  project.provide('sparkRunDir', dir);
  return async () => {
    await Promise.all(SERVERS.map((pid) => stopServer(dir, pid)));
    rmSync(dir, { recursive: true, force: true });
  };
}

/** The pid files of a run's servers (tests/spark/server.ts): the binary one, the HTTPS one. */
const SERVERS = ['pid', 'https-pid'];

/** Kills the server whose pid file in run directory `dir` is `file` (its whole process group), waiting up to 20 s for it to go. */
async function stopServer(dir: string, file: string): Promise<void> {
  const pid = readPid(join(dir, file));
  if (pid === undefined || !alive(pid)) return;
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        // gone already
      }
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 20_000 && alive(pid); waited += 200) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) signal('SIGKILL');
}
