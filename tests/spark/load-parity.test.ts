/**
 * Load parity of the Spark target with PostgreSQL (issue 19): the same spec compiled for both
 * dialects, set up on both engines, and the SAME landing batches (seedRows: a first batch, a
 * second with changed and new keys, the second again) loaded under the same load timestamps;
 * then every table of the vault (raw vault, snapshot control, PIT, bridge, …: every base table
 * outside the landing schema) holds the same rows on both, every column compared as text
 * normalised alike (timestamps as UTC ISO text with microseconds, decimals exact, floats as
 * their shortest text), hash keys included. On Spark, a rerun of the last batch adds no row, each
 * hub and link has one row per key, and every link's hub keys and every satellite's parent key
 * are in the parent; and k changes of a key across batches give k satellite rows.
 *
 * PostgreSQL: the server of VAULT_TEST_DATABASE_URL, or PGlite. Spark: the run's Thrift server
 * (tests/spark/server.ts); skipped with the reason printed when Spark is not installed.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSpec, type Spec, type VaultModel } from '@vault/core';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { bindParameters, entityTable, inlineParameters, landingTables, quoteIdent, seedRows, sparkDialect, sqlPlan, type SqlTable } from '@vault/emitters/internal';
import { postgresDialect } from '../../packages/emitters/src/sql/dialect/postgres/index.js';
import type { Database } from '../../packages/cli/src/db/database.js';
import { generatedSpecArb } from '../arbitraries/spec.js';
import { dropSchemas, inSchemas, openTestDatabase, type TestDatabase } from '../sql/database.js';
import { ident, insertRows, openSparkClient, queryText, uniqueSchema } from './client.js';
import { requiredSparkServer, sparkSkipReason } from './server.js';

/** Spark runs a statement in 0.2-2 s, more on a busy machine: a model's loads take minutes. */
const SLOW = 1_800_000;
const ROWS = 8;
/** The batches: the first, a second (changed rows, new keys), the second again, each under its own load timestamp. */
const BATCHES = [
  { batch: 1, loadTs: '2024-05-01T08:00:00.123456Z' },
  { batch: 2, loadTs: '2024-05-02T08:00:00Z' },
  { batch: 2, loadTs: '2024-05-03T08:00:00.000001Z' },
] as const;
/**
 * Tables whose rows record the run rather than the data: the ledger (Spark keeps no landing
 * fingerprints, so its columns differ), and the record of which model owns each object (Spark
 * has none of PostgreSQL's tables of changed landing rows to record).
 */
const RUN_RECORDS = new Set(['vault_loads', 'vault_objects']);

type Rows = ReadonlyArray<Readonly<Record<string, string | null>>>;

