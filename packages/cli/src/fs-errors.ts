/**
 * File-system errors in words, for one-line messages: the one place errno codes are translated
 * for writing (reading specs has its own, `readFailure` in @vault/dsl).
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
