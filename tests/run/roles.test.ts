/**
 * `vault run` under the roles a bank gives it, never a superuser: a loader that owns the vault's
 * schemas an administrator made for it and may only read the landing schema (no CREATE on the
 * database); another role running after it, which owns none of what the first one created. On a
 * server only (the embedded database has one user), and only where the test's user may create
 * roles; the roles are dropped afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_URL, count, createWorkspace, table, type Query, type Workspace } from './workspace.js';
import { type RunResult } from '../helpers/run-vault.js';
import { asRole, cannotCreateRoles, dropRoles } from './roles-helpers.js';

describe.runIf(SERVER_URL !== undefined)('vault run as roles that are not superusers', () => {
  let ws: Workspace;
  let loader: string;
  let other: string;
  /** Why the tests are skipped: the server's user may not create roles. */
  let cannot: string | undefined;
  const admin = <T>(fn: (q: Query) => Promise<T>): Promise<T> => ws.session(fn);
  const as = (role: string, args: ReadonlyArray<string>): RunResult => asRole(ws, role, args);

  beforeAll(async () => {
    ws = createWorkspace('specs/ews.yaml', 'roles');
    loader = `${ws.model.name}_loader`;
    other = `${ws.model.name}_other`;
    const { landing, rawVault, businessVault, accessLayer } = ws.model.schemas;
    cannot = await cannotCreateRoles(ws, 'roles.test.ts');
    if (cannot !== undefined) return;
    // The landing zone as the source system's team fills it.
    const seeded = ws.vault(['seed', ws.spec, '--rows', '60']);
    expect(seeded.code, seeded.stderr).toBe(0);
    await admin(async (q) => {
      for (const s of [rawVault, businessVault, accessLayer]) await q(`DROP SCHEMA "${s}" CASCADE`);
      await q(`CREATE ROLE "${loader}" LOGIN`);
      await q(`CREATE ROLE "${other}" LOGIN`);
      for (const s of [rawVault, businessVault, accessLayer]) await q(`CREATE SCHEMA "${s}" AUTHORIZATION "${loader}"`);
      for (const role of [loader, other]) {
        await q(`GRANT USAGE ON SCHEMA "${landing}" TO "${role}"`);
        await q(`GRANT SELECT ON ALL TABLES IN SCHEMA "${landing}" TO "${role}"`);
      }
    });
  });
  afterAll(async () => {
    if (cannot === undefined) await dropRoles(ws, [loader, other]);
    await ws.cleanup();
  });

  it('a loader owning the vault schemas an administrator made, reading the landing schema only, without CREATE on the database, loads', async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    expect(await admin((q) => q('SELECT has_database_privilege($1, current_database(), $2) AS may', [loader, 'CREATE'])), 'the loader may create schemas').toEqual([{ may: false }]);
    const r = as(loader, ['run', ws.spec]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rows inserted into 15 entities');
    expect(await admin((q) => count(q, `SELECT count(*) FROM ${table(ws.model, 'rawVault', 'hub_early_warning_signal')}`))).toBeGreaterThan(1);
  });

  it('another role may write the tables but owns none of the views: one line naming the owner and the GRANT, nothing changed', async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    const { rawVault, businessVault, accessLayer } = ws.model.schemas;
    await admin(async (q) => {
      await q(`GRANT USAGE, CREATE ON SCHEMA "${rawVault}", "${businessVault}", "${accessLayer}" TO "${other}"`);
      await q(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${rawVault}", "${businessVault}", "${accessLayer}" TO "${other}"`);
    });
    const ledger = `SELECT entity_table, loaded_at::text AS at FROM "${rawVault}"."vault_loads" ORDER BY 1`;
    const before = await admin((q) => q(ledger));
    const r = as(other, ['run', ws.spec, '--no-skip-unchanged']);
    expect(r.code, r.stderr).toBe(1);
    const view = (name: string): string => `view "${businessVault}"."${name}"`;
    expect(r.stderr).toContain(
      `vault: setup failed, nothing was created: ${view('hist_sat_early_warning_signal')} belongs to role ${loader}, and only its owner may replace it, as setup does on every run: ` +
        `run vault as ${loader}, or make ${other} a member of it: GRANT "${loader}" TO "${other}" (ERROR 42501: must be owner of view hist_sat_early_warning_signal)\n`,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(await admin((q) => q(ledger))).toEqual(before);
    // The GRANT the message gives is enough.
    await admin((q) => q(`GRANT "${loader}" TO "${other}"`));
    try {
      const again = as(other, ['run', ws.spec, '--no-skip-unchanged']);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      await admin((q) => q(`REVOKE "${loader}" FROM "${other}"`));
    }
  });

  it("a role that may write a table it does not own loads it empty with the table's keys in place (it may not drop them)", async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    const { businessVault, accessLayer } = ws.model.schemas;
    const hub = table(ws.model, 'rawVault', 'hub_early_warning_signal');
    const keys = `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${hub}'::regclass ORDER BY 1`;
    await admin(async (q) => {
      // The views become the other role's (so setup may replace them); the tables stay the loader's.
      for (const v of await q('SELECT schemaname AS s, viewname AS v FROM pg_views WHERE schemaname IN ($1, $2)', [businessVault, accessLayer])) {
        await q(`ALTER VIEW "${String(v['s'])}"."${String(v['v'])}" OWNER TO "${other}"`);
      }
      // The hub holds only its ghost record: the next load is a first load.
      await q(`DELETE FROM ${hub} WHERE early_warning_signal_hk <> repeat('0', 32)`);
    });
    const before = await admin((q) => q(keys));
    expect(before).toHaveLength(1);
    const r = as(other, ['run', ws.spec, '--no-skip-unchanged']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hub early_warning_signal +[1-9]\d* rows inserted/);
    expect(await admin((q) => q(keys))).toEqual(before);
  });
});
