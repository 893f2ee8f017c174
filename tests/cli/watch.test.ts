/**
 * `vault compile SPEC --watch`: a save that changes the spec (or the profile it names) compiles
 * again, to the bytes a fresh compile writes and touching only the files the edit concerns; a
 * save of the same bytes compiles nothing; a spec error is reported and the watch goes on; an
 * editor's write-and-rename save is seen again and again; SIGINT/SIGTERM stop with the last
 * compile's exit code, the render cache saved as the output stands; --watch with what it cannot
 * serve is a usage error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runVault, VAULT_BIN } from '../helpers/run-vault.js';

/** A `vault` process the test talks to while it runs. */
interface Vault {
  readonly child: ChildProcess;
  /** Standard error so far. */
  stderr(): string;
  /** Resolves once stderr holds `n` lines ending a compile (`...; watching ... for changes`). */
  watching(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  exit(timeoutMs?: number): Promise<number | null>;
}

const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** The lines that end a compile of the watch, one per compile. */
const WATCHING = /; watching .* for changes \(Ctrl-C to stop\)$/gm;

function watchingCount(text: string): number {
  return [...text.matchAll(WATCHING)].length;
}

function startVault(args: ReadonlyArray<string>, cwd: string): Vault {
  const child = spawn(process.execPath, [VAULT_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout!.setEncoding('utf8').resume();
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const until = (what: string, done: () => boolean, timeoutMs: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        finish();
        resolve();
      };
      const gone = (): void => {
        // The last bytes may arrive after 'exit': look once more when stderr closes.
        child.stderr!.once('close', () => {
          if (done()) return check();
          finish();
          reject(new Error(`vault exited (code ${child.exitCode}, signal ${child.signalCode}) before ${what}; stderr so far:\n${stderr}`));
        });
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr so far:\n${stderr}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        child.off('exit', gone);
      };
      child.stderr!.on('data', check);
      child.once('exit', gone);
      check();
    });
  return {
    child,
    stderr: () => stderr,
    watching: (n, timeoutMs = 20_000) => until(`compile ${n} ("watching" line ${n})`, () => watchingCount(stderr) >= n, timeoutMs),
    exit: async (timeoutMs = 20_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`vault did not exit within ${timeoutMs} ms; stderr so far:\n${stderr}`)), timeoutMs);
      });
      try {
        const code = await Promise.race([exited, timeout]);
        // Wait for stderr to be read to its end.
        if (!child.stderr!.closed) await new Promise((resolve) => child.stderr!.once('close', resolve));
        return code;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A temp folder holding a copy of specs/ews.yaml as spec.yaml; returns the folder. */
function ewsWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vault-watch-'));
  copyFileSync(join(ROOT, 'specs/ews.yaml'), join(dir, 'spec.yaml'));
  return dir;
}

function watchEws(dir: string): Vault {
  return startVault(['compile', 'spec.yaml', '--out', 'out', '--watch'], dir);
}

interface FileState {
  readonly bytes: Buffer;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly size: number;
}

/** Every file under `dir`, by path relative to it: bytes, inode, mtime. */
function files(dir: string): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, r);
      else {
        const s = lstatSync(p);
        out.set(r, { bytes: readFileSync(p), ino: s.ino, mtimeMs: s.mtimeMs, size: s.size });
      }
    }
  };
  walk(dir, '');
  return out;
}

/** Path → content, for a readable comparison of two output folders. */
function contents(state: Map<string, FileState>): Record<string, string> {
  return Object.fromEntries([...state].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, f]) => [p, f.bytes.toString('latin1')]));
}

const COLUMN_ANCHOR = '      missed_payment_count: int\n';

/** The spec with one more column in table early_warning_signal_input. */
function withColumn(spec: string, name: string): string {
  expect(spec).toContain(COLUMN_ANCHOR);
  return spec.replace(COLUMN_ANCHOR, `${COLUMN_ANCHOR}      ${name}: int\n`);
}

