/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) keeping its files in
 * `.vault/MODEL/pgdata` under the working directory, for machines without a server.
 *
 * The folder holds the user's seeded and loaded rows, so it is never deleted or replaced: it is
 * created only when it does not exist or is empty ("first use"), and anything else that is not a
 * PostgreSQL data folder PGlite can start on is refused with what is wrong (PGlite itself would
 * run initdb over a folder without PG_VERSION). A new database is made in a staging folder and
 * renamed into place once complete, so a first use that is stopped leaves no half-made folder.
 *
 * PGlite is one process's private database: two processes opening the same directory would both
 * write it and corrupt it. A lock file next to the data directory keeps the second one out.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PGlite, Results } from '@electric-sql/pglite';
import { DatabaseError, type Database, type QueryResult, type Queryable, type SqlParam } from './database.js';
import { takeDirectoryLock } from './file-lock.js';

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

/**
 * The PostgreSQL major version of the files PGlite reads and writes (@electric-sql/pglite 0.5.x
 * embeds PostgreSQL 18); a folder made by another major version cannot be opened.
 */
export const EMBEDDED_PG_MAJOR = '18';

/**
 * What a data folder needs before PGlite may start on it, as PostgreSQL's initdb makes it. A file
 * damaged inside is PostgreSQL's to find when it starts; a missing piece is named here.
 */
const REQUIRED: ReadonlyArray<readonly [string, 'file' | 'folder']> = [
  ['global', 'folder'],
  ['global/pg_control', 'file'],
  ['base', 'folder'],
  ['pg_wal', 'folder'],
  ['pg_xact', 'folder'],
  ['postgresql.conf', 'file'],
];
/** PostgreSQL's control file is always this size (PG_CONTROL_FILE_SIZE). */
const PG_CONTROL_SIZE = 8192;

export type EmbeddedState =
  | { readonly kind: 'absent' }
  /** An empty folder: made by the user (or a symlink to one), to be filled on first use. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'ready' }
  /** `problem` completes "the embedded database DIR …". */
  | { readonly kind: 'damaged'; readonly problem: string };

const fsReason = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  const reason = { EACCES: 'permission denied', EPERM: 'operation not permitted', EIO: 'input/output error', ELOOP: 'too many symbolic links', ENOTDIR: 'a file is in the way' }[err.code ?? ''];
  return reason !== undefined ? `${reason} (${err.code})` : (err.message ?? String(e));
};

const kindOf = (s: Stats): string => (s.isFile() ? 'a file' : s.isDirectory() ? 'a folder' : s.isFIFO() ? 'a named pipe' : s.isSocket() ? 'a socket' : 'a device');

/** Whether `dir` holds a database PGlite may open, may be created, or is damaged (and how). */
export function inspectEmbedded(dir: string): EmbeddedState {
  let stat: Stats;
  try {
    stat = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { kind: 'damaged', problem: `cannot be read: ${fsReason(e)}` };
    // A symbolic link to nothing is not "absent": creating would write where the user did not mean.
    try {
      return { kind: 'damaged', problem: `is a symbolic link to ${readlinkSync(dir)}, which does not exist` };
    } catch {
      return { kind: 'absent' };
    }
  }
  if (!stat.isDirectory()) return { kind: 'damaged', problem: `is ${kindOf(stat)}, not a folder` };
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    return { kind: 'damaged', problem: `cannot be read: ${fsReason(e)}` };
  }
  if (entries.length === 0) return { kind: 'empty' };
  let version: string;
  try {
    version = readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'damaged', problem: code === 'ENOENT' ? 'has no PG_VERSION file: it is not a complete PostgreSQL data folder' : `has a PG_VERSION that cannot be read: ${fsReason(e)}` };
  }
  if (version !== EMBEDDED_PG_MAJOR) {
    return {
      kind: 'damaged',
      problem: /^\d+$/.test(version)
        ? `was made by PostgreSQL ${version}; the embedded PostgreSQL of this vault is ${EMBEDDED_PG_MAJOR}`
        : `has a damaged PG_VERSION file (${version === '' ? 'empty' : `${JSON.stringify(version.slice(0, 20))} is not a version`})`,
    };
  }
  for (const [path, kind] of REQUIRED) {
    let s: Stats;
    try {
      s = statSync(join(dir, path));
    } catch (e) {
      return { kind: 'damaged', problem: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `has no ${path} ${kind}` : `has a ${path} that cannot be read: ${fsReason(e)}` };
    }
    if (kind === 'folder' ? !s.isDirectory() : !s.isFile()) return { kind: 'damaged', problem: `has ${kindOf(s)} for ${path}, not a ${kind}` };
  }
  const control = statSync(join(dir, 'global/pg_control')).size;
  if (control !== PG_CONTROL_SIZE) return { kind: 'damaged', problem: `has a damaged global/pg_control (${control} bytes, not ${PG_CONTROL_SIZE}: truncated or overwritten)` };
  return { kind: 'ready' };
}

