#!/usr/bin/env node
// `npm run bench:load [-- BASE_CHECKOUT]`: load 1,000,000 landing rows (BENCH_ROWS per table of
// two; 10 versions per key) into the ews model on a real PostgreSQL server, and print in the same
// run: the initial vault load, a reload of the unchanged batch (skipped by the load ledger; and
// with --no-skip-unchanged, every load run), a batch with 1% of one table's rows changed, and two
// floors:
// - the bare copy: INSERT INTO copy SELECT * FROM landing, the same landing rows;
// - the honest floor: the rows vault inserted, inserted again into empty tables with the same
//   keys and indexes (CREATE TABLE … (LIKE … INCLUDING ALL)), plus one hashing pass over the
//   batch (md5 of every landing row's text): what any load of these rows must at least do;
// - and, beside the honest floor with its ratio to it, a lower bound of any correct initial load
//   (scripts/bench/load-bound.mjs): the rows the initial load inserted, computed from the landing
//   rows by the least SQL written by hand, one INSERT ... SELECT per table (timed in one
//   transaction, and again 4 statements at once on connections of their own, as vault run's
//   loads run by default: they read landing tables only),
//   into an empty table like vault's (LIKE ... INCLUDING ALL, the keys in place). It does what any
//   load writing those rows must: hash keys and hashdiffs by vault's own expressions; a hub's or
//   link's keys grouped (GROUP BY the business key, before hashing; a hub of two landing tables
//   takes the record source of the table that saw the key first, by delta order); a satellite's
//   and an effectivity satellite's rows sorted once per key in change order (delta order, then
//   hashdiff), a window keeping the rows that differ from the one before (a key brings 10
//   versions, so no grouping can replace the sort: a state may come back), exact repeats dropped,
//   load_ts numbered by a running count over the same order (no second sort), and the other
//   distinct rows written to the register by the same statement; the snapshot control's month
//   ends. It skips what a first load does not need: the load ledger and the digests of loaded
//   landing rows, look-ups against stored rows, late-row handling (rows already stored that
//   become changes again), the duplicate-key and missing-key counts, ANALYZE afterwards, and the
//   PITs (no snapshot is due: vault's first load writes no PIT row). Its rows must be the initial
//   load's, table by table (every row compared, untimed), else the benchmark stops.
// With a second built checkout (for example the previous commit: `git worktree add ../base
// HEAD~1`, node_modules, `npm run build`), the same steps run with its CLI in the same run, on
// landing tables of their own, and both are printed side by side.
// Server: VAULT_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test. BENCH_KEEP=1
// keeps the schemas (bl<pid>_*, bb<pid>_*) and the spec's folder for a look afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '@vault/dsl';
import { sqlPlan } from '@vault/emitters';
import pg from 'pg';
import { boundStatements } from './bench/load-bound.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const base = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
const url = process.env.VAULT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rowsPerTable = Number(process.env.BENCH_ROWS ?? 500000);
const keys = Math.max(1, Math.floor(rowsPerTable / 10));
// The CLI users run (`npx vault`: bin/vault.cjs, the bundle with its code cache) where the
// checkout has it built, else the TypeScript build's (checkouts from before the bundle).
const cli = (checkout) =>
  existsSync(join(checkout, 'bin/vault.cjs')) && existsSync(join(checkout, 'dist/vault/cli/vault.cjs')) ? join(checkout, 'bin/vault.cjs') : join(checkout, 'packages/cli/bin/vault.js');
for (const checkout of [root, base].filter((c) => c !== undefined)) {
  if (!existsSync(join(checkout, 'packages/cli/dist/index.js'))) {
    console.error(`bench:load: ${checkout} has no build (packages/cli/dist); run npm run build there first`);
    process.exit(1);
  }
}

const client = new pg.Client({ connectionString: url });
await client.connect();
const timed = async (sql) => {
  const t0 = performance.now();
  await client.query(sql);
  return performance.now() - t0;
};
/** Runs `sqls` in one transaction without JIT (as vault's loads do), and gives its time. */
const timedTx = async (sqls) => {
  const t0 = performance.now();
  await client.query('BEGIN');
  await client.query('SET LOCAL jit = off');
  for (const sql of sqls) await client.query(sql);
  await client.query('COMMIT');
  return performance.now() - t0;
};

