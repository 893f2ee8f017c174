/**
 * The output folder before a write: its parent made (one folder at a time), a lock so that two
 * vaults never write the same folder, what an older vault's stopped write left beside it
 * repaired, and what it holds inspected, so that everything the write needs is known to be
 * possible before anything changes.
 */
import { accessSync, constants, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoCode, fsReason } from '@vault/dsl/internal';
import { EnvironmentError } from './exit.js';
import { isTempName } from './output-journal.js';
import { environmentError, type Steps } from './output-steps.js';
import { LockChangeError, takePidLock, type PidLock } from './pid-lock.js';

/** Lists the files a compile generated, one relative path a line; what is not listed is the user's. */
export const LEDGER = '.vault-files';

const lockPath = (dir: string): string => `${dir}.vault-lock`;

/**
 * Creates the folders above `dir` that are missing, one at a time from the top (Node's recursive
 * mkdir loops forever under /proc), after checking that no part of the path is a file.
 */
export function ensureParent(dir: string, steps: Steps): void {
  const missing: string[] = [];
  for (let p = dirname(dir); ; p = dirname(p)) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw environmentError(e, `cannot use ${p} for the output`, 'nothing was written');
      missing.push(p);
      if (dirname(p) === p) break;
      continue;
    }
    if (!st.isDirectory()) throw new EnvironmentError(`${p} is a file, not a folder; the output needs a folder there (see --out); nothing was written`);
    break;
  }
  for (const m of missing.reverse()) {
    try {
      steps.run('mkdir', m, () => mkdirSync(m));
    } catch (e) {
      if (errnoCode(e) === 'EEXIST' && statSync(m, { throwIfNoEntry: false })?.isDirectory()) continue;
      const why = errnoCode(e) === 'ENOENT' ? 'the file system does not allow it' : fsReason(e);
      throw new EnvironmentError(`cannot create the folder ${m}: ${why}; nothing was written`);
    }
  }
  writable(dirname(dir), `cannot write to ${dirname(dir)}, where vault keeps the lock of ${dir} while it writes`);
}

/**
 * Takes `DIR.vault-lock`, a pid lock (`pid-lock.ts`). A lock whose process is gone was left by a
 * stopped write and is taken over, and so is one holding our own pid (an earlier write of this
 * process whose release failed); a live one means another vault is writing `dir`.
 */
export function lockOutput(dir: string, steps: Steps): () => void {
  const path = lockPath(dir);
  let lock: PidLock;
  try {
    lock = takePidLock(path, { ownPid: 'stale', run: (change, p, make) => steps.run(change, p, make) });
  } catch (e) {
    if (!(e instanceof LockChangeError)) throw e;
    throw environmentError(e.cause, e.change === 'lock' ? `cannot create the lock ${path}` : `cannot remove the stale lock ${path}`, 'nothing was written');
  }
  if (lock.taken) {
    const { release } = lock;
    return () => {
      try {
        release();
      } catch {
        // The output is written; a lock left behind is taken over by the next write (its process is gone).
      }
    };
  }
  if (lock.holder === 'not a plain file') {
    throw new EnvironmentError(`${path} is not a lock file vault made (it is not a plain file); remove it if no vault process is running; nothing was written`);
  }
  if (lock.holder === 'keeps changing') throw new EnvironmentError(`another vault process is writing ${dir} (it holds ${path}); wait for it to finish`);
  throw new EnvironmentError(`another vault process is writing ${dir} (it holds ${path}); wait for it to finish, or delete ${path} if no vault is running`);
}

/**
 * Repairs what a stopped write of an older vault, which built the output beside `dir` and swapped
 * it in, left there (the lock is held, so no write is running): when `dir` is missing (stopped
 * between its two renames) the previous output is put back; every other leftover staging or
 * previous folder is removed. Returns lines for the user.
 */
