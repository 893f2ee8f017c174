#!/usr/bin/env node
/**
 * Bundles the vault CLI from the TypeScript sources (packages/<name>/src) with esbuild into one
 * directory:
 *
 *   OUT/cli/vault.mjs   the entry, with chunks beside it, one per lazily imported command, so
 *                       `vault check` loads no code of `vault run` or `vault suggest`
 *   OUT/examples/       the few-shot examples of `vault suggest`, found as ../examples/ from
 *                       the bundle, as @vault/llm-assist finds them from its dist/
 *
 * This is the CLI that the repository's root package runs (bin/vault.mjs), which is what
 * pre-commit installs for the `vault-check` hook; README.md, "Use it from pre-commit", says why
 * it is a bundle. It works from the sources rather than from tsc's dist/ because where
 * pre-commit installs the hook nothing can be built before the first run (bin/vault.mjs).
 *
 * Everything pure JavaScript is bundled. The packages that load WebAssembly or data files
 * next to themselves (@electric-sql/pglite, @viz-js/viz), or that are large and used by one
 * command only (pg, hive-driver, ollama, groq-sdk), stay external: they are imported lazily and installed
 * as dependencies of the root package.
 *
 * Usage: node scripts/bundle-cli.mjs [OUT]   (default: dist/vault)
 */
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['core', 'dsl', 'emitters', 'llm-assist', 'cli'];
export const EXTERNAL = ['@electric-sql/pglite', '@viz-js/viz', 'pg', 'hive-driver', 'ollama', 'groq-sdk'];

const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** Modules that find a file next to themselves at run time, replaced by what they would find. */
function substitutes() {
  const chevrotain = createRequire(join(root, 'packages/core/package.json')).resolve('chevrotain');
  return new Map([
    // core loads chevrotain's single-file ESM bundle by path (see chevrotain.ts); bundle that file.
    ['packages/core/src/chevrotain.ts', `export * as chevrotain from ${JSON.stringify(join(dirname(chevrotain), '..', 'chevrotain.mjs'))};`],
    // `vault --version` reads the cli package.json; the bundle carries the number it holds now.
    ['packages/cli/src/version.ts', `export function vaultVersion() { return ${JSON.stringify(readJson('packages/cli/package.json').version)}; }`],
  ]);
}

/**
 * Builds the bundle into a fresh directory next to `out` and renames it into place, so a
 * process never sees half a bundle. When `out` already exists and `replace` is false (two
 * first runs at once), the one that is there is kept.
 * @returns the path of the entry, OUT/cli/vault.mjs
 */
export async function bundleCli(out, { replace = true } = {}) {
  const { build } = await import('esbuild');
  const target = resolve(out);
  const temp = join(dirname(target), `.${basename(target)}-${process.pid}-${Date.now()}`);
  const swaps = substitutes();
  const substituted = new Set();
  mkdirSync(dirname(target), { recursive: true });
  try {
    await build({
      absWorkingDir: root,
      entryPoints: { vault: 'vault-cli-entry' },
      outdir: join(temp, 'cli'),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
      // The settings of tsconfig.base.json that change emitted code, so the bundle does not
      // depend on tsconfig files (an installed root package has none).
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
      // CommonJS dependencies (commander, ajv) call require() for Node built-ins; an ES module has none.
      banner: { js: "import { createRequire as __vaultCreateRequire } from 'node:module'; const require = __vaultCreateRequire(import.meta.url);" },
      logLevel: 'warning',
      plugins: [
        {
          name: 'vault-sources',
          setup(b) {
            b.onResolve({ filter: /^vault-cli-entry$/ }, () => ({ path: 'vault-cli-entry', namespace: 'vault-entry' }));
            b.onLoad({ filter: /.*/, namespace: 'vault-entry' }, () => ({
              contents: "import { main } from './packages/cli/src/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
              resolveDir: root,
              loader: 'js',
            }));
            // The workspace packages, from their sources: the public entry and the /internal subpath.
            b.onResolve({ filter: /^@vault\/[a-z-]+(\/internal)?$/ }, (args) => {
              const [, name, sub] = /^@vault\/([a-z-]+)(\/internal)?$/.exec(args.path);
              if (!PACKAGES.includes(name)) return undefined;
              return { path: join(root, 'packages', name, 'src', sub ? 'internal.ts' : 'index.ts') };
            });
            b.onLoad({ filter: /[\\/]packages[\\/](core|cli)[\\/]src[\\/](chevrotain|version)\.ts$/ }, (args) => {
              const key = args.path.slice(root.length).split('\\').join('/');
              const contents = swaps.get(key);
              if (contents === undefined) return undefined;
              substituted.add(key);
              return { contents, loader: 'js', resolveDir: dirname(args.path) };
            });
          },
        },
      ],
    });
    const missed = [...swaps.keys()].filter((k) => !substituted.has(k));
    if (missed.length > 0) throw new Error(`bundle-cli: not substituted (moved or renamed?): ${missed.join(', ')}`);
    cpSync(join(root, 'packages/llm-assist/examples'), join(temp, 'examples'), { recursive: true });
    if (replace) rmSync(target, { recursive: true, force: true });
    try {
      renameSync(temp, target);
    } catch (e) {
      // Another process renamed its bundle into place first: theirs is as good as ours.
      if (replace || !['ENOTEMPTY', 'EEXIST'].includes(e.code)) throw e;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return join(target, 'cli', 'vault.mjs');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await bundleCli(process.argv[2] ?? join(root, 'dist', 'vault'));
  console.log(`bundle-cli: wrote ${entry}`);
}
