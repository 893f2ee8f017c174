/**
 * Two models that share schemas (the default names do) never load into them at the same time:
 * the lock is on what a run writes, not on the model's name. On a server only: an embedded
 * database belongs to one model and one process (failures.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_URL, createWorkspace, type Workspace } from './workspace.js';
import type { RunResult } from '../helpers/run-vault.js';

const LOCKED = /^vault: another vault run or seed is writing schema \S+ \(PostgreSQL backend pid \d+ holds its lock\); models that share a schema run one at a time: try again when it has finished$/m;

describe.runIf(SERVER_URL !== undefined)('two models sharing schemas on the PostgreSQL server', () => {
  let ws: Workspace;
  let other: string;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'lock');
    // Another model in the same schemas, with tables, hubs and views of its own names: models
    // that share schemas share only hubs and links (docs/sql.md, "Setup"), and two that loaded
    // the same satellites are refused at setup (shared-schemas.test.ts).
    const renamed = readFileSync(join(ws.dir, ws.spec), 'utf8')
      .replaceAll('early_warning_signal', 'twin_signal')
      .replaceAll('business_partner', 'twin_partner')
      .replaceAll('customer_account_monitoring_batch_manifest', 'twin_manifest')
      .replaceAll('high_risk_signals', 'twin_high_risk');
    const doc = parseDocument(renamed);
    doc.set('model', `${ws.model.name}_twin`);
    other = join('specs', `${ws.model.name}_twin.yaml`);
    writeFileSync(join(ws.dir, other), doc.toString());
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  /** Rows of every raw satellite that repeat the state before them: what interleaved loads leave. */
  async function duplicateRows(q: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<number> {
    const raw = ws.model.schemas.rawVault;
    let n = 0;
    for (const s of [...ws.model.byKind.satellite, ...ws.model.byKind.link_satellite]) {
      const tables = await q(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = '${raw}' AND table_name LIKE '%sat_${s.name}'`);
      for (const { t } of tables) {
        const hk = (
          await q(
            `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = '${raw}' AND table_name = '${String(t)}' AND column_name LIKE '%\\_hk' ORDER BY ordinal_position LIMIT 1`,
          )
        )[0]?.c;
        const rows = await q(
          `SELECT count(*) AS n FROM (SELECT hashdiff, lag(hashdiff) OVER (PARTITION BY "${String(hk)}" ORDER BY load_ts) AS before FROM "${raw}"."${String(t)}") AS x WHERE hashdiff = before`,
        );
        n += Number(rows[0]?.n ?? 0);
      }
    }
    return n;
  }

  it('while one loads, the other is refused at once naming a shared schema; no row is duplicated', async () => {
    expect(ws.vault(['seed', ws.spec, '--rows', '300']).code).toBe(0);
    expect(ws.vault(['seed', other, '--rows', '300']).code).toBe(0);
    const landing = `"${ws.model.schemas.landing}"."early_warning_signal"`;
    const twinLanding = `"${ws.model.schemas.landing}"."twin_signal"`;
    const blocker = new pg.Client({ connectionString: SERVER_URL });
    await blocker.connect();
    const results: Array<RunResult | undefined> = [undefined, undefined];
    let runs: Array<Promise<RunResult>> = [];
    try {
      // Every load of either model reads one of these tables: a run that got past its locks waits here until COMMIT.
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE ${landing}, ${twinLanding} IN ACCESS EXCLUSIVE MODE`);
      runs = [ws.vaultAsync(['run', ws.spec]), ws.vaultAsync(['run', other])];
      runs.forEach((p, i) => void p.then((r) => (results[i] = r)));
      // Until one run has ended, or both wait on the table (both got past their locks: the bug).
      let waiting = 0;
      while (results.every((r) => r === undefined) && waiting < 2) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const r = await blocker.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE relation IN ('${landing}'::regclass, '${twinLanding}'::regclass) AND NOT granted`);
        waiting = Number(r.rows[0]?.n ?? 0);
      }
      expect(waiting, 'both runs got past their locks').toBeLessThan(2);
      const refused = results.find((r) => r !== undefined)!;
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(LOCKED);
      expect(refused.stdout).not.toContain('rows inserted');
    } finally {
      await blocker.query('COMMIT');
      await Promise.all(runs);
      await blocker.end();
    }
    const done = results.filter((r) => r?.code === 0);
    expect(done, JSON.stringify(results)).toHaveLength(1);
    expect(await ws.session((q) => duplicateRows(q))).toBe(0);
  });

  it('started together any number of times: each run loads or is refused, and no row is duplicated', async () => {
    for (let batch = 2; batch <= 4; batch++) {
      expect(ws.vault(['seed', ws.spec, '--rows', '300', '--batch', String(batch)]).code).toBe(0);
      expect(ws.vault(['seed', other, '--rows', '300', '--batch', String(batch)]).code).toBe(0);
      const results = await Promise.all([ws.vaultAsync(['run', ws.spec, '--no-skip-unchanged']), ws.vaultAsync(['run', other, '--no-skip-unchanged'])]);
      for (const r of results) {
        expect([0, 1], r.stderr).toContain(r.code);
        if (r.code === 1) expect(r.stderr).toMatch(LOCKED);
      }
      expect(results.some((r) => r.code === 0)).toBe(true);
    }
    expect(await ws.session((q) => duplicateRows(q))).toBe(0);
  });
});
