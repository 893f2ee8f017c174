#!/usr/bin/env node
// `npm run bench:spark`: one landing batch of 1,000,000 rows (BENCH_ROWS) loaded by vault on a
// local Spark (a Thrift server with local[1], then one with local[2]) and on PostgreSQL, in the
// same run. The spec has one source table, `orders` (key order_id, a reference to its parent
// order): a hub, a satellite, a link (and the link's effectivity satellite). Each engine makes the same rows itself (Spark
// `range(N)`, PostgreSQL `generate_series`), then, timed:
//   - the floor: `INSERT INTO copy SELECT * FROM landing` into an empty table like the landing one;
//   - the honest floor: the rows vault inserted, inserted again into empty tables like its own,
//     plus one md5 per landing row: the least any load writing those rows with hash keys costs;
//   - vault's load: every load of `sqlPlan(model, dialect)` (hub, link, satellite, in waves), as
//     `vault run` sends them: on PostgreSQL one transaction per load with the load timestamp
//     bound, each table found empty loaded by its first-load form (the bulk form, keys built
//     after the rows: scripts/bench/run-load.mjs); on Spark statement by statement with it
//     written in (inlineParameters), the general form (Spark has neither form of first load).
// Prints each engine's load, its floor and their ratio, and Spark local[2] against local[1]; the
// vault's row counts and hash key ranges must agree across engines (else exit 1).
// PostgreSQL: VAULT_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test. Spark:
// pyspark from $VAULT_SPARK_VENV or .venv-spark (scripts/install-spark.sh) and java; each server
// is started here and stopped before the next (BENCH_SPARK_MEMORY, driver memory, default 4g).
// Needs the build (`npm run build` or `npx tsc -b`): it imports packages/cli/dist for the Spark client.
import { compileSpec } from '@vault/core';
import { inlineParameters, landingTables, sparkDialect, sqlPlan } from '@vault/emitters';
import pg from 'pg';
import { openSpark } from '../packages/cli/dist/db/spark/index.js';
import { runLoad } from './bench/run-load.mjs';
import { sparkHome, startSparkServer } from './bench/spark-server.mjs';

const url = process.env.VAULT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rows = Number(process.env.BENCH_ROWS ?? 1000000);
const memory = process.env.BENCH_SPARK_MEMORY ?? '4g';
if (!Number.isInteger(rows) || rows < 1) throw new Error(`BENCH_ROWS must be a whole number >= 1, not ${process.env.BENCH_ROWS}`);
const prefix = `bs${process.pid}`;
const LOAD_TS = '2024-06-01T00:00:00Z';
// BENCH_STATEMENTS=1: print each Spark load statement's time (the statements are run one by one anyway).
const timeStatements = process.env.BENCH_STATEMENTS === '1';

