#!/usr/bin/env node
/**
 * The root's `postinstall` script: npm runs it after `npm install` / `npm ci` in this
 * repository. It builds the packages (tsc -b) and the bundled CLI that the root package's
 * `vault` bin runs (scripts/bundle-cli.mjs, into dist/vault).
 *
 * Why postinstall and not prepare: pre-commit before 4.4 installs the hook with `npm install`
 * and then `npm pack` in a clone, and takes the tarball's name from what `npm pack` prints;
 * a prepare script runs during `npm pack`, and npm's banner for it spoils that name.
 *
 * npm may also run it where someone installs this repository as a package (pre-commit 4.4 and
 * later: `npm install -g git+file://...`). No dev dependencies are there, so there is nothing
 * to build with; that is not an error: bin/vault.cjs bundles the shipped sources on its first
 * run instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc) || !existsSync(join(root, 'node_modules', 'esbuild'))) {
  console.log('vault postinstall: no dependencies installed here (installed as a git dependency?): nothing to build; the vault bin bundles its sources on first run');
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' });
const { bundleCli } = await import('./bundle-cli.mjs');
await bundleCli(join(root, 'dist', 'vault'));
