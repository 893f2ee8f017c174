/**
 * `vault init -o FILE --force` replaces a regular file only: a folder, a named pipe or a symbolic
 * link to nothing is refused (exit 2) and left as it was; a symbolic link to a spec stays a link
 * and its target gets the new spec.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON } from '../run/workspace.js';
import { bankSchemaSql } from './bank-schema.js';
import { landingFixture, type LandingFixture } from './fixture.js';

describe(`vault init -o FILE --force on ${ON}`, () => {
  let f: LandingFixture;
  const init = (out: string): ReturnType<LandingFixture['vault']> => f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', out, '--force', ...f.dbArgs]);
  beforeAll(async () => {
    f = await landingFixture('initout');
    await f.exec(bankSchemaSql(f.schema));
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('refuses a named pipe, a folder and a dangling symbolic link, and leaves each alone', async () => {
    execFileSync('mkfifo', [join(f.dir, 'pipe.yaml')]);
    mkdirSync(join(f.dir, 'folder.yaml'));
    writeFileSync(join(f.dir, 'folder.yaml', 'keep.txt'), 'mine');
    symlinkSync('nowhere.yaml', join(f.dir, 'dangling.yaml'));
    const cases = [
      ['pipe.yaml', 'vault: -o pipe.yaml is a named pipe, not a regular file; vault init writes a regular file'],
      ['folder.yaml', 'vault: -o folder.yaml is a folder, not a regular file; vault init writes a regular file'],
      ['dangling.yaml', 'vault: -o dangling.yaml is a symbolic link to a file that does not exist; vault init writes a regular file'],
    ] as const;
    for (const [out, message] of cases) {
      const r = await init(out);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(message);
    }
    expect(lstatSync(join(f.dir, 'pipe.yaml')).isFIFO()).toBe(true);
    expect(readFileSync(join(f.dir, 'folder.yaml', 'keep.txt'), 'utf8')).toBe('mine');
    expect(lstatSync(join(f.dir, 'dangling.yaml')).isSymbolicLink()).toBe(true);
  });

  it('writes through a symbolic link to a spec, keeping the link and the permissions', async () => {
    mkdirSync(join(f.dir, 'specs'));
    const target = join(f.dir, 'specs', 'bank.yaml');
    writeFileSync(target, '# an old spec\n', { mode: 0o640 });
    symlinkSync(join('specs', 'bank.yaml'), join(f.dir, 'link.yaml'));
    const r = await init('link.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(f.dir, 'link.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toContain(`model: ${f.model}`);
    expect(statSync(target).mode & 0o777).toBe(0o640);
  });
});
