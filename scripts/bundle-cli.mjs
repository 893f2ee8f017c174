#!/usr/bin/env node
/**
 * Bundles the vault CLI from the TypeScript sources (packages/<name>/src) with esbuild into one
 * directory:
 *
 *   OUT/cli/vault.cjs   the whole CLI in one script. Each command's modules are initialised only
 *                       when the command runs, so `vault check` runs no code of `vault run` or
 *                       `vault suggest`. One classic script rather than ES module chunks because
 *                       V8 can cache the compiled code of a script (bin/vault.cjs keeps that
 *                       cache in OUT/cli/cache/), which Node.js 20 offers for no ES module:
 *                       start-up is then spent running code instead of compiling it.
 *                       `node OUT/cli/vault.cjs ARGS` also works, without the cache.
 *   OUT/examples/       the few-shot examples of `vault suggest`, found as ../examples/ from
 *                       the bundle, as @vault/llm-assist finds them from its dist/
 *
 * This is the CLI that the repository's root package runs (bin/vault.cjs), which is what
 * pre-commit installs for the `vault-check` hook; README.md, "Use it from pre-commit", says why
 * it is a bundle. It works from the sources rather than from tsc's dist/ because where
 * pre-commit installs the hook nothing can be built before the first run (bin/vault.cjs).
 *
 * Everything pure JavaScript is bundled. The packages that load WebAssembly or data files
 * next to themselves (@electric-sql/pglite, @viz-js/viz), or that are large and used by one
 * command only (pg, hive-driver, ollama, groq-sdk), stay external: they are loaded lazily and installed
 * as dependencies of the root package. Their dynamic `import()`s are routed through
 * `__vaultImport` (see IMPORT_HOOK): V8 runs no `import()` of a script compiled with node:vm
 * unless the host registered a callback for it, which Node.js 20 does not reliably do.
 *
 * Usage: node scripts/bundle-cli.mjs [OUT]   (default: dist/vault)
 */
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['core', 'dsl', 'emitters', 'llm-assist', 'cli'];
export const EXTERNAL = ['@electric-sql/pglite', '@viz-js/viz', 'pg', 'hive-driver', 'ollama', 'groq-sdk'];

/**
 * The first lines of the bundle. `__vaultImportHook` is a parameter of the function that
 * bin/vault.cjs wraps the script in (an `import()` of its own); run by Node.js directly, the
 * script has no such parameter and imports as any CommonJS module does. `import.meta.url` of
 * the sources (the examples folder) is the bundle's own URL.
 */
const IMPORT_HOOK = [
  "var __vaultImport = typeof __vaultImportHook === 'function' ? __vaultImportHook : (specifier) => import(specifier);",
  "var __vaultImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
].join('\n');

/** Routes every `import("EXTERNAL...")` of the bundle through `__vaultImport`; fails on any other `import(`. */
function routeDynamicImports(code) {
  let routed = 0;
  const names = EXTERNAL.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  const out = code.replace(new RegExp(`\\bimport\\(("(?:${names})(?:/[^"]*)?")\\)`, 'g'), (_, spec) => {
    routed++;
    return `__vaultImport(${spec})`;
  });
  const left = /\bimport\((?!specifier\))/.exec(out.slice(IMPORT_HOOK.length));
  if (left !== null) throw new Error(`bundle-cli: an import() the bundle cannot route: ${out.slice(IMPORT_HOOK.length + left.index, IMPORT_HOOK.length + left.index + 80)}`);
  if (routed === 0) throw new Error('bundle-cli: no dynamic import of an external package found; has the bundle format changed?');
  return out;
}

const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

/**
 * Node.js built-ins that cost a few ms to load and that `vault check` never calls: loaded on
 * first use instead of when the module importing them initialises. commander requires
 * child_process (with net, dgram, streams) for subcommands run as executables, which vault has
 * none of; the sources import crypto for hashing names, file names and lock tokens. Only
 * these importers are served, with only these names: a source importing another name from
 * crypto fails the build ("No matching export"), so nothing is silently undefined.
 */
