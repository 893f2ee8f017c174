/** Running programs as a user would, for the packaging tests. */
import { spawnCollect } from '../helpers/run-vault.js';
import { delimiter } from 'node:path';

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user's shell: without what `npm test` adds (npm_* variables, which
 * would steer the npm that pre-commit or the test runs, and this repository's
 * node_modules/.bin on PATH, which would answer for a `vault` that is not installed).
 */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_/i.test(k) || k === 'INIT_CWD' || k.startsWith('VITEST') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((p) => !/node_modules[\\/]\.bin/.test(p))
    .join(delimiter);
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a program to its end without blocking the test worker; never throws on a non-zero exit. */
export function exec(command: string, args: ReadonlyArray<string>, options: { cwd: string; env?: Record<string, string> }): Promise<ExecResult> {
  return spawnCollect(command, args, { cwd: options.cwd, env: options.env ?? userEnv() });
}

/** Fails with everything the program printed, so a broken install explains itself. */
export function ok(r: ExecResult, what: string): ExecResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}
