/** Exit codes, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** The input has errors (diagnostics printed), or --check found differences. */
  failed: 1,
  /** The command line is wrong. */
  usage: 2,
  /** A bug in vault: an unexpected exception. */
  internal: 70,
} as const;

/** Thrown for a usage mistake found after argument parsing; printed without a stack trace. */
export class UsageError extends Error {}