describe.skipIf(sparkSkipReason() !== undefined)('load parity: Spark loads the vault PostgreSQL loads', () => {
  let pg: TestDatabase;
  let spark: Database;

  beforeAll(async () => {
    const server = await requiredSparkServer();
    [pg, spark] = await Promise.all([openTestDatabase(), openSparkClient(server)]);
    await pg.query("SET TIME ZONE 'UTC'");
    await spark.query("SET TIME ZONE 'UTC'");
  }, 300_000);

  afterAll(async () => {
    await spark?.close();
    await pg?.close();
  });

  /** Sets `compiled` up on both engines under schemas of its own, loads the batches of `seed` on both, compares, and checks Spark. */
  async function parity(compiled: VaultModel, seed: number, asOfFilled = false): Promise<void> {
    const model = inSchemas(compiled, uniqueSchema(`${pg.prefix}_lp`));
    try {
      const pgPlan = sqlPlan(model);
      const sparkPlan = sqlPlan(model, sparkDialect);
      for (const s of pgPlan.setup) await pg.query(s.sql);
      for (const s of sparkPlan.setup) await spark.query(inlineParameters(s, {}));
      for (const { batch, loadTs } of BATCHES) {
        const rows = seedRows(model, { rows: ROWS, seed, batch });
        await landPg(model, rows);
        await landSpark(model, rows);
        for (const l of pgPlan.loads) {
          await pg.query('BEGIN');
          for (const s of l.statements) await pg.query(s.sql, bindParameters(s, { load_ts: loadTs }));
          await pg.query('COMMIT');
        }
        await loadSpark(model, loadTs);
      }
      const tables = await vaultTables(model);
      expect(tables.length).toBeGreaterThan(0);
      const sparkTables = await sparkBaseTables(model);
      // The same tables on both engines (Spark's ledger is its own).
      expect(
        sparkTables
          .filter((t) => !RUN_RECORDS.has(t.name))
          .map(key)
          .sort(),
      ).toEqual(tables.map(key).sort());
      const before = new Map<string, number>();
      for (const t of tables) {
        const [p, s] = await Promise.all([pgRows(t), sparkRows(t)]);
        expect(s, `${key(t)} on Spark vs PostgreSQL`).toEqual(p);
        before.set(key(t), s.length);
      }
      // The loads put data everywhere a batch reaches: every hub holds keys beside its ghost record.
      for (const h of model.byKind.hub) expect(before.get(key(entityTable({ model, dialect: postgresDialect }, 'hub', h.name))), `hub ${h.name}`).toBeGreaterThan(1);
      // Daily snapshots (LGD): the batch of May 2 fills the PITs and bridges first, the batch of May 3 adds the
      // snapshot of May 2 from the one before (the incremental load), so both ways were compared above.
      if (asOfFilled)
        for (const kind of ['pit', 'bridge'] as const)
          for (const e of model.byKind[kind]) {
            const dates = await queryText(spark, `SELECT CAST(count(DISTINCT snapshot_date) AS STRING) AS n FROM ${sparkTable(model, kind, e.name)}`);
            expect(Number(dates[0]?.['n']), `${kind} ${e.name}: snapshots filled on Spark`).toBeGreaterThanOrEqual(2);
          }
      const compared = [...before.values()].reduce((a, b) => a + b, 0);
      console.info(`${model.name} (seed ${seed}): ${tables.length} tables, ${compared} rows equal on Spark and PostgreSQL`);
      // A rerun of the last batch, same load timestamp: nothing new on Spark.
      await loadSpark(model, BATCHES[BATCHES.length - 1]!.loadTs);
      for (const t of tables) expect(await sparkCount(t), `${key(t)} after a rerun`).toBe(before.get(key(t)));
      await invariants(model);
    } finally {
      await dropSchemas(pg, model);
      for (const schema of Object.values(model.schemas)) await spark.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    }
  }

  async function landPg(model: VaultModel, tables: ReturnType<typeof seedRows>): Promise<void> {
    const landing = new Map(landingTables(model).map((t) => [t.source, t.sql]));
    for (const t of tables) {
      const table = landing.get(t.table)!;
      await pg.query(`DELETE FROM ${table}`);
      if (t.rows.length === 0) continue;
      let n = 0;
      const values = t.rows.map((r) => `(${r.map(() => `$${++n}`).join(', ')})`);
      await pg.query(`INSERT INTO ${table} (${t.columns.map(quoteIdent).join(', ')}) VALUES ${values.join(', ')}`, t.rows.flat());
    }
  }

  async function landSpark(model: VaultModel, tables: ReturnType<typeof seedRows>): Promise<void> {
    const landing = new Map(landingTables(model, sparkDialect).map((t) => [t.source, t.sql]));
    for (const t of tables) {
      const table = landing.get(t.table)!;
      await spark.query(`TRUNCATE TABLE ${table}`);
      await insertRows(
        spark,
        table,
        t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))),
      );
    }
  }

  async function loadSpark(model: VaultModel, loadTs: string): Promise<void> {
    for (const l of sqlPlan(model, sparkDialect).loads) {
      for (const s of l.statements) {
        try {
          await spark.query(inlineParameters(s, { load_ts: loadTs }));
        } catch (e) {
          throw new Error(`Spark refused a statement of load ${l.kind} ${l.entity}: ${(e as Error).message}\n${s.sql.slice(0, 2000)}`, { cause: e });
        }
      }
    }
  }

  /** The base tables of the model's schemas but landing, on PostgreSQL, with their columns' types. */
  async function vaultTables(model: VaultModel): Promise<Array<SqlTable & { readonly columns: ReadonlyArray<{ readonly name: string; readonly udt: string }> }>> {
    const schemas = [model.schemas.rawVault, model.schemas.businessVault, model.schemas.accessLayer];
    const { rows } = await pg.query<{ s: string; t: string; c: string; udt: string }>(
      `SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c, c.udt_name AS udt FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE t.table_type = 'BASE TABLE' AND c.table_schema = ANY($1) ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
      [schemas],
    );
    // PostgreSQL's sets of loaded landing rows (vault run's changed rows; Spark has none) record the run too.
    const changedRows = new Set(sqlPlan(model).landingChanges.flatMap((c) => [c.rows, c.changes, c.gone, c.fresh].map((t) => `${t.schema}.${t.name}`)));
    const out = new Map<string, { schema: string; name: string; columns: Array<{ name: string; udt: string }> }>();
    for (const r of rows) {
      if (RUN_RECORDS.has(r.t) || changedRows.has(`${r.s}.${r.t}`)) continue;
      const k = `${r.s}.${r.t}`;
      if (!out.has(k)) out.set(k, { schema: r.s, name: r.t, columns: [] });
      out.get(k)!.columns.push({ name: r.c, udt: r.udt });
    }
    return [...out.values()];
  }

  async function sparkBaseTables(model: VaultModel): Promise<SqlTable[]> {
    const out: SqlTable[] = [];
    for (const schema of [model.schemas.rawVault, model.schemas.businessVault, model.schemas.accessLayer]) {
      const exists = await queryText(spark, `SHOW SCHEMAS LIKE ${sparkDialect.quoteLiteral(schema)}`);
      if (exists.length === 0) continue;
      const views = new Set((await queryText(spark, `SHOW VIEWS IN ${ident(schema)}`)).map((r) => r['viewName']));
      for (const r of await queryText(spark, `SHOW TABLES IN ${ident(schema)}`)) if (r['isTemporary'] !== 'true' && !views.has(r['tableName'])) out.push({ schema, name: r['tableName']! });
    }
    return out;
  }

  const key = (t: SqlTable): string => `${t.schema}.${t.name}`;

  /** Each column's text on PostgreSQL, by its type. */
  function pgText(column: string, udt: string): string {
    const c = quoteIdent(column);
    switch (udt) {
      case 'timestamptz':
        return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
      case 'timestamp':
        return `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
      case 'date':
        return `to_char(${c}, 'YYYY-MM-DD')`;
      case 'float4':
      case 'float8':
        return postgresDialect.canonicalText({ form: 'float' }, { sql: c, type: { kind: udt === 'float4' ? 'real' : 'double' } }, (w) => w);
      case 'bytea':
        return `encode(${c}, 'hex')`;
      default:
        return `CAST(${c} AS text)`;
    }
  }

  /** The same text on Spark, by the PostgreSQL column's type. */
  function sparkText(column: string, udt: string): string {
    const c = ident(column);
    switch (udt) {
      case 'timestamptz':
      case 'timestamp':
        return `date_format(${c}, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")`;
      case 'date':
        return `date_format(${c}, 'yyyy-MM-dd')`;
      case 'float4':
      case 'float8':
        return sparkDialect.canonicalText({ form: 'float' }, { sql: c, type: { kind: udt === 'float4' ? 'real' : 'double' } }, (w) => w);
      case 'bytea':
        return `lower(hex(${c}))`;
      default:
        return `CAST(${c} AS STRING)`;
    }
  }

  const sorted = (rows: Rows): Rows => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));

  async function pgRows(t: Awaited<ReturnType<typeof vaultTables>>[number]): Promise<Rows> {
    const { rows } = await pg.query<Record<string, string | null>>(
      `SELECT ${t.columns.map((c) => `${pgText(c.name, c.udt)} AS ${quoteIdent(c.name)}`).join(', ')} FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`,
    );
    return sorted(rows);
  }

  async function sparkRows(t: Awaited<ReturnType<typeof vaultTables>>[number]): Promise<Rows> {
    return sorted(await queryText(spark, `SELECT ${t.columns.map((c) => `${sparkText(c.name, c.udt)} AS ${ident(c.name)}`).join(', ')} FROM ${ident(t.schema)}.${ident(t.name)}`));
  }

  async function sparkCount(t: SqlTable): Promise<number> {
    return Number((await queryText(spark, `SELECT CAST(count(*) AS STRING) AS n FROM ${ident(t.schema)}.${ident(t.name)}`))[0]?.['n']);
  }

  const sparkTable = (model: VaultModel, kind: Parameters<typeof entityTable>[1], name: string): string => {
    const t = entityTable({ model, dialect: sparkDialect }, kind, name);
    return `${ident(t.schema)}.${ident(t.name)}`;
  };

  /** On Spark: one hub row per key; every link's hub keys and every satellite's parent key stored in the parent; no state stored twice in a row. */
  async function invariants(model: VaultModel): Promise<void> {
    const one = async (sql: string): Promise<string | null | undefined> => Object.values((await queryText(spark, sql))[0] ?? {})[0];
    for (const h of model.byKind.hub) {
      const t = sparkTable(model, 'hub', h.name);
      expect(await one(`SELECT CAST(count(*) - count(DISTINCT ${ident(h.hashKey)}) AS STRING) FROM ${t}`), `hub ${h.name}: one row per key`).toBe('0');
    }
    for (const l of model.byKind.link) {
      const t = sparkTable(model, 'link', l.name);
      expect(await one(`SELECT CAST(count(*) - count(DISTINCT ${ident(l.hashKey)}) AS STRING) FROM ${t}`), `link ${l.name}: one row per key`).toBe('0');
      for (const hub of l.hubs) {
        const parent = model.byKind.hub.find((x) => x.name === hub.hub)!;
        const orphans = await one(`SELECT CAST(count(*) AS STRING) FROM ${t} l LEFT ANTI JOIN ${sparkTable(model, 'hub', parent.name)} h ON l.${ident(hub.hashKey)} = h.${ident(parent.hashKey)}`);
        expect(orphans, `link ${l.name}: every ${hub.hub} key in its hub`).toBe('0');
      }
    }
    for (const s of [...model.byKind.satellite, ...model.byKind.link_satellite]) {
      const hub = model.byKind.hub.find((x) => x.name === s.parent);
      const link = model.byKind.link.find((x) => x.name === s.parent);
      const parent =
        hub !== undefined ? { table: sparkTable(model, 'hub', hub.name), key: hub.hashKey } : link !== undefined ? { table: sparkTable(model, 'link', link.name), key: link.hashKey } : undefined;
      if (parent === undefined) throw new Error(`${s.kind} ${s.name}: no parent ${s.parent}`);
      const t = sparkTable(model, s.kind, s.name);
      expect(
        await one(`SELECT CAST(count(*) AS STRING) FROM ${t} s LEFT ANTI JOIN ${parent.table} p ON s.${ident(s.parentHashKey)} = p.${ident(parent.key)}`),
        `${s.kind} ${s.name}: every key in ${s.parent}`,
      ).toBe('0');
    }
  }

  it(
    'k changes of a key give k satellite rows on Spark; a repeated state none, a state come back one',
    async () => {
      const { model: compiled } = compileSpec({
        version: 1,
        model: 'changes',
        record_source: 'test',
        tables: { item: { business_key: ['code'], columns: { code: { type: 'text', nullable: false }, v: 'text', n: 'decimal(10,2)' } } },
      });
      const model = inSchemas(compiled!, uniqueSchema(`${pg.prefix}_kc`));
      // A: x, y, y (no change), x (back: a change), z: four states stored. B: the same state five times: one.
      const states = [
        ['x', '1.00'],
        ['y', '1.00'],
        ['y', '1.0'],
        ['x', '1.00'],
        ['z', null],
      ] as const;
      try {
        for (const s of sqlPlan(model, sparkDialect).setup) await spark.query(inlineParameters(s, {}));
        for (const [i, [v, n]] of states.entries()) {
          await landSpark(model, [
            {
              table: 'item',
              columns: ['code', 'v', 'n'],
              rows: [
                ['A', v, n],
                ['B', 'q', '2.50'],
              ],
            },
          ]);
          await loadSpark(model, `2024-05-0${i + 1}T00:00:00Z`);
        }
        const satellite = model.byKind.satellite[0]!;
        const hub = model.byKind.hub[0]!;
        const rows = await queryText(
          spark,
          `SELECT h.code, s.v, CAST(s.n AS STRING) AS n FROM ${sparkTable(model, 'satellite', satellite.name)} s JOIN ${sparkTable(model, 'hub', hub.name)} h ON s.${ident(satellite.parentHashKey)} = h.${ident(hub.hashKey)} WHERE h.code IN ('A', 'B') ORDER BY h.code, s.load_ts`,
        );
        expect(rows).toEqual([
          { code: 'A', v: 'x', n: '1.00' },
          { code: 'A', v: 'y', n: '1.00' },
          { code: 'A', v: 'x', n: '1.00' },
          { code: 'A', v: 'z', n: null },
          { code: 'B', v: 'q', n: '2.50' },
        ]);
      } finally {
        for (const schema of Object.values(model.schemas)) await spark.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
      }
    },
    SLOW,
  );

  it(
    'specs/ews.yaml',
    async () => {
      await parity(analyzeSpec(loadSpecFile('specs/ews.yaml')).model!, 1);
    },
    SLOW,
  );

  it(
    'specs/lgd.yaml',
    async () => {
      await parity(analyzeSpec(loadSpecFile('specs/lgd.yaml')).model!, 2, true);
    },
    SLOW,
  );

  test.prop([generatedSpecArb, fc.integer({ min: 1, max: 1_000_000 })], { numRuns: 3, seed: 19, endOnFailure: true })(
    'random specs (seed 19)',
    async ({ spec }: { spec: Spec }, seed: number) => {
      const { model } = compileSpec(spec);
      if (model === undefined) throw new Error('a generated spec does not compile');
      await parity(model, seed);
    },
    SLOW,
  );
});