/**
 * Runs each of `sqls` in a transaction of its own without JIT, up to `jobs` at once on connections
 * of their own (as `vault run --jobs` runs independent loads), and gives the time of them all.
 */
const timedJobs = async (sqls, jobs) => {
  const clients = await Promise.all(
    Array.from({ length: Math.min(jobs, sqls.length) }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const queue = [...sqls];
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) {
        await c.query('BEGIN');
        await c.query('SET LOCAL jit = off');
        await c.query(sql);
        await c.query('COMMIT');
      }
    }),
  );
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.end()));
  return ms;
};

/** One checkout's run of every step, on schemas of its own (`prefix`). */
async function scenario(checkout, prefix) {
  const work = mkdtempSync(join(tmpdir(), 'vault-bench-load-'));
  const schemas = { landing: `${prefix}_landing`, raw_vault: `${prefix}_raw`, business_vault: `${prefix}_bv`, access_layer: `${prefix}_al` };
  const floorSchema = `${prefix}_floor`;
  const boundSchemas = { [schemas.raw_vault]: `${prefix}_bound_raw`, [schemas.business_vault]: `${prefix}_bound_bv` };
  const spec = readFileSync(join(root, 'specs/ews.yaml'), 'utf8')
    .replace(/^model: ews$/m, `model: ${prefix}`)
    .replace(
      /^hashing:/m,
      `schemas:\n  landing: ${schemas.landing}\n  raw_vault: ${schemas.raw_vault}\n  business_vault: ${schemas.business_vault}\n  access_layer: ${schemas.access_layer}\n\nhashing:`,
    );
  writeFileSync(join(work, 'spec.yaml'), spec);
  const vault = (args) => {
    const rss = join(work, `rss-${args[0]}-${Date.now()}.txt`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', join(root, 'scripts/bench/report-rss.mjs'), cli(checkout), ...args], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', VAULT_BENCH_RSS_FILE: rss },
    });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`vault ${args.join(' ')} failed: ${r.stderr}`);
    const inserted = [...r.stdout.matchAll(/(\d+) rows? inserted/g)].map((m) => Number(m[1]));
    return { ms, rss: Number(readFileSync(rss, 'utf8').trim().split('\n').pop()), inserted: inserted.length ? Math.max(...inserted) : 0, out: r.stdout };
  };
  const run = (loadTs, ...more) => vault(['run', 'spec.yaml', '--db', url, '--load-ts', loadTs, ...more]);
  try {
    // Create the tables (vault run on empty landing tables), then fill the landing zone in SQL.
    run('2024-01-01T00:00:00Z');
    const L = `"${schemas.landing}"`;
    await client.query(`TRUNCATE ${L}."early_warning_signal", ${L}."early_warning_signal_input"`);
    await client.query(
      `INSERT INTO ${L}."early_warning_signal" (early_warning_signal_id, business_partner_id, signal_date, signal_type, severity_level, two_month_window_behavioural_score_average, six_month_window_behavioural_score_average, days_past_due, overdraft_utilisation_ratio, analyst_comment, updated_at) SELECT g % ${keys} + 1, (g % ${keys}) % 20000 + 1, DATE '2024-01-01' + (g / ${keys}), 'TYPE_' || (g % 7), (g % 5)::smallint, (g % 1000) / 7.0, (g % 997) / 3.0, g % 120, (g % 100) / 100.0, 'comment ' || (g / ${keys}), TIMESTAMPTZ '2024-01-01' + g * INTERVAL '1 second' FROM generate_series(0, ${rowsPerTable - 1}) g`,
    );
    await client.query(
      `INSERT INTO ${L}."early_warning_signal_input" (early_warning_signal_input_id, customer_account_monitoring_batch_manifest_id, business_partner_id, input_source_system, balance_amount, limit_amount, missed_payment_count, received_at) SELECT g % ${keys} + 1, g % 500 + 1, (g % ${keys}) % 20000 + 1, 'SYS' || (g % 3), g % 100000 / 3.0, 100000, g % 12, TIMESTAMPTZ '2024-01-01' + g * INTERVAL '1 second' FROM generate_series(0, ${rowsPerTable - 1}) g`,
    );
    await client.query(`ANALYZE ${L}."early_warning_signal"; ANALYZE ${L}."early_warning_signal_input"`);
    const landing = ['early_warning_signal', 'early_warning_signal_input'];

    // The bare copy: the same landing rows with a plain INSERT ... SELECT.
    let copy = 0;
    for (const t of landing) {
      await client.query(`CREATE TABLE ${L}."copy_${t}" (LIKE ${L}."${t}")`);
      copy += await timed(`INSERT INTO ${L}."copy_${t}" SELECT * FROM ${L}."${t}"`);
    }
    // Every table of the raw vault and business vault schemas, registers included, vault run's
    // own vault_* tables not (the ledger, the digests of loaded landing rows), with the rows
    // they hold before the initial load (ghost records).
    const tables = (
      await client.query(
        `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) AND c.relkind = 'r' AND c.relname NOT LIKE 'vault\\_%' ORDER BY 1, 2`,
        [[schemas.raw_vault, schemas.business_vault]],
      )
    ).rows;
    const count = async (table) => Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    for (const t of tables) t.before = await count(`"${t.schema}"."${t.name}"`);
    const loadTs = '2024-02-01T00:00:00Z';
    const initial = run(loadTs);

    // The honest floor: the rows the initial load inserted into those tables, into empty tables
    // with the same keys and indexes, plus one md5 per landing row.
    await client.query(`CREATE SCHEMA "${floorSchema}"`);
    const copies = tables.map((t, i) => ({ from: `"${t.schema}"."${t.name}"`, to: `"${floorSchema}"."t${i}"` }));
    for (const c of copies) await client.query(`CREATE TABLE ${c.to} (LIKE ${c.from} INCLUDING ALL)`);
    const inserting = await timedTx(copies.map((c) => `INSERT INTO ${c.to} SELECT * FROM ${c.from}`));
    const hashing = await timedTx(landing.map((t) => `SELECT count(md5(convert_to(CAST(s AS text), 'UTF8'))) FROM ${L}."${t}" AS s`));
    const honest = inserting + hashing;

    // The lower bound of any initial load (scripts/bench/load-bound.mjs): vault's rows computed
    // from the landing rows by one INSERT ... SELECT per table, into empty tables like vault's.
    // Its rows must be the ones the initial load inserted, table by table (checked untimed).
    const { model } = loadSpec(join(work, 'spec.yaml'));
    const boundTable = (t) => `"${boundSchemas[t.schema]}"."${t.name}"`;
    const boundLoads = boundStatements(model, sqlPlan(model), boundTable, loadTs);
    for (const s of Object.values(boundSchemas)) await client.query(`CREATE SCHEMA "${s}"`);
    for (const t of tables) await client.query(`CREATE TABLE ${boundTable(t)} (LIKE "${t.schema}"."${t.name}" INCLUDING ALL)`);
    const bound = await timedTx(boundLoads.map((l) => l.sql));
    const wrong = [];
    for (const t of tables) {
      const [vaultTable, boundCopy] = [`"${t.schema}"."${t.name}"`, boundTable(t)];
      const inserted = (await count(vaultTable)) - t.before;
      const rows = await count(boundCopy);
      const only = async (a, b) => Number((await client.query(`SELECT count(*) AS n FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) AS x`)).rows[0].n);
      // The vault table's rows but the ghost records are the bound's.
      if (rows !== inserted || (await only(boundCopy, vaultTable)) !== 0 || (await only(vaultTable, boundCopy)) !== t.before)
        wrong.push(`${t.schema}.${t.name}: the initial load inserted ${inserted} rows, the bound ${rows}${rows === inserted ? ' (other rows)' : ''}`);
    }
    if (wrong.length > 0) throw new Error(`bench:load: the lower bound's rows are not the initial load's:\n  ${wrong.join('\n  ')}`);
    // The same statements again into the emptied tables, 4 at once, as vault run's --jobs default
    // runs its loads (they read landing tables only, so none waits for another).
    await client.query(`TRUNCATE ${tables.map(boundTable).join(', ')}`);
    const boundJobs = await timedJobs(
      boundLoads.map((l) => l.sql),
      4,
    );

    const again = run('2024-02-01T00:00:00Z');
    const later = run('2024-03-01T00:00:00Z');
    const forced = run('2024-03-01T00:00:00Z', '--no-skip-unchanged');
    // A new batch: 1% of the signals' rows changed (a new comment on their latest version).
    const changed = await client.query(
      `UPDATE ${L}."early_warning_signal" SET analyst_comment = 'revised', updated_at = updated_at + INTERVAL '1 day' WHERE updated_at >= TIMESTAMPTZ '2024-01-01' + ${rowsPerTable - keys} * INTERVAL '1 second' AND early_warning_signal_id % 10 = 0`,
    );
    const delta = run('2024-04-01T00:00:00Z');
    return { copy, inserting, hashing, honest, bound, boundJobs, initial, again, later, forced, delta, changed: changed.rowCount };
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`kept: schemas ${[...Object.values(schemas), floorSchema, ...Object.values(boundSchemas)].join(', ')}; spec ${join(work, 'spec.yaml')}`);
    else {
      for (const s of [...Object.values(schemas), floorSchema, ...Object.values(boundSchemas)]) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      rmSync(work, { recursive: true, force: true });
    }
  }
}

