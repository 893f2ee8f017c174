#!/usr/bin/env node
// `npm run bench:check`: cold-process time of `vault check` through the bundled CLI that users
// and pre-commit run (bin/vault.cjs → dist/vault), against a bare `node -e ''` measured in the
// same run: medians of BENCH_RUNS runs (default 15), interleaved so machine noise hits all alike.
// Two specs: specs/ews.yaml (small) and a synthetic 1,000-table spec (scripts/bench/synthetic-spec.mjs).
// Goals: <= 2x bare node for the small spec, <= 3x for 1,000 tables.
//
// Beside them, a lower bound of any check of each spec: a process that only starts node, loads
// js-yaml (the faster of the two YAML readers vault has: the `yaml` package, its authority for
// positions, took about 5x as long on the large spec) and reads the spec into plain data, nothing
// else (no validation, no analysis, no vault code at all). A check must at least read its spec,
// so no `vault check` of that spec can take less; where the bound is above a goal, the goal is
// out of reach for a process started cold, and below it, it prints what the goal leaves for
// starting vault and checking the spec. Last, the floor of a `vault check` itself: the bound plus
// what starting vault adds to a bare node (`vault --version`, timed in the same loop).
//
// BENCH_BASE=DIR also times the bundled CLI of another checkout (e.g. the previous commit, built
// with `node scripts/bundle-cli.mjs` there) in the same loop, so both are measured under the same load.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticSpecYaml } from './bench/synthetic-spec.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);
const base = process.env.BENCH_BASE === undefined ? undefined : resolve(process.env.BENCH_BASE);
const work = mkdtempSync(join(tmpdir(), 'vault-bench-check-'));

// bin/vault.cjs: the launcher of today; bin/vault.mjs: that of checkouts before it.
const bin = (dir) => ['vault.cjs', 'vault.mjs'].map((f) => join(dir, 'bin', f)).find((f) => existsSync(f)) ?? join(dir, 'bin', 'vault.cjs');
for (const dir of [root, base].filter((d) => d !== undefined)) {
  // vault.cjs: the bundle of today; vault.mjs: that of checkouts before the code cache.
  if (!['vault.cjs', 'vault.mjs'].some((f) => existsSync(join(dir, 'dist', 'vault', 'cli', f)))) {
    console.error(`bench-check: no bundle in ${dir}/dist/vault; run \`npm run build\` (or node scripts/bundle-cli.mjs) there first`);
    process.exit(2);
  }
}

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const large = join(work, 'bench_1000.yaml');
  writeFileSync(large, syntheticSpecYaml(1000));
  const specs = [
    { name: 'specs/ews.yaml', path: join(root, 'specs/ews.yaml'), goal: 2 },
    { name: '1,000 tables', path: large, goal: 3 },
  ];
  const cases = [
    { key: 'bare', label: "node -e ''", args: ['-e', ''] },
    { key: 'start', label: 'vault --version', args: [bin(root), '--version'] },
  ];
  // The bound: node, js-yaml, the spec read into data. The script is a string, so no file of it is read.
  const jsYaml = createRequire(join(root, 'package.json')).resolve('js-yaml');
  const readOnly = (path) => `require(${JSON.stringify(jsYaml)}).load(require('node:fs').readFileSync(${JSON.stringify(path)}, 'utf8'))`;
  for (const s of specs) {
    cases.push({ key: `bound:${s.name}`, label: `bound: read ${s.name}`, args: ['-e', readOnly(s.path)], spec: s });
    cases.push({ key: `vault:${s.name}`, label: `vault check ${s.name}`, args: [bin(root), 'check', s.path], spec: s });
    if (base !== undefined) cases.push({ key: `base:${s.name}`, label: `base  check ${s.name}`, args: [bin(base), 'check', s.path], spec: s });
  }
  for (const c of cases) time(c.args); // warm the file cache once (and write vault's code cache)
  const times = new Map(cases.map((c) => [c.key, []]));
  for (let i = 0; i < runs; i++) for (const c of cases) times.get(c.key).push(time(c.args));

  const bare = median(times.get('bare'));
  console.log(`runs: ${runs} (medians, interleaved)${base !== undefined ? `; base: ${base}` : ''}`);
  for (const c of cases) {
    const m = median(times.get(c.key));
    const ratio = m / bare;
    const verdict =
      c.spec === undefined
        ? ''
        : c.key.startsWith('vault:')
          ? `  goal <= ${c.spec.goal}x: ${ratio <= c.spec.goal ? 'met' : 'NOT met'}`
          : c.key.startsWith('bound:')
            ? ratio <= c.spec.goal
              ? `  (no check of this spec is faster; the goal leaves ${(c.spec.goal * bare - m).toFixed(0)} ms beyond it to start vault and check)`
              : '  (no check of this spec is faster: the goal is out of reach)'
            : '';
    console.log(`${c.label.padEnd(40)} ${m.toFixed(1).padStart(8)} ms  ${ratio.toFixed(2).padStart(6)}x bare node${verdict}`);
  }
  // Starting vault (what `vault --version` adds to a bare node) and reading the spec: the least a
  // `vault check` of it does before it validates anything.
  const start = median(times.get('start')) - bare;
  for (const s of specs) {
    const floor = median(times.get(`bound:${s.name}`)) + start;
    const ratio = floor / bare;
    console.log(
      `${`floor: start vault, read ${s.name}`.padEnd(40)} ${floor.toFixed(1).padStart(8)} ms  ${ratio.toFixed(2).padStart(6)}x bare node  ` +
        (ratio <= s.goal ? `(the goal leaves ${(s.goal * bare - floor).toFixed(0)} ms to validate and analyse the spec)` : '(above the goal: out of reach for vault started cold)'),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
