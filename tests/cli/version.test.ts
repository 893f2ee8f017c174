import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runVault } from '../helpers/run-vault.js';

const cliPackage = (): { version: string } => JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string };

describe('vault --version', () => {
  it('prints the version of the @vault/cli package', () => {
    const r = runVault(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(cliPackage().version);
  });

  it('reads it from package.json at run time, not from a number written in the code', () => {
    // A copy of the built CLI whose package.json says another version; it sits inside the
    // repository so that its imports of @vault/* resolve to the workspace packages.
    const cache = join(ROOT, 'node_modules', '.cache');
    // A fresh `npm install` has no node_modules/.cache yet.
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'vault-version-'));
    try {
      cpSync(join(ROOT, 'packages/cli/bin'), join(dir, 'bin'), { recursive: true });
      cpSync(join(ROOT, 'packages/cli/dist'), join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...cliPackage(), version: '9.8.7-test' }));
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'vault.js'), '--version'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('9.8.7-test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vault --help and vault without a command', () => {
  it('--help, help and COMMAND --help print the usage on standard output, exit 0', () => {
    for (const args of [['--help'], ['help'], ['help', 'run'], ['run', '--help']]) {
      const r = runVault(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toContain('Usage: vault');
    }
  });

  it('no command is a usage mistake: the usage on standard error, exit 2 (a script whose command is empty fails)', () => {
    const r = runVault([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: vault [options] [command]');
  });
});
