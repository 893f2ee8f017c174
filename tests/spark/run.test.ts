/**
 * `vault run --engine spark` as a user runs it (the built CLI), against the run's Spark Thrift
 * server: specs/ews.yaml under a model and schemas of its own, small landing batches written
 * into the Spark landing tables with typed literals (seedRows' values), loaded wave by wave; a
 * second run of the same batch adds nothing. And the endpoint's mistakes, which need no Spark:
 * each is one line on standard error, exit 1 (exit 2 for a usage mistake), no secret printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultModel } from '@vault/core';
import { loadSpec } from '@vault/dsl';
import { landingTables, seedRows, sparkDialect } from '@vault/emitters/internal';
import type { Database } from '../../packages/cli/src/db/database.js';
import { ROOT } from '../helpers/run-vault.js';
import { insertedCounts } from '../run/workspace.js';
import { problemLines, sparkVault } from './cli.js';
import { columnTypes, ident, insertRows, queryText, sparkSession } from './client.js';
import { sparkSkipReason, type SparkEndpoint } from './server.js';

const T1 = '2024-05-01T00:00:00Z';
const T2 = '2024-05-02T00:00:00Z';
const T3 = '2024-05-03T00:00:00Z';
const ROWS = 12;

/** A folder with specs/ews.yaml under a model name and schemas of its own. */
function workspace(tag: string): { readonly dir: string; readonly spec: string; readonly model: VaultModel } {
  const dir = mkdtempSync(join(tmpdir(), `vault-run-${tag}-`));
  const name = `${tag}_${randomBytes(4).toString('hex')}`;
  const doc = parseDocument(readFileSync(join(ROOT, 'specs/ews.yaml'), 'utf8'));
  doc.set('model', name);
  doc.set('schemas', { landing: `${name}_landing`, raw_vault: `${name}_raw`, business_vault: `${name}_bv`, access_layer: `${name}_al` });
  mkdirSync(join(dir, 'specs'));
  const spec = join('specs', `${name}.yaml`);
  writeFileSync(join(dir, spec), doc.toString());
  const { model } = loadSpec(join(dir, spec));
  if (model === undefined) throw new Error('the workspace spec does not compile');
  return { dir, spec, model };
}

