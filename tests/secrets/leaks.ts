/**
 * Where a secret could surface after a vault run: standard output, standard error, and every
 * file under the working directory (the spec, generated output, `.vault/`, the LLM cache).
 * Each secret is searched for as written, percent-encoded, JSON-escaped and line by line; the
 * forms are spelled out here, independently of the redaction code under test.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VAULT_BIN, spawnCollect, type RunResult } from '../helpers/run-vault.js';

/** Variables that would hand the child a credential the test did not choose. */
const CREDENTIAL_ENV = ['PGPASSWORD', 'PGPASSFILE', 'GROQ_API_KEY', 'GROQ_BASE_URL', 'OLLAMA_HOST', 'VAULT_SPARK_URL', 'VAULT_SPARK_USER', 'VAULT_SPARK_PASSWORD', 'VAULT_SPARK_TOKEN'];

/** The built bin in `cwd`, with `env` over a parent environment cleared of credentials. */
export function vaultIn(cwd: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
  const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', VAULT_LLM_RETRY_DELAY_MS: '1' };
  for (const k of CREDENTIAL_ENV) delete base[k];
  return spawnCollect(process.execPath, [VAULT_BIN, ...args], { cwd, env: { ...base, ...env } });
}

/** The forms in which a secret is looked for. */
export function forms(secret: string): string[] {
  const all = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), ...secret.split(/\s+/)];
  return [...new Set(all.filter((f) => f.length >= 6))];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = lstatSync(path);
    if (st.isDirectory()) out.push(...filesUnder(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

/**
 * Every place a secret was found, as `where: form`; empty when none leaked. `dirs` are searched
 * file by file, byte for byte.
 */
export function leaks(secrets: ReadonlyArray<string>, r: RunResult, dirs: ReadonlyArray<string>): string[] {
  const found: string[] = [];
  const places: Array<[string, string]> = [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ];
  for (const dir of dirs) for (const file of filesUnder(dir)) places.push([file, readFileSync(file).toString('latin1') + readFileSync(file, 'utf8')]);
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      for (const [where, text] of places) if (text.includes(form)) found.push(`${where}: ${form}`);
    }
  }
  return found;
}

/** A run that failed the way a user's mistake should: exit 1 or 2, no stack trace. */
export function failedCleanly(r: RunResult): boolean {
  return (r.code === 1 || r.code === 2) && !/\n\s+at /.test(r.stderr) && !/internal error/.test(r.stderr);
}
