/**
 * The first line of a spec `vault init` writes: `# yaml-language-server: $schema=...`, which
 * the YAML language server (VS Code's YAML extension, and editors using it) reads for completion
 * and checking. The path must work for whoever opens the spec, so it is relative to the spec
 * and goes through `node_modules` (where `npm install @vault/cli` puts `@vault/dsl`), never
 * to this machine's global install. Without a `node_modules/@vault/dsl` above the spec, the line
 * names the file of the same version on unpkg, which serves every file of a published npm package.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SCHEMA_IN_PACKAGE = join('node_modules', '@vault', 'dsl', 'schema.json');

/** The schema the spec in `specDir` should name: a path relative to it, or a URL. */
export function schemaLocation(specDir: string, version: string): string {
  for (let dir = resolve(specDir); ; dir = dirname(dir)) {
    if (existsSync(join(dir, SCHEMA_IN_PACKAGE))) return relative(resolve(specDir), join(dir, SCHEMA_IN_PACKAGE)).split(sep).join('/');
    if (dirname(dir) === dir) return `https://unpkg.com/@vault/dsl@${version}/schema.json`;
  }
}