const f = (ms) => `${(ms / 1000).toFixed(2)} s`.padStart(8);
const x = (ms, floor) => `${(ms / floor).toFixed(2)}x`.padStart(6);
const goal = (ms, floor, at) => `${x(ms, floor)} ${ms <= at * floor ? 'met' : 'NOT met'} (goal <= ${at}x)`;
function report(label, r) {
  console.log(`${label}`);
  console.log(`  bare copy (INSERT INTO copy SELECT * FROM landing):     ${f(r.copy)}`);
  console.log(`  honest floor (vault's rows into tables with the same keys ${f(r.inserting)} + one md5 per landing row ${f(r.hashing)}): ${f(r.honest)}  (${x(r.honest, r.copy)} bare copy)`);
  console.log(
    `  lower bound of any initial load (vault's rows from the landing rows, one INSERT ... SELECT a table): ${f(r.bound)}  (${x(r.bound, r.honest)} honest floor); 4 at once, as vault run's loads: ${f(r.boundJobs)}  (${x(r.boundJobs, r.honest)} honest floor)`,
  );
  console.log(
    `  initial load:                    ${f(r.initial.ms)}  ${goal(r.initial.ms, r.honest, 1.2)} of the honest floor; ${x(r.initial.ms, r.boundJobs)} lower bound 4 at once; ${x(r.initial.ms, r.copy)} bare copy; peak RSS ${(r.initial.rss / 1048576).toFixed(0)} MiB`,
  );
  console.log(`  same batch, same --load-ts:      ${f(r.again.ms)}  ${goal(r.again.ms, r.copy, 1)} of the bare copy; largest insert ${r.again.inserted} rows`);
  console.log(`  same batch, later --load-ts:     ${f(r.later.ms)}  ${x(r.later.ms, r.copy)} bare copy; largest insert ${r.later.inserted} rows`);
  console.log(`  same batch, --no-skip-unchanged: ${f(r.forced.ms)}  ${x(r.forced.ms, r.copy)} bare copy (every load reads, hashes and compares); largest insert ${r.forced.inserted} rows`);
  console.log(`  ${r.changed} of ${rowsPerTable} signal rows changed:  ${f(r.delta.ms)}  ${goal(r.delta.ms, r.copy, 3)} of the bare copy; largest insert ${r.delta.inserted} rows`);
}

