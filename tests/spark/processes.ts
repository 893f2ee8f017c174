/**
 * Process and file helpers shared by the Spark server of the tests (server.ts, in the workers)
 * and its globalSetup (global-setup.ts, in vitest's main process, where vitest's worker API is
 * not available): nothing here imports vitest.
 */
import { readFileSync } from 'node:fs';

/** Prefix of every run directory under the OS tmp. */
export const RUN_DIR_PREFIX = 'vault-spark-';

/** Whether a process with this id exists (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(file: string): number | undefined {
  const text = readText(file);
  const pid = text === undefined ? NaN : Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The file's trimmed text, or undefined when it is missing or empty. */
export function readText(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}
