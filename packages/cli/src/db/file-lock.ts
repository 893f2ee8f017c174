/**
 * The lock file of an embedded database, `.vault/MODEL/pgdata.lock` (a pid lock, `pid-lock.ts`):
 * one holder at a time, even within a process, released when the process exits at the latest.
 */
import { LockChangeError, takePidLock, type PidLock } from '../pid-lock.js';
import { DatabaseError } from './database.js';

/** Creates `lockPath` holding our pid, or says who holds it; returns the release. */
export function takeDirectoryLock(lockPath: string, dir: string): () => void {
  const lock = take(lockPath, dir);
  if (lock.taken) {
    const release = (): void => {
      process.off('exit', release);
      lock.release();
    };
    process.on('exit', release);
    return release;
  }
  if (lock.holder === 'not a plain file') {
    throw new DatabaseError(`cannot lock the embedded database ${dir}: ${lockPath} is not a lock file vault made (it is not a plain file); remove it if no vault process is running`);
  }
  if (lock.holder === 'keeps changing') {
    throw new DatabaseError(`cannot lock the embedded database ${dir}: ${lockPath} keeps changing; remove it if no vault process is running`);
  }
  throw new DatabaseError(
    `the embedded database ${dir} is in use by another vault process (pid ${lock.holder}); try again when it has finished (if no process ${lock.holder} is a vault command, remove ${lockPath})`,
  );
}

function take(lockPath: string, dir: string): PidLock {
  try {
    return takePidLock(lockPath, { ownPid: 'held' });
  } catch (e) {
    if (!(e instanceof LockChangeError)) throw e;
    const err = e.cause as NodeJS.ErrnoException;
    const what = e.change === 'lock' ? 'cannot write' : 'cannot remove the stale lock';
    throw new DatabaseError(`cannot lock the embedded database ${dir}: ${what} ${lockPath}: ${err.code ?? err.message}`);
  }
}
