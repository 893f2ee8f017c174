/**
 * A broken or restricted environment is not a bug in vault: each case below exits 1 with one
 * line that says what and where, changes nothing, and leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/run-main.js';
import { ROOT, VAULT_BIN, type RunResult } from '../helpers/run-vault.js';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vault-env-'));
  cpSync(join(ROOT, 'specs'), join(dir, 'specs'), { recursive: true });
  return dir;
}

const compile = (ws: string, out: string): Promise<RunResult> => runMain(['compile', join(ws, 'specs/ews.yaml'), '--out', out]);

/** The last line of standard error, after the spec's warnings: the one line that explains the failure. */
function failure(r: RunResult): string {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const lines = r.stderr
    .trimEnd()
    .split('\n')
    .filter((l) => !l.includes('warning VLT'));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = `${rel}${e.name}`;
      out.push(`${r}${e.isDirectory() ? '/' : ''}`);
      if (e.isDirectory()) walk(join(d, e.name), `${r}/`);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Runs the bin as user nobody when we are root (root ignores permissions), else as ourselves. */
function runUnprivileged(args: ReadonlyArray<string>, cwd: string): RunResult {
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? 'setpriv' : process.execPath;
  const argv = asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, VAULT_BIN, ...args] : [VAULT_BIN, ...args];
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function unprivilegedWorkspace(): string {
  const ws = workspace();
  chmodSync(ws, 0o755);
  if (process.getuid?.() === 0) {
    const own = (p: string): void => {
      chownSync(p, 65534, 65534);
      if (lstatSync(p).isDirectory()) for (const n of readdirSync(p)) own(join(p, n));
    };
    own(ws);
  }
  expect(runUnprivileged(['compile', 'specs/ews.yaml'], ws).code).toBe(0);
  return ws;
}

describe('the output folder in a broken environment', () => {
  it('--out names a file: exit 1, one line, the file untouched', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'afile'), 'x');
    expect(failure(await compile(ws, join(ws, 'afile')))).toBe(`vault: ${join(ws, 'afile')} is a file, not a folder; the output needs a folder there (see --out); nothing was written`);
    expect(failure(await compile(ws, join(ws, 'afile', 'deeper')))).toContain(`${join(ws, 'afile')} is a file, not a folder`);
    expect(readFileSync(join(ws, 'afile'), 'utf8')).toBe('x');
  });

  it('the model folder is a file: exit 1, the file untouched', async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'out'));
    writeFileSync(join(ws, 'out', 'ews'), 'x');
    expect(failure(await compile(ws, join(ws, 'out')))).toMatch(/out\/ews is a file, not a folder; move it, or write elsewhere with --out/);
    expect(listing(join(ws, 'out'))).toEqual(['ews']);
  });

  it('a named pipe in the output folder: exit 1 at once, nothing changed', async () => {
    const ws = workspace();
    const out = join(ws, 'out');
    expect((await compile(ws, out)).code).toBe(0);
    spawnSync('mkfifo', [join(out, 'ews', 'pipe')]);
    const before = listing(out);
    expect(failure(await compile(ws, out))).toMatch(/out\/ews\/pipe is a named pipe; vault keeps only files, folders and symbolic links/);
    expect(listing(out)).toEqual(before);
  });

  it('a symbolic link as the output folder: refused, its target not emptied', async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'target'));
    writeFileSync(join(ws, 'target', 'precious.txt'), 'keep me');
    mkdirSync(join(ws, 'out'));
    symlinkSync('../target', join(ws, 'out', 'ews'));
    expect(failure(await compile(ws, join(ws, 'out')))).toMatch(/out\/ews is a symbolic link; vault writes its output folder itself and does not write through links/);
    expect(listing(join(ws, 'target'))).toEqual(['precious.txt']);
    expect(lstatSync(join(ws, 'out', 'ews')).isSymbolicLink()).toBe(true);
  });

  it('an output path under /proc: exit 1, no endless loop', async () => {
    if (!existsSync('/proc/self')) return;
    expect(failure(await compile(workspace(), '/proc/vault-no-such/out'))).toBe('vault: cannot create the folder /proc/vault-no-such: the file system does not allow it; nothing was written');
  });

  it('keeps empty folders of the user and removes what stopped compiles left beside the output', async () => {
    const ws = workspace();
    const out = join(ws, 'out');
    expect((await compile(ws, out)).code).toBe(0);
    mkdirSync(join(out, 'ews', 'mine', 'empty'), { recursive: true });
    mkdirSync(join(out, 'ews.vault-tmp-1', 'raw_vault'), { recursive: true });
    mkdirSync(join(out, 'ews.vault-old-2'));
    const r = await compile(ws, out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`vault: removed ${join(out, 'ews.vault-tmp-1')}, left by a stopped compile`);
    expect(readdirSync(out)).toEqual(['ews']);
    expect(readdirSync(join(out, 'ews', 'mine'))).toEqual(['empty']);
  });

  it('puts back the output folder a compile stopped between its two renames had moved aside, with the user files', async () => {
    const ws = workspace();
    const out = join(ws, 'out');
    expect((await compile(ws, out)).code).toBe(0);
    writeFileSync(join(out, 'ews', 'mine.txt'), 'mine');
    cpSync(join(out, 'ews'), join(out, 'ews.vault-tmp-7'), { recursive: true });
    cpSync(join(out, 'ews'), join(out, 'ews.vault-old-7'), { recursive: true });
    cpSync(join(out, 'ews'), join(out, 'expected'), { recursive: true });
    rmSync(join(out, 'ews'), { recursive: true });
    const r = await compile(ws, out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`vault: put back the previous output of ${join(out, 'ews')}, which a stopped compile had left in ${join(out, 'ews.vault-old-7')}`);
    expect(readdirSync(out).sort()).toEqual(['ews', 'expected']);
    expect(listing(join(out, 'ews'))).toEqual(listing(join(out, 'expected')));
  });

  it('a read-only output folder: exit 1, one line, nothing changed and nothing left beside it', () => {
    const ws = unprivilegedWorkspace();
    const before = listing(join(ws, 'generated'));
    chmodSync(join(ws, 'generated', 'ews'), 0o555);
    expect(failure(runUnprivileged(['compile', 'specs/ews.yaml'], ws))).toBe(
      'vault: cannot write to generated/ews, where vault writes and removes the files it generates: permission denied; nothing was written',
    );
    chmodSync(join(ws, 'generated', 'ews'), 0o755);
    expect(listing(join(ws, 'generated'))).toEqual(before);
  });

  it('a read-only folder above the output: exit 1, nothing changed; an unreadable file of the user is left alone', () => {
    const ws = unprivilegedWorkspace();
    chmodSync(join(ws, 'generated'), 0o555);
    expect(failure(runUnprivileged(['compile', 'specs/ews.yaml'], ws))).toBe(
      'vault: cannot write to generated, where vault keeps the lock of generated/ews while it writes: permission denied; nothing was written',
    );
    chmodSync(join(ws, 'generated'), 0o755);
    writeFileSync(join(ws, 'generated', 'ews', 'secret.txt'), 'mine');
    chmodSync(join(ws, 'generated', 'ews', 'secret.txt'), 0o000);
    if (process.getuid?.() === 0) chownSync(join(ws, 'generated', 'ews', 'secret.txt'), 65534, 65534);
    const before = listing(join(ws, 'generated'));
    // vault never reads or changes a file it did not generate: the compile goes through.
    expect(runUnprivileged(['compile', 'specs/ews.yaml'], ws).code).toBe(0);
    expect(listing(join(ws, 'generated'))).toEqual(before);
    expect(lstatSync(join(ws, 'generated', 'ews', 'secret.txt')).mode & 0o777).toBe(0);
  });

  it('vault docs writes the same way', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'afile'), 'x');
    expect(failure(await runMain(['docs', join(ws, 'specs/ews.yaml'), '--out', join(ws, 'afile')]))).toContain('is a file, not a folder');
  });
});
