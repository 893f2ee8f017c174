#!/usr/bin/env node
// `npm run bench:compare -- <other checkout>`: the same cold-process measurements as
// `npm run bench:check` and `npm run bench`, taken for this checkout and another one (built, e.g.
// `git worktree add ../base HEAD~1 && (cd ../base && npm ci)`) in one run, interleaved so that
// machine noise hits both alike. Prints the medians and the ratio this / other per measurement:
// a refactor that must be "no slower than before" should show ratios near 1.00 or below.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticSpecYaml } from './bench/synthetic-spec.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const other = process.argv[2];
if (other === undefined || !existsSync(join(resolve(other), 'packages/cli/dist/main.js'))) {
  console.error('usage: npm run bench:compare -- <path of another built checkout of vault (npm ci or npx tsc -b there)>');
  process.exit(2);
}
const roots = { this: here, other: resolve(other) };
const runs = Number(process.env.BENCH_RUNS ?? 15);
const sizes = (process.env.BENCH_SIZES ?? '100,1000').split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'vault-bench-compare-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(root, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'packages/cli/bin/vault.js'), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${root}: vault ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return ms;
}

/** Interleaved medians of one measurement in both checkouts. */
function compare(label, argsOf, n) {
  const times = { this: [], other: [] };
  for (const side of ['this', 'other']) timed(roots[side], argsOf(side)); // warm the file cache
  for (let i = 0; i < n; i++) for (const side of ['this', 'other']) times[side].push(timed(roots[side], argsOf(side)));
  const a = median(times.this);
  const b = median(times.other);
  console.log(`${label.padEnd(28)} ${a.toFixed(0).padStart(8)} ${b.toFixed(0).padStart(9)} ${(a / b).toFixed(2).padStart(7)}`);
}

try {
  console.log(`this: ${roots.this}\nother: ${roots.other}\nruns: ${runs} (compile of 1,000+ tables: 5)`);
  console.log(`${'measurement'.padEnd(28)} ${'this ms'.padStart(8)} ${'other ms'.padStart(9)} ${'ratio'.padStart(7)}`);
  compare('check specs/ews.yaml', () => ['check', 'specs/ews.yaml'], runs);
  for (const n of sizes) {
    const spec = join(work, `bench_${n}.yaml`);
    writeFileSync(spec, syntheticSpecYaml(n));
    compare(`compile ${n} tables`, (side) => ['compile', spec, '--out', join(work, `out-${side}`)], n >= 1000 ? 5 : runs);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
