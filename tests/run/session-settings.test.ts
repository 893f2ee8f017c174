/**
 * A bank's database is rarely configured like ours: settings given by `ALTER DATABASE … SET`
 * (or `ALTER ROLE … SET`, postgresql.conf, PGOPTIONS) apply to every session vault opens. The
 * same spec and landing rows must give the same vault whatever they are (docs/run.md, "Session
 * settings"): here a database whose search_path puts `public` before `pg_catalog`, with
 * functions in `public` that would capture the built-ins vault's SQL calls (a better match than
 * the built-in, or the same one found first), and every date, time and number output setting far
 * from PostgreSQL's defaults. Its vault is compared, row for row with every hash key, with that
 * of a database with the defaults, loaded from the same seeded landing rows.
 *
 * On a server the odd settings belong to a scratch database of the test's own (skipped, with the
 * reason printed, where the server's user may not create databases); on embedded PGlite to the
 * workspace's own embedded database, whose sessions do not take a database's settings (PGlite
 * reads none): there the functions in public are tested, on the default search_path.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, SERVER_URL, createWorkspace, type Query, type Workspace } from './workspace.js';
import { runVault, type RunResult } from '../helpers/run-vault.js';

/** Functions a user of `public` may create, each returning something else than the built-in it shadows. */
const CAPTURES = [
  // The same argument types as the built-in: found first on a search_path listing public first.
  `CREATE FUNCTION public.md5(bytea) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT pg_catalog.md5(pg_catalog.decode(''00'', ''hex'') || $1)'`,
  `CREATE FUNCTION public.upper(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT pg_catalog.lower($1)'`,
  // A better match than any built-in (there is no to_char(date, text)): found on any search_path holding public.
  `CREATE FUNCTION public.to_char(date, text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT pg_catalog.to_char(CAST($1 + 1 AS timestamp), $2)'`,
];

const SETTINGS = [
  'search_path = public, pg_catalog',
  "DateStyle = 'German, DMY'",
  'IntervalStyle = sql_standard',
  "TimeZone = 'Pacific/Kiritimati'",
  'extra_float_digits = 0',
  'bytea_output = escape',
  'standard_conforming_strings = off',
];

/** Every table and view of the model's vault schemas, its rows as text in order (the model's name as MODEL); the ledgers of loads and seeds (OIDs, wall-clock times) left out. */
async function vaultRows(q: Query, ws: Workspace): Promise<Record<string, string[]>> {
  const { rawVault, businessVault, accessLayer } = ws.model.schemas;
  const layers = { [rawVault]: 'raw', [businessVault]: 'business', [accessLayer]: 'access' };
  // The reading session's own settings are pinned, so only what is stored or computed by the views differs.
  await q("SELECT set_config('search_path', 'pg_catalog', false), set_config('DateStyle', 'ISO', false), set_config('TimeZone', 'UTC', false)");
  const relations = await q(
    `SELECT n.nspname AS s, c.relname AS r FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v') AND c.relname NOT IN ('vault_loads', 'vault_seeded_tables') AND c.relname NOT LIKE 'vault_rows_%' ORDER BY 2, 1`,
    [[rawVault, businessVault, accessLayer]],
  );
  const out: Record<string, string[]> = {};
  for (const { s, r } of relations) {
    const rows = await q(`SELECT CAST(t AS text) AS t FROM "${String(s)}"."${String(r)}" AS t ORDER BY 1`);
    // The model's name, which names some objects and is what vault_objects records, is each database's own.
    out[`${layers[String(s)]}.${String(r).replace(ws.model.name, 'MODEL')}`] = rows.map((x) => String(x['t']).replaceAll(ws.model.name, 'MODEL'));
  }
  return out;
}