const LAZY_BUILTINS = [
  {
    name: 'child_process',
    importer: /[\\/]node_modules[\\/]commander[\\/]/,
    contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });\n",
  },
  {
    name: 'crypto',
    importer: /[\\/]packages[\\/][a-z-]+[\\/]src[\\/]/,
    contents: [
      'let crypto;',
      "const load = () => (crypto ??= require('node:crypto'));",
      'export const createHash = (...args) => load().createHash(...args);',
      'export const randomBytes = (...args) => load().randomBytes(...args);',
      '',
    ].join('\n'),
  },
];

/**
 * The yaml package, as the sources import it: loaded when first called. Specs are read with
 * js-yaml (packages/dsl/src/yaml/data-reader.ts); the yaml package builds syntax trees for
 * errors, positions and edits, which a clean `vault check` never needs, and initialising its
 * modules costs ~8 ms. Only these values are served: a source importing another value from
 * 'yaml' fails the build ("No matching export").
 */
const LAZY_YAML = [
  'let yaml;',
  "const load = () => (yaml ??= require('yaml'));",
  ...['isMap', 'isPair', 'isScalar', 'isSeq', 'parseDocument', 'visit'].map((name) => `export const ${name} = (...args) => load().${name}(...args);`),
  // Constructed with `new`: a function returning an object gives that object to `new`.
  'export function Document(...args) {',
  '  return new (load().Document)(...args);',
  '}',
  '',
].join('\n');

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
 * @returns the path of the entry, OUT/cli/vault.cjs
 */
export async function bundleCli(out, { replace = true } = {}) {
  const { build } = await import('esbuild');
  const target = resolve(out);
  const temp = join(dirname(target), `.${basename(target)}-${process.pid}-${Date.now()}`);
  const swaps = substitutes();
  const substituted = new Set();
  mkdirSync(dirname(target), { recursive: true });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { vault: 'vault-cli-entry' },
      outdir: join(temp, 'cli'),
      outExtension: { '.js': '.cjs' },
      write: false,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
      // The settings of tsconfig.base.json that change emitted code, so the bundle does not
      // depend on tsconfig files (an installed root package has none).
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
      define: { 'import.meta.url': '__vaultImportMetaUrl' },
      banner: { js: IMPORT_HOOK },
      logLevel: 'warning',
      plugins: [
        {
          name: 'vault-sources',
          setup(b) {
            b.onResolve({ filter: /^vault-cli-entry$/ }, () => ({ path: 'vault-cli-entry', namespace: 'vault-entry' }));
            b.onLoad({ filter: /.*/, namespace: 'vault-entry' }, () => ({
              contents: "import { main } from './packages/cli/src/main.ts';\nmain(process.argv.slice(2)).then((code) => {\n  process.exitCode = code;\n});\n",
              resolveDir: root,
              loader: 'js',
            }));
            b.onResolve({ filter: /^(node:)?(child_process|crypto)$/ }, (args) => {
              const lazy = LAZY_BUILTINS.find((l) => args.path.replace(/^node:/, '') === l.name && l.importer.test(args.importer));
              return lazy === undefined ? undefined : { path: lazy.name, namespace: 'vault-lazy-builtin' };
            });
            b.onResolve({ filter: /^yaml$/ }, (args) => (/[\\/]packages[\\/][a-z-]+[\\/]src[\\/]/.test(args.importer) ? { path: 'yaml', namespace: 'vault-lazy-yaml' } : undefined));
            b.onLoad({ filter: /.*/, namespace: 'vault-lazy-yaml' }, () => ({ contents: LAZY_YAML, loader: 'js', resolveDir: root }));
            b.onLoad({ filter: /.*/, namespace: 'vault-lazy-builtin' }, (args) => ({ contents: LAZY_BUILTINS.find((l) => l.name === args.path).contents, loader: 'js', resolveDir: root }));
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
    if (result.outputFiles.length !== 1) throw new Error(`bundle-cli: expected one output file, got ${result.outputFiles.map((f) => f.path).join(', ')}`);
    mkdirSync(join(temp, 'cli'), { recursive: true });
    writeFileSync(join(temp, 'cli', 'vault.cjs'), routeDynamicImports(result.outputFiles[0].text));
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
  return join(target, 'cli', 'vault.cjs');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = await bundleCli(process.argv[2] ?? join(root, 'dist', 'vault'));
  console.log(`bundle-cli: wrote ${entry}`);
}
