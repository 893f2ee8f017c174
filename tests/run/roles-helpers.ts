/**
 * What the tests of vault under roles that are not superusers share (roles.test.ts,
 * seed-roles.test.ts): running vault as a role, whether the server's user may create roles, and
 * dropping the roles and the workspace's schemas afterwards.
 */
import { SERVER_URL, type Workspace } from './workspace.js';
import { runVault, type RunResult } from '../helpers/run-vault.js';

/** Runs vault in the workspace as `role` (no password: the test server trusts local roles). */
export function asRole(ws: Workspace, role: string, args: ReadonlyArray<string>): RunResult {
  const u = new URL(SERVER_URL!);
  u.username = role;
  u.password = '';
  return runVault([...args, '--db', u.toString()], { cwd: ws.dir });
}

/** Why role tests cannot run (printed as the skip reason), or undefined when the server's user may create roles. */
export async function cannotCreateRoles(ws: Workspace, file: string): Promise<string | undefined> {
  const may = await ws.session((q) => q('SELECT rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user'));
  if (may[0]?.['may'] === true) return undefined;
  const why = 'the server user of VAULT_TEST_DATABASE_URL may not create roles';
  console.warn(`${file} skipped: ${why}`);
  return why;
}

/** Drops the workspace's schemas, then what `roles` own and the roles. */
export async function dropRoles(ws: Workspace, roles: ReadonlyArray<string>): Promise<void> {
  await ws.session(async (q) => {
    for (const s of new Set(Object.values(ws.model.schemas))) await q(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    for (const role of roles) {
      await q(`DROP OWNED BY "${role}"`).catch(() => undefined);
      await q(`DROP ROLE IF EXISTS "${role}"`);
    }
  });
}
