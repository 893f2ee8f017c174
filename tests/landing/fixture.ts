/**
 * A landing schema of the test's own, in the server of VAULT_TEST_DATABASE_URL when set (CI),
 * else in the embedded PGlite database of the model under a temporary working directory, where
 * `vault init`, `vault validate` and `vault compile --validate-db` find it without `--db`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEmbedded } from '../../packages/cli/dist/db/index.js';
import type { RunResult } from '../helpers/run-vault.js';
import { runVaultAsync, SERVER_URL } from '../run/workspace.js';

export interface LandingFixture {
  readonly dir: string;
  /** The model name; also the embedded database's name. */
  readonly model: string;
  readonly schema: string;
  /** Runs statements as the superuser, in order. */
  exec(statements: ReadonlyArray<string>): Promise<void>;
  /** The rows of one query, run as the superuser. */
  query<R>(sql: string): Promise<R[]>;
  /** `vault ARGS` in `dir`. */
  vault(args: ReadonlyArray<string>): Promise<RunResult>;
  /** `--db SERVER` on the server, nothing embedded. */
  readonly dbArgs: ReadonlyArray<string>;
  cleanup(): Promise<void>;
}

export async function landingFixture(tag: string): Promise<LandingFixture> {
  const dir = mkdtempSync(join(tmpdir(), `vault-landing-${tag}-`));
  const model = `${tag}_${randomBytes(3).toString('hex')}`;
  const schema = `${model}_landing`;
  /** Runs statements as the superuser, in order; the rows of the last one. */
  const run = async (statements: ReadonlyArray<string>): Promise<unknown[]> => {
    let rows: unknown[] = [];
    if (SERVER_URL !== undefined) {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      try {
        for (const s of statements) rows = (await c.query(s)).rows as unknown[];
      } finally {
        await c.end();
      }
      return rows;
    }
    const db = await openEmbedded(join(dir, '.vault', model, 'pgdata'));
    try {
      for (const s of statements) rows = (await db.query(s)).rows as unknown[];
    } finally {
      await db.close();
    }
    return rows;
  };
  const exec = async (statements: ReadonlyArray<string>): Promise<void> => void (await run(statements));
  const dbArgs = SERVER_URL !== undefined ? ['--db', SERVER_URL] : [];
  return {
    dir,
    model,
    schema,
    exec,
    query: async <R>(sql: string) => (await run([sql])) as R[],
    dbArgs,
    vault: (args) => runVaultAsync(args, dir),
    cleanup: async () => {
      if (SERVER_URL !== undefined) await exec([`DROP SCHEMA IF EXISTS "${schema}" CASCADE`]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
