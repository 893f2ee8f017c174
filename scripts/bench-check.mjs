#!/usr/bin/env node
// Benchmark: cold-process time of `vault check specs/ews.yaml` against a bare `node -e ''`,
// measured in the same run (medians of N runs, interleaved so machine noise hits both alike).
// Goals: under 300 ms, and within 5x of bare node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 21);
const vault = [fileURLToPath(new URL('../packages/cli/bin/vault.js', import.meta.url)), 'check', 'specs/ews.yaml'];

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && args[0] !== '-e') throw new Error(`vault check failed (exit ${r.status}): ${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

time(vault); // warm the file cache once
const bare = [];
const check = [];
for (let i = 0; i < runs; i++) {
  bare.push(time(['-e', '']));
  check.push(time(vault));
}
const b = median(bare);
const c = median(check);
console.log(`runs: ${runs}`);
console.log(`bare node -e '':            median ${b.toFixed(1)} ms`);
console.log(`vault check specs/ews.yaml: median ${c.toFixed(1)} ms`);
console.log(`ratio: ${(c / b).toFixed(2)}x bare node (goal <= 5x); absolute goal < 300 ms: ${c < 300 ? 'met' : 'NOT met'}`);
