/**
 * The summary lines of `vault seed`, `vault run` and `vault compile --check` count in words that
 * agree with their numbers: one landing table, one row, one entity, one file (not "1 rows").
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, createWorkspace, type Workspace } from './workspace.js';
import { runVault } from '../helpers/run-vault.js';

describe(`summary lines count one of a thing in the singular (${ON})`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('tests/fixtures/one-hub.yaml', 'summary');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('seed: 1 row in 1 landing table; run: 1 row inserted into 1 entity, then 0 rows', () => {
    const seeded = ws.vault(['seed', ws.spec, '--rows', '1']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/^✓ 1 row in 1 landing table$/m);
    const ran = ws.vault(['run', ws.spec]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^✓ 1 row inserted into 1 entity in /m);
    const again = ws.vault(['run', ws.spec, '--no-skip-unchanged']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^✓ 0 rows inserted into 1 entity in /m);
  });

  it('compile --check: 1 generated file is out of date', () => {
    const out = join('generated', ws.model.name);
    const compiled = runVault(['compile', ws.spec], { cwd: ws.dir });
    expect(compiled.code, compiled.stderr).toBe(0);
    appendFileSync(join(ws.dir, out, 'manifest.json'), '\n');
    const checked = runVault(['compile', ws.spec, '--check'], { cwd: ws.dir });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`vault: 1 generated file in ${out} is out of date; run vault compile`);
  });
});
