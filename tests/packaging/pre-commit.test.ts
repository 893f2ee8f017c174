/**
 * The `vault-check` hook through the real pre-commit program, as a user runs it: pre-commit
 * installs the hook from a clean clone of this repository's committed HEAD (uncommitted changes
 * are not part of it) and runs it on a repository with a good and a bad spec.
 *
 * pre-commit comes from .venv-tools/ (scripts/install-pre-commit.sh, which .ci/run calls) or
 * from PATH. Where neither has it and it cannot be installed, the test is skipped with the
 * reason; under CI it fails instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-vault.js';
import { exec, ok, userEnv, type ExecResult } from './exec.js';

function findPreCommit(): { readonly bin?: string; readonly reason?: string } {
  const venv = join(ROOT, '.venv-tools', 'bin', 'pre-commit');
  if (existsSync(venv)) return { bin: venv };
  if (spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0) return { bin: 'pre-commit' };
  const install = spawnSync('bash', [join(ROOT, 'scripts/install-pre-commit.sh')], { cwd: ROOT, encoding: 'utf8' });
  if (install.status === 0 && existsSync(venv)) return { bin: venv };
  return { reason: `pre-commit is not installed and scripts/install-pre-commit.sh failed: ${(install.stderr || install.error?.message || '').trim().split('\n').pop() ?? ''}` };
}

const found = findPreCommit();
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
if (found.bin === undefined) console.warn(`tests/packaging/pre-commit.test.ts: ${found.reason}${inCi ? ' (CI: failing)' : ' (skipped)'}`);

const BAD = 'version: 1\nmodel: shop\ntables:\n  orders:\n    colums:\n      order_id: int\n';

describe('the vault-check pre-commit hook', () => {
  const runs = found.bin !== undefined;
  // Skipped only outside CI; under CI a missing pre-commit fails each test with the reason.
  const skip = !runs && !inCi;
  const needPreCommit = (): void => {
    if (!runs) expect.fail(`pre-commit is required under CI: ${found.reason}`);
  };
  let work: string;
  let clone: string;
  let user: string;
  let env: Record<string, string>;
  /**
   * Runs pre-commit. npm's own install of the hook (`npm install -g git+file://…`, which
   * prepares the git dependency with a second npm install) sometimes fails with ENOTEMPTY when
   * another npm runs at the same time (the packing tests share the npm cache): that is npm's
   * race, not the hook's; it also happens with no other npm running, when the prepare step's
   * install meets its own extraction of a large package. pre-commit then discards the half-made
   * environment, so another try installs it from nothing (up to three in all); any other failure
   * is the test's result.
   */
  const preCommit = async (args: ReadonlyArray<string>): Promise<ExecResult> => {
    for (let attempt = 1; ; attempt++) {
      const result = await exec(found.bin!, args, { cwd: user, env });
      const out = result.stdout + result.stderr;
      const npmRace = out.includes('An unexpected error has occurred') && out.includes('ENOTEMPTY');
      if (!npmRace || attempt === 3) return result;
      console.warn(`tests/packaging/pre-commit.test.ts: npm hit ENOTEMPTY while installing the hook (attempt ${attempt}, npm's race); trying again`);
    }
  };

  beforeAll(async () => {
    if (!runs) return;
    work = mkdtempSync(join(tmpdir(), 'vault-pre-commit-'));
    env = userEnv({
      PRE_COMMIT_HOME: join(work, 'pre-commit-home'),
      GIT_AUTHOR_NAME: 'vault test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'vault test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    });
    clone = join(work, 'vault');
    ok(await exec('git', ['clone', '--quiet', ROOT, clone], { cwd: work, env }), 'git clone');
    user = join(work, 'user');
    mkdirSync(join(user, 'specs'), { recursive: true });
    ok(await exec('git', ['init', '--quiet'], { cwd: user, env }), 'git init');
    cpSync(join(ROOT, 'specs/ews.yaml'), join(user, 'specs/good.yaml'));
    writeFileSync(join(user, 'specs/bad.yaml'), BAD);
    ok(await exec('git', ['add', '.'], { cwd: user, env }), 'git add');
  });

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(skip)(
    `pre-commit try-repo installs the hook and runs vault check${skip ? ` (skipped: ${found.reason})` : ''}`,
    async () => {
      needPreCommit();
      const r = await preCommit(['try-repo', clone, 'vault-check', '--files', 'specs/good.yaml', 'specs/bad.yaml']);
      const out = r.stdout + r.stderr;
      expect(r.code, out).toBe(1);
      expect(out).toMatch(/vault check\.+Failed/);
      expect(out).toContain("specs/bad.yaml:4:3: error VLT103: table 'orders' is missing the required key 'columns'");
      expect(out).toContain("specs/bad.yaml:5:5: error VLT101: unknown key 'colums' in table 'orders'; did you mean 'columns'?");
      expect(out).toContain('specs/good.yaml: ok');
      expect(out).not.toMatch(/specs\/good\.yaml:\d+:\d+: error/);
    },
    900_000,
  );

  it.skipIf(skip)(
    `the configuration in README.md passes a good spec and fails a bad one${skip ? ` (skipped: ${found.reason})` : ''}`,
    async () => {
      needPreCommit();
      const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim();
      writeFileSync(
        join(user, '.pre-commit-config.yaml'),
        ['repos:', `  - repo: ${clone}`, `    rev: ${rev}`, '    hooks:', '      - id: vault-check', '        files: ^specs/.*\\.ya?ml$', ''].join('\n'),
      );
      ok(await exec('git', ['add', '.pre-commit-config.yaml'], { cwd: user, env }), 'git add');
      const good = await preCommit(['run', '--files', 'specs/good.yaml']);
      expect(good.code, good.stdout + good.stderr).toBe(0);
      expect(good.stdout).toMatch(/vault check\.+Passed/);
      const bad = await preCommit(['run', '--files', 'specs/bad.yaml']);
      expect(bad.code, bad.stdout + bad.stderr).toBe(1);
      expect(bad.stdout).toMatch(/vault check\.+Failed/);
      expect(bad.stdout).toContain("specs/bad.yaml:4:3: error VLT103: table 'orders' is missing the required key 'columns'");
    },
    900_000,
  );
});
