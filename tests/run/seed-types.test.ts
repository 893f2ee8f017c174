/**
 * `vault seed` then `vault run` over a landing table with every column type of the spec
 * (tests/fixtures/all-types.yaml): on the embedded database, whose driver serialises bind
 * parameters by their type (a bytea parameter must be bytes, not its `\x…` text), and on the
 * database of the run (the server in CI). The rows land with their types, load, and load again
 * to nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ON, SERVER_URL, count, createWorkspace, insertedCounts, table, type Workspace } from './workspace.js';

const ROWS = 7;

describe.each([{ on: 'embedded PGlite', embedded: true }, ...(SERVER_URL === undefined ? [] : [{ on: ON, embedded: false }])])('vault seed, every column type, on $on', ({ embedded }) => {
  const workspaces: Workspace[] = [];
  afterAll(async () => {
    for (const ws of workspaces) await ws.cleanup();
  });

  it('seeds every type (bytea as bytes), loads it, and a second load adds nothing', async () => {
    const ws = createWorkspace('tests/fixtures/all-types.yaml', 'types', { embedded });
    workspaces.push(ws);
    const seeded = ws.vault(['seed', ws.spec, '--rows', String(ROWS)]);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stderr).not.toContain('internal error');
    const landing = table(ws.model, 'landing', 'sample');
    const stored = await ws.session(async (q) => ({
      rows: await count(q, `SELECT count(*) FROM ${landing}`),
      present: await count(q, `SELECT count(*) FROM ${landing} WHERE content IS NOT NULL`),
      // Each value is 4 bytes or more, as generated (its `\x…` text would be twice that and more).
      bytes: await count(q, `SELECT count(*) FROM ${landing} WHERE octet_length(content) BETWEEN 4 AND 8`),
    }));
    expect(stored.rows).toBe(ROWS);
    expect(stored.present).toBeGreaterThan(0);
    expect(stored.bytes).toBe(stored.present);

    const first = ws.vault(['run', ws.spec, '--load-ts', '2024-01-01T00:00:00Z', '--stage', 'raw']);
    expect(first.code, first.stderr).toBe(0);
    expect(insertedCounts(first.stdout).get('satellite sample')).toBe(ROWS);
    const again = ws.vault(['run', ws.spec, '--load-ts', '2024-01-02T00:00:00Z', '--stage', 'raw', '--no-skip-unchanged']);
    expect(again.code, again.stderr).toBe(0);
    expect([...insertedCounts(again.stdout).values()]).toEqual([0, 0]);
  }, 240_000);
});
