#!/usr/bin/env node
// `npm run bench:incremental`: how `vault compile` behaves when little or nothing changed, on a
// synthetic 1,000-table spec (scripts/bench/synthetic-spec.mjs), each run a fresh process as a
// user would start it. Three cases, interleaved, RUNS times each (median printed):
//   first      compile into an empty output folder, no render cache
//   one column recompile after adding one column to one table
//   unchanged  recompile with nothing changed
// For each: the time, its ratio to the first compile (same run), and the files touched in the
// output folder (files whose inode or mtime changed, plus files added or removed, by lstat
// before and after). Goals: one column <= 10% of the first compile and <= 20 files touched;
// unchanged touches no file.
//
// And the one-column recompile of `vault compile --watch` (this checkout only): one process
// started once, the spec saved with the edit and saved back RUNS times; timed from the save to
// the line the watch prints when the compile is done (so the wait for the save to settle, 40 ms,
// is in it), with the files it touched.
//
// Beside them, the floor of any recompile in a fresh process (all of it measured in the same
// loop): start node and vault (`vault --version`), plus, in a process of its own less a bare
// `node -e ''`, read the edited spec into data with js-yaml (nothing checked or analysed) and
// write a manifest.json as large as the model's (16 MB for 1,000 tables: it lists every
// entity's columns, so a one-column edit changes it). No analysis, no render, no look at the
// 18,000 files: what is left of the 10% goal after it is what a recompile may spend on those.
//
// --base REV (or BENCH_BASE=REV) also measures the same three cases for vault at git revision
// REV (e.g. 174ea94, before in-place writes), checked out and built with tsc in a temporary
// worktree, in the same run; or, when REV is a folder, the checkout there as it is built (with
// `npm run build`, its bundled CLI: compare like with like).
// Environment: BENCH_TABLES (default 1000), BENCH_RUNS (default 3).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { syntheticSpecYaml } from './bench/synthetic-spec.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tables = Number(process.env.BENCH_TABLES ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const argBase = process.argv.indexOf('--base');
const baseRev = argBase >= 0 ? process.argv[argBase + 1] : process.env.BENCH_BASE;
const work = mkdtempSync(join(tmpdir(), 'vault-bench-incr-'));
const model = `bench_${tables}`;
const spec = syntheticSpecYaml(tables, model);
// One more column in the middle table: what a user's one-line edit does.
const middle = `  entity_${Math.floor(tables / 2)}:\n`;
const at = spec.indexOf('      updated_at', spec.indexOf(middle));
const edited = `${spec.slice(0, at)}      added_column: int\n${spec.slice(at)}`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A checkout of `rev` beside, sharing this one's installed packages, built with tsc. */
function baseCheckout(rev) {
  const dir = join(work, 'base');
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, rev], { stdio: 'ignore' });
  mkdirSync(join(dir, 'node_modules', '@vault'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) if (name !== '@vault') symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  for (const name of readdirSync(join(root, 'node_modules', '@vault'))) symlinkSync(join('..', '..', 'packages', name), join(dir, 'node_modules', '@vault', name));
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: dir, stdio: 'inherit' });
  return dir;
}

/** Every file under `dir`: its inode and mtime. */
function stats(dir) {
  const out = new Map();
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else {
        const st = lstatSync(join(d, e.name));
        out.set(r, `${st.ino}:${st.mtimeMs}`);
      }
    }
  };
  if (lstatSync(dir, { throwIfNoEntry: false })) walk(dir, '');
  return out;
}

const touched = (before, after) => [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).length;

/**
 * The CLI users run (`npx vault`: bin/vault.cjs, the bundle with its code cache) where the
 * checkout has it built (`npm run build`), else the TypeScript build's (a base built with tsc).
 */
const cli = (checkout) =>
  existsSync(join(checkout, 'bin/vault.cjs')) && existsSync(join(checkout, 'dist/vault/cli/vault.cjs')) ? join(checkout, 'bin/vault.cjs') : join(checkout, 'packages/cli/bin/vault.js');

/** One vault (a checkout) in its own folder: compiles its spec, timed, counting touched files. */
function bench(label, checkout) {
  const cwd = join(work, label);
  mkdirSync(cwd);
  const specPath = join(cwd, 'spec.yaml');
  const out = join(cwd, 'out');
  const compile = (text) => {
    writeFileSync(specPath, text);
    const before = stats(join(out, model));
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli(checkout), 'compile', 'spec.yaml', '--out', 'out'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${label}: compile failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
    return { ms, touched: touched(before, stats(join(out, model))) };
  };
  return {
    label,
    checkout,
    first: () => {
      rmSync(out, { recursive: true, force: true });
      rmSync(join(cwd, '.vault'), { recursive: true, force: true });
      return compile(spec);
    },
    oneColumn: () => {
      compile(spec); // the state before the edit (also warms the cache)
      return compile(edited);
    },
    unchanged: () => {
      compile(spec);
      return compile(spec);
    },
  };
}

/**
 * `vault compile --watch` of this checkout in a folder of its own: the one-column recompile
 * timed RUNS times from the save to the watch's `watching` line, with the files touched.
 */