describe.skipIf(sparkSkipReason() !== undefined)('vault run --engine spark', () => {
  let endpoint: SparkEndpoint;
  let db: Database;
  const ws = workspace('spark_run');
  const landing = new Map(landingTables(ws.model, sparkDialect).map((t) => [t.source, t.sql]));
  const raw = (name: string): string => `${ident(ws.model.schemas.rawVault)}.${ident(name)}`;
  const count = async (table: string): Promise<number> => Number((await queryText(db, `SELECT CAST(count(*) AS STRING) AS n FROM ${table}`))[0]?.n);

  beforeAll(async () => {
    ({ endpoint, db } = await sparkSession());
  }, 300_000);
  afterAll(async () => {
    for (const schema of Object.values(ws.model.schemas)) await db?.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`).catch(() => undefined);
    await db?.close();
    rmSync(ws.dir, { recursive: true, force: true });
  });

  it('creates the vault, loads a landing batch wave by wave, and a second run of it adds nothing', async () => {
    // The first run creates the landing tables (empty) and everything else.
    const first = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T1], ws.dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/setup\s+created \d+ tables and views/);
    expect(first.stdout).toContain(`database  ${endpoint.url}`);

    // A batch in every landing table, typed as the landing columns are.
    const batch = seedRows(ws.model, { rows: ROWS, seed: 7, batch: 1 });
    for (const t of batch) {
      const table = landing.get(t.table);
      if (table === undefined) throw new Error(`no landing table ${t.table}`);
      await insertRows(
        db,
        table,
        t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null]))),
      );
      expect(await count(table), t.table).toBe(t.rows.length);
    }

    const second = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T2], ws.dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/setup\s+nothing to create/);
    const inserted = insertedCounts(second.stdout);
    const rv = ws.model.byKind;
    expect([...inserted.keys()]).toEqual([
      ...rv.hub.map((h) => `hub ${h.name}`),
      ...rv.link.map((l) => `link ${l.name}`),
      ...rv.satellite.map((s) => `satellite ${s.name}`),
      ...rv.effectivity_satellite.map((e) => `effectivity_satellite ${e.name}`),
      ...rv.snapshot_control.map((c) => `snapshot_control ${c.name}`),
      ...rv.pit.map((p) => `pit ${p.name}`),
    ]);
    for (const h of rv.hub) {
      const n = inserted.get(`hub ${h.name}`) ?? 0;
      expect(n, h.name).toBeGreaterThan(0);
      // What the run says it inserted is what the table gained: every key once, plus the ghost record.
      expect(await count(raw(`hub_${h.name}`)), h.name).toBe(n + 1);
      const keys = await queryText(db, `SELECT CAST(count(*) AS STRING) AS n, CAST(count(DISTINCT ${ident(`${h.name}_hk`)}) AS STRING) AS d FROM ${raw(`hub_${h.name}`)}`);
      expect(keys[0]?.n, `${h.name}: one row per key`).toBe(keys[0]?.d);
    }
    for (const s of rv.satellite) expect(inserted.get(`satellite ${s.name}`), s.name).toBeGreaterThan(0);
    for (const l of rv.link) expect(inserted.get(`link ${l.name}`), l.name).toBeGreaterThan(0);

    // The ledger records every load (Spark loads are never skipped, so it is kept only as a record).
    const ledger = await queryText(db, `SELECT entity_table, CAST(rows_inserted AS STRING) AS n FROM ${raw('vault_loads')} WHERE load_ts = CAST('${T2}' AS TIMESTAMP)`);
    expect(ledger.length).toBe(inserted.size);

    // The same batch again: idempotent, nothing new anywhere, nothing skipped.
    const before = new Map(await Promise.all(rv.hub.map(async (h) => [h.name, await count(raw(`hub_${h.name}`))] as const)));
    const third = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T3], ws.dir);
    expect(third.code, third.stderr).toBe(0);
    const again = insertedCounts(third.stdout);
    expect(again.size).toBe(inserted.size);
    for (const [entity, n] of again) {
      // The snapshot calendar gains the month ends up to the new load timestamp, if any; no other table gains a row.
      if (!entity.startsWith('snapshot_control ')) expect(n, entity).toBe(0);
    }
    expect(third.stdout).not.toContain('skipped');
    for (const h of rv.hub) expect(await count(raw(`hub_${h.name}`)), h.name).toBe(before.get(h.name));
  }, 600_000);

  it('a statement Spark refuses fails its load on one line and stops the run (exit 1)', async () => {
    // A landing table replaced by a view whose typed column cannot be read (a bad cast, refused
    // under ANSI mode): setup keeps it (CREATE TABLE IF NOT EXISTS), the loads that read it fail.
    const source = ws.model.sources[0]!.name;
    const table = landing.get(source)!;
    const types = await columnTypes(db, table);
    const typed = [...types].find(([, type]) => type !== 'string');
    if (typed === undefined) throw new Error(`landing table ${source} has no column but strings`);
    await db.query(`DROP TABLE ${table}`);
    await db.query(`CREATE VIEW ${table} AS SELECT ${[...types].map(([c, t]) => `CAST(${c === typed[0] ? "'not a value'" : 'NULL'} AS ${t}) AS ${ident(c)}`).join(', ')}`);
    try {
      const r = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T3, '--stage', 'raw'], ws.dir);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).toMatch(/^vault: failed loading \S+ \S+ \(\S+\): ERROR 22018: \[CAST_INVALID_INPUT\] The value 'not a value'/m);
      expect(r.stderr).toMatch(/not written \(Spark writes a table's INSERT all or nothing/);
      expect(r.stderr).not.toMatch(/\n\s+at |HiveSQLException|Exception:/);
      for (const line of problemLines(r.stderr)) expect(line.length, line).toBeLessThan(1200);
    } finally {
      await db.query(`DROP VIEW ${table}`);
    }
    // The next run's setup creates the table again, and the run completes.
    const again = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T3, '--stage', 'raw'], ws.dir);
    expect(again.code, again.stderr).toBe(0);
  }, 600_000);
});

describe('vault run --engine spark: the endpoint (no Spark needed)', () => {
  const ws = workspace('spark_url');
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('a URL carrying a password is refused (exit 1), the password never printed', async () => {
    const r = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', 'spark://admin:Sup3rSecretPw@127.0.0.1:10000/default'], ws.dir);
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([
      'vault: --db spark://***@127.0.0.1:10000/default: a Spark URL carries no user or password; set VAULT_SPARK_USER and VAULT_SPARK_PASSWORD (or VAULT_SPARK_TOKEN) in the environment instead',
    ]);
    expect(r.stdout + r.stderr).not.toContain('Sup3rSecretPw');
  });

  it('the same from VAULT_SPARK_URL', async () => {
    const r = await sparkVault(['run', ws.spec, '--engine', 'spark'], ws.dir, { VAULT_SPARK_URL: 'spark://admin:Sup3rSecretPw@127.0.0.1:10000' });
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toHaveLength(1);
    expect(r.stdout + r.stderr).not.toContain('Sup3rSecretPw');
  });

  it('an endpoint nobody listens on: one line, exit 1, the credentials of the environment never printed', async () => {
    const r = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', 'spark://127.0.0.1:1'], ws.dir, { VAULT_SPARK_USER: 'loader', VAULT_SPARK_PASSWORD: 'EnvSecretPw42' });
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual(['vault: cannot connect to spark://127.0.0.1:1: connection refused by 127.0.0.1:1 (is a Spark Thrift server or SQL warehouse listening there?)']);
    expect(r.stdout + r.stderr).not.toContain('EnvSecretPw42');
  });

  it('an unknown host: one line, exit 1', async () => {
    const r = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', 'spark+https://no-such-host.invalid/sql/1.0/warehouses/abc'], ws.dir, { VAULT_SPARK_TOKEN: 'dapiTokenSecret99' });
    expect(r.code).toBe(1);
    const lines = problemLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("vault: cannot connect to spark+https://no-such-host.invalid:443/sql/1.0/warehouses/abc: unknown host 'no-such-host.invalid'");
    expect(r.stdout + r.stderr).not.toContain('dapiTokenSecret99');
  });

  it('a malformed or missing endpoint is a usage mistake (exit 2), as a malformed PostgreSQL URL is', async () => {
    for (const [args, message] of [
      [['--db', 'postgres://u@127.0.0.1/d'], /^vault: --db postgres:\/\/u@127\.0\.0\.1\/d: expected a Spark URL, spark:\/\/HOST:PORT\[\/DATABASE\]/],
      [['--db', 'spark://127.0.0.1'], /no port/],
      [['--db', 'spark+https://host.example'], /an HTTP endpoint needs its path/],
      [['--db', 'spark://127.0.0.1:10000/a/b'], /one database name/],
      [[], /^vault: --engine spark needs the endpoint: --db spark:\/\/HOST:PORT/],
    ] as const) {
      const r = await sparkVault(['run', ws.spec, '--engine', 'spark', ...args], ws.dir);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      const lines = problemLines(r.stderr);
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(message);
    }
  });

  it('--jobs above 1 is refused on Spark (exit 2); --engine takes postgres or spark', async () => {
    const jobs = await sparkVault(['run', ws.spec, '--engine', 'spark', '--db', 'spark://127.0.0.1:1', '--jobs', '2'], ws.dir);
    expect(jobs.code).toBe(2);
    expect(problemLines(jobs.stderr)).toEqual(['vault: --jobs 2: the Spark engine runs one load at a time (each load is one Spark job over the whole cluster); leave --jobs out']);
    const other = await sparkVault(['run', ws.spec, '--engine', 'duckdb'], ws.dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("argument 'duckdb' is invalid. Allowed choices are postgres, spark.");
  });

  it('vault seed is PostgreSQL-only and says so when given --engine spark (exit 2)', async () => {
    const r = await sparkVault(['seed', ws.spec, '--rows', '1', '--engine', 'spark'], ws.dir);
    expect(r.code).toBe(2);
    expect(problemLines(r.stderr)).toEqual([
      'vault: vault seed fills PostgreSQL landing tables only (the embedded database or --db postgres://…); it has no --engine spark: fill Spark landing tables with your own pipeline, then run vault run --engine spark',
    ]);
  });
});
