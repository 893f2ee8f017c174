/**
 * A private copy of an example spec for one database test: its own model name (so the
 * advisory lock and the embedded database are its own) and its own schemas (so tests running at
 * the same time on one server never see each other's tables).
 *
 * With VAULT_TEST_DATABASE_URL set (CI), everything runs against that server; otherwise against
 * the embedded PGlite database the CLI keeps in the workspace's `.vault/MODEL/pgdata`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { loadSpec } from '@vault/dsl';
import type { VaultModel } from '@vault/core';
import { ROOT, VAULT_BIN, runVault, spawnCollect, type RunResult } from '../helpers/run-vault.js';
import { openEmbedded, type SqlParam } from '../../packages/cli/dist/db/index.js';

export const SERVER_URL: string | undefined = process.env['VAULT_TEST_DATABASE_URL'] || undefined;
export const ON = SERVER_URL === undefined ? 'embedded PGlite' : 'the PostgreSQL server';

export type Query = (text: string, params?: ReadonlyArray<unknown>) => Promise<Array<Record<string, unknown>>>;

/** The number in the first column of the first row. */
export async function count(q: Query, text: string, params?: ReadonlyArray<unknown>): Promise<number> {
  const rows = await q(text, params);
  return Number(Object.values(rows[0] ?? {})[0] ?? Number.NaN);
}

export interface Workspace {
  readonly dir: string;
  /** The spec, relative to `dir`. */
  readonly spec: string;
  readonly model: VaultModel;
  /** `vault ARGS` in the workspace, with `--db` when testing against a server. */
  vault(args: ReadonlyArray<string>): RunResult;
  /** The same without blocking the test's event loop (for servers and locks held by the test). */
  vaultAsync(args: ReadonlyArray<string>): Promise<RunResult>;
  /**
   * SQL from the test itself, on one connection (the embedded database is opened for it, so
   * never while a vault command runs on it).
   */
  session<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  cleanup(): Promise<void>;
}

/**
 * A temporary folder with a copy of the spec under a unique model and schema names. It works on
 * the server of `VAULT_TEST_DATABASE_URL` when set, else on embedded PGlite; `embedded: true`
 * always uses the embedded database (tests of `.vault/` itself run in CI too).
 */
export function createWorkspace(specPath: string, tag: string, options: { readonly embedded?: boolean } = {}): Workspace {
  const server = options.embedded === true ? undefined : SERVER_URL;
  const dir = mkdtempSync(join(tmpdir(), `vault-run-${tag}-`));
  const name = `${tag}_${randomBytes(4).toString('hex')}`;
  const doc = parseDocument(readFileSync(join(ROOT, specPath), 'utf8'));
  doc.set('model', name);
  doc.set('schemas', { landing: `${name}_landing`, raw_vault: `${name}_raw`, business_vault: `${name}_bv`, access_layer: `${name}_al` });
  mkdirSync(join(dir, 'specs'));
  const spec = join('specs', `${name}.yaml`);
  writeFileSync(join(dir, spec), doc.toString());
  const { model, diagnostics } = loadSpec(join(dir, spec));
  if (model === undefined) throw new Error(`workspace spec does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);

  let client: pg.Client | undefined;
  /** Runs `fn` with one connection: the server's, or the embedded database opened once. */
  const session = async <T>(fn: (query: Query) => Promise<T>): Promise<T> => {
    if (server !== undefined) {
      if (client === undefined) {
        client = new pg.Client({ connectionString: server });
        await client.connect();
      }
      const c = client;
      return fn(async (text, params = []) => (await c.query(text, [...params])).rows);
    }
    const db = await openEmbedded(join(dir, '.vault', name, 'pgdata'));
    try {
      return await fn(async (text, params = []) => [...(await db.query(text, params as ReadonlyArray<SqlParam>)).rows] as Array<Record<string, unknown>>);
    } finally {
      await db.close();
    }
  };
  return {
    dir,
    spec,
    model,
    vault: (args) => runVault([...args, ...(server !== undefined ? ['--db', server] : [])], { cwd: dir }),
    vaultAsync: (args) => runVaultAsync([...args, ...(server !== undefined ? ['--db', server] : [])], dir),
    session,
    cleanup: async () => {
      if (server !== undefined) {
        await session(async (q) => {
          for (const s of new Set(Object.values(model.schemas))) await q(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
        });
        await client?.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `"schema"."prefix_name"`, as the SQL emitter names an entity's table or view. */
export function table(model: VaultModel, schema: keyof VaultModel['schemas'], name: string): string {
  return `"${model.schemas[schema]}"."${name}"`;
}

/** Rows inserted per entity, as `vault run` prints them (`hub business_partner  42 rows inserted`). */
export function insertedCounts(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of stdout.matchAll(/^\s+\[\d+\/\d+\]\s+(\S+ \S+)\s+(\d+) rows inserted/gm)) out.set(m[1] ?? '', Number(m[2]));
  return out;
}

/** Entities whose load `vault run` skipped, with the load timestamp of the load it kept. */
export function skippedEntities(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of stdout.matchAll(/^\s+\[\d+\/\d+\]\s+(\S+ \S+)\s+0 rows inserted\s+\S+ m?s {2}skipped: landing unchanged since load_ts (\S+)$/gm)) out.set(m[1] ?? '', m[2] ?? '');
  return out;
}

/** `runVault` that lets the test process keep serving (a fake server, a held lock) meanwhile. */
export function runVaultAsync(args: ReadonlyArray<string>, cwd: string): Promise<RunResult> {
  return spawnCollect(process.execPath, [VAULT_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
}