describe(`vault seed and run under a database's own settings, on ${ON}`, () => {
  let reference: Workspace;
  let odd: Workspace;
  let scratch: { readonly url: string; readonly name: string; readonly client: pg.Client } | undefined;
  /** Why the tests are skipped: the server's user may not create databases. */
  let cannot: string | undefined;
  const oddVault = (args: ReadonlyArray<string>): RunResult => (scratch === undefined ? odd.vault(args) : runVault([...args, '--db', scratch.url], { cwd: odd.dir }));
  const oddSession = <T>(fn: (q: Query) => Promise<T>): Promise<T> =>
    scratch === undefined ? odd.session(fn) : fn(async (text, params = []) => (await scratch!.client.query(text, [...params])).rows);
  const runs: Array<{ readonly ref: RunResult; readonly odd: RunResult }> = [];

  beforeAll(async () => {
    reference = createWorkspace('specs/ews.yaml', 'settings_ref');
    odd = createWorkspace('specs/ews.yaml', 'settings_odd');
    if (SERVER_URL !== undefined) {
      const may = await reference.session((q) => q('SELECT rolsuper OR rolcreatedb AS may FROM pg_roles WHERE rolname = current_user'));
      if (may[0]?.['may'] !== true) {
        cannot = 'the server user of VAULT_TEST_DATABASE_URL may not create databases';
        console.warn(`session-settings.test.ts skipped: ${cannot}`);
        return;
      }
      const name = `vault_settings_${randomBytes(4).toString('hex')}`;
      await reference.session((q) => q(`CREATE DATABASE "${name}"`));
      const u = new URL(SERVER_URL);
      u.pathname = `/${name}`;
      const client = new pg.Client({ connectionString: u.toString() });
      await client.connect();
      scratch = { url: u.toString(), name, client };
    }
    // The same landing rows in both, then the odd database's settings, which every later session gets.
    for (const seeded of [reference.vault(['seed', reference.spec, '--rows', '40', '--seed', '7']), oddVault(['seed', odd.spec, '--rows', '40', '--seed', '7'])]) {
      expect(seeded.code, seeded.stderr).toBe(0);
    }
    await oddSession(async (q) => {
      for (const c of CAPTURES) await q(c);
      const db = String((await q('SELECT current_database() AS d'))[0]?.['d']);
      for (const s of SETTINGS) await q(`ALTER DATABASE "${db}" SET ${s}`);
    });
    const both = (args: (spec: string) => ReadonlyArray<string>) => runs.push({ ref: reference.vault(args(reference.spec)), odd: oddVault(args(odd.spec)) });
    both((spec) => ['run', spec, '--load-ts', '2024-06-30T12:00:00Z']);
    both((spec) => ['seed', spec, '--rows', '40', '--seed', '7', '--batch', '2']);
    both((spec) => ['run', spec, '--load-ts', '2024-07-31T12:00:00Z']);
    // A late batch: its warnings name the snapshots' cut-off dates.
    both((spec) => ['run', spec, '--load-ts', '2024-05-31T12:00:00Z', '--no-skip-unchanged']);
  }, 600_000);

  afterAll(async () => {
    // The scratch database first, through the reference workspace's connection, which its cleanup closes.
    if (scratch !== undefined) {
      await scratch.client.end();
      await reference.session((q) => q(`DROP DATABASE IF EXISTS "${scratch!.name}"`));
    }
    await reference?.cleanup();
    await odd?.cleanup();
  });

  it('every command succeeds under the odd settings', (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    for (const { ref, odd: o } of runs) {
      expect(ref.code, ref.stderr).toBe(0);
      expect(o.code, o.stderr).toBe(0);
    }
  });

  it('gives the same vault, row for row with every hash key, as the default settings: no function in public captures a built-in', async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    const want = await reference.session((q) => vaultRows(q, reference));
    const got = await oddSession((q) => vaultRows(q, odd));
    expect(Object.keys(got)).toEqual(Object.keys(want));
    expect(Object.keys(want).length).toBeGreaterThan(40);
    for (const [relation, rows] of Object.entries(want)) expect(got[relation], relation).toEqual(rows);
  });

  it('prints the same: the late batch warnings name the cut-off dates in ISO form', (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    const late = runs[3]!;
    const warnings = (r: RunResult, ws: Workspace) =>
      r.stderr
        .split('\n')
        .filter((l) => l.startsWith('vault: warning:'))
        .map((l) => l.replaceAll(ws.model.schemas.businessVault, 'BV'));
    expect(warnings(late.ref, reference).length).toBeGreaterThan(0);
    expect(warnings(late.ref, reference).join('\n')).toMatch(/cut-off of \d{4}-\d{2}-\d{2},/);
    expect(warnings(late.odd, odd)).toEqual(warnings(late.ref, reference));
  });
  it('a read-only session is refused at setup: one line saying why and how to make it writable, exit 1, nothing written', async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    if (SERVER_URL === undefined) {
      const why = 'embedded PGlite applies no ALTER DATABASE … SET setting to its sessions, so none is read-only';
      console.warn(`session-settings.test.ts: read-only test skipped: ${why}`);
      ctx.skip(why);
    }
    const ledger = `SELECT entity_table, signature, CAST(load_ts AS text) AS at, rows_inserted FROM "${odd.model.schemas.rawVault}"."vault_loads" ORDER BY 1`;
    const database = async (q: Query) => String((await q('SELECT current_database() AS d'))[0]?.['d']);
    const before = await oddSession((q) => q(ledger));
    await oddSession(async (q) => q(`ALTER DATABASE "${await database(q)}" SET default_transaction_read_only = on`));
    let r: RunResult;
    try {
      r = oddVault(['run', odd.spec, '--load-ts', '2024-08-31T12:00:00Z', '--no-skip-unchanged']);
    } finally {
      // A session opened now is read-only too (the embedded database opens one per call): writable for this one.
      await oddSession(async (q) => {
        await q('SET default_transaction_read_only = off');
        await q(`ALTER DATABASE "${await database(q)}" RESET default_transaction_read_only`);
      });
    }
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /^vault: setup failed, nothing was created: the session is read-only: default_transaction_read_only is on \(for database \S+ or role \S+, in postgresql\.conf or PGOPTIONS\), or the server is a standby: turn it off for the role, ALTER ROLE "[^"]+" SET default_transaction_read_only = off, or connect to the primary \(ERROR 25006: cannot execute .* in a read-only transaction\)$/m,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(await oddSession((q) => q(ledger))).toEqual(before);
  });
});
