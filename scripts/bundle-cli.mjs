#!/usr/bin/env node
/**
 * Bundles the built CLI (packages/<name>/dist, from `tsc -b`) into `dist/` at the repository
 * root: what the root package's `vault` bin runs, and so what pre-commit installs for the
 * `vault-check` hook. pre-commit installs a `language: node` hook by packing this repository's
 * root and installing that one tarball globally; the @vault/* workspace packages are on no
 * registry, so the root tarball must carry the CLI itself. Why a bundle rather than
 * `bundleDependencies`: README.md, "Use it from pre-commit".
 *
 *   dist/cli/vault.mjs   the entry (with chunks beside it, one per lazily imported command,
 *                        so `vault check` loads no code of `vault run` or `vault suggest`)
 *   dist/examples/       the few-shot examples of `vault suggest`, found as ../examples/ from
 *                        the bundle, where @vault/llm-assist finds them from its dist/
 *
 * Everything pure JavaScript is bundled. The root package.json's `dependencies` stay external
 * and are installed with it: the packages that load WebAssembly or data files next to
 * themselves (@electric-sql/pglite, @viz-js/viz) or that are large and only used by one command
 * (pg, ollama, groq-sdk). Each is imported lazily, so the external list is exactly that field.
 *
 * Usage: node scripts/bundle-cli.mjs [OUT_DIR]   (default: dist)
 */
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, 'dist'));
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const external = Object.keys(readJson('package.json').dependencies ?? {}).flatMap((name) => [name, `${name}/*`]);

// Modules that find a file next to themselves at run time, replaced by what they would find.
const chevrotainEntry = createRequire(join(root, 'packages/core/package.json')).resolve('chevrotain');
const substitutes = new Map([
  // core loads chevrotain's single-file ESM bundle by path (see chevrotain.ts); bundle that file.
  ['packages/core/dist/chevrotain.js', `export * as chevrotain from ${JSON.stringify(join(dirname(chevrotainEntry), '..', 'chevrotain.mjs'))};`],
  // `vault --version` reads the cli package.json; the bundle carries the number it holds now.
  ['packages/cli/dist/version.js', `export function vaultVersion() { return ${JSON.stringify(readJson('packages/cli/package.json').version)}; }`],
]);
const substituted = new Set();

rmSync(join(out, 'cli'), { recursive: true, force: true });
rmSync(join(out, 'examples'), { recursive: true, force: true });
const result = await build({
  entryPoints: { vault: join(root, 'packages/cli/bin/vault.js') },
  outdir: join(out, 'cli'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // CommonJS dependencies (commander, ajv) call require() for Node built-ins; an ES module has none.
  banner: { js: "import { createRequire as __vaultCreateRequire } from 'node:module'; const require = __vaultCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'vault-substitutes',
      setup(b) {
        b.onLoad({ filter: /[\\/]packages[\\/](core|cli)[\\/]dist[\\/](chevrotain|version)\.js$/ }, (args) => {
          const key = args.path.slice(root.length).split('\\').join('/');
          const contents = substitutes.get(key);
          if (contents === undefined) return undefined;
          substituted.add(key);
          return { contents, loader: 'js', resolveDir: dirname(args.path) };
        });
      },
    },
  ],
});
const missed = [...substitutes.keys()].filter((k) => !substituted.has(k));
if (missed.length > 0) throw new Error(`bundle-cli: these modules were not substituted (moved or renamed?): ${missed.join(', ')}`);
cpSync(join(root, 'packages/llm-assist/examples'), join(out, 'examples'), { recursive: true });

const outputs = Object.values(result.metafile.outputs);
const kb = Math.round(outputs.reduce((n, o) => n + o.bytes, 0) / 1024);
console.log(`bundle-cli: ${join(out, 'cli', 'vault.mjs')} (${outputs.length} files, ${kb} kB; external: ${external.filter((e) => !e.endsWith('/*')).join(', ')})`);
