#!/usr/bin/env node
// `npm run bench:pit`: the point-in-time table's load on a real PostgreSQL server. The model
// (scripts/bench/pit-spec.mjs: one hub, three satellites, one with a delta order, 36 month-end
// snapshots) is set up with the library API (`sqlPlan`), and its raw vault is filled directly in
// SQL: 100,000 keys (BENCH_KEYS), about 10 versions per key and satellite spread over the 36
// months in daily batches, some rows of the delta-ordered satellite late (not leaders). The
// snapshot control holds 35 of the 36 month ends. Timed in the same run, each step on freshly
// ANALYZEd tables and, unless it is the naive query, best of BENCH_RUNS (default 2):
//   1. the floor: INSERT ... SELECT of the same rows, precomputed, into a table like the PIT;
//   2. the PIT load of 35 snapshots (the `pit` load of `sqlPlan(model).loads`) into the empty PIT,
//      as `vault run` runs it there: the PIT's primary key dropped and built again after the first
//      statement (docs/sql.md, "First loads: keys built after the rows");
//   3. the naive correlated as-of query building the same rows, on BENCH_NAIVE_KEYS keys (default
//      10,000) and extrapolated linearly to every key; its rows must equal the PIT's (else exit 1);
//   4. the incremental load of the 36th snapshot against inserting that snapshot's rows alone;
//   5. a lower bound of any incremental load of it: the 35th snapshot's pointers read and replaced by
//      each satellite's latest row loaded since, without change-order ranking (timed, not checked).
// Goals: PIT <= 3x floor, naive >= 10x PIT, incremental <= 1.2x its floor.
// Server: VAULT_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test. BENCH_KEEP=1
// keeps the schemas (bp<pid>_*) for a look afterwards; BENCH_EXPLAIN=1 prints the PIT load's plans
// (EXPLAIN ANALYZE, BUFFERS) after the timings: the incremental load of the 36th snapshot, then the
// first fill of 35, one plan per INSERT of the load (every snapshot to fill but the last, then the
// last; the first finds nothing to fill in the incremental load). The incremental load reads the 35th snapshot's rows, the hub's keys and each
// satellite's rows loaded since the 35th cut-off (through the BRIN index setup puts on load_ts).
import { compileSpec } from '@vault/core';
import { bindParameters, sqlPlan } from '@vault/emitters';
import pg from 'pg';
import { pitBenchSpec } from './bench/pit-spec.mjs';
import { runLoad as runLoadOn } from './bench/run-load.mjs';

const url = process.env.VAULT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const keys = Number(process.env.BENCH_KEYS ?? 100000);
const naiveKeys = Math.min(keys, Number(process.env.BENCH_NAIVE_KEYS ?? 10000));
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const prefix = `bp${process.pid}`;

// Batches: one a day at 02:00 UTC, from January 1, 2023. The PIT is first loaded by the batch of
// December 1, 2025 (after the cut-off of November 30, the 35th month end), then by the batch of
// January 1, 2026 (after the cut-off of December 31, the 36th).
const FIRST_BATCH = '2023-01-01 02:00:00+00';
const LOAD_TS_35 = '2025-12-01T03:00:00Z';
const LOAD_TS_36 = '2026-01-01T03:00:00Z';
const LAST_DATE = '2025-12-31';
const ZERO_KEY = '0'.repeat(32);
const GHOST_TS = "TIMESTAMPTZ '0001-01-01 00:00:00+00'";

