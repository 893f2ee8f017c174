/**
 * `vault run --jobs 2` on a real server starts a load as soon as the loads it depends on have
 * committed, not when a whole wave has (run-schedule.ts): while one hub's load cannot commit, a
 * satellite of another hub loads and commits. The hub's load is held by a row trigger the test
 * adds to its table, which waits for an advisory lock the test holds (of a class of its own, not
 * vault's) for every row but the ghost record (setup inserts that one again, ON CONFLICT DO NOTHING,
 * and BEFORE triggers fire before the conflict is found), so only the load waits. On a server only:
 * the embedded database runs one load at a time.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_URL, count, createWorkspace, table, type Workspace } from './workspace.js';
import type { RunResult } from '../helpers/run-vault.js';

const HOLD = "hashtext('vault test'), hashtext('hold a hub load')";

describe.runIf(SERVER_URL !== undefined)('vault run --jobs 2 on the PostgreSQL server', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'jobs');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('commits a satellite while an unrelated hub load waits, and then loads that hub too', async () => {
    const raw = (name: string): string => table(ws.model, 'rawVault', name);
    const heldHub = raw('hub_early_warning_signal_input');
    const satelliteTable = raw('sat_early_warning_signal');
    expect(ws.vault(['seed', ws.spec, '--rows', '200']).code).toBe(0);
    const first = ws.vault(['run', ws.spec, '--load-ts', '2024-06-01T00:00:00Z']);
    expect(first.code, first.stderr).toBe(0);
    expect(ws.vault(['seed', ws.spec, '--rows', '200', '--batch', '2']).code).toBe(0);

    const before = await ws.session(async (q) => {
      const landing = `"${ws.model.schemas.landing}"."early_warning_signal_input"`;
      const newKeys = await count(
        q,
        `SELECT count(*) FROM ${landing} AS l WHERE NOT EXISTS (SELECT 1 FROM ${heldHub} AS h WHERE h.early_warning_signal_input_id::text = l.early_warning_signal_input_id::text)`,
      );
      return { newKeys, hub: await count(q, `SELECT count(*) FROM ${heldHub}`), satellite: await count(q, `SELECT count(*) FROM ${satelliteTable}`) };
    });
    // The second batch brings new keys to the held hub, so its load inserts rows and waits.
    expect(before.newKeys).toBeGreaterThan(0);

    const holder = new pg.Client({ connectionString: SERVER_URL });
    const watcher = new pg.Client({ connectionString: SERVER_URL });
    await holder.connect();
    await watcher.connect();
    const fn = `"${ws.model.schemas.rawVault}"."hold_hub_load"`;
    let run: Promise<RunResult> | undefined;
    try {
      await watcher.query(
        `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.load_ts > TIMESTAMPTZ '1900-01-01 00:00:00+00' THEN PERFORM pg_advisory_xact_lock(${HOLD}); END IF; RETURN NEW; END $$`,
      );
      await watcher.query(`CREATE TRIGGER hold_hub_load BEFORE INSERT ON ${heldHub} FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
      await holder.query(`SELECT pg_advisory_lock(${HOLD})`);
      let result: RunResult | undefined;
      run = ws.vaultAsync(['run', ws.spec, '--jobs', '2', '--load-ts', '2024-06-02T00:00:00Z']);
      void run.then((r) => (result = r));

      // Until the satellite has committed rows of the second batch (or the run ended, or time is up).
      const deadline = Date.now() + 90_000;
      let satellite = before.satellite;
      while (satellite === before.satellite && result === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        satellite = Number((await watcher.query<{ n: string }>(`SELECT count(*) AS n FROM ${satelliteTable}`)).rows[0]?.n);
      }
      expect(result, `the run ended while a hub load was held: ${result?.stdout ?? ''}`).toBeUndefined();
      expect(satellite, 'no satellite row committed while the hub load waited').toBeGreaterThan(before.satellite);
      // The held hub's load is still waiting: nothing of it is committed.
      expect(Number((await watcher.query<{ n: string }>(`SELECT count(*) AS n FROM ${heldHub}`)).rows[0]?.n)).toBe(before.hub);
      const waiting = await watcher.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = hashtext('vault test')::oid`);
      expect(Number(waiting.rows[0]?.n)).toBe(1);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(${HOLD})`).catch(() => undefined);
      const r = await run;
      await watcher.query(`DROP TRIGGER IF EXISTS hold_hub_load ON ${heldHub}`).catch(() => undefined);
      await watcher.query(`DROP FUNCTION IF EXISTS ${fn}()`).catch(() => undefined);
      await holder.end();
      await watcher.end();
      if (r !== undefined) expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    }
    // Released, the hub's load went on and committed its new keys.
    expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${heldHub}`))).toBeGreaterThan(before.hub);
  }, 240_000);
});
