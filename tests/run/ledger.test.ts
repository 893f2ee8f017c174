/**
 * The load ledger: `vault run` skips a load only while nothing it depends on changed (its
 * landing tables, its target table's storage and its registers', its statements), and loads again otherwise.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, skippedEntities, table, type Workspace } from './workspace.js';

/** The entities whose loads read each landing table of the ews model. */
const READS_SIGNAL = [
  'effectivity_satellite early_warning_signal_business_partner',
  'hub business_partner',
  'hub early_warning_signal',
  'link early_warning_signal_business_partner',
  'satellite early_warning_signal',
];
const ALL = [
  ...READS_SIGNAL,
  'hub customer_account_monitoring_batch_manifest',
  'hub early_warning_signal_input',
  'link early_warning_signal_input_business_partner',
  'link early_warning_signal_input_batch_manifest',
  'satellite early_warning_signal_input',
  'effectivity_satellite early_warning_signal_input_business_partner',
  'effectivity_satellite early_warning_signal_input_batch_manifest',
].sort();

describe(`the load ledger of vault run on ${ON}`, () => {
  let ws: Workspace;
  let step = 0;
  /** A run with the next day's load timestamp: what it inserted and what it skipped. */
  const run = (...extra: string[]): { inserted: Map<string, number>; skipped: ReadonlyArray<string>; stdout: string } => {
    step++;
    const r = ws.vault(['run', ws.spec, '--load-ts', `2024-06-${String(step).padStart(2, '0')}T00:00:00Z`, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return { inserted: insertedCounts(r.stdout), skipped: [...skippedEntities(r.stdout).keys()].sort(), stdout: r.stdout };
  };
  const landing = (name: string): string => table(ws.model, 'landing', name);
  const raw = (name: string): string => table(ws.model, 'rawVault', name);

  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'ledger');
    expect(ws.vault(['seed', ws.spec, '--rows', '40']).code).toBe(0);
    const first = run();
    expect(first.skipped).toEqual([]);
    expect(first.inserted.get('satellite early_warning_signal')).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('an unchanged landing zone: every load skipped, naming the load it kept', () => {
    const r = run();
    expect(r.skipped).toEqual(ALL);
    expect(r.stdout).toContain('skipped: landing unchanged since load_ts 2024-06-01T00:00:00Z');
  });

  it('an updated landing row: the loads reading that table run and keep the change, the others are skipped', async () => {
    const t = landing('early_warning_signal');
    const updated = await ws.session((q) =>
      q(
        `UPDATE ${t} SET analyst_comment = 'changed by the test' WHERE ctid = (SELECT ctid FROM ${t} WHERE early_warning_signal_id IS NOT NULL ORDER BY early_warning_signal_id, updated_at LIMIT 1) RETURNING 1`,
      ),
    );
    expect(updated).toHaveLength(1);
    const r = run();
    expect(r.skipped).toEqual(ALL.filter((e) => !READS_SIGNAL.includes(e)));
    expect(r.inserted.get('satellite early_warning_signal')).toBe(1);
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${raw('sat_early_warning_signal')} WHERE analyst_comment = 'changed by the test'`)).toBe(1);
    });
    // …and once loaded, that state is skipped too.
    expect(run().skipped).toEqual(ALL);
  });

  it('a deleted landing row or an inserted one: those loads run again', async () => {
    await ws.session((q) =>
      q(`DELETE FROM ${landing('early_warning_signal_input')} WHERE early_warning_signal_input_id = (SELECT max(early_warning_signal_input_id) FROM ${landing('early_warning_signal_input')})`),
    );
    let r = run();
    expect(r.skipped).toEqual(READS_SIGNAL.filter((e) => e !== 'hub business_partner').sort());
    for (const [entity, n] of r.inserted) expect(n, entity).toBe(0);

    await ws.session((q) =>
      q(
        `INSERT INTO ${landing('early_warning_signal')} SELECT * FROM ${landing('early_warning_signal')} WHERE early_warning_signal_id = (SELECT min(early_warning_signal_id) FROM ${landing('early_warning_signal')}) LIMIT 1`,
      ),
    );
    r = run();
    expect(r.skipped).toEqual(ALL.filter((e) => !READS_SIGNAL.includes(e)));
    for (const [entity, n] of r.inserted) expect(n, `a duplicate row adds nothing to ${entity}`).toBe(0);
  });

  it('a landing column dropped and added again (no row rewritten): the loads reading that table run', async () => {
    const t = landing('early_warning_signal');
    await ws.session(async (q) => {
      await q(`ALTER TABLE ${t} DROP COLUMN analyst_comment`);
      await q(`ALTER TABLE ${t} ADD COLUMN analyst_comment text`);
    });
    const r = run();
    expect(r.skipped).toEqual(ALL.filter((e) => !READS_SIGNAL.includes(e)));
    // Every comment is NULL now: a change for each key that had one.
    expect(r.inserted.get('satellite early_warning_signal')).toBeGreaterThan(0);
    expect(run().skipped).toEqual(ALL);
  });

  it('a truncated vault table is loaded again; the tables beside it are skipped', async () => {
    await ws.session((q) => q(`TRUNCATE ${raw('sat_early_warning_signal_input')}`));
    const r = run();
    expect(r.skipped).toEqual(ALL.filter((e) => e !== 'satellite early_warning_signal_input'));
    expect(r.inserted.get('satellite early_warning_signal_input')).toBeGreaterThan(0);
    await ws.session(async (q) => {
      // Setup put the ghost record back, the load every landing row's state.
      expect(await count(q, `SELECT count(*) FROM ${raw('sat_early_warning_signal_input')}`)).toBe((r.inserted.get('satellite early_warning_signal_input') ?? 0) + 1);
    });
  });

  it('a truncated register is loaded again with its satellite; the tables beside it are skipped', async () => {
    const register = raw('seen_sat_early_warning_signal_input');
    const rows = `SELECT count(*) FROM ${register}`;
    const before = await ws.session((q) => count(q, rows));
    await ws.session((q) => q(`TRUNCATE ${register}`));
    const r = run();
    expect(r.skipped).toEqual(ALL.filter((e) => e !== 'satellite early_warning_signal_input'));
    // The satellite holds every state already; the register gets back the rows it was given and did not keep.
    expect(r.inserted.get('satellite early_warning_signal_input')).toBe(0);
    expect(await ws.session((q) => count(q, rows))).toBe(before);
    expect(run().skipped).toEqual(ALL);
  });

  it('a landing view has no row versions to fingerprint: the loads reading it always run', async () => {
    const t = landing('early_warning_signal_input');
    const schema = ws.model.schemas.landing;
    await ws.session(async (q) => {
      await q(`ALTER TABLE ${t} RENAME TO early_warning_signal_input_rows`);
      await q(`CREATE VIEW ${t} AS SELECT * FROM "${schema}".early_warning_signal_input_rows`);
    });
    for (let i = 0; i < 2; i++) {
      const r = run();
      expect(r.skipped).toEqual(READS_SIGNAL.filter((e) => e !== 'hub business_partner').sort());
      for (const [entity, n] of r.inserted) expect(n, entity).toBe(0);
    }
    await ws.session(async (q) => {
      await q(`DROP VIEW ${t}`);
      await q(`ALTER TABLE "${schema}".early_warning_signal_input_rows RENAME TO early_warning_signal_input`);
    });
  });

  it('a spec change that changes the load statements runs every load; --no-skip-unchanged runs them all anyway', () => {
    const path = join(ws.dir, ws.spec);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^record_source: .*$/m, 'record_source: ews_core_v2'));
    const r = run();
    expect(r.skipped).toEqual([]);
    // Besides ALL, the snapshot control and the PITs, which follow the batch's timestamp and run every time.
    expect([...r.inserted.keys()].sort()).toEqual([...ALL, 'pit early_warning_signal', 'pit early_warning_signal_business_partner', `snapshot_control ${ws.model.name}`].sort());
    expect(run().skipped).toEqual(ALL);
    const forced = run('--no-skip-unchanged');
    expect(forced.skipped).toEqual([]);
    for (const [entity, n] of forced.inserted) expect(n, entity).toBe(0);
  });
});
