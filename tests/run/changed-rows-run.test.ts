/**
 * Changed rows only, as users see it (docs/run.md): after a landing table changed, the loads
 * that can read only its changed rows say so and insert what a full load inserts; a run with
 * --no-skip-unchanged reads every row and keeps the sets; a vault table emptied by hand is
 * loaded from every row again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, table, type Workspace } from './workspace.js';

/** The loads of the ews model that read the signals' landing table, all of which can read only its changed rows. */
const READS_SIGNAL = [
  'effectivity_satellite early_warning_signal_business_partner',
  'hub business_partner',
  'hub early_warning_signal',
  'link early_warning_signal_business_partner',
  'satellite early_warning_signal',
];
const NOTE = 'changed landing rows only';

/** The entities whose line carries the note. */
function changedOnly(stdout: string): string[] {
  return stdout
    .split('\n')
    .flatMap((line) => {
      const m = /^\s+\[\d+\/\d+\]\s+(\S+ \S+)\s+\d+ rows inserted\s/.exec(line);
      return m !== null && line.endsWith(`  ${NOTE}`) ? [m[1] ?? ''] : [];
    })
    .sort();
}

describe(`changed landing rows only, by vault run on ${ON}`, () => {
  let ws: Workspace;
  let step = 0;
  const run = (...extra: string[]): { inserted: Map<string, number>; changed: string[]; stdout: string } => {
    step++;
    const r = ws.vault(['run', ws.spec, '--load-ts', `2024-06-${String(step).padStart(2, '0')}T00:00:00Z`, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('vault:');
    return { inserted: insertedCounts(r.stdout), changed: changedOnly(r.stdout), stdout: r.stdout };
  };
  const signals = (): string => table(ws.model, 'landing', 'early_warning_signal');
  const raw = (name: string): string => table(ws.model, 'rawVault', name);
  /** Gives one more signal row a new comment (its latest version by updated_at). */
  const revise = async (comment: string): Promise<void> => {
    const t = signals();
    const rows = await ws.session((q) =>
      q(`UPDATE ${t} SET analyst_comment = $1 WHERE ctid = (SELECT ctid FROM ${t} WHERE analyst_comment IS DISTINCT FROM $1 ORDER BY early_warning_signal_id, updated_at DESC LIMIT 1) RETURNING 1`, [
        comment,
      ]),
    );
    expect(rows).toHaveLength(1);
  };

  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'changed');
    expect(ws.vault(['seed', ws.spec, '--rows', '40']).code).toBe(0);
    const first = run();
    // A first load reads every row: there is no set of loaded rows to compare with.
    expect(first.changed).toEqual([]);
    expect(first.inserted.get('satellite early_warning_signal')).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('records the digests of the rows loaded, one per landing row, and their token in the ledger', async () => {
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${raw('vault_rows_early_warning_signal')}`)).toBe(await count(q, `SELECT count(*) FROM ${signals()}`));
      const ledger = await q(`SELECT landing_rows, signature FROM ${raw('vault_loads')} WHERE entity_table = $1`, [`${ws.model.schemas.rawVault}.vault_rows_early_warning_signal`]);
      expect(ledger).toHaveLength(1);
      const token = String(ledger[0]!['landing_rows']);
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      // Every load that read the table whole vouches for that set.
      const sat = await q(`SELECT landing_rows FROM ${raw('vault_loads')} WHERE entity_table = $1`, [`${ws.model.schemas.rawVault}.sat_early_warning_signal`]);
      expect(JSON.parse(String(sat[0]!['landing_rows'])).tables).toEqual({ early_warning_signal: token });
    });
  });

  it('a changed row: the loads reading its table read only the changed rows and insert the change', async () => {
    await revise('first revision');
    const r = run();
    expect(r.changed).toEqual(READS_SIGNAL);
    expect(r.inserted.get('satellite early_warning_signal')).toBe(1);
    expect(r.inserted.get('hub early_warning_signal')).toBe(0);
    // The last line counts them beside the loads the ledger skipped.
    expect(r.stdout).toMatch(/^✓ \d+ rows? inserted into 15 entities \(7 unchanged since their last load, skipped; 5 from changed landing rows only\) in /m);
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${raw('sat_early_warning_signal')} WHERE analyst_comment = 'first revision'`)).toBe(1);
      // The set is the batch's again, and the changes table is gone.
      expect(await count(q, `SELECT count(*) FROM ${raw('vault_rows_early_warning_signal')}`)).toBe(await count(q, `SELECT count(*) FROM ${signals()}`));
      expect(await count(q, `SELECT count(*) FROM pg_class WHERE relname = 'vault_changes_early_warning_signal' AND relnamespace = to_regnamespace($1)`, [`"${ws.model.schemas.rawVault}"`])).toBe(0);
      // The inputs did not change: the hub reading both tables compared none of their rows, so
      // their set is still the one the first run recorded.
      const inputs = await q(`SELECT load_ts FROM ${raw('vault_loads')} WHERE entity_table = $1`, [`${ws.model.schemas.rawVault}.vault_rows_early_warning_signal_input`]);
      expect(inputs.map((row) => new Date(String(row['load_ts'])).toISOString())).toEqual(['2024-06-01T00:00:00.000Z']);
    });
  });

  it('--no-skip-unchanged reads every row, and the next changed batch reads only its changed rows again', async () => {
    const forced = run('--no-skip-unchanged');
    expect(forced.changed).toEqual([]);
    expect(forced.inserted.get('satellite early_warning_signal')).toBe(0);
    await revise('second revision');
    const r = run();
    expect(r.changed).toEqual(READS_SIGNAL);
    expect(r.inserted.get('satellite early_warning_signal')).toBe(1);
  });

  it('a vault table emptied by hand is loaded from every row again, the others from the changed rows', async () => {
    const sat = raw('sat_early_warning_signal');
    await ws.session((q) => q(`TRUNCATE ${sat}`));
    await revise('third revision');
    const r = run();
    expect(r.changed).toEqual(READS_SIGNAL.filter((e) => e !== 'satellite early_warning_signal'));
    // Every key's states again, not only the changed row's.
    await ws.session(async (q) => {
      const keys = await count(q, `SELECT count(DISTINCT early_warning_signal_id) FROM ${signals()}`);
      expect(keys).toBeGreaterThan(1);
      expect(r.inserted.get('satellite early_warning_signal')).toBeGreaterThanOrEqual(keys);
      expect(await count(q, `SELECT count(DISTINCT early_warning_signal_hk) FROM ${sat} WHERE load_ts > '0001-01-01'`)).toBe(keys);
      expect(await count(q, `SELECT count(*) FROM ${sat} WHERE analyst_comment = 'third revision'`)).toBe(1);
    });
    // The satellite vouches for the new set again: the next change reads only the changed rows.
    await revise('fourth revision');
    expect(run().changed).toEqual(READS_SIGNAL);
  });

  it('a row deleted and delivered again as it was inserts nothing', async () => {
    const t = signals();
    const gone = await ws.session((q) => q(`DELETE FROM ${t} WHERE ctid = (SELECT ctid FROM ${t} ORDER BY early_warning_signal_id DESC, updated_at DESC LIMIT 1) RETURNING *`));
    expect(gone).toHaveLength(1);
    const without = run();
    expect(without.changed).toEqual(READS_SIGNAL);
    for (const e of READS_SIGNAL) expect(without.inserted.get(e), e).toBe(0);
    const row = gone[0]!;
    const columns = Object.keys(row);
    await ws.session((q) =>
      q(
        `INSERT INTO ${t} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => row[c]),
      ),
    );
    const back = run();
    expect(back.changed).toEqual(READS_SIGNAL);
    for (const e of READS_SIGNAL) expect(back.inserted.get(e), e).toBe(0);
  });

  it('the work tables of a run stopped before its end (copies of landing rows) are dropped by the next run, even one that skips every load', async () => {
    // What a run killed between finding the changed rows and its end leaves in the raw vault:
    // the changes table (landing rows), the fresh digests and the gone entries of a landing table.
    const work = ['vault_changes_early_warning_signal', 'vault_fresh_early_warning_signal', 'vault_gone_early_warning_signal'];
    await ws.session(async (q) => {
      await q(`CREATE UNLOGGED TABLE ${raw(work[0]!)} AS SELECT * FROM ${signals()}`);
      await q(`CREATE UNLOGGED TABLE ${raw(work[1]!)} (part oid, "row" tid, version xid, d1 bigint, d2 bigint)`);
      await q(`CREATE UNLOGGED TABLE ${raw(work[2]!)} (part oid, "row" tid, version xid)`);
    });
    const left = async (): Promise<number> => ws.session((q) => count(q, `SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = ANY($2)`, [ws.model.schemas.rawVault, work]));
    expect(await left()).toBe(3);
    // The landing tables are as the last run left them: every load is skipped, none prepares its table.
    const again = run();
    expect([...again.inserted.values()].reduce((a, b) => a + b, 0)).toBe(again.inserted.get('snapshot_control ews') ?? 0);
    expect(await left()).toBe(0);
  });
});