const { model, diagnostics } = compileSpec(pitBenchSpec(prefix));
const errors = diagnostics.filter((d) => d.severity === 'error');
if (model === undefined || errors.length > 0) throw new Error(`bench:pit spec: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
const plan = sqlPlan(model);
const loadOf = (kind) => plan.loads.find((l) => l.kind === kind);
const pitLoad = loadOf('pit');

const q = (name) => `"${name.replaceAll('"', '""')}"`;
const rel = (text) => text.split('.').map(q).join('.');
const raw = q(model.schemas.rawVault);
const bv = q(model.schemas.businessVault);
const hub = `${raw}."hub_account"`;
const hk = 'account_hk';
/** The satellites in model order, as the PIT lists them; `ordered`: its change order, latest first. */
const sats = [
  { name: 'sat_account', ordered: 'load_ts DESC' },
  { name: 'sat_account_balance', ordered: 'delta_order DESC NULLS FIRST, hashdiff DESC, load_ts DESC', delta: true },
  { name: 'sat_account_rating', ordered: 'load_ts DESC' },
];
for (const s of sats) {
  if (loadOf('satellite') === undefined || !plan.loads.some((l) => l.kind === 'satellite' && l.table === `${model.schemas.rawVault}.${s.name}`))
    throw new Error(`bench:pit: no satellite table ${s.name}`);
}
const control = rel(loadOf('snapshot_control').table);
/** The PIT's columns (docs: snapshot_date, the hub's hash key, per satellite its pointer, load_ts). */
const pitColumns = ['snapshot_date', hk, ...sats.flatMap((s) => [`${s.name}_hk`, `${s.name}_load_ts`]), 'load_ts'];
const pointerColumns = pitColumns.filter((c) => c !== 'load_ts');
const pit = pitLoad === undefined ? `${bv}."pit_account"` : rel(pitLoad.table);
const t = (name) => `${bv}.${q(name)}`;

const client = new pg.Client({ connectionString: url });
await client.connect();
const say = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const count = async (table, where = 'TRUE') => Number((await client.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)).rows[0].n);
const benchTables = () => [hub, ...sats.map((s) => `${raw}.${q(s.name)}`), control, pit, t('floor'), t('naive'), t('rows_35'), t('rows_36'), t('bound')];
/** Fresh statistics (and a checkpoint, so no step pays for the previous one's dirty pages). */
async function fresh() {
  for (const table of benchTables()) if ((await client.query(`SELECT to_regclass($1) AS r`, [table])).rows[0].r !== null) await client.query(`ANALYZE ${table}`);
  await client.query('CHECKPOINT');
}
/** Milliseconds of `work` (statements in one transaction), on fresh statistics; `reset` before each run. */
async function timed(label, work, { reset, repeat = runs } = {}) {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    if (reset !== undefined) await reset();
    await fresh();
    const t0 = performance.now();
    await client.query('BEGIN');
    await work();
    await client.query('COMMIT');
    const ms = performance.now() - t0;
    say(`${label}: run ${i + 1}/${repeat} ${(ms / 1000).toFixed(2)} s`);
    best = Math.min(best, ms);
  }
  return best;
}
/** The load as `vault run` runs it (scripts/bench/run-load.mjs). */
const runLoad = (load, loadTs) => runLoadOn(client, plan, load, loadTs);
/** Rows of `a` not in `b` plus rows of `b` not in `a` (duplicates counted), over the pointer columns. */
async function difference(a, b) {
  const cols = pointerColumns.map(q).join(', ');
  const sql = `SELECT (SELECT count(*) FROM (SELECT ${cols} FROM ${a} EXCEPT ALL SELECT ${cols} FROM ${b}) x) + (SELECT count(*) FROM (SELECT ${cols} FROM ${b} EXCEPT ALL SELECT ${cols} FROM ${a}) y) AS n`;
  return Number((await client.query(sql)).rows[0].n);
}

/** The month ends as (snapshot_date, cutoff): the cut-off of date D is D + 1 day at 00:00 UTC. */
const MONTH_ENDS = `SELECT CAST(m + INTERVAL '1 month' - INTERVAL '1 day' AS date) AS snapshot_date, CAST(m + INTERVAL '1 month' AS timestamp) AT TIME ZONE 'UTC' AS cutoff FROM generate_series(TIMESTAMP '2023-01-01', TIMESTAMP '2025-12-01', INTERVAL '1 month') AS m`;

/**
 * Versions of key k in satellite number s: 8 to 12 (10 on average) from the key's first day a(k)
 * (a hub key arrives on one of the first 360 days; the third satellite of every fifth key starts
 * 100 days later, so some PIT rows hold ghost pointers) to the last days of 2025, evenly spaced
 * with a jitter of less than a step, so each falls on its own daily batch and every month gets its share.
 */
