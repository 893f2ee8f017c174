/**
 * Writing a file the user owns (a spec): atomically (a temporary file in the same folder, then a
 * rename: a reader sees the old text or the new one, never half), through symbolic links (the
 * link stays, the file it points to gets the new text), with the file's permission bits kept,
 * and only over a regular file: a folder, a named pipe, a socket or a device is never replaced.
 * A hard-linked file is replaced under this name only (a rename cannot write through it).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `path` names something that is not a regular file; the message says what. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
}

export interface ExistingFile {
  /** The file itself, at the end of any symbolic links. */
  readonly target: string;
  /** Its permission bits. */
  readonly mode: number;
}

const kindOf = (s: Stats): string =>
  s.isDirectory() ? 'a folder' : s.isFIFO() ? 'a named pipe' : s.isSocket() ? 'a socket' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : 'not a regular file';

/**
 * The regular file `path` names (through symbolic links), or undefined when nothing is there.
 * Throws NotRegularFileError for anything else, and the file system's error when it cannot look.
 */
export function existingRegularFile(path: string): ExistingFile | undefined {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    let link: Stats;
    try {
      link = lstatSync(path);
    } catch {
      return undefined;
    }
    throw new NotRegularFileError(`${path} is ${link.isSymbolicLink() ? 'a symbolic link to a file that does not exist' : kindOf(link)}`);
  }
  const s = statSync(target);
  if (!s.isFile()) throw new NotRegularFileError(`${path} is ${kindOf(s)}, not a regular file`);
  return { target, mode: s.mode & 0o7777 };
}

/** Replaces (or creates) the file `path` names with `text`, as the module comment says. */
export function replaceFile(path: string, text: string): void {
  const existing = existingRegularFile(path);
  const target = existing?.target ?? path;
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    // chmod, not writeFileSync's mode: that one is narrowed by the umask.
    if (existing !== undefined) chmodSync(temp, existing.mode);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
