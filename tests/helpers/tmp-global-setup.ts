/**
 * vitest globalSetup: one temporary folder for the whole test run, removed when the run ends.
 * Tests make their workspaces with `mkdtempSync(join(tmpdir(), …))` and the CLI runs they spawn
 * write under the OS temporary folder too; pointing TMPDIR (which `os.tmpdir()` reads, in the
 * workers and in every process they start) at `vault-tests-XXXXXX/` keeps all of it in one place,
 * so a run leaves nothing behind in the machine's temporary folder, whatever a test forgot to
 * clean. Folders of earlier runs whose vitest process is gone (killed before its teardown) are
 * removed here. Listed after tests/spark/global-setup.ts, whose run folder (and its search for
 * Spark servers of earlier runs) stays in the machine's temporary folder.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, readPid } from '../spark/processes.js';

const PREFIX = 'vault-tests-';

export default function setup(): () => void {
  const root = tmpdir();
  for (const old of readdirSync(root).filter((d) => d.startsWith(PREFIX))) {
    const owner = readPid(join(root, old, 'owner'));
    if (owner === undefined || alive(owner)) continue;
    rmSync(join(root, old), { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(root, PREFIX));
  writeFileSync(join(dir, 'owner'), String(process.pid));
  const before = { TMPDIR: process.env['TMPDIR'], TMP: process.env['TMP'], TEMP: process.env['TEMP'] };
  for (const name of ['TMPDIR', 'TMP', 'TEMP'] as const) process.env[name] = dir;
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
