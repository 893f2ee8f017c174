/**
 * A model of a test's own on the shared Spark server (duplicates.test.ts, evolve.test.ts): its
 * four schemas under one unique name, a folder for its spec, `vault run --engine spark` of that
 * spec (raw vault only), and their removal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../packages/cli/src/db/database.js';
import type { RunResult } from '../helpers/run-vault.js';
import { sparkVault } from './cli.js';
import { ident, sparkSession, uniqueSchema } from './client.js';
import type { SparkEndpoint } from './server.js';

export interface SparkModel {
  /** The landing schema, and the model's name; the vault's schemas are `<schema>_raw`, `_bv`, `_al`. */
  readonly schema: string;
  /** The session on the shared server; set by `open`. */
  db(): Database;
  writeSpec(text: string): void;
  run(loadTs: string): Promise<RunResult>;
  /** For `beforeAll`: the session (the shared server started first when it is not running yet). */
  open(): Promise<void>;
  /** For `afterAll`: drops the schemas, closes the session, removes the folder. */
  close(): Promise<void>;
}

export function sparkModel(tag: string): SparkModel {
  const schema = uniqueSchema(tag);
  const dir = mkdtempSync(join(tmpdir(), `vault-${tag.replaceAll('_', '-')}-`));
  let session: { readonly endpoint: SparkEndpoint; readonly db: Database } | undefined;
  const opened = (): { readonly endpoint: SparkEndpoint; readonly db: Database } => {
    if (session === undefined) throw new Error('sparkModel: open() first');
    return session;
  };
  return {
    schema,
    db: () => opened().db,
    writeSpec: (text) => writeFileSync(join(dir, 'spec.yaml'), text),
    run: (loadTs) => sparkVault(['run', 'spec.yaml', '--engine', 'spark', '--db', opened().endpoint.url, '--load-ts', loadTs, '--stage', 'raw'], dir),
    open: async () => {
      session = await sparkSession();
    },
    close: async () => {
      const db = session?.db;
      for (const s of [schema, `${schema}_raw`, `${schema}_bv`, `${schema}_al`]) await db?.query(`DROP SCHEMA IF EXISTS ${ident(s)} CASCADE`).catch(() => undefined);
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
