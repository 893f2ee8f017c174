/** Exit codes, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /**
   * The input has errors (diagnostics printed), --check found differences, or the environment
   * refused (a folder that cannot be written, a full disk, an unreachable database).
   */
  failed: 1,
  /** The command line is wrong. */
  usage: 2,
  /** A bug in vault: an unexpected exception. */
  internal: 70,
} as const;

/** Thrown for a usage mistake found after argument parsing; printed without a stack trace. */
export class UsageError extends Error {}

/**
 * Thrown when the machine refuses what vault needs (a folder is read-only, the disk is full, a
 * path names a file): not a bug in vault, so one line and exit 1, no stack trace. The message
 * says what failed and what state it left.
 */
export class EnvironmentError extends Error {}