/** What a fresh `vault compile` (no watch, no cache) writes for `spec`, in a folder of its own. */
function freshCompile(spec: string): Map<string, FileState> {
  const dir = mkdtempSync(join(tmpdir(), 'vault-watch-fresh-'));
  writeFileSync(join(dir, 'spec.yaml'), spec);
  const r = runVault(['compile', 'spec.yaml', '--out', 'out'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return files(join(dir, 'out/ews'));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('vault compile --watch', () => {
  it('compiles a one-column edit again: the bytes of a fresh compile, and only the files the edit concerns are rewritten', async () => {
    const dir = ewsWorkspace();
    const vault = watchEws(dir);
    await vault.watching(1);
    expect(vault.stderr()).toContain('out/ews: 66 files (66 written, 0 removed)');
    expect(vault.stderr()).toMatch(/vault compile: compiled in \d+\.\d\d s; watching spec\.yaml for changes \(Ctrl-C to stop\)\n$/);
    const before = files(join(dir, 'out/ews'));
    // The 66 files and the folder's list of them (.vault-files).
    expect(before.size).toBe(67);

    const spec = withColumn(readFileSync(join(dir, 'spec.yaml'), 'utf8'), 'zephyr_count');
    writeFileSync(join(dir, 'spec.yaml'), spec);
    await vault.watching(2);
    const second = vault.stderr().slice(vault.stderr().indexOf('\n\nvault compile: spec.yaml changed; compiling again\n'));
    expect(second).toMatch(/^\n\nvault compile: spec\.yaml changed; compiling again\n/);

    const after = files(join(dir, 'out/ews'));
    expect(contents(after)).toEqual(contents(freshCompile(spec)));
    const changed = [...after.keys()].filter((p) => !before.get(p)?.bytes.equals(after.get(p)!.bytes));
    const kept = [...after.keys()].filter((p) => !changed.includes(p));
    expect(changed.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(changed.length);
    for (const p of kept) expect({ path: p, ino: after.get(p)!.ino, mtimeMs: after.get(p)!.mtimeMs }).toEqual({ path: p, ino: before.get(p)!.ino, mtimeMs: before.get(p)!.mtimeMs });
    expect(second).toContain(`out/ews: 66 files (${changed.length} written, 0 removed)`);
    expect(vault.child.exitCode).toBeNull();
  });

  it('compiles nothing on a save of the same bytes, and again on a real edit', async () => {
    const dir = ewsWorkspace();
    const vault = watchEws(dir);
    await vault.watching(1);
    const specPath = join(dir, 'spec.yaml');
    const spec = readFileSync(specPath, 'utf8');
    writeFileSync(specPath, spec);
    const later = new Date(Date.now() + 5000);
    utimesSync(specPath, later, later);
    await sleep(600);
    expect(watchingCount(vault.stderr())).toBe(1);
    expect(vault.stderr()).not.toContain('changed; compiling again');

    writeFileSync(specPath, withColumn(spec, 'zephyr_count'));
    await vault.watching(2);
    expect(vault.stderr()).toContain('vault compile: spec.yaml changed; compiling again');
    expect(readFileSync(join(dir, 'out/ews/raw_vault/early_warning_signal_input_satellite_fields.py'), 'utf8')).toContain('zephyr_count');
  });

  it('reports a spec error, writes nothing and watches on; a fix compiles again; SIGINT exits 0', async () => {
    const dir = ewsWorkspace();
    const vault = watchEws(dir);
    await vault.watching(1);
    const specPath = join(dir, 'spec.yaml');
    const spec = readFileSync(specPath, 'utf8');
    const before = files(join(dir, 'out/ews'));

    expect(spec).toContain('      signal_date: date\n');
    writeFileSync(specPath, spec.replace('      signal_date: date\n', '      signal_date: dait\n'));
    await vault.watching(2);
    const broken = vault.stderr().slice(vault.stderr().lastIndexOf('compiling again'));
    expect(broken).toMatch(/spec\.yaml:\d+:\d+: error VLT\d{3,}: /);
    expect(broken).toContain('vault: spec.yaml: compile stopped; nothing was written');
    expect(broken).toMatch(/vault compile: stopped in \d+\.\d\d s; watching spec\.yaml for changes/);
    expect(files(join(dir, 'out/ews'))).toEqual(before);
    expect(vault.child.exitCode).toBeNull();

    const fixed = withColumn(spec, 'zephyr_count');
    writeFileSync(specPath, fixed);
    await vault.watching(3);
    expect(vault.stderr().slice(vault.stderr().lastIndexOf('compiling again'))).toMatch(/vault compile: compiled in \d+\.\d\d s; watching/);
    expect(contents(files(join(dir, 'out/ews')))).toEqual(contents(freshCompile(fixed)));

    vault.child.kill('SIGINT');
    expect(await vault.exit()).toBe(0);
  });

  it('exits 1 on SIGINT when the last save broke the spec', async () => {
    const dir = ewsWorkspace();
    const vault = watchEws(dir);
    await vault.watching(1);
    const specPath = join(dir, 'spec.yaml');
    writeFileSync(specPath, readFileSync(specPath, 'utf8').replace('      signal_date: date\n', '      signal_date: dait\n'));
    await vault.watching(2);
    expect(vault.stderr()).toContain('compile stopped; nothing was written');
    vault.child.kill('SIGINT');
    expect(await vault.exit()).toBe(1);
  });

  it('stops on SIGTERM with the render cache saved as the output stands', async () => {
    const dir = ewsWorkspace();
    const vault = watchEws(dir);
    await vault.watching(1);
    const cacheDir = join(dir, '.vault/compile-cache');
    const cacheFiles = (): string[] => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.json')) : []);
    // Saved once idle (500 ms after a compile).
    for (const t0 = Date.now(); cacheFiles().length === 0 && Date.now() - t0 < 10_000;) await sleep(50);
    expect(cacheFiles()).toHaveLength(1);
    const idle = readFileSync(join(cacheDir, cacheFiles()[0]!), 'utf8');

    // An edit, then the stop before the cache is idle again: the stop saves it.
    const specPath = join(dir, 'spec.yaml');
    writeFileSync(specPath, withColumn(readFileSync(specPath, 'utf8'), 'zephyr_count'));
    await vault.watching(2);
    vault.child.kill('SIGTERM');
    expect(await vault.exit()).toBe(0);
    expect(cacheFiles()).toHaveLength(1);
    const saved = readFileSync(join(cacheDir, cacheFiles()[0]!), 'utf8');
    expect(saved).not.toBe(idle);
    // Its fingerprints are those of the files on disk now (the rewritten ones included).
    const cache = JSON.parse(saved) as { files: Record<string, [string, number, number, number, number]> };
    const out = files(join(dir, 'out/ews'));
    const outputs = [...out].filter(([p]) => p !== '.vault-files');
    expect(Object.keys(cache.files).sort()).toEqual(outputs.map(([p]) => p).sort());
    for (const [p, f] of outputs) {
      const [, size, mtimeMs, , ino] = cache.files[p]!;
      expect({ path: p, size, mtimeMs, ino }).toEqual({ path: p, size: f.size, mtimeMs: f.mtimeMs, ino: f.ino });
    }

    const again = runVault(['compile', 'spec.yaml', '--out', 'out'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('out/ews: 66 files (0 written, 0 removed)');
    expect(files(join(dir, 'out/ews'))).toEqual(out);
  });

  it('sees a save made while the first compile runs', async () => {
    const dir = ewsWorkspace();
    const vault = watchEws(dir);
    const specPath = join(dir, 'spec.yaml');
    const edited = withColumn(readFileSync(specPath, 'utf8'), 'zephyr_count');
    // The first diagnostic is printed once the spec is read, before the files are rendered and
    // written: save the edit then, while the compile runs.
    await new Promise<void>((resolve, reject) => {
      const onData = (): void => {
        if (!vault.stderr().includes('warning VLT402')) return;
        vault.child.stderr!.off('data', onData);
        writeFileSync(specPath, edited);
        resolve();
      };
      vault.child.stderr!.on('data', onData);
      vault.child.once('exit', () => reject(new Error(`vault exited; stderr:\n${vault.stderr()}`)));
    });
    await vault.watching(2);
    expect(vault.stderr()).toContain('vault compile: spec.yaml changed; compiling again');
    expect(contents(files(join(dir, 'out/ews')))).toEqual(contents(freshCompile(edited)));
  });

  it('follows an editor that saves by renaming a new file over the spec, save after save', async () => {
    const dir = ewsWorkspace();
    const vault = watchEws(dir);
    await vault.watching(1);
    const specPath = join(dir, 'spec.yaml');
    let spec = readFileSync(specPath, 'utf8');
    for (const [n, column] of [
      [2, 'zephyr_one'],
      [3, 'zephyr_two'],
    ] as const) {
      spec = withColumn(spec, column);
      writeFileSync(`${specPath}.tmp`, spec);
      renameSync(`${specPath}.tmp`, specPath);
      await vault.watching(n);
      expect(readFileSync(join(dir, 'out/ews/raw_vault/early_warning_signal_input_satellite_fields.py'), 'utf8')).toContain(column);
    }
    expect(vault.stderr().split('vault compile: spec.yaml changed; compiling again')).toHaveLength(3);
    expect(contents(files(join(dir, 'out/ews')))).toEqual(contents(freshCompile(spec)));
  });

  it('sees an edit no folder watcher reports: the spec is a link to a file in another folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-watch-'));
    mkdirSync(join(dir, 'elsewhere'));
    const target = join(dir, 'elsewhere', 'ews.yaml');
    copyFileSync(join(ROOT, 'specs/ews.yaml'), target);
    symlinkSync(join('elsewhere', 'ews.yaml'), join(dir, 'spec.yaml'));
    const vault = watchEws(dir);
    await vault.watching(1);
    // The watcher is on the link's folder; the edit happens in the target's, where none looks.
    // (After a pause: an edit right after the first compile is seen by the look that follows it.)
    await sleep(300);
    const edited = withColumn(readFileSync(target, 'utf8'), 'zephyr_linked');
    writeFileSync(target, edited);
    await vault.watching(2, 10_000);
    expect(vault.stderr()).toContain('vault compile: spec.yaml changed; compiling again');
    expect(contents(files(join(dir, 'out/ews')))).toEqual(contents(freshCompile(edited)));
    vault.child.kill('SIGINT');
    expect(await vault.exit()).toBe(0);
  });

  it('reports a spec removed while it runs and goes on; the spec put back is compiled', async () => {
    const dir = ewsWorkspace();
    const specPath = join(dir, 'spec.yaml');
    const spec = readFileSync(specPath, 'utf8');
    const vault = watchEws(dir);
    await vault.watching(1);
    const before = files(join(dir, 'out/ews'));
    rmSync(specPath);
    await vault.watching(2, 10_000);
    expect(vault.stderr()).toMatch(/spec\.yaml:1:1: error VLT001: cannot read the spec file/);
    expect(vault.stderr()).toContain('vault compile: stopped in ');
    expect(contents(files(join(dir, 'out/ews')))).toEqual(contents(before));
    const edited = withColumn(spec, 'zephyr_back');
    writeFileSync(specPath, edited);
    await vault.watching(3, 10_000);
    expect(contents(files(join(dir, 'out/ews')))).toEqual(contents(freshCompile(edited)));
    vault.child.kill('SIGINT');
    expect(await vault.exit()).toBe(0);
  });

  it('compiles again when only the framework profile the spec names changes', async () => {
    const dir = ewsWorkspace();
    const specPath = join(dir, 'spec.yaml');
    const profilePath = join(dir, 'acme.yaml');
    copyFileSync(join(ROOT, 'tests/fixtures/profiles/acme.yaml'), profilePath);
    writeFileSync(specPath, `${readFileSync(specPath, 'utf8')}framework:\n  profile: acme.yaml\n`);
    const vault = watchEws(dir);
    await vault.watching(1);
    expect(vault.stderr()).toContain('watching spec.yaml, acme.yaml for changes');
    const hub = join(dir, 'out/ews/raw_vault/business_partner_hub.py');
    expect(readFileSync(hub, 'utf8')).toContain('DvQuery(');

    const profile = readFileSync(profilePath, 'utf8');
    expect(profile).toContain('  Query: DvQuery\n');
    writeFileSync(profilePath, profile.replace('  Query: DvQuery\n', '  Query: AcmeQuery\n'));
    await vault.watching(2);
    expect(vault.stderr()).toContain('vault compile: acme.yaml changed; compiling again');
    expect(readFileSync(hub, 'utf8')).toContain('AcmeQuery(');
    expect(readFileSync(hub, 'utf8')).not.toContain('DvQuery');
  });

  it.each([
    ['--check', ['compile', 'spec.yaml', '--watch', '--check']],
    ['--json', ['compile', 'spec.yaml', '--watch', '--json']],
    ['--validate-db', ['compile', 'spec.yaml', '--watch', '--validate-db', 'postgresql://localhost:1/none']],
    ['--source-tables', ['compile', '--model', 'm', '--source-tables', 'a:id(int)', '--watch']],
  ])('is a usage error with %s', async (_name, args) => {
    const dir = ewsWorkspace();
    const vault = startVault(args, dir);
    expect(await vault.exit()).toBe(2);
    const stderr = vault.stderr();
    expect(stderr).toMatch(/^vault: [^\n]*--watch[^\n]*\n$/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'generated'))).toBe(false);
  });

  it('says once that a spec path does not exist, and exits 1 without waiting', async () => {
    const dir = ewsWorkspace();
    const t0 = Date.now();
    const vault = startVault(['compile', 'nope.yaml', '--out', 'out', '--watch'], dir);
    expect(await vault.exit(10_000)).toBe(1);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(vault.stderr()).toContain('nope.yaml');
    expect(vault.stderr()).not.toContain('watching');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
