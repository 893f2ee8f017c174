import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_LOCK_CLASS, TRY_LOCK_SCHEMA } from '../../packages/cli/dist/db/index.js';
import { ON, SERVER_URL, count, createWorkspace, insertedCounts, table, type Workspace } from './workspace.js';

const T1 = '2024-06-01T00:00:00Z';
const T2 = '2024-06-02T00:00:00Z';

describe(`vault run failures on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'fail');
  });
  afterAll(async () => {
    await ws.cleanup();
  });
  const raw = (name: string): string => table(ws.model, 'rawVault', name);

  it.runIf(SERVER_URL !== undefined)('a run or seed whose schema another session holds the lock of fails at once, naming the schema and who holds it', async () => {
    const holder = new pg.Client({ connectionString: SERVER_URL });
    await holder.connect();
    try {
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      // Any one of the schemas the model writes, not its name: another model may share it.
      const schema = ws.model.schemas.businessVault;
      expect((await holder.query<{ locked: boolean }>(TRY_LOCK_SCHEMA, [SCHEMA_LOCK_CLASS, schema])).rows[0]?.locked).toBe(true);
      for (const command of [
        ['run', ws.spec],
        ['seed', ws.spec, '--rows', '5'],
      ]) {
        const r = await ws.vaultAsync(command);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(
          `vault: another vault run or seed is writing schema ${schema} (PostgreSQL backend pid ${pid} holds its lock); models that share a schema run one at a time: try again when it has finished`,
        );
        expect(r.stdout).not.toContain('rows inserted');
      }
      // The locks it took before the refused one are released: the holder can take them all.
      for (const s of Object.values(ws.model.schemas)) {
        const again = new pg.Client({ connectionString: SERVER_URL });
        await again.connect();
        try {
          if (s !== schema) expect((await again.query<{ locked: boolean }>(TRY_LOCK_SCHEMA, [SCHEMA_LOCK_CLASS, s])).rows[0]?.locked, s).toBe(true);
        } finally {
          await again.end();
        }
      }
      await holder.query('SELECT pg_advisory_unlock_all()');
      const after = await ws.vaultAsync(['seed', ws.spec, '--rows', '5']);
      expect(after.code, after.stderr).toBe(0);
    } finally {
      await holder.end();
    }
  });

  it.runIf(SERVER_URL === undefined)('the embedded database is used by one process at a time; a dead holder is taken over', async () => {
    const dir = join(ws.dir, '.vault', ws.model.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pgdata.lock'), String(process.pid));
    const r = await ws.vaultAsync(['seed', ws.spec, '--rows', '5']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`vault: the embedded database .vault/${ws.model.name}/pgdata is in use by another vault process (pid ${process.pid}); try again when it has finished`);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, 'pgdata.lock'), String(gone));
    const after = await ws.vaultAsync(['seed', ws.spec, '--rows', '5']);
    expect(after.code, after.stderr).toBe(0);
  });

  it('a failing load names the entity and the SQL error; the loads that depend on it are not run, every other load runs and is kept, that one is unchanged', async () => {
    expect(ws.vault(['seed', ws.spec, '--rows', '60']).code).toBe(0);
    expect(ws.vault(['run', ws.spec, '--load-ts', T1]).code).toBe(0);
    expect(ws.vault(['seed', ws.spec, '--rows', '60', '--batch', '2']).code).toBe(0);
    const landing = `"${ws.model.schemas.landing}"."early_warning_signal"`;
    const before = await ws.session(async (q) => {
      // The satellite early_warning_signal reads this column; hubs and links do not.
      await q(`ALTER TABLE ${landing} DROP COLUMN analyst_comment`);
      return count(q, `SELECT count(*) FROM ${raw('sat_early_warning_signal')}`);
    });

    const r = ws.vault(['run', ws.spec, '--load-ts', T2]);
    expect(r.code, r.stderr).toBe(1);
    const schema = ws.model.schemas.rawVault;
    expect(r.stderr).toMatch(
      new RegExp(`vault: failed loading satellite early_warning_signal \\(${schema}\\.sat_early_warning_signal\\): ERROR 42703: column [^ ]*analyst_comment[^ ]* does not exist`),
    );
    // Only the loads that depend on the failed satellite are not run (the PIT over its hub reads
    // it); every other load runs and is kept: the effectivity satellites, the snapshot control and
    // the other PIT, though they come after it in the plan.
    expect(r.stderr).toContain('vault: satellite early_warning_signal was rolled back and is as it was; 13 entities loaded are kept; 1 not loaded, as it depends on it: pit early_warning_signal');
    expect(r.stdout).toMatch(/^\s+\[14\/15\]\s+pit early_warning_signal\s+not loaded: it depends on satellite early_warning_signal, which failed$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const inserted = insertedCounts(r.stdout);
    expect([...inserted.keys()].sort()).toEqual(
      [
        'hub business_partner',
        'hub customer_account_monitoring_batch_manifest',
        'hub early_warning_signal',
        'hub early_warning_signal_input',
        'link early_warning_signal_business_partner',
        'link early_warning_signal_input_batch_manifest',
        'link early_warning_signal_input_business_partner',
        'satellite early_warning_signal_input',
        'effectivity_satellite early_warning_signal_business_partner',
        'effectivity_satellite early_warning_signal_input_batch_manifest',
        'effectivity_satellite early_warning_signal_input_business_partner',
        `snapshot_control ${ws.model.name}`,
        'pit early_warning_signal_business_partner',
      ].sort(),
    );
    expect(inserted.get('hub early_warning_signal')).toBeGreaterThan(0); // batch 2 has new keys

    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${raw('hub_early_warning_signal')} WHERE load_ts = $1`, [T2])).toBe(inserted.get('hub early_warning_signal'));
      expect(await count(q, `SELECT count(*) FROM ${raw('sat_early_warning_signal')}`)).toBe(before);
      expect(inserted.get('satellite early_warning_signal_input')).toBeGreaterThan(0);
      expect(await count(q, `SELECT count(*) FROM ${raw('sat_early_warning_signal_input')} WHERE load_ts >= $1`, [T2])).toBe(inserted.get('satellite early_warning_signal_input'));
      await q(`ALTER TABLE ${landing} ADD COLUMN analyst_comment text`);
    });

    // Fixed: the same batch again loads the rest; what was loaded inserts nothing the second time.
    const again = ws.vault(['run', ws.spec, '--load-ts', T2]);
    expect(again.code, again.stderr).toBe(0);
    const second = insertedCounts(again.stdout);
    expect(second.get('hub early_warning_signal')).toBe(0);
    expect(second.get('satellite early_warning_signal')).toBeGreaterThan(0);
    expect(second.get('satellite early_warning_signal_input')).toBe(0);
  });

  it('a spec with errors prints diagnostics and exits 1 without touching the database; bad options exit 2', () => {
    const bad = join(ws.dir, 'specs', 'bad.yaml');
    writeFileSync(bad, 'version: 1\nmodel: bad\ntables:\n  t:\n    columns:\n      id: intt\n');
    const r = ws.vault(['run', 'specs/bad.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/specs\/bad\.yaml:6:11: error VLT201: unknown column type 'intt'/);
    expect(r.stderr).toContain('vault: specs/bad.yaml: run stopped; the database was not touched');
    expect(ws.vault(['run', ws.spec, '--load-ts', 'yesterday']).code).toBe(2);
    expect(ws.vault(['seed', ws.spec]).code).toBe(2);
    expect(ws.vault(['seed', ws.spec, '--rows', 'many']).code).toBe(2);
    expect(ws.vault(['run', ws.spec, '--stage', 'gold']).code).toBe(2);
  });
});