try {
  console.log(
    `landing rows: ${2 * rowsPerTable} (${keys} keys per table, ${rowsPerTable / keys} versions each); CLI: ${[root, base]
      .filter((c) => c !== undefined)
      .map(cli)
      .join(', ')}`,
  );
  const results = [['this checkout', await scenario(root, `bl${process.pid}`)]];
  if (base !== undefined) results.push([`base checkout ${base}`, await scenario(base, `bb${process.pid}`)]);
  for (const [label, r] of results) report(label, r);
  if (results.length === 2) {
    const [[, a], [, b]] = results;
    const steps = ['initial', 'again', 'later', 'forced', 'delta'];
    console.log(
      `this / base: ${steps.map((s) => `${s} ${(a[s].ms / b[s].ms).toFixed(2)}x`).join(', ')} (honest floors ${f(a.honest)} / ${f(b.honest)}, lower bounds 4 at once ${f(a.boundJobs)} / ${f(b.boundJobs)})`,
    );
  }
  const perEntity = (out) =>
    out
      .split('\n')
      .filter((l) => /rows? inserted/.test(l))
      .join('\n');
  console.log(`initial load of this checkout, per entity:\n${perEntity(results[0][1].initial.out)}`);
  console.log(`the batch with 1% changed, this checkout, per entity:\n${perEntity(results[0][1].delta.out)}`);
} finally {
  await client.end();
}
