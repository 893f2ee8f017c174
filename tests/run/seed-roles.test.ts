/**
 * `vault seed` under a role that may not do all it does, never a superuser: each refusal names
 * the step, the table or schema and the GRANT that gives the privilege, as `vault run`'s setup
 * does (docs/run.md, "Roles and privileges"), and changes nothing. Also `vault run` refused USAGE
 * on the raw vault's schema by its setup's procedural block, and on the landing schema by its
 * loads. On a server only (the embedded database has one user), and only where the test's user
 * may create roles; the roles are dropped afterwards. The tests run in order, each on what the
 * one before it left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_URL, count, createWorkspace, type Query, type Workspace } from './workspace.js';
import { type RunResult } from '../helpers/run-vault.js';
import { asRole, cannotCreateRoles, dropRoles } from './roles-helpers.js';

describe.runIf(SERVER_URL !== undefined)('vault seed and run refused a privilege: the step, the object and the GRANT', () => {
  let ws: Workspace;
  let seeder: string;
  let loader: string;
  /** Why the tests are skipped: the server's user may not create roles. */
  let cannot: string | undefined;
  const admin = <T>(fn: (q: Query) => Promise<T>): Promise<T> => ws.session(fn);
  const as = (role: string, args: ReadonlyArray<string>): RunResult => asRole(ws, role, args);
  const landing = (): string => ws.model.schemas.landing;
  const ident = (name: string): string => `"${landing()}"."${name}"`;
  /** Rows of every landing table: what a refused seed must leave as it was. */
  const rows = (): Promise<number[]> => admin(async (q) => Promise.all(ws.model.sources.map((s) => count(q, `SELECT count(*) FROM ${ident(s.name)}`))));
  const seed = (): RunResult => as(seeder, ['seed', ws.spec, '--rows', '20', '--replace-tables', ws.model.sources.map((s) => s.name).join(',')]);

  beforeAll(async () => {
    ws = createWorkspace('specs/ews.yaml', 'seedroles');
    seeder = `${ws.model.name}_seeder`;
    loader = `${ws.model.name}_loader`;
    const { rawVault, businessVault, accessLayer } = ws.model.schemas;
    cannot = await cannotCreateRoles(ws, 'seed-roles.test.ts');
    if (cannot !== undefined) return;
    // The landing zone is the administrator's; the vault's schemas the seeder's, empty.
    const seeded = ws.vault(['seed', ws.spec, '--rows', '30']);
    expect(seeded.code, seeded.stderr).toBe(0);
    await admin(async (q) => {
      for (const s of [rawVault, businessVault, accessLayer]) await q(`DROP SCHEMA "${s}" CASCADE`);
      await q(`CREATE ROLE "${seeder}" LOGIN`);
      await q(`CREATE ROLE "${loader}" LOGIN`);
      for (const s of [rawVault, businessVault, accessLayer]) await q(`CREATE SCHEMA "${s}" AUTHORIZATION "${seeder}"`);
      await q(`GRANT USAGE ON SCHEMA "${landing()}" TO "${seeder}", "${loader}"`);
      await q(`GRANT SELECT ON ALL TABLES IN SCHEMA "${landing()}" TO "${seeder}", "${loader}"`);
    });
  });
  afterAll(async () => {
    if (cannot === undefined) await dropRoles(ws, [seeder, loader]);
    await ws.cleanup();
  });

  it('vault seed names the table it may not lock, empty or insert into, or the schema it may not use, and the GRANT; the GRANTs it names are enough', async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    const [first, second] = ws.model.sources.map((s) => s.name);
    const before = await rows();

    // SELECT only: seed locks the tables against writes while it checks and replaces their rows.
    const locked = seed();
    expect(locked.code, locked.stderr).toBe(1);
    expect(locked.stderr).toContain(
      `vault: checking the landing tables failed, nothing was changed: role ${seeder} may not lock ${ident(first!)}: GRANT TRUNCATE ON ${ident(first!)} TO "${seeder}" (ERROR 42501: permission denied for table ${first})\n`,
    );
    expect(locked.stderr).not.toMatch(/^\s+at /m);

    // Locked (UPDATE is enough for that), but the second table may not be emptied.
    await admin(async (q) => {
      await q(`GRANT UPDATE ON ALL TABLES IN SCHEMA "${landing()}" TO "${seeder}"`);
      await q(`GRANT TRUNCATE ON ${ident(first!)} TO "${seeder}"`);
    });
    const emptied = seed();
    expect(emptied.code, emptied.stderr).toBe(1);
    expect(emptied.stderr).toContain(
      `vault: emptying the landing tables failed, nothing was changed: role ${seeder} may not empty ${ident(second!)}: GRANT TRUNCATE ON ${ident(second!)} TO "${seeder}" (ERROR 42501: permission denied for table ${second})\n`,
    );

    // Every table may be emptied, the second not written.
    await admin(async (q) => {
      await q(`GRANT TRUNCATE ON ${ident(second!)} TO "${seeder}"`);
      await q(`GRANT INSERT ON ${ident(first!)} TO "${seeder}"`);
    });
    const inserted = seed();
    expect(inserted.code, inserted.stderr).toBe(1);
    expect(inserted.stderr).toContain(
      `vault: seeding ${landing()}.${second} failed, nothing was changed: role ${seeder} may not insert into ${ident(second!)}: GRANT INSERT ON ${ident(second!)} TO "${seeder}" (ERROR 42501: permission denied for table ${second})\n`,
    );

    // No USAGE on the landing schema.
    await admin(async (q) => {
      await q(`GRANT INSERT ON ${ident(second!)} TO "${seeder}"`);
      await q(`REVOKE USAGE ON SCHEMA "${landing()}" FROM "${seeder}"`);
    });
    const used = seed();
    expect(used.code, used.stderr).toBe(1);
    expect(used.stderr).toContain(
      `vault: checking the landing tables failed, nothing was changed: role ${seeder} may not use schema "${landing()}": GRANT USAGE ON SCHEMA "${landing()}" TO "${seeder}" (ERROR 42501: permission denied for schema ${landing()})\n`,
    );
    expect(await rows()).toEqual(before);

    await admin((q) => q(`GRANT USAGE ON SCHEMA "${landing()}" TO "${seeder}"`));
    const done = seed();
    expect(done.code, done.stderr).toBe(0);
    expect(await rows()).toEqual(ws.model.sources.map(() => 20));
  });

  it("vault run without USAGE on the raw vault's schema: setup names the schema and the GRANT", async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    const { rawVault, businessVault, accessLayer } = ws.model.schemas;
    // The tables the seeder's setup created (the test above), to write, but not their schema, to
    // use; the views, which setup replaces, the loader's.
    await admin(async (q) => {
      await q(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${rawVault}" TO "${loader}"`);
      await q(`GRANT USAGE, CREATE ON SCHEMA "${businessVault}", "${accessLayer}" TO "${loader}"`);
      for (const v of await q('SELECT schemaname AS s, viewname AS v FROM pg_views WHERE schemaname IN ($1, $2)', [businessVault, accessLayer])) {
        await q(`ALTER VIEW "${String(v['s'])}"."${String(v['v'])}" OWNER TO "${loader}"`);
      }
    });
    // The record of which model owns each object, which setup reads and writes in every schema: SELECT and INSERT
    // (under --stage raw the business vault's is the first, for the history views of the raw vault).
    const records = as(loader, ['run', ws.spec, '--stage', 'raw']);
    expect(records.code, records.stderr).toBe(1);
    expect(records.stderr).toContain(
      `vault: setup failed, nothing was created: role ${loader} may not read and write "${businessVault}"."vault_objects", which setup reads and writes on every run: GRANT SELECT, INSERT ON "${businessVault}"."vault_objects" TO "${loader}" (ERROR 42501: permission denied for table vault_objects)\n`,
    );
    await admin((q) => q(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "${businessVault}", "${accessLayer}" TO "${loader}"`));
    const r = as(loader, ['run', ws.spec, '--stage', 'raw']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      `vault: setup failed, nothing was created: role ${loader} may not use schema "${rawVault}": GRANT USAGE ON SCHEMA "${rawVault}" TO "${loader}" (ERROR 42501: permission denied for schema ${rawVault})\n`,
    );
    await admin((q) => q(`GRANT USAGE ON SCHEMA "${rawVault}" TO "${loader}"`));
    const again = as(loader, ['run', ws.spec, '--stage', 'raw']);
    expect(again.code, again.stderr).toBe(0);
  });

  it("vault run that may not read the raw vault's hashing record: setup names the table and the GRANT", async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    const { rawVault } = ws.model.schemas;
    const record = `"${rawVault}"."vault_hashing"`;
    await admin((q) => q(`REVOKE SELECT ON ${record} FROM "${loader}"`));
    try {
      const r = as(loader, ['run', ws.spec, '--stage', 'raw']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `vault: setup failed, nothing was created: role ${loader} may not read and write ${record}, which setup reads and writes on every run: GRANT SELECT ON ${record} TO "${loader}" (ERROR 42501: permission denied for table vault_hashing)\n`,
      );
    } finally {
      await admin((q) => q(`GRANT SELECT ON ${record} TO "${loader}"`));
    }
    const again = as(loader, ['run', ws.spec, '--stage', 'raw']);
    expect(again.code, again.stderr).toBe(0);
  });

  it('vault run without USAGE on the landing schema: each failed load names the schema and the GRANT', async (ctx) => {
    if (cannot !== undefined) ctx.skip(cannot);
    await admin((q) => q(`REVOKE USAGE ON SCHEMA "${landing()}" FROM "${loader}"`));
    try {
      const r = as(loader, ['run', ws.spec, '--stage', 'raw', '--no-skip-unchanged']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^vault: failed loading \\S+ \\S+ \\(\\S+\\): role ${loader} may not use schema "${landing()}": GRANT USAGE ON SCHEMA "${landing()}" TO "${loader}" \\(ERROR 42501: permission denied for schema ${landing()}\\)$`,
          'm',
        ),
      );
    } finally {
      await admin((q) => q(`GRANT USAGE ON SCHEMA "${landing()}" TO "${loader}"`));
    }
  });
});
