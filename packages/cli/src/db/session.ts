/**
 * What `vault run` and `vault seed` share: open the database, lock the schemas they write, create
 * what is missing, and always let go of both.
 */
import { DELTA_ORDER_REFUSED, bindParameters, sparkDialect, tableIdent, type SqlStatement } from '@vault/emitters/internal';
import { DatabaseError, isServerError, sqlErrorLine, type Database, type Queryable } from './database.js';
import { ENGINES, type EngineName } from './engine.js';
import { lockSchemas, type SchemaLock } from './lock.js';
import { openDatabase } from './open.js';
import { INSUFFICIENT_PRIVILEGE, READ_ONLY_TRANSACTION, readSetupCatalog } from './setup-catalog.js';
import { withUserSearchPath } from './session-settings.js';
import { sparkColumnProblems } from './spark/columns.js';
import { lockSparkSchemas, openSpark, parseSparkUrl, sparkEndpoint, sparkEndpointOption, sparkLocation } from './spark/index.js';

export interface SessionOptions {
  /** `postgres` unless given. */
  readonly engine?: EngineName;
  /** PostgreSQL: `--db`, else the embedded database. Spark: `--db`, else `VAULT_SPARK_URL`. */
  readonly url?: string;
  readonly model: string;
  /** Every schema the command creates or writes into: locked for it (db/lock.ts). */
  readonly schemas: ReadonlyArray<string>;
  readonly note: (line: string) => void;
}

/** Runs `fn` with the database open and its schemas locked; releases both whatever happens. */
export async function withLockedDatabase<T>(options: SessionOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  if (options.engine === 'spark') return withLockedSpark(options, fn);
  const db = await openDatabase(options);
  try {
    const lock = await lockSchemas(db, options.schemas);
    try {
      return await fn(db);
    } finally {
      await lock.release().catch(() => undefined);
    }
  } finally {
    await db.close();
  }
}

/**
 * The Spark engine's session: the endpoint of `--db` or `VAULT_SPARK_URL`, its schemas locked
 * by lock files on this machine (Spark has no advisory locks: db/spark/lock.ts), taken before
 * connecting.
 */
async function withLockedSpark<T>(options: SessionOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const url = sparkEndpoint(options.url);
  const lock: SchemaLock = lockSparkSchemas(sparkLocation(parseSparkUrl(url, sparkEndpointOption(options.url))), options.schemas);
  try {
    const db = await openSpark(url, process.env, { note: options.note });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  } finally {
    await lock.release();
  }
}

export interface SetupResult {
  readonly statements: number;
  /** Tables and views that did not exist before, in the model's schemas. */
  readonly created: number;
}

/** A key of its own class, so no schema's lock can be it. */
const WAIT_FOR_EXTENSIONS = "SELECT pg_advisory_xact_lock(hashtext('vault setup'), hashtext('extensions'))";

/**
 * Runs the idempotent setup DDL in one transaction: all of it, or nothing. Spark has no
 * transactions: there it runs statement by statement (sparkSetup).
 */
export function runSetup(db: Database, setup: ReadonlyArray<SqlStatement>, schemas: ReadonlyArray<string>): Promise<SetupResult> {
  if (db.kind === 'spark') return sparkSetup(db, setup, schemas);
  return db.transaction((tx) => applySetup(tx, setup, schemas));
}

/**
 * The setup on Spark, one statement after the other: every statement is idempotent (CREATE …
 * IF NOT EXISTS, ghost records inserted once), so a setup that stops part-way keeps what it
 * created and the next run completes it. Tables and views are counted with SHOW TABLES.
 */