function versions(s) {
  return `SELECT k, j, a + j * st + CASE WHEN j = 0 THEN 0 ELSE (k * 7 + ${s * 11} + j * 13) % st END AS d, a + (j - 1) * st AS prev_min
    FROM (SELECT k, a, (1090 - a) / (8 + (k * 3 + ${s}) % 5) AS st, 8 + (k * 3 + ${s}) % 5 AS n
      FROM (SELECT k, (k * 37) % 360 + ${s === 2 ? 'CASE WHEN k % 5 = 0 THEN 100 ELSE 0 END' : '0'} AS a FROM generate_series(1, ${keys}) AS k) AS f) AS x
    CROSS JOIN generate_series(0, 11) AS j WHERE j < n`;
}
const batch = (days) => `TIMESTAMPTZ '${FIRST_BATCH}' + make_interval(days => ${days})`;

// Rows are inserted in batch order, as insert-only loads append them: a table's physical order follows load_ts.
async function generate() {
  await client.query(
    `INSERT INTO ${hub} (${hk}, account_id, load_ts, record_source) SELECT md5(k::text), k, ${batch('(k * 37) % 360')}, 'bench' FROM generate_series(1, ${keys}) AS k ORDER BY (k * 37) % 360, k`,
  );
  await client.query(
    `INSERT INTO ${raw}."sat_account" (${hk}, load_ts, record_source, hashdiff, name, segment) SELECT md5(k::text), ${batch('d')}, 'bench', md5(k || ':0:' || j), 'name ' || k || ' v' || j, 'segment ' || (j % 4) FROM (${versions(0)}) AS v ORDER BY d, k`,
  );
  // Delta order: the business time of a row is the day before its batch; every 7th change (of
  // key and version) is late: dated before the previous version's business time, so it is no leader.
  await client.query(
    `INSERT INTO ${raw}."sat_account_balance" (${hk}, load_ts, record_source, hashdiff, delta_order, balance) SELECT md5(k::text), ${batch('d')}, 'bench', md5(k || ':1:' || j), CASE WHEN j > 0 AND (k + j) % 7 = 0 THEN ${batch('prev_min - 2')} ELSE ${batch('d - 1')} END, (k % 1000) * 10 + j FROM (${versions(1)}) AS v ORDER BY d, k`,
  );
  await client.query(
    `INSERT INTO ${raw}."sat_account_rating" (${hk}, load_ts, record_source, hashdiff, rating, score) SELECT md5(k::text), ${batch('d')}, 'bench', md5(k || ':2:' || j), chr(65 + (k + j) % 5), (k + j) % 100 FROM (${versions(2)}) AS v ORDER BY d, k`,
  );
  // Insert-only tables get vacuumed by autovacuum (inserts trigger it): their visibility maps are set.
  for (const table of [hub, ...sats.map((s) => `${raw}.${q(s.name)}`)]) await client.query(`VACUUM (ANALYZE) ${table}`);
  // The snapshot control: its own load (a fixed end: all 36 month ends), less the last one.
  await runLoad(loadOf('snapshot_control'), LOAD_TS_36);
  await client.query(`DELETE FROM ${control} WHERE snapshot_date = DATE '${LAST_DATE}'`);
}

/**
 * The PIT's rows computed here, set-based and independently of the emitter (leaders by a running
 * maximum of the change-order rank, intervals by lead()), for the floor to insert and as a second
 * check of the PIT load: rows_35 for the first 35 month ends, rows_36 for the last.
 */
