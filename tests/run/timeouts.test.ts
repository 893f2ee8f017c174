/**
 * A server's statement_timeout or lock_timeout, which vault leaves to the server (docs/run.md,
 * "Session settings"), stops a statement: vault says which setting did and how to raise it, exit
 * 1, nothing changed. Another session holds a lock on a hub for as long as the timeout, set
 * through PGOPTIONS as a role's or database's setting would be. On a server only (the embedded
 * database has one session).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { SERVER_URL, createWorkspace, table, type Workspace } from './workspace.js';
import { runVault } from '../helpers/run-vault.js';

if (SERVER_URL === undefined) console.warn('timeouts.test.ts skipped: a lock held by another session needs a server (VAULT_TEST_DATABASE_URL unset)');

describe.runIf(SERVER_URL !== undefined)('a timeout of the server stops a statement of vault run', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'timeouts');
    for (const args of [
      ['seed', ws.spec, '--rows', '20'],
      ['run', ws.spec],
    ]) {
      const r = ws.vault(args);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it.each([
    ['lock_timeout', '55P03', 'canceling statement due to lock timeout'],
    ['statement_timeout', '57014', 'canceling statement due to statement timeout'],
  ])('%s: the setting, how to raise it, and nothing loaded', async (setting, code, message) => {
    const ledger = `SELECT entity_table, loaded_at::text AS at FROM ${table(ws.model, 'rawVault', 'vault_loads')} ORDER BY 1`;
    const before = await ws.session((q) => q(ledger));
    const holder = new pg.Client({ connectionString: SERVER_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${table(ws.model, 'rawVault', 'hub_business_partner')} IN ACCESS EXCLUSIVE MODE`);
      const r = runVault(['run', ws.spec, '--db', SERVER_URL!, '--no-skip-unchanged'], { cwd: ws.dir, env: { PGOPTIONS: `-c ${setting}=300` } });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `ERROR ${code}: ${message}; the session's ${setting} stopped it (set for the server, the database or the role, or in PGOPTIONS): raise it for the role vault runs as, ALTER ROLE … SET ${setting} = '1h', or for one run, PGOPTIONS='-c ${setting}=0'`,
      );
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await ws.session((q) => q(ledger))).toEqual(before);
  });
});