async function benchWatch() {
  const cwd = join(work, 'watch');
  mkdirSync(cwd);
  const specPath = join(cwd, 'spec.yaml');
  writeFileSync(specPath, spec);
  const child = spawn(process.execPath, [cli(root), 'compile', 'spec.yaml', '--out', 'out', '--watch'], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let waiting;
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    waiting?.();
  });
  const lines = () => stderr.split('watching').length - 1;
  const until = (n) =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`watch: no compile after 120 s: ${stderr.slice(-2000)}`)), 120_000);
      waiting = () => {
        if (lines() < n) return;
        clearTimeout(timer);
        waiting = undefined;
        if (!stderr.trimEnd().endsWith('(Ctrl-C to stop)') || /compile: stopped/.test(stderr)) fail(new Error(`watch: compile failed: ${stderr.slice(-2000)}`));
        else done();
      };
      waiting();
    });
  const out = [];
  try {
    await until(1);
    for (let i = 0; i < runs; i++) {
      const before = stats(join(cwd, 'out', model));
      const t0 = process.hrtime.bigint();
      writeFileSync(specPath, edited);
      await until(2 + 2 * i);
      out.push({ ms: Number(process.hrtime.bigint() - t0) / 1e6, touched: touched(before, stats(join(cwd, 'out', model))) });
      writeFileSync(specPath, spec);
      await until(3 + 2 * i);
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => child.on('close', done));
  }
  return out;
}

const vaults = [bench('this', root)];
try {
  // A folder is a checkout built already (`npm run build`: its bundled CLI is what users run); anything else a git revision.
  if (baseRev) vaults.push(bench(`base ${baseRev}`.replace(/[^\w.-]+/g, '_'), existsSync(join(baseRev, 'package.json')) ? baseRev : baseCheckout(baseRev)));
  const results = new Map(vaults.map((v) => [v.label, { first: [], oneColumn: [], unchanged: [] }]));
  const floor = { bare: [], start: [], read: [] };
  const jsYaml = createRequire(join(root, 'package.json')).resolve('js-yaml');
  const editedPath = join(work, 'edited.yaml');
  writeFileSync(editedPath, edited);
  const manifest = join(work, 'this', 'out', model, 'manifest.json');
  const written = join(work, 'manifest-floor.json');
  const readAndWrite = `const fs = require('node:fs'); require(${JSON.stringify(jsYaml)}).load(fs.readFileSync(${JSON.stringify(editedPath)}, 'utf8')); fs.writeFileSync(${JSON.stringify(written)}, fs.readFileSync(${JSON.stringify(manifest)}));`;
  const timed = (args) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const watched = await benchWatch();
  for (let i = 0; i < runs; i++) {
    for (const v of vaults) {
      const r = results.get(v.label);
      r.first.push(v.first());
      r.oneColumn.push(v.oneColumn());
      r.unchanged.push(v.unchanged());
    }
    floor.bare.push(timed(['-e', '']));
    floor.start.push(timed([cli(root), '--version']));
    floor.read.push(timed(['-e', readAndWrite]));
    rmSync(written, { force: true });
  }
  const pad = (s, w) => String(s).padStart(w);
  console.log(`${tables} tables, ${runs} runs each, median times (fresh process per compile); CLI: ${vaults.map((v) => cli(v.checkout)).join(', ')}`);
  console.log(`${'vault'.padEnd(16)} ${pad('case', 11)} ${pad('ms', 7)} ${pad('of first', 9)} ${pad('touched', 8)}`);
  for (const v of vaults) {
    const r = results.get(v.label);
    const first = median(r.first.map((x) => x.ms));
    for (const c of ['first', 'oneColumn', 'unchanged']) {
      const ms = median(r[c].map((x) => x.ms));
      const t = Math.max(...r[c].map((x) => x.touched));
      console.log(`${v.label.padEnd(16)} ${pad(c === 'oneColumn' ? 'one column' : c, 11)} ${pad(ms.toFixed(0), 7)} ${pad(`${((ms / first) * 100).toFixed(0)}%`, 9)} ${pad(t, 8)}`);
    }
  }
  const r = results.get('this');
  const first = median(r.first.map((x) => x.ms));
  const one = median(r.oneColumn.map((x) => x.ms));
  const oneTouched = Math.max(...r.oneColumn.map((x) => x.touched));
  const sameTouched = Math.max(...r.unchanged.map((x) => x.touched));
  const met = (ok) => (ok ? 'met' : 'NOT met');
  console.log(`one column: ${((one / first) * 100).toFixed(1)}% of the first compile (goal <= 10%: ${met(one <= first * 0.1)}), ${oneTouched} files touched (goal <= 20: ${met(oneTouched <= 20)})`);
  console.log(`unchanged: ${sameTouched} files touched (goal 0: ${met(sameTouched === 0)})`);
  const watchMs = median(watched.map((x) => x.ms));
  const watchTouched = Math.max(...watched.map((x) => x.touched));
  console.log(
    `one column with --watch (save to done, ${runs} runs): ${watchMs.toFixed(0)} ms = ${((watchMs / first) * 100).toFixed(1)}% of the first compile (goal <= 10%: ${met(watchMs <= first * 0.1)}), ${watchTouched} files touched; ${(one / watchMs).toFixed(2)}x faster than a fresh process`,
  );
  const [bare, start, read] = [floor.bare, floor.start, floor.read].map(median);
  const least = start + read - bare;
  console.log(
    `floor of a recompile in a fresh process: ${least.toFixed(0)} ms = ${((least / first) * 100).toFixed(1)}% of the first compile (node ${bare.toFixed(0)} ms, vault --version ${start.toFixed(0)} ms, spec read and manifest written ${(read - bare).toFixed(0)} ms); left of the 10% goal for analysis, render and the look at the output: ${(first * 0.1 - least).toFixed(0)} ms`,
  );
  if (baseRev) {
    const b = results.get(vaults[1].label);
    console.log(`first compile: ${(first / median(b.first.map((x) => x.ms))).toFixed(2)}x base ${baseRev}; one column: ${(one / median(b.oneColumn.map((x) => x.ms))).toFixed(2)}x base`);
  }
} finally {
  if (baseRev) spawnSync('git', ['-C', root, 'worktree', 'remove', '--force', join(work, 'base')], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}
