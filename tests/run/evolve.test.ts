/**
 * A spec that grows after the vault exists: setup adds the raw vault columns the spec added
 * (keeping every stored row), the loads pick them up, and views whose columns changed are
 * replaced only when asked (--replace-views), with a message that says so otherwise.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, table, type Workspace } from './workspace.js';

const IGNORED = '      analyst_comment: { type: text, role: ignore }';
const PAYLOAD = '      analyst_comment: text';

describe(`a spec change on an existing vault on ${ON}`, () => {
  let ws: Workspace;
  let before = 0;
  const sat = (): string => table(ws.model, 'rawVault', 'sat_early_warning_signal');
  const satColumns = (): Promise<string[]> =>
    ws.session(async (q) =>
      (await q(`SELECT attname FROM pg_attribute WHERE attrelid = CAST($1 AS regclass) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [sat()])).map((r) => String(r['attname'])),
    );
  const setSpec = (from: string, to: string): void => {
    const path = join(ws.dir, ws.spec);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };

  beforeAll(async () => {
    ws = createWorkspace('specs/ews.yaml', 'evolve');
    // The first version of the spec leaves analyst_comment out of the satellite.
    setSpec(PAYLOAD, IGNORED);
    expect(ws.vault(['seed', ws.spec, '--rows', '40']).code).toBe(0);
    const first = ws.vault(['run', ws.spec, '--load-ts', '2024-07-01']);
    expect(first.code, first.stderr).toBe(0);
    expect(await satColumns()).not.toContain('analyst_comment');
    before = await ws.session((q) => count(q, `SELECT count(*) FROM ${sat()}`));
    expect(before).toBeGreaterThan(1);
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('a payload column added to the spec is added to the satellite; stored rows stay, each key gets its new state', async () => {
    setSpec(IGNORED, PAYLOAD);
    const r = ws.vault(['run', ws.spec, '--load-ts', '2024-07-02', '--stage', 'raw']);
    expect(r.code, r.stderr).toBe(0);
    expect((await satColumns()).at(-1)).toBe('analyst_comment');
    const inserted = insertedCounts(r.stdout).get('satellite early_warning_signal') ?? 0;
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${sat()} WHERE load_ts < '2024-07-02'`)).toBe(before);
      // The hashdiff now covers the comment: one new row per key whose rows have changed state.
      expect(inserted).toBeGreaterThan(0);
      expect(await count(q, `SELECT count(*) FROM ${sat()} WHERE load_ts >= '2024-07-02'`)).toBe(inserted);
      expect(await count(q, `SELECT count(*) FROM ${sat()} WHERE analyst_comment IS NOT NULL`)).toBeGreaterThan(0);
    });
  });

  it('views whose columns changed: setup stops naming the view and --replace-views; with it they are created again', async () => {
    const stopped = ws.vault(['run', ws.spec, '--load-ts', '2024-07-03']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(
      /setup failed, nothing was created: the spec changed the columns of view "[^"]+"\."bsat_early_warning_signal", which PostgreSQL cannot change in place \(ERROR 42P16: [^)]*\); run again with --replace-views/,
    );
    expect(stopped.stderr).not.toMatch(/\n\s+at /);

    const replaced = ws.vault(['run', ws.spec, '--load-ts', '2024-07-03', '--replace-views']);
    expect(replaced.code, replaced.stderr).toBe(0);
    const view = table(ws.model, 'businessVault', 'bsat_early_warning_signal');
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${view} WHERE analyst_comment IS NOT NULL`)).toBeGreaterThan(0);
    });
    // Once replaced, a plain run goes through again.
    expect(ws.vault(['run', ws.spec, '--load-ts', '2024-07-04']).code).toBe(0);
  });
});