async function sparkSetup(db: Database, setup: ReadonlyArray<SqlStatement>, schemas: ReadonlyArray<string>): Promise<SetupResult> {
  /** The tables and views of `schemas` that exist, as `schema.table` in the names Spark folds to. */
  const relations = async (): Promise<Set<string>> => {
    // SHOW SCHEMAS gives one column (`namespace`; `databaseName` before Spark 3).
    const existing = new Set((await db.query<Record<string, unknown>>('SHOW SCHEMAS')).rows.map((r) => sparkDialect.foldName(String(Object.values(r)[0]))));
    const found = new Set<string>();
    for (const schema of new Set(schemas.map((s) => sparkDialect.foldName(s)))) {
      if (!existing.has(schema)) continue;
      const rows = (await db.query<{ tableName?: unknown }>(`SHOW TABLES IN ${sparkDialect.quoteIdent(schema)}`)).rows;
      // A temporary view is listed in every schema: it is not one of the schema's own.
      for (const r of rows) if (String((r as Record<string, unknown>).isTemporary ?? 'false') !== 'true') found.add(`${schema}.${sparkDialect.foldName(String(r.tableName ?? ''))}`);
    }
    return found;
  };
  const before = await relations();
  const { missing, retyped } = await sparkColumnProblems(db, setup, before);
  if (missing.length + retyped.length > 0) {
    const how = [
      ...(missing.length > 0 ? ['Spark setup does not add the columns a spec adds to a table that exists; add them with the statement shown'] : []),
      ...(retyped.length > 0 ? ['Spark setup does not change the type of a column a table holds; keep the stored type in the spec (or give the new type to a column of a new name)'] : []),
    ];
    throw new DatabaseError(`setup failed, nothing was created: ${[...missing, ...retyped].join('; ')}: ${how.join('. ')}, or drop the table to load it again`);
  }
  for (const [i, statement] of setup.entries()) {
    try {
      // Setup statements declare no parameters: none written in, and one declared later fails loudly here.
      await db.query(ENGINES.spark.bind(statement, {}).sql);
    } catch (e) {
      if (!(e instanceof DatabaseError)) throw e;
      const head = statement.sql.trim().split('\n')[0] ?? '';
      throw new DatabaseError(
        `setup failed at statement ${i + 1} of ${setup.length}: ${sqlErrorLine(e)} (in: ${head.length > 80 ? `${head.slice(0, 80)}…` : head}); ` +
          'Spark has no transactions, so what the statements before it created stays: every setup statement is idempotent, run again once the cause is fixed',
      );
    }
  }
  return { statements: setup.length, created: (await relations()).size - before.size };
}

/** Runs the setup DDL inside the caller's transaction (`vault seed` changes nothing until its checks pass). */
export async function applySetup(tx: Queryable, setup: ReadonlyArray<SqlStatement>, schemas: ReadonlyArray<string>): Promise<SetupResult> {
  const relations = async (q: Queryable): Promise<number> => {
    const r = await q.query<{ n: number | string }>(
      "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = ANY(string_to_array($1, chr(31))) AND c.relkind IN ('r', 'v', 'm', 'p')",
      [schemas.join('\u001f')],
    );
    return Number(r.rows[0]?.n ?? 0);
  };
  // Extensions belong to the whole database, not to the locked schemas: two models' first
  // setups would race to create one (a unique violation). They take turns, until commit.
  if (setup.some((s) => s.kind === 'extension')) await tx.query(WAIT_FOR_EXTENSIONS);
  const before = await relations(tx);
  const catalog = await readSetupCatalog(tx, schemas);
  for (const statement of setup) {
    // What exists is not created again: CREATE … IF NOT EXISTS would still ask for the privilege to create it.
    if (statement.creates !== undefined && (await catalog.exists(statement.creates))) continue;
    try {
      // Setup statements declare no parameters: none bound, and one declared later fails loudly here.
      const run = () => tx.query(statement.sql, bindParameters(statement, {}));
      await (statement.kind === 'extension' ? withUserSearchPath(tx, run) : run());
    } catch (e) {
      if (!isServerError(e)) throw e;
      const head = statement.sql.trim().split('\n')[0] ?? '';
      const view = statement.kind === 'view' && statement.relation !== undefined ? tableIdent(statement.relation) : undefined;
      // 42P16: CREATE OR REPLACE VIEW can only append columns; the spec changed this view's.
      if (view !== undefined && e.code === '42P16') {
        throw new DatabaseError(
          `setup failed, nothing was created: the spec changed the columns of view ${view}, which PostgreSQL cannot change in place (${sqlErrorLine(e)}); ` +
            'run again with --replace-views to drop and create the business vault and access layer views (their grants are kept)',
        );
      }
      // The evolve block refuses a delta order for a table holding rows loaded without one; its message says which and what to do.
      if (statement.kind === 'table' && e.code === DELTA_ORDER_REFUSED) throw new DatabaseError(`setup failed, nothing was created: ${e.message}`);
      // A privilege the role lacks: which one, and the GRANT that gives it.
      const denied = e.code === INSUFFICIENT_PRIVILEGE ? catalog.deniedText(statement) : undefined;
      if (denied !== undefined) throw new DatabaseError(`setup failed, nothing was created: ${denied} (${sqlErrorLine(e)})`);
      // Setup writes before any load does: a read-only session stops here, nothing written.
      if (e.code === READ_ONLY_TRANSACTION) throw new DatabaseError(`setup failed, nothing was created: ${catalog.readOnlyText()} (${sqlErrorLine(e)})`);
      throw new DatabaseError(`setup failed, nothing was created: ${sqlErrorLine(e)} (in: ${head.length > 80 ? `${head.slice(0, 80)}…` : head})`);
    }
  }
  return { statements: setup.length, created: (await relations(tx)) - before };
}