const { model, diagnostics } = compileSpec({
  version: 1,
  model: prefix,
  record_source: 'bench',
  schemas: { landing: `${prefix}_landing`, raw_vault: `${prefix}_raw`, business_vault: `${prefix}_bv`, access_layer: `${prefix}_al` },
  tables: {
    orders: {
      business_key: ['order_id'],
      columns: {
        order_id: { type: 'bigint', nullable: false },
        parent_order_id: 'bigint',
        customer_code: 'text',
        status: 'text',
        amount: 'decimal(12,2)',
        ordered_at: 'timestamptz',
      },
      references: [{ columns: ['parent_order_id'], table: 'orders', role: 'parent' }],
    },
  },
});
const errors = diagnostics.filter((d) => d.severity === 'error');
if (model === undefined || errors.length > 0) throw new Error(`bench:spark spec: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
const kinds = (plan) => plan.loads.map((l) => l.kind);
const say = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const columns = 'order_id, parent_order_id, customer_code, status, amount, ordered_at';
// The same values on both engines: every 10th order has no parent; ordered_at is a second apart from 2024-01-01.
const pgRows = `SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE g / 2 END, 'C' || (g % 10007), 'S' || (g % 5), CAST((g % 100000) / 100.0 AS numeric(12,2)), to_timestamp(1704067200 + g) FROM generate_series(0, ${rows - 1}) g`;
const sparkRows = `SELECT id, CASE WHEN id % 10 = 0 THEN NULL ELSE id DIV 2 END, concat('C', CAST(id % 10007 AS STRING)), concat('S', CAST(id % 5 AS STRING)), CAST((id % 100000) / 100.0 AS DECIMAL(12,2)), timestamp_seconds(1704067200 + id) FROM range(0, ${rows})`;

/** Rows, and min and max hash key, of each table vault loads: the same on every engine. */
function summarySql(plan, quote, text) {
  return plan.loads.map((l) => {
    const e = model.byKind[l.kind].find((x) => x.name === l.entity);
    const key = e.hashKey ?? e.parentHashKey;
    return [`${l.kind} ${l.entity}`, `SELECT ${text('count(*)')} AS n, min(${quote(key)}) AS lo, max(${quote(key)}) AS hi FROM ${quote(l.target.schema)}.${quote(l.target.name)}`];
  });
}

async function postgres() {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const plan = sqlPlan(model);
  const landing = landingTables(model)[0].sql;
  try {
    for (const s of plan.setup) await client.query(s.sql);
    say(`PostgreSQL: landing ${rows} rows`);
    await client.query(`INSERT INTO ${landing} (${columns}) ${pgRows}`);
    await client.query(`ANALYZE ${landing}`);
    await client.query(`CREATE TABLE "${prefix}_landing"."copy" (LIKE ${landing})`);
    await client.query('CHECKPOINT');
    let t0 = performance.now();
    await client.query(`INSERT INTO "${prefix}_landing"."copy" SELECT * FROM ${landing}`);
    const floor = performance.now() - t0;
    await client.query('CHECKPOINT');
    t0 = performance.now();
    for (const l of plan.loads) {
      await client.query('BEGIN');
      await runLoad(client, plan, l, LOAD_TS);
      await client.query('COMMIT');
    }
    const load = performance.now() - t0;
    // The honest floor: the rows vault inserted, into empty tables with the same keys, plus one md5 per landing row.
    const targets = plan.loads.map((l, i) => ({ from: `"${l.target.schema}"."${l.target.name}"`, to: `"${prefix}_landing"."honest_${i}"` }));
    for (const c of targets) await client.query(`CREATE TABLE ${c.to} (LIKE ${c.from} INCLUDING ALL)`);
    await client.query('CHECKPOINT');
    t0 = performance.now();
    await client.query('BEGIN');
    for (const c of targets) await client.query(`INSERT INTO ${c.to} SELECT * FROM ${c.from}`);
    await client.query('COMMIT');
    const inserting = performance.now() - t0;
    t0 = performance.now();
    await client.query(`SELECT count(md5(convert_to(CAST(s AS text), 'UTF8'))) FROM ${landing} AS s`);
    const hashing = performance.now() - t0;
    const summary = {};
    for (const [table, sql] of summarySql(
      plan,
      (n) => `"${n}"`,
      (x) => `CAST(${x} AS text)`,
    ))
      summary[table] = (await client.query(sql)).rows[0];
    return { floor, load, inserting, hashing, summary };
  } finally {
    for (const s of Object.values(model.schemas)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client.end();
  }
}

async function spark(home, cores) {
  say(`Spark local[${cores}]: starting a Thrift server`);
  const server = await startSparkServer(home, cores, { driverMemory: memory });
  const db = await openSpark(server.url, {});
  const plan = sqlPlan(model, sparkDialect);
  const landing = landingTables(model, sparkDialect)[0].sql;
  const copy = `\`${prefix}_landing\`.\`copy\``;
  try {
    for (const s of plan.setup) await db.query(inlineParameters(s, {}));
    say(`Spark local[${cores}]: landing ${rows} rows`);
    await db.query(`INSERT INTO ${landing} (${columns}) ${sparkRows}`);
    await db.query(`CREATE TABLE ${copy} LIKE ${landing} USING PARQUET`);
    let t0 = performance.now();
    await db.query(`INSERT INTO ${copy} SELECT * FROM ${landing}`);
    const floor = performance.now() - t0;
    t0 = performance.now();
    for (const l of plan.loads)
      for (const [i, s] of l.statements.entries()) {
        const t = performance.now();
        await db.query(inlineParameters(s, { load_ts: LOAD_TS }));
        if (timeStatements) say(`  ${l.kind} ${l.entity} #${i + 1}: ${seconds(performance.now() - t)}  ${s.sql.replace(/\s+/g, ' ').slice(0, 90)}`);
      }
    const load = performance.now() - t0;
    // The honest floor: the rows vault inserted, into empty tables like them, plus one md5 per landing row.
    const targets = plan.loads.map((l, i) => ({ from: `\`${l.target.schema}\`.\`${l.target.name}\``, to: `\`${prefix}_landing\`.\`honest_${i}\`` }));
    for (const c of targets) await db.query(`CREATE TABLE ${c.to} LIKE ${c.from} USING PARQUET`);
    t0 = performance.now();
    for (const c of targets) await db.query(`INSERT INTO ${c.to} SELECT * FROM ${c.from}`);
    const inserting = performance.now() - t0;
    t0 = performance.now();
    await db.query(`SELECT max(md5(to_json(struct(*)))) FROM ${landing}`);
    const hashing = performance.now() - t0;
    const summary = {};
    for (const [table, sql] of summarySql(
      plan,
      (n) => `\`${n}\``,
      (x) => `CAST(${x} AS STRING)`,
    ))
      summary[table] = (await db.query(sql)).rows[0];
    return { floor, load, inserting, hashing, summary };
  } finally {
    await db.close().catch(() => undefined);
    await server.stop();
  }
}

