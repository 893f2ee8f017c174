/**
 * `vault init -o FILE` when FILE cannot be written: one line naming the file and why, exit 1,
 * no stack trace, and nothing left behind (no temporary file, no half-written spec).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON } from '../run/workspace.js';
import { landingFixture, type LandingFixture } from './fixture.js';

describe(`vault init -o on ${ON}: write failures`, () => {
  let f: LandingFixture;
  beforeAll(async () => {
    f = await landingFixture('initw');
    await f.exec([`CREATE SCHEMA ${f.schema}`, `CREATE TABLE ${f.schema}.customer (customer_id int PRIMARY KEY, name text)`]);
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const expectOneLine = (r: { code: number | null; stderr: string }, line: string): void => {
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(line);
  };

  it('into a folder that does not exist', async () => {
    const r = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'missing/spec.yaml', ...f.dbArgs]);
    expectOneLine(r, 'vault: cannot write missing/spec.yaml: the folder missing does not exist; nothing was written');
  });

  it('over a folder (with --force), and through a file used as a folder', async () => {
    mkdirSync(join(f.dir, 'taken', 'inside'), { recursive: true });
    const folder = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'taken', '--force', ...f.dbArgs]);
    // A folder named as the output file is the command line's mistake (init-output.test.ts).
    expect(folder.code, folder.stderr).toBe(2);
    expect(folder.stderr).toBe('vault: -o taken is a folder, not a regular file; vault init writes a regular file\n');
    writeFileSync(join(f.dir, 'plain'), 'x');
    const through = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'plain/spec.yaml', ...f.dbArgs]);
    expectOneLine(through, 'vault: cannot write plain/spec.yaml: a part of the path is a file, not a folder; nothing was written');
    expect(readdirSync(join(f.dir, 'taken'))).toEqual(['inside']);
    expect(readdirSync(f.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
