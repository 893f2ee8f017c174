#!/usr/bin/env node
/**
 * The root's `prepare` script: npm runs it after `npm install` in this repository and before
 * `npm pack` of the root. It builds the packages (tsc -b) and the bundled CLI that the root
 * package's `vault` bin runs (scripts/bundle-cli.mjs, into dist/vault).
 *
 * npm also runs it when someone installs this repository as a git dependency, as pre-commit 4.4
 * and later do (`npm install -g git+file://...`); npm then installs none of our dependencies
 * first, so there is nothing to build with. That is not an error: bin/vault.mjs bundles the
 * shipped sources on its first run instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc) || !existsSync(join(root, 'node_modules', 'esbuild'))) {
  console.log('vault prepare: no dependencies installed here (installed as a git dependency?): nothing to build; the vault bin bundles its sources on first run');
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: root, stdio: 'inherit' });
const { bundleCli } = await import('./bundle-cli.mjs');
await bundleCli(join(root, 'dist', 'vault'));
