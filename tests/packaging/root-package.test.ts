/**
 * The repository's root package is what pre-commit installs for the `vault-check` hook
 * (README.md, "Use it from pre-commit"): these are the rules it must keep for both ways
 * pre-commit installs a node hook. tests/packaging/pre-commit.test.ts runs the real thing.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXTERNAL } from '../../scripts/bundle-cli.mjs';
import { ROOT } from '../helpers/run-vault.js';
import { exec, ok } from './exec.js';

interface Manifest {
  readonly bin?: Record<string, string>;
  readonly files?: ReadonlyArray<string>;
  readonly scripts?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly license?: string;
}

const read = (path: string): Manifest => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Manifest;
const root = read('package.json');
const PACKAGES = ['core', 'dsl', 'emitters', 'llm-assist', 'cli'];

describe('the root package (the pre-commit hook)', () => {
  it('has a vault bin, a committed launcher with its run bit', () => {
    expect(root.bin).toEqual({ vault: 'bin/vault.cjs' });
    const launcher = join(ROOT, 'bin/vault.cjs');
    expect(readFileSync(launcher, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(launcher).mode & 0o111).not.toBe(0);
  });

  it('runs no script while npm packs it: pre-commit before 4.4 reads the tarball name from what npm pack prints', () => {
    for (const s of ['prepack', 'prepare', 'postpack']) expect(root.scripts?.[s], s).toBeUndefined();
  });

  it('depends on every third-party package the workspace packages use, with their ranges, and on esbuild', () => {
    // bin/vault.cjs bundles the sources where npm installed the root package alone.
    const needed: Record<string, string> = { esbuild: expect.any(String) as unknown as string };
    for (const p of PACKAGES) {
      for (const [name, range] of Object.entries(read(`packages/${p}/package.json`).dependencies ?? {})) {
        if (!name.startsWith('@vault/')) needed[name] = range;
      }
    }
    expect(root.dependencies).toEqual(needed);
    for (const name of EXTERNAL) expect(Object.keys(root.dependencies ?? {})).toContain(name);
  });

  it('packs the launcher, the bundler, the sources and the examples', async () => {
    const r = ok(await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT }), 'npm pack --dry-run');
    const files = new Set((JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
    for (const f of ['bin/vault.cjs', 'scripts/bundle-cli.mjs', 'scripts/postinstall.mjs', 'packages/llm-assist/examples/names-retail.yaml', 'LICENSE', 'README.md']) {
      expect(files.has(f), f).toBe(true);
    }
    for (const p of PACKAGES) {
      expect(files.has(`packages/${p}/package.json`), p).toBe(true);
      expect(files.has(`packages/${p}/src/index.ts`), p).toBe(true);
    }
  });

  it('.pre-commit-hooks.yaml runs `vault check` as a node hook on YAML files', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;
    expect(hooks).toEqual([expect.objectContaining({ id: 'vault-check', entry: 'vault check', language: 'node', types: ['yaml'] })]);
  });
});
