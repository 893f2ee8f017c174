/**
 * File-system errors in words, for one-line messages: the one place errno codes are translated,
 * for the CLI's writes (`fsReason`) and for reading specs and profiles (`readFailure`, whose
 * words predate the table and are kept).
 */

/** Errors a broken or restricted environment causes, never vault's own mistakes. */
const ENVIRONMENT: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EBUSY: 'the file or folder is busy',
  ETXTBSY: 'the file is busy',
  EFBIG: 'the file is too large',
  EXDEV: 'it is on another file system',
  ENOTEMPTY: 'the folder is not empty',
  EEXIST: 'it already exists',
  ENOENT: 'no such file or folder',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EINVAL: 'the file system does not allow it',
};

export function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason in words, for any error (the message of one that is not a file-system error). */
export function fsReason(e: unknown): string {
  const code = errnoCode(e);
  return (code !== undefined ? ENVIRONMENT[code] : undefined) ?? (e instanceof Error ? e.message.split('\n')[0]! : String(e));
}

/**
 * Whether `e` is a system error the environment caused (a Node error with an errno code from
 * the list), which main() reports as one line and exit 1 wherever it comes from. ENOENT and
 * EEXIST are left out: vault checks for those itself, so when one escapes it is a bug.
 */
export function isEnvironmentFsError(e: unknown): e is NodeJS.ErrnoException {
  const code = errnoCode(e);
  return code !== undefined && code !== 'ENOENT' && code !== 'EEXIST' && Object.hasOwn(ENVIRONMENT, code) && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Words that reading a spec or profile has always used, where they differ from `fsReason`'s. */
const READ_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
};

/** Why a file could not be read, in words; any other error's message as it is. */
export function readFailure(e: unknown): string {
  const code = errnoCode(e);
  return (code !== undefined ? READ_REASONS[code] : undefined) ?? (e as Error).message;
}
