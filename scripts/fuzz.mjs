#!/usr/bin/env node
// A larger fuzz campaign than the suite's: runs tests/fuzz/cli.fuzz.test.ts with many more inputs
// and prints the figures. Usage: node scripts/fuzz.mjs [RUNS] [SEED]   (defaults 1000 and 14)
// RUNS scales every part: 2xRUNS spec texts and offline command lines, RUNS compact strings,
// RUNS/2 database command lines, RUNS/10 specs through the real bin. Exit 1 when any input crashed, hung, printed the password or lost a user's file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = process.argv[2] ?? '1000';
const seed = process.argv[3] ?? '14';
const report = join(mkdtempSync(join(tmpdir(), 'vault-fuzz-report-')), 'figures.json');

const build = spawnSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const test = spawnSync('npx', ['vitest', 'run', 'tests/fuzz/cli.fuzz.test.ts', '--testTimeout=0'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, VAULT_FUZZ_RUNS: runs, VAULT_FUZZ_SEED: seed, VAULT_FUZZ_REPORT: report },
});
const f = JSON.parse(readFileSync(report, 'utf8'));
const rows = [
  ['seed', f.seed],
  ['spec texts (check, and compile twice when check says ok)', f.specs],
  ['compact source-table strings', f.compact],
  ['command lines of offline commands', f.argv],
  ['command lines of database commands (a --db URL with a password, nothing listening)', f.argvDatabase],
  ['spec texts through the real bin (check, compile with every target)', f.spawned],
  ['inputs tried', f.specs + f.compact + f.argv + f.argvDatabase + f.spawned],
  ['of which check said ok (then compiled)', f.checkOk],
  ['crashes (exit other than 0/1/2, or a stack trace)', f.crashes],
  ['hangs', f.hangs],
  ['secrets found (the URL password in any output)', f.secrets],
  ['data lost (a user file in the output folder gone or changed)', f.dataLost],
];
console.log(`\n| figure | value |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}`);
process.exit(test.status === 0 && f.crashes + f.hangs + f.secrets + f.dataLost === 0 ? 0 : 1);
