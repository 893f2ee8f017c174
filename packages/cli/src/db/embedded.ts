/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) keeping its files in
 * `.vault/MODEL/pgdata` under the working directory, for machines without a server.
 *
 * PGlite is one process's private database: two processes opening the same directory would both
 * write it and corrupt it. A lock file next to the data directory keeps the second one out.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Results } from '@electric-sql/pglite';
import { DatabaseError, type Database, type QueryResult, type Queryable, type SqlParam } from './database.js';

/** What PGlite and its transactions have in common. */
interface PgliteQueryable {
  query<Row>(sql: string, params?: unknown[]): Promise<Results<Row>>;
}

function wrap(q: PgliteQueryable): Queryable {
  return {
    async query<Row>(sql: string, params?: ReadonlyArray<SqlParam>): Promise<QueryResult<Row>> {
      const r = await q.query<Row>(sql, params === undefined ? undefined : [...params]);
      return { rows: r.rows, rowCount: r.rowCount ?? r.affectedRows ?? 0, command: r.command ?? '' };
    },
  };
}

/** `.vault/MODEL/pgdata`, relative to the working directory. */
export function embeddedDataDir(model: string): string {
  return join('.vault', model, 'pgdata');
}

export interface EmbeddedOptions {
  /** Told once, when the data directory does not exist yet and is created. */
  readonly onCreate?: (dir: string) => void;
}

export async function openEmbedded(dir: string, options: EmbeddedOptions = {}): Promise<Database> {
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  mkdirSync(dirname(dir), { recursive: true });
  const release = takeDirectoryLock(`${dir}.lock`, dir);
  try {
    if (fresh) options.onCreate?.(dir);
    // Imported here: loading PGlite costs time a `--db` run should not pay.
    const { PGlite } = await import('@electric-sql/pglite');
    const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
    const db = new PGlite(dir, { extensions: { pgcrypto } });
    await db.waitReady;
    const top = wrap(db);
    return {
      location: dir,
      kind: 'embedded',
      query: top.query,
      transaction: <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => db.transaction((tx) => fn(wrap(tx))),
      async close() {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * Creates `lockPath` holding our pid, or says who holds it. A lock whose process is gone
 * (killed, crashed) is taken over.
 */
function takeDirectoryLock(lockPath: string, dir: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = (): void => {
        rmSync(lockPath, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new DatabaseError(`the embedded database ${dir} is in use by another vault process (pid ${pid}); try again when it has finished`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseError(`cannot lock the embedded database ${dir}: remove ${lockPath} if no vault process is running`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