async function precompute() {
  const intervals = (s) => {
    const table = `${raw}.${q(s.name)}`;
    if (!s.delta) return `SELECT ${hk}, load_ts, lead(load_ts) OVER (PARTITION BY ${hk} ORDER BY load_ts) AS valid_to FROM ${table} WHERE ${hk} <> '${ZERO_KEY}'`;
    return `SELECT ${hk}, load_ts, lead(load_ts) OVER (PARTITION BY ${hk} ORDER BY load_ts) AS valid_to FROM (
      SELECT ${hk}, load_ts, r > COALESCE(max(r) OVER (PARTITION BY ${hk} ORDER BY load_ts ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS leader
      FROM (SELECT ${hk}, load_ts, row_number() OVER (PARTITION BY ${hk} ORDER BY delta_order NULLS LAST, hashdiff, load_ts) AS r FROM ${table} WHERE ${hk} <> '${ZERO_KEY}') AS ranked
    ) AS l WHERE leader`;
  };
  const select = sats.flatMap((s, i) => [`COALESCE(i${i}.${hk}, '${ZERO_KEY}') AS ${q(`${s.name}_hk`)}`, `COALESCE(i${i}.load_ts, ${GHOST_TS}) AS ${q(`${s.name}_load_ts`)}`]);
  const joins = sats.map((s, i) => `LEFT JOIN iv${i} AS i${i} ON i${i}.${hk} = h.${hk} AND i${i}.load_ts < c.cutoff AND (i${i}.valid_to IS NULL OR i${i}.valid_to >= c.cutoff)`);
  await client.query(`CREATE TABLE ${t('rows_all')} AS
    WITH ${sats.map((s, i) => `iv${i} AS MATERIALIZED (${intervals(s)})`).join(',\n')}
    SELECT c.snapshot_date, h.${hk}, ${select.join(', ')}
    FROM (${MONTH_ENDS}) AS c JOIN ${hub} AS h ON h.load_ts < c.cutoff AND h.${hk} <> '${ZERO_KEY}'
    ${joins.join('\n')}`);
  const pointers = pointerColumns.map(q).join(', ');
  // In primary key order: the floor's inserts fill its index left to right, its best case.
  await client.query(
    `CREATE TABLE ${t('rows_35')} AS SELECT ${pointers}, TIMESTAMPTZ '${LOAD_TS_35}' AS load_ts FROM ${t('rows_all')} WHERE snapshot_date < DATE '${LAST_DATE}' ORDER BY snapshot_date, ${hk}`,
  );
  await client.query(
    `CREATE TABLE ${t('rows_36')} AS SELECT ${pointers}, TIMESTAMPTZ '${LOAD_TS_36}' AS load_ts FROM ${t('rows_all')} WHERE snapshot_date = DATE '${LAST_DATE}' ORDER BY snapshot_date, ${hk}`,
  );
  await client.query(`DROP TABLE ${t('rows_all')}`);
}

/** The naive as-of query: per key and snapshot, per satellite a correlated subquery for the latest row in change order. */
function naiveInsert(loadTs, sampleStep) {
  const pointers = sats.map(
    (s, i) => `(SELECT s.load_ts FROM ${raw}.${q(s.name)} AS s WHERE s.${hk} = h.${hk} AND s.load_ts < c.cutoff ORDER BY ${s.ordered.replace(/(\w+) (DESC)/g, 's.$1 $2')} LIMIT 1) AS p${i}`,
  );
  const select = sats.flatMap((s, i) => [`CASE WHEN p.p${i} IS NULL THEN '${ZERO_KEY}' ELSE h.${hk} END`, `COALESCE(p.p${i}, ${GHOST_TS})`]);
  return `INSERT INTO ${t('naive')} (${pitColumns.map(q).join(', ')})
    SELECT c.snapshot_date, h.${hk}, ${select.join(', ')}, TIMESTAMPTZ '${loadTs}'
    FROM (SELECT snapshot_date, CAST(snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC' AS cutoff FROM ${control}) AS c
    JOIN ${hub} AS h ON h.load_ts < c.cutoff AND h.${hk} <> '${ZERO_KEY}'
    CROSS JOIN LATERAL (SELECT ${pointers.join(', ')}) AS p
    WHERE c.cutoff <= TIMESTAMPTZ '${loadTs}' AND h.account_id > 0 AND h.account_id % ${sampleStep} = 0`;
}

