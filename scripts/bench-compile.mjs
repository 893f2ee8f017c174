#!/usr/bin/env node
// `npm run bench`: compile synthetic specs of 100, 1,000 and 10,000 tables (about 20 columns
// each, with references) as a user would (`vault compile`, a fresh process each run) and print,
// per size: the median compile time, tables per second, the median time of a baseline measured
// in the same run (parse the same spec, write the same number of files and bytes), the ratio,
// and the compile's peak RSS. Goals: 10,000 tables < 5 s, within 2x of the baseline, 10x the
// tables <= 11x the time, < 1 GiB at 10,000 tables.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticSpecYaml } from './bench/synthetic-spec.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vault = join(root, 'packages/cli/bin/vault.js');
const rssHook = join(root, 'scripts/bench/report-rss.mjs');
const baseline = join(root, 'scripts/bench/baseline.mjs');
const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'vault-bench-'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: work, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return ms;
}
function outputSize(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        files++;
        bytes += statSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

const rows = [];
try {
  for (const n of sizes) {
    const spec = join(work, `bench_${n}.yaml`);
    writeFileSync(spec, syntheticSpecYaml(n));
    const runs = n >= 10000 ? 3 : 5;
    const rssFile = join(work, `rss_${n}.txt`);
    const compile = [];
    const base = [];
    timed([vault, 'compile', spec, '--out', join(work, 'out')]); // warm-up, and output size
    const { files, bytes } = outputSize(join(work, 'out', `bench_${n}`));
    for (let i = 0; i < runs; i++) {
      compile.push(timed(['--import', rssHook, vault, 'compile', spec, '--out', join(work, 'out')], { VAULT_BENCH_RSS_FILE: rssFile }));
      base.push(timed([baseline, spec, join(work, 'baseline'), String(files), String(bytes)]));
    }
    const peak = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number));
    rows.push({ n, compile: median(compile), base: median(base), files, bytes, peak });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const pad = (s, w) => String(s).padStart(w);
console.log(`${pad('tables', 7)} ${pad('files', 7)} ${pad('MB out', 7)} ${pad('compile ms', 11)} ${pad('tables/s', 9)} ${pad('baseline ms', 12)} ${pad('ratio', 6)} ${pad('peak RSS MB', 12)}`);
for (const r of rows) {
  console.log(
    `${pad(r.n, 7)} ${pad(r.files, 7)} ${pad((r.bytes / 1e6).toFixed(1), 7)} ${pad(r.compile.toFixed(0), 11)} ${pad((r.n / (r.compile / 1000)).toFixed(0), 9)} ${pad(r.base.toFixed(0), 12)} ${pad((r.compile / r.base).toFixed(2), 6)} ${pad((r.peak / 1048576).toFixed(0), 12)}`,
  );
}
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1];
  const b = rows[i];
  console.log(`${b.n / a.n}x the tables (${a.n} → ${b.n}) cost ${(b.compile / a.compile).toFixed(2)}x the time (goal <= 11x for 10x)`);
}
const big = rows.find((r) => r.n === 10000);
if (big)
  console.log(
    `10,000 tables: ${(big.compile / 1000).toFixed(2)} s (goal < 5 s), ${(big.compile / big.base).toFixed(2)}x baseline (goal <= 2x), peak ${(big.peak / 1048576).toFixed(0)} MiB (goal < 1024)`,
  );
