/**
 * Pid lock files: a file holding the pid of the one vault process that may use something (the
 * embedded database, `.vault/MODEL/pgdata.lock`; an output folder, `DIR.vault-lock`). Made whole
 * in one step (written aside, then hard-linked into place: a reader never sees it empty), taken
 * over only from a process that no longer exists, and removed by its owner only while it is
 * still its own. The callers word the outcomes for their users.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

/** The changes a lock makes to the file system: take it, remove a stale one, release it. */
export type LockChange = 'lock' | 'unlink' | 'unlock';

export interface PidLockOptions {
  /**
   * What a lock holding this process's own pid means: `held`, one holder at a time even within
   * a process (the embedded database); or `stale`, left by an earlier write of this process
   * whose release failed (an output folder, written by one write at a time).
   */
  readonly ownPid: 'held' | 'stale';
  /** Runs each change: the output folder passes its steps, so that a test can fail any of them. */
  readonly run?: (change: LockChange, path: string, make: () => void) => void;
}

export type PidLock =
  | { readonly taken: true; readonly release: () => void }
  /** `pid` is alive and holds the lock. */
  | { readonly taken: false; readonly holder: number }
  /** The path is a folder or a link, or the lock changed hands more often than it is worth trying. */
  | { readonly taken: false; readonly holder: 'not a plain file' | 'keeps changing' };

/** A change the file system refused; `cause` is its error. */
export class LockChangeError extends Error {
  constructor(
    readonly change: LockChange,
    override readonly cause: unknown,
  ) {
    super(`cannot ${change} a pid lock: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const PID_TEXT = /^(\d+)\n?$/;

/** Creates `path` holding our pid, or says who holds it. */
export function takePidLock(path: string, options: PidLockOptions): PidLock {
  const run = options.run ?? ((_change, _path, make) => make());
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let created = false;
    try {
      run('lock', path, () => (created = createWhole(path, mine)));
    } catch (e) {
      throw new LockChangeError('lock', e);
    }
    if (created) {
      const release = (): void => {
        if (readOrUndefined(path) === mine) run('unlock', path, () => rmSync(path, { force: true }));
      };
      return { taken: true, release };
    }
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue; // released meanwhile
    }
    if (!stat.isFile()) return { taken: false, holder: 'not a plain file' };
    const text = readOrUndefined(path);
    if (text === undefined) continue;
    const pid = Number(PID_TEXT.exec(text)?.[1] ?? Number.NaN);
    const own = pid === process.pid && options.ownPid === 'stale';
    if (Number.isInteger(pid) && pid > 0 && !own && isProcessAlive(pid)) return { taken: false, holder: pid };
    // Left by a process that is gone (killed), or not a pid at all: take it over.
    try {
      run('unlink', path, () => takeOver(path, text));
    } catch (e) {
      throw new LockChangeError('unlink', e);
    }
  }
  return { taken: false, holder: 'keeps changing' };
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
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it over, or released it
    throw e;
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

/** Whether process `pid` exists: signal 0 checks without sending anything; EPERM means it exists under another user. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
