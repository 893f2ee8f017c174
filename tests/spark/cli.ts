/**
 * The built CLI as the Spark tests run it (run.test.ts, https.test.ts, wait.test.ts): in `cwd`,
 * with only the Spark settings the test gives (none of the caller's VAULT_SPARK_* but the venv,
 * and no NODE_EXTRA_CA_CERTS), and what it printed about the run.
 */
import { VAULT_BIN, spawnCollect, type RunResult } from '../helpers/run-vault.js';

export function sparkVault(args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}): Promise<RunResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => (!k.startsWith('VAULT_SPARK_') || k === 'VAULT_SPARK_VENV') && k !== 'NODE_EXTRA_CA_CERTS'));
  return spawnCollect(process.execPath, [VAULT_BIN, ...args], { cwd, env: { ...base, NO_COLOR: '1', ...env } });
}

/** Standard error without the spec's warnings: the lines vault printed about the run. */
export const problemLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '' && !/ warning VLT\d+: /.test(l));
