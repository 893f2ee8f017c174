#!/usr/bin/env node
/**
 * The `vault` bin of the repository's root package: what pre-commit installs for the
 * `vault-check` hook (README.md, "Use it from pre-commit"). It runs the bundled CLI in
 * ../dist/vault/. Where npm can build before packing (pre-commit before 4.4 runs `npm install`
 * and `npm pack` in a clone), the root's postinstall script has built it. pre-commit 4.4 and later
 * install with `npm install -g git+file://...`, where npm installs no build tools, so the first
 * run bundles the TypeScript sources shipped in the package (about a second, once), into the
 * package when it is writable, else into a directory of its own under the system's temp dir.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const built = join(pkg, 'dist', 'vault', 'cli', 'vault.mjs');

async function entry() {
  if (existsSync(built)) return built;
  const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
  let out = join(pkg, 'dist', 'vault');
  try {
    accessSync(pkg, constants.W_OK);
  } catch {
    const id = createHash('sha256').update(pkg).digest('hex').slice(0, 12);
    out = join(tmpdir(), `vault-cli-${version}-${id}`);
    if (existsSync(join(out, 'cli', 'vault.mjs'))) return join(out, 'cli', 'vault.mjs');
  }
  const { bundleCli } = await import('../scripts/bundle-cli.mjs');
  return bundleCli(out, { replace: false });
}

await import(pathToFileURL(await entry()).href);