const found = sparkHome();
if (found.home === undefined) {
  console.error(`bench:spark: ${found.reason}`);
  process.exit(1);
}
say(`bench:spark: ${rows} landing rows; loads ${kinds(sqlPlan(model)).join(', ')}`);
const results = { postgres: await postgres() };
say(`PostgreSQL: load ${seconds(results.postgres.load)}, floor ${seconds(results.postgres.floor)}`);
for (const cores of [1, 2]) {
  results[`spark${cores}`] = await spark(found.home, cores);
  say(`Spark local[${cores}]: load ${seconds(results[`spark${cores}`].load)}, floor ${seconds(results[`spark${cores}`].floor)}`);
}

console.log('');
console.log(`${rows.toLocaleString('en-US')} landing rows -> ${kinds(sqlPlan(model)).join(', ')}`);
console.log('engine              vault load      floor   load/floor   honest floor (rows + md5)   honest/floor   load/honest');
for (const [label, r] of [
  ['PostgreSQL', results.postgres],
  ['Spark local[1]', results.spark1],
  ['Spark local[2]', results.spark2],
]) {
  const honest = r.inserting + r.hashing;
  console.log(
    `${label.padEnd(18)} ${seconds(r.load).padStart(10)} ${seconds(r.floor).padStart(10)} ${`${(r.load / r.floor).toFixed(1)}x`.padStart(12)}   ${`${seconds(honest)} (${seconds(r.inserting)} + ${seconds(r.hashing)})`.padStart(26)} ${`${(honest / r.floor).toFixed(1)}x`.padStart(14)} ${`${(r.load / honest).toFixed(1)}x`.padStart(13)}`,
  );
}
console.log(
  '(honest floor: the rows vault inserted, inserted again from a table into empty tables like its own, plus one md5 per landing row; no load that writes these rows with their hash keys costs less, so a load/floor goal below honest/floor is out of reach)',
);
console.log(`Spark local[2] vs local[1]: load ${(results.spark2.load / results.spark1.load).toFixed(2)}x, floor ${(results.spark2.floor / results.spark1.floor).toFixed(2)}x`);
console.log(`Spark local[1] vs PostgreSQL: load ${(results.spark1.load / results.postgres.load).toFixed(1)}x`);
let same = true;
for (const [table, p] of Object.entries(results.postgres.summary)) {
  for (const k of ['spark1', 'spark2']) {
    const s = results[k].summary[table];
    const agree = String(s.n) === String(p.n) && s.lo === p.lo && s.hi === p.hi;
    if (!agree) {
      same = false;
      console.log(`DIFFERENT ${table}: PostgreSQL ${JSON.stringify(p)}, ${k} ${JSON.stringify(s)}`);
    }
  }
  console.log(`${table}: ${p.n} rows on every engine${same ? ', same hash keys (min and max)' : ''}`);
}
process.exit(same ? 0 : 1);
