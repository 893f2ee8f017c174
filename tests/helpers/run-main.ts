import { main } from '@vault/cli';
import type { RunResult } from './run-vault.js';

/**
 * Runs the CLI's `main()` in this process with captured output: the same code paths as the bin
 * (argument parsing, exit codes, the internal-error handler) without a process start per call.
 */
export async function runMain(args: ReadonlyArray<string>): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), color: false, interactive: false, progress: () => undefined });
  return { code, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
}
