/**
 * The lock file of an embedded database, `.vault/MODEL/pgdata.lock`: it holds the pid of the
 * one vault process using the database. Made whole in one step (written aside, then hard-linked
 * into place: a reader never sees it empty), taken over only from a process that no longer
 * exists, and removed by its owner only while it is still its own.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { isProcessAlive } from '../process-alive.js';
import { DatabaseError } from './database.js';

const PID_TEXT = /^(\d+)\n?$/;

/** Creates `lockPath` holding our pid, or says who holds it; returns the release. */
export function takeDirectoryLock(lockPath: string, dir: string): () => void {
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let created: boolean;
    try {
      created = createWhole(lockPath, mine);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new DatabaseError(`cannot lock the embedded database ${dir}: cannot write ${lockPath}: ${err.code ?? err.message}`);
    }
    if (created) {
      const release = (): void => {
        process.off('exit', release);
        if (readOrUndefined(lockPath) === mine) rmSync(lockPath, { force: true });
      };
      process.on('exit', release);
      return release;
    }
    let stat;
    try {
      stat = lstatSync(lockPath);
    } catch {
      continue; // released meanwhile
    }
    if (!stat.isFile()) {
      throw new DatabaseError(`cannot lock the embedded database ${dir}: ${lockPath} is not a lock file vault made (it is not a plain file); remove it if no vault process is running`);
    }
    const text = readOrUndefined(lockPath);
    if (text === undefined) continue;
    const pid = Number(PID_TEXT.exec(text)?.[1] ?? Number.NaN);
    if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) {
      throw new DatabaseError(
        `the embedded database ${dir} is in use by another vault process (pid ${pid}); try again when it has finished (if no process ${pid} is a vault command, remove ${lockPath})`,
      );
    }
    // Left by a process that is gone (killed), or not a pid at all: take it over.
    takeOver(lockPath, text);
  }
  throw new DatabaseError(`cannot lock the embedded database ${dir}: ${lockPath} keeps changing; remove it if no vault process is running`);
}

/** Writes `text` aside and links it to `path`: false when `path` exists. */
function createWhole(path: string, text: string): boolean {
  const aside = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, text, { flag: 'wx' });
  try {
    linkSync(aside, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: exclusive create, then write (a reader may see it empty
    // for a moment, and then treats it as stale; still one winner of the create).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw e;
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, text);
      closeSync(fd);
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Removes the stale lock whose text is `stale`, and only that one: it is renamed aside (one
 * process wins the rename) and checked; a lock that another process made meanwhile is put back.
 */
function takeOver(lockPath: string, stale: string): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else took it over, or released it
  }
  if (readOrUndefined(aside) !== stale) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // Yet another lock was made meanwhile: that one stands.
    }
  }
  rmSync(aside, { force: true });
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
