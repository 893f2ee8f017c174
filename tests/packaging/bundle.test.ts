/**
 * The bundled CLI that the repository's root package runs (the `vault` of the pre-commit hook):
 * built from the sources by scripts/bundle-cli.mjs, at install time or, by bin/vault.cjs, on
 * its first run. tests/packaging/pre-commit.test.ts runs it through the real pre-commit.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../../scripts/bundle-cli.mjs';
import { ROOT } from '../helpers/run-vault.js';
import { exec } from './exec.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
const BAD = 'version: 1\nmodel: shop\ntables:\n  orders:\n    colums:\n      order_id: int\n';
const ROOT_FILES = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;

describe('the bundled vault CLI', () => {
  let work: string;
  let entry: string;
  const bundled = (args: ReadonlyArray<string>) => exec(process.execPath, [entry, ...args], { cwd: work });

  beforeAll(async () => {
    // Outside the repository: the external packages (pglite, pg, ...) cannot be resolved from
    // here, so a command that runs proves it does not load them.
    work = mkdtempSync(join(tmpdir(), 'vault-bundle-'));
    entry = await bundleCli(join(work, 'vault'));
    cpSync(join(ROOT, 'specs/ews.yaml'), join(work, 'ews.yaml'));
    writeFileSync(join(work, 'bad.yaml'), BAD);
  }, 120_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('prints the cli package version', async () => {
    const r = await bundled(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('checks specs as the unbundled CLI does, loading none of the external packages', async () => {
    const good = await bundled(['check', 'ews.yaml']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stderr).toContain('ews.yaml: ok');
    const bad = await bundled(['check', 'bad.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("bad.yaml:4:3: error VLT103: table 'orders' is missing the required key 'columns'");
    expect(bad.stderr).toContain("bad.yaml:5:5: error VLT101: unknown key 'colums' in table 'orders'; did you mean 'columns'?");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('is one ASCII script, which bin/vault.cjs reads without decoding UTF-8', () => {
    const bytes = readFileSync(entry);
    const at = bytes.findIndex((b) => b > 0x7f);
    // esbuild escapes strings and names; what is left is a comment or a regular expression of the sources.
    expect(at, at < 0 ? '' : `non-ASCII at: ${bytes.subarray(Math.max(0, at - 80), at + 20).toString('utf8')}`).toBe(-1);
  });

  it('compiles, and ships the few-shot examples where @vault/llm-assist looks for them', async () => {
    const r = await bundled(['compile', 'ews.yaml', '--out', 'out']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(work, 'out/ews/manifest.json'))).toBe(true);
    expect(readFileSync(join(work, 'vault/examples/names-retail.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, 'packages/llm-assist/examples/names-retail.yaml'), 'utf8'));
  });
});

describe('bin/vault.cjs, installed without a build (pre-commit 4.4 and later)', () => {
  let pkg: string;

  beforeAll(() => {
    // The root package as npm installs it from git: the files of its `files` field, no dist/.
    // Inside node_modules/.cache so that its dependencies resolve to this repository's.
    // A fresh `npm install` has no node_modules/.cache yet.
    mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
    pkg = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'vault-root-package-'));
    cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    for (const f of ROOT_FILES.filter((f) => !f.startsWith('dist'))) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  });

  afterAll(() => {
    if (pkg !== undefined) rmSync(pkg, { recursive: true, force: true });
  });

  it('bundles the shipped sources on the first run (two first runs at once both work), then reuses the bundle', async () => {
    expect(existsSync(join(pkg, 'dist'))).toBe(false);
    const run = () => exec(process.execPath, [join(pkg, 'bin', 'vault.cjs'), 'check', 'specs/ews.yaml'], { cwd: ROOT });
    const [a, b] = await Promise.all([run(), run()]);
    for (const r of [a, b]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('specs/ews.yaml: ok');
    }
    expect(existsSync(join(pkg, 'dist/vault/cli/vault.cjs'))).toBe(true);
    const built = statSync(join(pkg, 'dist/vault/cli/vault.cjs')).mtimeMs;
    const again = await exec(process.execPath, [join(pkg, 'bin', 'vault.cjs'), '--version'], { cwd: ROOT });
    expect(again.stdout.trim()).toBe(VERSION);
    expect(statSync(join(pkg, 'dist/vault/cli/vault.cjs')).mtimeMs).toBe(built);
  }, 120_000);

  it('keeps a code cache per command beside the bundle, uses it, and replaces one that is corrupt, stale or gone', async () => {
    const cache = join(pkg, 'dist/vault/cli/cache');
    const bundle = join(pkg, 'dist/vault/cli/vault.cjs');
    const vault = (...args: string[]) => exec(process.execPath, [join(pkg, 'bin', 'vault.cjs'), ...args], { cwd: ROOT });
    const files = (command: string) => readdirSync(cache).filter((f) => f.startsWith(`${command}-${process.version}-${process.arch}-`) && f.endsWith('.v8'));
    rmSync(cache, { recursive: true, force: true });
    const first = await vault('check', 'specs/ews.yaml');
    expect(first.code, first.stderr).toBe(0);
    expect(files('check')).toHaveLength(1);
    const file = join(cache, files('check')[0]!);
    const written = readFileSync(file);
    expect(written.length).toBeGreaterThan(1000);
    // Accepted: the next run reads it and writes nothing.
    const second = await vault('check', 'specs/ews.yaml');
    expect(second.stderr).toBe(first.stderr);
    expect(readFileSync(file).equals(written)).toBe(true);
    // Corrupt: V8 rejects it, the run compiles as usual, and a good cache replaces it.
    writeFileSync(file, Buffer.from('not a code cache'));
    const third = await vault('check', 'specs/ews.yaml');
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toBe(first.stderr);
    expect(readFileSync(file).length).toBeGreaterThan(1000);
    // Another command gets its own file; no temporary file is left behind.
    expect((await vault('--version')).stdout.trim()).toBe(VERSION);
    expect(files('other')).toHaveLength(1);
    expect(readdirSync(cache).filter((f) => !f.endsWith('.v8'))).toEqual([]);
    // Stale: V8 checks a cache against the script's length only; a bundle changed to the same
    // length must run as changed, not from the cache of the old one, which is then removed.
    const text = readFileSync(bundle, 'latin1');
    const version = JSON.stringify(VERSION);
    const other = JSON.stringify(VERSION.replace(/\d/g, (d) => String((Number(d) + 1) % 10)));
    expect(text.split(version)).toHaveLength(2);
    writeFileSync(bundle, text.replace(version, other), 'latin1');
    const changed = await vault('--version');
    expect(changed.stdout.trim()).toBe(JSON.parse(other));
    expect(files('other')).toHaveLength(1);
  }, 120_000);
});