export function repairLeftovers(dir: string, steps: Steps): string[] {
  const parent = dirname(dir);
  const pattern = new RegExp(`^${basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.vault-(tmp|old)-\\d+$`);
  const notes: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent)
      .filter((n) => pattern.test(n))
      .sort();
  } catch (e) {
    throw environmentError(e, `cannot list ${parent}`, 'nothing was written');
  }
  const leftovers = names.map((n) => join(parent, n));
  const previous = leftovers.filter((p) => p.includes('.vault-old-')).sort((a, b) => mtime(b) - mtime(a));
  if (lstatSync(dir, { throwIfNoEntry: false }) === undefined && previous[0] !== undefined) {
    const back = previous[0];
    try {
      steps.run('rename', dir, () => renameSync(back, dir));
    } catch (e) {
      throw environmentError(e, `a stopped compile left the previous output of ${dir} in ${back}, and it cannot be put back`, `rename ${back} to ${dir}`);
    }
    notes.push(`vault: put back the previous output of ${dir}, which a stopped compile had left in ${back}`);
  }
  for (const p of leftovers) {
    if (p === previous[0] && lstatSync(p, { throwIfNoEntry: false }) === undefined) continue;
    try {
      steps.run('remove', p, () => rmSync(p, { recursive: true, force: true }));
      notes.push(`vault: removed ${p}, left by a stopped compile`);
    } catch (e) {
      notes.push(`vault: warning: cannot remove ${p}, left by a stopped compile: ${fsReason(e)}`);
    }
  }
  return notes;
}

const mtime = (p: string): number => lstatSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0;

export interface OutputContents {
  readonly exists: boolean;
  /** The previous compile's ledger. */
  readonly generated: ReadonlySet<string>;
  /** Temporary files a write stopped before its commit left (`output-journal.ts`), relative. */
  readonly temps: ReadonlyArray<string>;
}

function specialKind(e: Dirent): string | undefined {
  return e.isFIFO() ? 'a named pipe' : e.isSocket() ? 'a socket' : e.isCharacterDevice() || e.isBlockDevice() ? 'a device' : undefined;
}

/**
 * Lists `dir` and checks that the write can go through: `dir` is a real folder (not a link or a
 * file), every folder in it can be written (vault writes and removes its files there), and
 * nothing in it is a pipe, socket or device. Files of the user's are never read or changed.
 */
export function inspectOutput(dir: string): OutputContents {
  const none: OutputContents = { exists: false, generated: new Set(), temps: [] };
  const top = lstatSync(dir, { throwIfNoEntry: false });
  if (top === undefined) return none;
  if (top.isSymbolicLink()) {
    throw new EnvironmentError(
      `${dir} is a symbolic link; vault writes its output folder itself and does not write through links: remove the link, or pass the folder above its target as --out; nothing was written`,
    );
  }
  if (!top.isDirectory()) throw new EnvironmentError(`${dir} is a file, not a folder; move it, or write elsewhere with --out; nothing was written`);
  const generated = readLedger(dir);
  const temps: string[] = [];
  const walk = (abs: string, rel: string): void => {
    writable(abs, `cannot write to ${abs}, where vault writes and removes the files it generates`);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      throw environmentError(e, `cannot list ${abs}`, 'nothing was written');
    }
    for (const entry of entries) {
      const r = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const p = join(abs, entry.name);
      if (entry.isDirectory()) {
        walk(p, r);
        continue;
      }
      const special = specialKind(entry);
      if (special !== undefined) {
        throw new EnvironmentError(`${p} is ${special}; vault keeps only files, folders and symbolic links in its output folder: move it elsewhere; nothing was written`);
      }
      // Whatever its kind: a link there must not be written through by the next temporary file.
      if (isTempName(entry.name)) temps.push(r);
    }
  };
  walk(dir, '');
  return { exists: true, generated, temps };
}

function writable(path: string, what: string): void {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw environmentError(e, what, 'nothing was written');
  }
}

/** The previous compile's ledger; paths that would leave the folder are ignored. */
export function readLedger(dir: string): Set<string> {
  const path = join(dir, LEDGER);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st === undefined || !st.isFile()) return new Set();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw environmentError(e, `cannot read ${path}, the list of files vault generated`, 'nothing was written');
  }
  return new Set(text.split('\n').filter((l) => l !== '' && !l.includes('..') && !l.startsWith('/')));
}
