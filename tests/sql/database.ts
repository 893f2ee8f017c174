/**
 * One database per test file: the PostgreSQL server of `VAULT_TEST_DATABASE_URL` when it is set
 * (CI), embedded PGlite otherwise (a fresh machine may have no server). On a shared server every
 * run works in schemas of its own, named with a prefix unique to the run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { compileSpec, type EntityKind, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, EMPTY_COLUMN, landingTables, sqlPlan, type SqlLoad, type SqlStatement } from '@vault/emitters/internal';

export interface TestDatabase {
  readonly kind: 'server' | 'pglite';
  /** Unique to this run: prefix every schema with it. */
  readonly prefix: string;
  query<R = Record<string, unknown>>(sql: string, params?: ReadonlyArray<unknown>): Promise<{ rows: R[] }>;
  close(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const prefix = `vt${randomBytes(4).toString('hex')}`;
  const url = process.env.VAULT_TEST_DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // pgcrypto is database-wide; parallel runs may race to create it, so take a lock first.
    await client.query('SELECT pg_advisory_lock(727274)');
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
    } finally {
      await client.query('SELECT pg_advisory_unlock(727274)');
    }
    return {
      kind: 'server',
      prefix,
      query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => ({ rows: (await client.query(sql, params as unknown[])).rows as R[] }),
      close: async () => {
        const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [`${prefix}_`]);
        for (const r of rows) await client.query(`DROP SCHEMA "${r.nspname}" CASCADE`);
        await client.end();
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
  const db = new PGlite({ extensions: { pgcrypto } });
  await db.waitReady;
  await db.exec('CREATE EXTENSION IF NOT EXISTS pgcrypto');
  return {
    kind: 'pglite',
    prefix,
    query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => ({ rows: (await db.query<R>(sql, params as unknown[])).rows }),
    close: () => db.close(),
  };
}

/** `model` with schemas of its own, named `<prefix>_landing`, `_raw`, `_bv` and `_al`: one per test run on a shared database. */
export function inSchemas<M extends { readonly schemas: object }>(model: M, prefix: string): M {
  return { ...model, schemas: { landing: `${prefix}_landing`, rawVault: `${prefix}_raw`, businessVault: `${prefix}_bv`, accessLayer: `${prefix}_al` } };
}

/**
 * The statements of `load` as `vault run` chooses them: its bulk form when `empty` says the
 * table (and its register) hold nothing yet, else the general form.
 */
export async function chosenStatements(query: (sql: string) => Promise<{ rows: ReadonlyArray<Record<string, unknown>> }>, load: SqlLoad): Promise<ReadonlyArray<SqlStatement>> {
  if (load.bulk === undefined) return load.statements;
  return Number((await query(load.bulk.empty.sql)).rows[0]?.[EMPTY_COLUMN]) === 1 ? load.bulk.statements : load.statements;
}

/** The database of one test file: open from its `beforeAll` to its `afterAll`. */
export interface FileDatabase extends Omit<TestDatabase, 'close'> {
  /** A schema prefix no other call in this run returns: `<prefix>_<tag><n>`. */
  newPrefix(tag: string): string;
  /** `model` in schemas no other call in this run uses (`inSchemas` with `newPrefix(tag)`). */
  inNewSchemas<M extends { readonly schemas: object }>(model: M, tag: string): M;
  /** Compiles `spec` (throwing its diagnostics if it does not compile) into new schemas (`inNewSchemas`) and runs its setup. */
  setUpModel(spec: Spec, tag: string): Promise<VaultModel>;
  /** Lands `batch` (every landing table emptied first, then given the batch's rows of its source) and runs every load, or those of `only`, under `loadTs`. */
  deliver(model: VaultModel, batch: LandingBatch, loadTs: string, only?: EntityKind): Promise<void>;
  /** Runs every load, or those of kind `only`, under `loadTs`. */
  runLoads(model: VaultModel, loadTs: string, only?: EntityKind): Promise<void>;
}

/** One batch of landing rows, by source table: each row's keys are its columns. */
export type LandingBatch = Readonly<Record<string, ReadonlyArray<object>>>;

/** Opens the file's database before its tests and closes it after them; call it once, at the top of a test file. */
export function fileDatabase(): FileDatabase {
  let open: TestDatabase | undefined;
  let runs = 0;
  const opened = (): TestDatabase => {
    if (open === undefined) throw new Error('the test database is open only while the tests of the file run');
    return open;
  };
  const newPrefix = (tag: string): string => `${opened().prefix}_${tag}${runs++}`;
  const query = <R>(sql: string, params?: ReadonlyArray<unknown>): Promise<{ rows: R[] }> => opened().query<R>(sql, params);
  const runLoads = async (model: VaultModel, loadTs: string, only?: EntityKind): Promise<void> => {
    for (const l of sqlPlan(model).loads) {
      if (only !== undefined && l.kind !== only) continue;
      for (const st of await chosenStatements(query, l)) await query(st.sql, bindParameters(st, { load_ts: loadTs }));
    }
  };
  beforeAll(async () => {
    open = await openTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await open?.close();
  });
  return {
    get kind() {
      return opened().kind;
    },
    get prefix() {
      return opened().prefix;
    },
    query,
    newPrefix,
    inNewSchemas: (model, tag) => inSchemas(model, newPrefix(tag)),
    setUpModel: async (spec, tag) => {
      const { model: compiled, diagnostics } = compileSpec(spec);
      if (compiled === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
      const model = inSchemas(compiled, newPrefix(tag));
      for (const st of sqlPlan(model).setup) await query(st.sql);
      return model;
    },
    deliver: async (model, batch, loadTs, only) => {
      for (const t of landingTables(model)) {
        await query(`DELETE FROM ${t.sql}`);
        for (const row of batch[t.source] ?? []) {
          const columns = Object.keys(row);
          await query(`INSERT INTO ${t.sql} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
        }
      }
      await runLoads(model, loadTs, only);
    },
    runLoads,
  };
}

/** Drops the schemas of `model` (what `inSchemas` gave it) and everything in them. */
export async function dropSchemas(db: Pick<TestDatabase, 'query'>, model: { readonly schemas: Readonly<Record<string, string>> }): Promise<void> {
  for (const schema of Object.values(model.schemas)) await db.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
}