/** The one-line refusal for a damaged folder, with what the user can do (`serverOption`: how the command names a server, e.g. `--db URL`). */
export function damagedMessage(dir: string, problem: string, serverOption = DB_OPTION): string {
  return `the embedded database ${dir} ${problem}; vault never deletes or replaces it: move it away to start again from nothing (or restore a backup), or pass ${serverOption} to use a server`;
}

/** How most commands name a server; `compile` names it `--validate-db=URL`. */
export const DB_OPTION = '--db URL';

export interface EmbeddedOptions {
  /** Told once, when the data directory does not exist yet and is created. */
  readonly onCreate?: (dir: string) => void;
  /** How the command names a server, in messages (default `--db URL`). */
  readonly serverOption?: string;
}

export async function openEmbedded(dir: string, options: EmbeddedOptions = {}): Promise<Database> {
  makeFolders(dirname(dir));
  const release = takeDirectoryLock(`${dir}.lock`, dir);
  try {
    const state = inspectEmbedded(dir);
    if (state.kind === 'damaged') throw new DatabaseError(damagedMessage(dir, state.problem, options.serverOption));
    if (state.kind !== 'ready') await create(dir, state.kind, options);
    const db = await start(dir, (why) => damagedMessage(dir, `does not start (${why}): a file in it is damaged`, options.serverOption));
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

/** `mkdir -p`, with a clear error when a file is in the way or the folder cannot be made. */
function makeFolders(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    // The first part of the path that exists and is not a folder, if that is the cause.
    const parts = dir.split(/[\\/]/);
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      try {
        const s = statSync(p);
        if (!s.isDirectory()) throw new DatabaseError(`cannot keep the embedded database in ${dir}: ${p} is ${kindOf(s)}, not a folder; move it away or pass --db URL to use a server`);
      } catch (inner) {
        if (inner instanceof DatabaseError) throw inner;
        break;
      }
    }
    throw new DatabaseError(`cannot create the folder ${dir} for the embedded database: ${fsReason(e)}; pass --db URL to use a server`);
  }
}

/**
 * Creates the database in `DIR.creating`, closes it and renames it into place. Called with the
 * lock held, so a staging folder found is left by a first use that was stopped: it never held data.
 */
async function create(dir: string, kind: 'absent' | 'empty', options: EmbeddedOptions): Promise<void> {
  // An empty folder may be a symbolic link to one elsewhere (a bigger disk): fill the target.
  const target = kind === 'empty' ? realpathSync(dir) : dir;
  const staging = `${target}.creating`;
  rmSync(staging, { recursive: true, force: true });
  options.onCreate?.(dir);
  const fail = (why: string): string => `cannot create the embedded database ${dir}: ${why}`;
  try {
    const db = await start(staging, fail);
    await db.close();
    if (kind === 'empty') rmdirSync(target);
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (e instanceof DatabaseError) throw e;
    throw new DatabaseError(fail(fsReason(e)));
  }
}

/** Starts PGlite on `dir`; any failure to start is a DatabaseError worded by `message`. */
async function start(dir: string, message: (why: string) => string): Promise<PGlite> {
  // Imported here: loading PGlite costs time a `--db` run should not pay.
  const { PGlite } = await import('@electric-sql/pglite');
  const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
  // PostgreSQL writes this when it starts and removes it when it stops; a start that aborts
  // leaves it behind. It holds no data: the folder is put back as it was found.
  const pidFile = join(dir, 'postmaster.pid');
  const hadPidFile = existsSync(pidFile);
  try {
    const db = new PGlite(dir, { extensions: { pgcrypto } });
    await db.waitReady;
    return db;
  } catch (e) {
    if (!hadPidFile) rmSync(pidFile, { force: true });
    throw new DatabaseError(message(startFailure(e)));
  }
}

/** PGlite fails with Errors, WASM aborts, and Emscripten file-system errors (objects with errno). */
function startFailure(e: unknown): string {
  if (e instanceof Error) return /^Aborted\(/.test(e.message) ? 'PGlite aborted' : `PGlite: ${e.message.replace(/\s+/g, ' ').replace(/^PGlite /, '')}`;
  const errno = (e as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? `PGlite: file system error ${errno}` : `PGlite: ${String(e)}`;
}
