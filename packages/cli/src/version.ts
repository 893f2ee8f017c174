/**
 * `vault --version`: the version of the @vault/cli package, read from its package.json at run
 * time (one directory above dist/), so the number is written in exactly one place. The
 * bundled CLI (scripts/bundle-cli.mjs) replaces this module with the same number, read from
 * the same file when the bundle is built.
 */
import { readFileSync } from 'node:fs';

export function vaultVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { readonly version: string };
  return pkg.version;
}