const results = [];
const line = (label, rows, ms, ratio = '', goal = '') => results.push({ label, rows, ms, ratio, goal });
let failed = false;
/** The lower bound of an incremental load against its floor (step 5). */
let bound;
try {
  for (const s of plan.setup) await client.query(s.sql);
  say(`set up ${prefix}_*; generating ${keys} keys`);
  await generate();
  const satRows = [];
  for (const s of sats) satRows.push(await count(`${raw}.${q(s.name)}`, `${hk} <> '${ZERO_KEY}'`));
  say(
    `raw vault: ${keys} hub keys, satellite rows ${satRows.join(' / ')} (${(satRows.reduce((a, b) => a + b, 0) / keys / sats.length).toFixed(1)} versions per key and satellite); snapshot control ${await count(control)} dates`,
  );
  if (pitLoad === undefined) {
    say('the plan has no load of kind pit (the pit kind is not on this branch yet): a stand-in table with the PIT columns is used, steps 2 and 4 are skipped');
    await client.query(
      `CREATE TABLE ${pit} (snapshot_date date NOT NULL, ${hk} char(32) NOT NULL, ${sats.map((s) => `${q(`${s.name}_hk`)} char(32) NOT NULL, ${q(`${s.name}_load_ts`)} timestamptz NOT NULL`).join(', ')}, load_ts timestamptz NOT NULL, PRIMARY KEY (snapshot_date, ${hk}))`,
    );
  }
  const actual = (await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = CAST($1 AS regclass) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [pit])).rows.map((r) => r.attname);
  if (actual.join(',') !== pitColumns.join(',')) throw new Error(`bench:pit: the PIT's columns are ${actual.join(', ')}; expected ${pitColumns.join(', ')}`);
  for (const copy of ['floor', 'naive']) await client.query(`CREATE TABLE ${t(copy)} (LIKE ${pit} INCLUDING ALL)`);
  say('precomputing the PIT rows (set-based, untimed)');
  await precompute();
  const rows35 = await count(t('rows_35'));
  const rows36 = await count(t('rows_36'));
  const latest = `(SELECT max(s.load_ts) FROM ${raw}."sat_account_balance" AS s WHERE s.${hk} = r.${hk} AND s.load_ts < CAST(r.snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC')`;
  const shape = (
    await client.query(
      `SELECT count(*) FILTER (WHERE r.sat_account_balance_load_ts <> ${latest}) AS late, count(*) FILTER (WHERE r.sat_account_rating_hk = '${ZERO_KEY}') AS ghost FROM ${t('rows_35')} AS r WHERE r.${hk} < '1'`,
    )
  ).rows[0];
  say(
    `${rows35} + ${rows36} PIT rows; of those of keys whose hash starts with 0: ${shape.late} point at an earlier balance than the latest loaded (late rows), ${shape.ghost} hold the rating's ghost pointer`,
  );

  // 1. The floor.
  const cols = pitColumns.map(q).join(', ');
  const floor = await timed('floor, 35 snapshots', () => client.query(`INSERT INTO ${t('floor')} (${cols}) SELECT ${cols} FROM ${t('rows_35')}`), {
    reset: () => client.query(`TRUNCATE ${t('floor')}`),
  });
  line('floor: INSERT ... SELECT of precomputed rows', rows35, floor);

  // 2. The PIT load of 35 snapshots.
  let pitMs;
  if (pitLoad !== undefined) {
    let inserted = 0;
    pitMs = await timed(
      'PIT load, 35 snapshots',
      async () => {
        inserted = await runLoad(pitLoad, LOAD_TS_35);
      },
      { reset: () => client.query(`TRUNCATE ${pit}`) },
    );
    line('PIT load (plan.loads kind pit)', inserted, pitMs, `${(pitMs / floor).toFixed(2)}x floor`, '<= 3x');
    const wrong = await difference(pit, t('rows_35'));
    say(`PIT rows = set-based rows computed here: ${wrong === 0 ? 'OK' : `MISMATCH (${wrong} rows differ)`}`);
    if (wrong !== 0) failed = true;
  }

  // 3. The naive as-of query, on a sample of keys.
  const step = Math.max(1, Math.floor(keys / naiveKeys));
  const sampled = await count(hub, `account_id > 0 AND account_id % ${step} = 0`);
  const naiveMs = await timed('naive as-of query', () => client.query(naiveInsert(LOAD_TS_35, step)), { reset: () => client.query(`TRUNCATE ${t('naive')}`), repeat: 1 });
  const naiveRows = await count(t('naive'));
  const naiveFull = (naiveMs * keys) / sampled;
  const against = pitLoad === undefined ? t('rows_35') : pit;
  const sample = `(SELECT x.* FROM ${against} AS x JOIN ${hub} AS h USING (${hk}) WHERE h.account_id > 0 AND h.account_id % ${step} = 0) AS sample`;
  const naiveWrong = await difference(t('naive'), sample);
  say(`naive rows = ${pitLoad === undefined ? 'set-based' : 'PIT'} rows of the ${sampled} sampled keys: ${naiveWrong === 0 ? 'OK' : `MISMATCH (${naiveWrong} rows differ)`}`);
  if (naiveWrong !== 0) failed = true;
  line(`naive correlated as-of query, ${sampled} of ${keys} keys${sampled < keys ? ' (sampled)' : ''}`, naiveRows, naiveMs);
  if (sampled < keys)
    line(`naive, extrapolated linearly to ${keys} keys`, Math.round((naiveRows * keys) / sampled), naiveFull, pitMs === undefined ? '' : `${(naiveFull / pitMs).toFixed(1)}x PIT`, '>= 10x');
  else if (pitMs !== undefined) results[results.length - 1].ratio = `${(naiveMs / pitMs).toFixed(1)}x PIT`;

  // 4. Incremental: the 36th snapshot.
  const floor36 = await timed('floor, the 36th snapshot', () => client.query(`INSERT INTO ${t('floor')} (${cols}) SELECT ${cols} FROM ${t('rows_36')}`), {
    reset: async () => {
      await client.query(`DELETE FROM ${t('floor')} WHERE snapshot_date = DATE '${LAST_DATE}'`);
      await client.query(`VACUUM ${t('floor')}`);
    },
  });
  line('floor: INSERT ... SELECT of the 36th snapshot rows', rows36, floor36);
  if (pitLoad !== undefined) {
    await runLoad(loadOf('snapshot_control'), LOAD_TS_36);
    let inserted = 0;
    const incMs = await timed(
      'PIT load, the 36th snapshot',
      async () => {
        inserted = await runLoad(pitLoad, LOAD_TS_36);
      },
      {
        reset: async () => {
          await client.query(`DELETE FROM ${pit} WHERE snapshot_date = DATE '${LAST_DATE}'`);
          await client.query(`VACUUM ${pit}`);
        },
      },
    );
    line('PIT load, incremental (36th snapshot)', inserted, incMs, `${(incMs / floor36).toFixed(2)}x floor`, '<= 1.2x');
    const wrong = await difference(`(SELECT * FROM ${pit} WHERE snapshot_date = DATE '${LAST_DATE}') AS p`, t('rows_36'));
    say(`PIT rows of the 36th snapshot = set-based rows: ${wrong === 0 ? 'OK' : `MISMATCH (${wrong} rows differ)`}`);
    if (wrong !== 0) failed = true;
    // In a transaction, as every load runs (its SET LOCAL would change nothing outside one).
    let again = 0;
    const noop = await timed(
      'PIT load again, nothing to do',
      async () => {
        again = await runLoad(pitLoad, LOAD_TS_36);
      },
      { repeat: 1 },
    );
    line('PIT load again, nothing to do', again, noop);

    // 5. A lower bound of any incremental load of the 36th snapshot: the least it must do is read the
    // 35th snapshot's pointers and each satellite's rows loaded since its cut-off, and put the latest
    // of a key's rows in place of its pointer. This does only that: no change-order ranking (the
    // delta-ordered satellite's late rows count as leaders, so some of its rows are wrong), no key new
    // since the 35th. Its rows are not checked, only timed, as the least such a load costs here.
    const cutoff35 = `TIMESTAMPTZ '${LAST_DATE.slice(0, 8)}01 00:00:00+00'`;
    const cutoff36 = `CAST(DATE '${LAST_DATE}' + 1 AS timestamp) AT TIME ZONE 'UTC'`;
    const since = sats.map(
      (s, i) =>
        `LEFT JOIN (SELECT DISTINCT ON (${hk}) ${hk}, load_ts FROM ${raw}.${q(s.name)} WHERE load_ts >= ${cutoff35} AND load_ts < ${cutoff36} ORDER BY ${hk}, load_ts DESC) AS n${i} ON n${i}.${hk} = p.${hk}`,
    );
    const replaced = sats.flatMap((s, i) => [`COALESCE(n${i}.${hk}, p.${q(`${s.name}_hk`)})`, `COALESCE(n${i}.load_ts, p.${q(`${s.name}_load_ts`)})`]);
    await client.query(`CREATE TABLE ${t('bound')} (LIKE ${pit} INCLUDING ALL)`);
    const boundMs = await timed(
      'lower bound, the 36th snapshot',
      () =>
        client.query(`INSERT INTO ${t('bound')} (${cols})
          SELECT DATE '${LAST_DATE}', p.${hk}, ${replaced.join(', ')}, TIMESTAMPTZ '${LOAD_TS_36}'
          FROM ${pit} AS p ${since.join(' ')}
          WHERE p.snapshot_date = DATE '${LAST_DATE.slice(0, 8)}01' - 1`),
      { reset: () => client.query(`TRUNCATE ${t('bound')}`) },
    );
    line('lower bound of an incremental load (36th snapshot)', await count(t('bound')), boundMs, `${(boundMs / floor36).toFixed(2)}x floor`);
    bound = boundMs / floor36;
  }

  console.log(
    `\nPIT benchmark: ${keys} keys, 3 satellites (${satRows.join(' / ')} rows), month-end snapshots; PostgreSQL ${(await client.query('SHOW server_version')).rows[0].server_version}, best of ${runs} unless said`,
  );
  console.log(`${'step'.padEnd(56)} ${'rows'.padStart(10)} ${'seconds'.padStart(9)}  ${'ratio'.padEnd(14)} goal`);
  for (const r of results) console.log(`${r.label.padEnd(56)} ${String(r.rows).padStart(10)} ${(r.ms / 1000).toFixed(2).padStart(9)}  ${r.ratio.padEnd(14)} ${r.goal}`);
  if (sampled < keys) console.log(`(naive: measured on ${sampled} keys, every ${step}th, and extrapolated linearly to ${keys} keys)`);
  // The PIT load writes the floor's rows, so it cannot beat the floor: naive / PIT is at most naive / floor.
  console.log(
    `(naive = ${(naiveFull / floor).toFixed(1)}x floor: the most any load writing these rows can be faster than the naive query; each of its correlated subqueries is one probe of the satellite's primary key)`,
  );
  if (bound !== undefined)
    console.log(
      `(lower bound = ${bound.toFixed(2)}x floor: what any incremental load must at least do, reading the 35th snapshot and the satellites' rows since and replacing pointers, with no ranking; ${bound > 1.2 ? 'above' : 'within'} the 1.2x goal)`,
    );
  if (pitLoad !== undefined)
    console.log(
      "(incremental: the 35th snapshot's pointers, replaced where a key has a satellite row loaded since its cut-off (found through the BRIN index on load_ts); the first fill wrote the 35th snapshot in one go, from the 34th, so reading it is one range of the PIT)",
    );

  if (process.env.BENCH_EXPLAIN === '1' && pitLoad !== undefined) {
    /** Prints the plan of the PIT load at `loadTs` after `prepare`, all rolled back. */
    const explain = async (title, prepare, loadTs) => {
      await client.query('BEGIN');
      await client.query(prepare);
      for (const s of pitLoad.statements) {
        // A setting of the load (SET LOCAL) runs as it is: only the INSERT has a plan.
        if (!/^\s*INSERT\b/i.test(s.sql)) {
          await client.query(s.sql, bindParameters(s, { load_ts: loadTs }));
          continue;
        }
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, bindParameters(s, { load_ts: loadTs }));
        console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the PIT load, ${title}:\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
      await client.query('ROLLBACK');
    };
    await explain('the 36th snapshot (incremental)', `DELETE FROM ${pit} WHERE snapshot_date = DATE '${LAST_DATE}'`, LOAD_TS_36);
    await explain('35 snapshots (first fill)', `TRUNCATE ${pit}`, LOAD_TS_35);
  }
} finally {
  if (process.env.BENCH_KEEP !== '1') for (const s of Object.values(model.schemas)) await client.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`);
  else say(`kept the schemas ${Object.values(model.schemas).join(', ')}`);
  await client.end();
}
if (failed) process.exit(1);
