/**
 * Fuzz test, bounded and seeded: hostile spec texts, compact strings and command lines through
 * the CLI's main() (and a few through the real bin). Every run must exit 0, 1 or 2, print no
 * stack trace, give every diagnostic a position; a spec that check accepts must compile, and a
 * second compile must keep the user's files in the output folder.
 *
 * scripts/fuzz.mjs runs this file with far more inputs (VAULT_FUZZ_RUNS, VAULT_FUZZ_SEED) and
 * prints the figures it writes to VAULT_FUZZ_REPORT.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/run-main.js';
import { ROOT, VAULT_BIN, type RunResult } from '../helpers/run-vault.js';
import { argvDatabase, argvOffline, compactText, FUZZ_PASSWORD, specText } from './inputs.js';

const RUNS = Number(process.env['VAULT_FUZZ_RUNS'] ?? 40);
const SEED = Number(process.env['VAULT_FUZZ_SEED'] ?? 14);
const figures = { specs: 0, compact: 0, argv: 0, argvDatabase: 0, spawned: 0, checkOk: 0, crashes: 0, hangs: 0, secrets: 0, dataLost: 0 };

const STACK = /internal error|\n\s+at .*:\d+:\d+/;
const work = mkdtempSync(join(tmpdir(), 'vault-fuzz-'));
let serial = 0;

/** Exit 0, 1 or 2, no stack trace; counted as a crash otherwise. */
function expectClean(r: RunResult, input: unknown): void {
  const clean = (r.code === 0 || r.code === 1 || r.code === 2) && !STACK.test(r.stderr);
  if (!clean) figures.crashes++;
  expect(clean, `exit ${r.code} for ${JSON.stringify(input).slice(0, 400)}:\n${r.stderr.slice(0, 2000)}`).toBe(true);
}

/** `check --format json`: every diagnostic has a line and a column. */
function expectPositions(r: RunResult): void {
  if (r.code === 2) return;
  const diagnostics = JSON.parse(r.stdout) as Array<{ line: number; col: number; code: string }>;
  for (const d of diagnostics) {
    expect(d.line, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
    expect(d.col, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
    expect(d.code).toMatch(/^VLT\d{3}$/);
  }
}

/** Compiles twice with a file and an empty folder of the user's added in between: both must survive. */
async function expectCompilesKeepingUserFiles(args: ReadonlyArray<string>, out: string, input: unknown): Promise<void> {
  const first = await runMain([...args, '--target', 'querydsl,sql', '--out', out]);
  expectClean(first, input);
  expect(first.code, `check said ok, compile failed for ${JSON.stringify(input).slice(0, 400)}:\n${first.stderr.slice(0, 2000)}`).toBe(0);
  const [model] = readdirSync(out);
  writeFileSync(join(out, model!, 'notes.txt'), 'mine');
  mkdirSync(join(out, model!, 'scratch'));
  const second = await runMain([...args, '--target', 'querydsl,sql', '--out', out]);
  const kept = second.code === 0 && readFileSync(join(out, model!, 'notes.txt'), 'utf8') === 'mine' && readdirSync(join(out, model!)).includes('scratch') && readdirSync(out).length === 1;
  if (!kept) figures.dataLost++;
  expect(kept, `user files lost for ${JSON.stringify(input).slice(0, 400)}`).toBe(true);
}

describe('fuzz: the CLI on hostile input', () => {
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    const report = process.env['VAULT_FUZZ_REPORT'];
    if (report !== undefined) writeFileSync(report, JSON.stringify({ seed: SEED, runs: RUNS, ...figures }, null, 2));
  });

  it('spec texts: clean exits, positions, check ok implies compile ok, user files kept', async () => {
    await fc.assert(
      fc.asyncProperty(specText, async (text) => {
        figures.specs++;
        const dir = join(work, `s${serial++}`);
        mkdirSync(dir);
        const file = join(dir, 'spec.yaml');
        writeFileSync(file, text);
        const check = await runMain(['check', file, '--format', 'json']);
        expectClean(check, text);
        expectPositions(check);
        if (check.code === 0) {
          figures.checkOk++;
          await expectCompilesKeepingUserFiles(['compile', file], join(dir, 'out'), text);
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('compact source-table strings: clean exits, positions, check ok implies compile ok', async () => {
    await fc.assert(
      fc.asyncProperty(compactText, async (text) => {
        figures.compact++;
        const check = await runMain(['check', '--model', 'm', '--source-tables', text, '--format', 'json']);
        expectClean(check, text);
        expectPositions(check);
        if (check.code === 0) {
          figures.checkOk++;
          const out = join(work, `c${serial++}`);
          await expectCompilesKeepingUserFiles(['compile', '--model', 'm', '--source-tables', text], out, text);
          rmSync(out, { recursive: true, force: true });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('command lines: exit 0, 1 or 2 and no stack trace, whatever the options', async () => {
    const ws = join(work, 'argv');
    mkdirSync(ws);
    cpSync(join(ROOT, 'specs'), join(ws, 'specs'), { recursive: true });
    const cwd = process.cwd();
    process.chdir(ws); // relative paths and the default output folder land in the workspace
    try {
      await fc.assert(
        fc.asyncProperty(argvOffline, async (argv) => {
          figures.argv++;
          expectClean(await runMain(argv), argv);
        }),
        { seed: SEED, numRuns: RUNS * 2 },
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('database command lines against a server that is not there: clean exits, the password never printed', async () => {
    const ws = join(work, 'db');
    mkdirSync(ws);
    cpSync(join(ROOT, 'specs'), join(ws, 'specs'), { recursive: true });
    const cwd = process.cwd();
    process.chdir(ws);
    try {
      await fc.assert(
        fc.asyncProperty(argvDatabase, async (argv) => {
          figures.argvDatabase++;
          const r = await runMain(argv);
          expectClean(r, argv);
          const leaked = `${r.stdout}${r.stderr}`.includes(FUZZ_PASSWORD);
          if (leaked) figures.secrets++;
          expect(leaked, `password printed for ${JSON.stringify(argv)}:\n${r.stderr}`).toBe(false);
        }),
        { seed: SEED, numRuns: Math.max(10, Math.round(RUNS / 2)) },
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('through the real bin: no stack trace, no hang', () => {
    fc.assert(
      fc.property(specText, (text) => {
        figures.spawned++;
        const dir = join(work, `b${serial++}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'spec.yaml'), text);
        for (const args of [
          ['check', 'spec.yaml'],
          ['compile', 'spec.yaml', '--target', 'querydsl,sql,docs'],
        ]) {
          // The time-out only tells a hang from a crash; nothing here measures speed.
          const r = spawnSync(process.execPath, [VAULT_BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
          if (r.error !== undefined) figures.hangs++;
          expect(r.error, `${args[0]} did not finish for ${JSON.stringify(text).slice(0, 400)}`).toBeUndefined();
          expectClean({ code: r.status, stdout: r.stdout, stderr: r.stderr }, text);
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: Math.max(3, Math.round(RUNS / 10)) },
    );
  });
});
