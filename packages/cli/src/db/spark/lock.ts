/**
 * One `vault run --engine spark` per schema at a time, on this machine. Spark has no advisory
 * locks (PostgreSQL's runs take one per schema: db/lock.ts), so a run takes a pid lock file per
 * schema it writes (`pid-lock.ts`), named after the endpoint and the schema, under the OS tmp:
 * `vault-locks/spark-<hash>.lock`. Runs from other machines are not seen: on Databricks, run
 * the load as a job with at most one concurrent run (docs/spark.md).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockChangeError, takePidLock } from '../../pid-lock.js';
import { DatabaseError } from '../database.js';
import type { SchemaLock } from '../lock.js';

/** The lock file of `schema` at endpoint `location` (as printed, without credentials). */
export function sparkLockPath(location: string, schema: string, dir = join(tmpdir(), 'vault-locks')): string {
  const key = createHash('sha256').update(`${location}\n${schema}`).digest('hex').slice(0, 24);
  return join(dir, `spark-${key}.lock`);
}

/**
 * Takes the locks of `schemas` in sorted order, or fails at once naming a schema another vault
 * process of this machine holds (and lets go of what it took). Released by `release()`, or
 * when the process exits.
 */
export function lockSparkSchemas(location: string, schemas: ReadonlyArray<string>, dir = join(tmpdir(), 'vault-locks')): SchemaLock {
  const held: Array<() => void> = [];
  const release = (): void => {
    while (held.length > 0) held.pop()!();
  };
  process.on('exit', release);
  try {
    mkdirSync(dir, { recursive: true });
    for (const schema of [...new Set(schemas)].sort()) {
      const path = sparkLockPath(location, schema, dir);
      let lock;
      try {
        lock = takePidLock(path, { ownPid: 'held' });
      } catch (e) {
        if (!(e instanceof LockChangeError)) throw e;
        const err = e.cause as NodeJS.ErrnoException;
        throw new DatabaseError(`cannot lock schema ${schema} of ${location}: cannot ${e.change === 'lock' ? 'write' : 'remove the stale lock'} ${path}: ${err.code ?? err.message}`);
      }
      if (!lock.taken) {
        const who =
          typeof lock.holder === 'number'
            ? `vault process ${lock.holder} of this machine holds its lock`
            : `its lock file ${path} ${lock.holder === 'keeps changing' ? 'keeps changing' : 'is not a plain file'}`;
        throw new DatabaseError(`another vault run is writing schema ${schema} of ${location} (${who}); runs that share a schema take turns: try again when it has finished`);
      }
      held.push(lock.release);
    }
  } catch (e) {
    release();
    process.off('exit', release);
    throw e;
  }
  return {
    release: () => {
      release();
      process.off('exit', release);
      return Promise.resolve();
    },
  };
}
