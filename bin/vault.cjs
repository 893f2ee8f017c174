#!/usr/bin/env node
/**
 * The `vault` bin of the repository's root package: what pre-commit installs for the
 * `vault-check` hook (README.md, "Use it from pre-commit"). It runs the bundled CLI in
 * ../dist/vault/. Where npm can build before packing (pre-commit before 4.4 runs `npm install`
 * and `npm pack` in a clone), the root's postinstall script has built it. pre-commit 4.4 and later
 * install with `npm install -g git+file://...`, where npm installs no build tools, so the first
 * run bundles the TypeScript sources shipped in the package (about a second, once), into the
 * package when it is writable, else into a directory of its own under the system's temp dir.
 *
 * Start-up: the bundle is one script, compiled with V8's code cache (node:vm's cachedData), so a
 * run deserialises the code that earlier runs of the same command compiled instead of parsing
 * and compiling it again. The cache is one file per command and Node.js version in cache/ beside
 * the bundle (only there: cached code is trusted as much as the bundle, so it never comes from a
 * directory others can write), named after the bundle file's identity (inode, mtime, size). V8
 * rejects a cache that does not match the script's length, the V8 version or its flags; the run
 * then compiles as usual and writes a new one when it ends. Deleting the folder is always safe;
 * where it cannot be written, every run compiles.
 */
'use strict';
// CommonJS rather than an ES module: Node.js starts a CommonJS entry ~15-20 ms sooner (no ES
// module loader to set up), a tenth of a bare `node` start.
const { isAscii } = require('node:buffer');
const { accessSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const pkg = join(__dirname, '..');
const built = join(pkg, 'dist', 'vault', 'cli', 'vault.cjs');

/** The bundle to run where none is built yet: bundled now (about a second, once). */
async function entry() {
  const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
  let out = join(pkg, 'dist', 'vault');
  try {
    accessSync(pkg, constants.W_OK);
  } catch {
    // Loaded here only: most runs find the bundle, and crypto costs a few ms to load.
    const { createHash } = require('node:crypto');
    const { tmpdir } = require('node:os');
    const id = createHash('sha256').update(pkg).digest('hex').slice(0, 12);
    out = join(tmpdir(), `vault-cli-${version}-${id}`);
    if (existsSync(join(out, 'cli', 'vault.cjs'))) return join(out, 'cli', 'vault.cjs');
  }
  const { bundleCli } = await import(pathToFileURL(join(pkg, 'scripts', 'bundle-cli.mjs')).href);
  return bundleCli(out, { replace: false });
}

/** The commands whose code gets a cache file of its own; anything else (--help, a typo) shares one. */
const COMMANDS = new Set(['check', 'compile', 'explain', 'seed', 'run', 'validate', 'init', 'suggest', 'docs', 'graph']);

/** Runs the bundle as Node.js runs a CommonJS module, compiled with the code cache when there is one. */
function run(file) {
  // esbuild writes strings and names as ASCII escapes: a bundle that is all ASCII is read as
  // Latin-1, which skips decoding 2 MB of UTF-8 (a few ms of every start).
  const fd = openSync(file, 'r');
  let bytes;
  let stat;
  try {
    stat = fstatSync(fd, { bigint: true });
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  // V8 checks a cache against the script's length only, so the name says which file it was
  // made from (a rebuilt or edited bundle is a new inode or mtime), and which command it served.
  const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const name = `${COMMANDS.has(command) ? command : 'other'}-${process.version}-${process.arch}-${stat.ino}-${stat.mtimeNs}-${stat.size}.v8`;
  const cacheFile = join(dirname(file), 'cache', name);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The parameters Node.js gives a CommonJS module, and the bundle's hook for import() (bundle-cli.mjs).
  const wrapper = `(function (exports, require, module, __filename, __dirname, __vaultImportHook) {${source}\n})`;
  const script = new Script(wrapper, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // At exit the cache holds every function the run compiled, not only the top level.
    process.once('exit', () => writeCache(cacheFile, () => script.createCachedData(), name.slice(0, name.indexOf(`-${stat.ino}-`) + 1)));
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
}

/**
 * Best effort: a cache that cannot be written only makes the next start slower. The caches of
 * the same command made from earlier files (`stale` is their name's prefix) are removed.
 */
function writeCache(cacheFile, data, stale) {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(temp, data());
    renameSync(temp, cacheFile);
    for (const f of readdirSync(dirname(cacheFile))) {
      if (f.startsWith(stale) && f.endsWith('.v8') && join(dirname(cacheFile), f) !== cacheFile) rmSync(join(dirname(cacheFile), f), { force: true });
    }
  } catch {
    rmSync(temp, { force: true });
  }
}

if (existsSync(built)) {
  run(built);
} else {
  // A failure to bundle fails the run as an uncaught error does.
  void entry().then(run);
}
