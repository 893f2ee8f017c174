#!/usr/bin/env node
// `npm run bench:load`: load 1,000,000 landing rows (100,000 keys, ten versions each) into the
// ews model on a real PostgreSQL server, and print in the same run: the initial vault load, a
// reload of the unchanged batch (skipped by the load ledger; and with --no-skip-unchanged, every
// load run), a batch with 1% of one table's rows changed, the floor (a plain
// INSERT INTO copy SELECT * FROM landing of the same rows), and the peak RSS of the vault process.
// Server: VAULT_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = fileURLToPath(new URL('..', import.meta.url));
const url = process.env.VAULT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rowsPerTable = Number(process.env.BENCH_ROWS ?? 500000);
const keys = Math.max(1, Math.floor(rowsPerTable / 10));
const work = mkdtempSync(join(tmpdir(), 'vault-bench-load-'));
const prefix = `bl${process.pid}`;
const schemas = { landing: `${prefix}_landing`, raw_vault: `${prefix}_raw`, business_vault: `${prefix}_bv`, access_layer: `${prefix}_al` };

const spec = readFileSync(join(root, 'specs/ews.yaml'), 'utf8')
  .replace(/^model: ews$/m, `model: ${prefix}`)
  .replace(
    /^hashing:/m,
    `schemas:\n  landing: ${schemas.landing}\n  raw_vault: ${schemas.raw_vault}\n  business_vault: ${schemas.business_vault}\n  access_layer: ${schemas.access_layer}\n\nhashing:`,
  );
writeFileSync(join(work, 'spec.yaml'), spec);

const client = new pg.Client({ connectionString: url });
await client.connect();
const timed = async (sql) => {
  const t0 = performance.now();
  await client.query(sql);
  return performance.now() - t0;
};
function vault(args) {
  const rss = join(work, `rss-${args[0]}-${Date.now()}.txt`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(root, 'scripts/bench/report-rss.mjs'), join(root, 'packages/cli/bin/vault.js'), ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', VAULT_BENCH_RSS_FILE: rss },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`vault ${args.join(' ')} failed: ${r.stderr}`);
  const inserted = [...r.stdout.matchAll(/(\d+) rows? inserted/g)].map((m) => Number(m[1]));
  return { ms, rss: Number(readFileSync(rss, 'utf8').trim().split('\n').pop()), inserted: inserted.length ? Math.max(...inserted) : 0, out: r.stdout };
}

try {
  // Create the tables (vault run on empty landing tables), then fill the landing zone in SQL.
  vault(['run', 'spec.yaml', '--db', url, '--load-ts', '2024-01-01T00:00:00Z']);
  const L = `"${schemas.landing}"`;
  await client.query(`TRUNCATE ${L}."early_warning_signal", ${L}."early_warning_signal_input"`);
  await client.query(
    `INSERT INTO ${L}."early_warning_signal" (early_warning_signal_id, business_partner_id, signal_date, signal_type, severity_level, two_month_window_behavioural_score_average, six_month_window_behavioural_score_average, days_past_due, overdraft_utilisation_ratio, analyst_comment, updated_at) SELECT g % ${keys} + 1, (g % ${keys}) % 20000 + 1, DATE '2024-01-01' + (g / ${keys}), 'TYPE_' || (g % 7), (g % 5)::smallint, (g % 1000) / 7.0, (g % 997) / 3.0, g % 120, (g % 100) / 100.0, 'comment ' || (g / ${keys}), TIMESTAMPTZ '2024-01-01' + g * INTERVAL '1 second' FROM generate_series(0, ${rowsPerTable - 1}) g`,
  );
  await client.query(
    `INSERT INTO ${L}."early_warning_signal_input" (early_warning_signal_input_id, customer_account_monitoring_batch_manifest_id, business_partner_id, input_source_system, balance_amount, limit_amount, missed_payment_count, received_at) SELECT g % ${keys} + 1, g % 500 + 1, (g % ${keys}) % 20000 + 1, 'SYS' || (g % 3), g % 100000 / 3.0, 100000, g % 12, TIMESTAMPTZ '2024-01-01' + g * INTERVAL '1 second' FROM generate_series(0, ${rowsPerTable - 1}) g`,
  );
  await client.query(`ANALYZE ${L}."early_warning_signal"; ANALYZE ${L}."early_warning_signal_input"`);

  // The floor: copy the same rows with a plain INSERT ... SELECT.
  let floor = 0;
  for (const t of ['early_warning_signal', 'early_warning_signal_input']) {
    await client.query(`CREATE TABLE ${L}."copy_${t}" (LIKE ${L}."${t}")`);
    floor += await timed(`INSERT INTO ${L}."copy_${t}" SELECT * FROM ${L}."${t}"`);
  }
  const initial = vault(['run', 'spec.yaml', '--db', url, '--load-ts', '2024-02-01T00:00:00Z']);
  const again = vault(['run', 'spec.yaml', '--db', url, '--load-ts', '2024-02-01T00:00:00Z']);
  const later = vault(['run', 'spec.yaml', '--db', url, '--load-ts', '2024-03-01T00:00:00Z']);
  const forced = vault(['run', 'spec.yaml', '--db', url, '--load-ts', '2024-03-01T00:00:00Z', '--no-skip-unchanged']);
  // A new batch: 1% of the signals' rows changed (a new comment on their latest version).
  const changed = await client.query(
    `UPDATE ${L}."early_warning_signal" SET analyst_comment = 'revised', updated_at = updated_at + INTERVAL '1 day' WHERE updated_at >= TIMESTAMPTZ '2024-01-01' + ${rowsPerTable - keys} * INTERVAL '1 second' AND early_warning_signal_id % 10 = 0`,
  );
  const delta = vault(['run', 'spec.yaml', '--db', url, '--load-ts', '2024-04-01T00:00:00Z']);
  const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`landing rows: ${2 * rowsPerTable} (${keys} keys per table, ${rowsPerTable / keys} versions each)`);
  console.log(`floor (INSERT INTO copy SELECT * FROM landing):       ${f(floor)}`);
  console.log(`vault run, initial load:                              ${f(initial.ms)}  (${(initial.ms / floor).toFixed(2)}x floor, goal <= 3x), peak RSS ${(initial.rss / 1048576).toFixed(0)} MiB`);
  console.log(
    `vault run, same batch, same --load-ts:                ${f(again.ms)}  (${(again.ms / floor).toFixed(2)}x floor, goal <= 1x), largest insert ${again.inserted} rows, peak RSS ${(again.rss / 1048576).toFixed(0)} MiB`,
  );
  console.log(`vault run, same batch, later --load-ts:               ${f(later.ms)}  (${(later.ms / floor).toFixed(2)}x floor), largest insert ${later.inserted} rows`);
  console.log(
    `vault run, same batch, --no-skip-unchanged:           ${f(forced.ms)}  (${(forced.ms / floor).toFixed(2)}x floor: every load reads, hashes and compares), largest insert ${forced.inserted} rows`,
  );
  console.log(`vault run, ${changed.rowCount} of ${rowsPerTable} signal rows changed:           ${f(delta.ms)}  (${(delta.ms / floor).toFixed(2)}x floor), largest insert ${delta.inserted} rows`);
  console.log(
    initial.out
      .split('\n')
      .filter((l) => /rows? inserted/.test(l))
      .join('\n'),
  );
} finally {
  for (const s of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
  rmSync(work, { recursive: true, force: true });
}
