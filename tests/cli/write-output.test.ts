/**
 * Fault injection for the in-place write: every change writeOutput makes to the file system is
 * failed (once, or from that step on) or the process is killed with SIGKILL just before it.
 * After each, the output folder holds exactly the previous output (a failure before the journal's
 * commit; a kill may leave temporary files), exactly the new one, or a committed journal; the
 * user's files are all there, and the next write, of the new output or of the previous one
 * again, repairs everything and leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../packages/cli/src/exit.js';
import { writeOutput, type OutputFile, type OutputStep } from '../../packages/cli/src/write-output.js';

const CHILD = fileURLToPath(new URL('../helpers/write-output-child.mjs', import.meta.url));

const PREVIOUS: OutputFile[] = [
  { path: 'registry.py', content: 'registry 1' },
  { path: 'raw_vault/hub.py', content: 'hub' },
  { path: 'raw_vault/dropped.py', content: 'no longer generated' },
  { path: 'old_layer/gone.py', content: 'no longer generated, nor its folder' },
  { path: 'manifest.json', content: 'manifest 1' },
];
const NEW: OutputFile[] = [
  { path: 'registry.py', content: 'registry 2' },
  { path: 'raw_vault/hub.py', content: 'hub' },
  { path: 'business_vault/hub.py', content: ['business ', 'hub'] },
  { path: 'manifest.json', content: 'manifest 2' },
];

/** Previous output plus the user's things: files at the top and among generated ones, a link, an empty folder. */
async function setUp(): Promise<{ root: string; dir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'vault-swap-'));
  const dir = join(root, 'generated', 'm');
  await writeOutput(dir, PREVIOUS, PREVIOUS.length);
  writeFileSync(join(dir, 'notes.md'), 'my notes');
  writeFileSync(join(dir, 'raw_vault', 'custom.py'), 'my code');
  symlinkSync('../elsewhere', join(dir, 'link'));
  mkdirSync(join(dir, 'scratch', 'empty'), { recursive: true });
  return { root, dir };
}

/** Everything in a folder: files by content, links by target, empty folders. */
function snapshot(dir: string): Record<string, string> | undefined {
  if (lstatSync(dir, { throwIfNoEntry: false }) === undefined) return undefined;
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    const entries = readdirSync(d, { withFileTypes: true });
    if (entries.length === 0 && rel !== '') out[rel] = 'folder';
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else if (e.isSymbolicLink()) out[r] = `link ${readlinkSync(join(d, e.name))}`;
      else out[r] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

const USER = { 'notes.md': 'my notes', 'raw_vault/custom.py': 'my code', link: 'link ../elsewhere', 'scratch/empty': 'folder' };
const ledger = (files: OutputFile[]): string =>
  `${files
    .map((f) => f.path)
    .sort()
    .join('\n')}\n`;
const contents = (files: OutputFile[]): Record<string, string> =>
  Object.fromEntries(files.map((f) => [f.path, typeof f.content === 'string' ? f.content : typeof f.content === 'function' ? String(f.content()) : [...f.content].join('')]));
const EXPECT_PREVIOUS = { ...contents(PREVIOUS), ...USER, '.vault-files': ledger(PREVIOUS) };
const EXPECT_NEW = { ...contents(NEW), ...USER, '.vault-files': ledger(NEW) };

const besideOutput = (root: string): string[] => readdirSync(join(root, 'generated')).sort();
const injected = (step: OutputStep): Error => Object.assign(new Error(`injected at step ${step.n}`), { code: 'ENOSPC', syscall: step.op, path: step.path });
const journalled = (dir: string): boolean => existsSync(join(dir, '.vault-journal'));

/**
 * What a user sees after a write stopped before its commit: the folder without the temporary
 * files and the empty new folders the write had begun, which the next write removes.
 */
function visible(snap: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snap).filter(([path, value]) => {
      const name = path.split('/').pop()!;
      if (/^\..+\.vault-new$/.test(name) || name === '.vault-new-folders') return false;
      return value !== 'folder' || path in USER;
    }),
  );
}

async function countSteps(): Promise<OutputStep[]> {
  const { dir } = await setUp();
  const seen: OutputStep[] = [];
  await writeOutput(dir, NEW, NEW.length, { beforeStep: (s) => void seen.push(s) });
  return seen;
}

/**
 * The next write, without faults, of `files` (the new output, or the previous one again): exactly
 * those files and the user's, nothing of vault's left inside or beside.
 */
async function expectRepaired(root: string, dir: string, files: OutputFile[] = NEW): Promise<void> {
  await writeOutput(dir, files, files.length);
  expect(snapshot(dir)).toEqual(files === NEW ? EXPECT_NEW : EXPECT_PREVIOUS);
  expect(besideOutput(root)).toEqual(['m']);
}

const stats = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else {
        const st = lstatSync(join(d, e.name));
        out[r] = `${st.ino} ${st.mtimeMs} ${st.ctimeMs}`;
      }
    }
  };
  walk(dir, '');
  return out;
};

describe('writeOutput under faults', () => {
  it('a write changes the output as planned and keeps every kind of user file', async () => {
    const { dir } = await setUp();
    expect(snapshot(dir)).toEqual(EXPECT_PREVIOUS);
    const steps = await countSteps();
    expect(steps.map((s) => s.op)).toEqual(expect.arrayContaining(['lock', 'mkdir', 'write', 'rename', 'unlink', 'remove', 'unlock']));
    await writeOutput(dir, NEW, NEW.length);
    expect(snapshot(dir)).toEqual(EXPECT_NEW);
  });

  it('writes only the files whose bytes change: every other file keeps its inode and times; an unchanged write changes nothing', async () => {
    const { dir } = await setUp();
    const before = stats(dir);
    const r = await writeOutput(dir, NEW, NEW.length);
    expect(r).toMatchObject({ written: 3, removed: 2 }); // registry.py, manifest.json, business_vault/hub.py (and the ledger); raw_vault/dropped.py, old_layer/gone.py
    const after = stats(dir);
    const same = Object.keys(after).filter((p) => after[p] === before[p]);
    expect(same.sort()).toEqual(['link', 'notes.md', 'raw_vault/custom.py', 'raw_vault/hub.py']);
    const again = await writeOutput(dir, NEW, NEW.length, { known: r.files });
    expect(again).toMatchObject({ written: 0, removed: 0 });
    expect(stats(dir)).toEqual(after);
    // Without what the previous write recorded, files are read and compared: still nothing written.
    expect(await writeOutput(dir, NEW, NEW.length)).toMatchObject({ written: 0, removed: 0 });
    expect(stats(dir)).toEqual(after);
  });

  it('a file whose hash is known is not rendered while it is as recorded; one changed since is rendered and written', async () => {
    const { dir } = await setUp();
    const r = await writeOutput(dir, NEW, NEW.length);
    let renders = 0;
    const lazy = NEW.map((f) => ({ path: f.path, hash: r.files.get(f.path)!.hash, content: () => (renders++, contents([f])[f.path]!) }));
    expect(await writeOutput(dir, lazy, lazy.length, { known: r.files })).toMatchObject({ written: 0 });
    expect(renders).toBe(0);
    writeFileSync(join(dir, 'registry.py'), 'edited by hand');
    expect(await writeOutput(dir, lazy, lazy.length, { known: r.files })).toMatchObject({ written: 1 });
    expect(renders).toBe(1);
    expect(snapshot(dir)).toEqual(EXPECT_NEW);
  });

  for (const mode of ['once', 'from then on'] as const) {
    it(`a change that fails ${mode}, at every step: the previous output, the new one, or a journal the next write finishes; one-line error`, async () => {
      const total = (await countSteps()).length;
      const seen = { previous: 0, next: 0, pending: 0 };
      for (let n = 1; n <= total; n++) {
        const { root, dir } = await setUp();
        const notes: string[] = [];
        let error: unknown;
        try {
          await writeOutput(dir, NEW, NEW.length, {
            note: (l) => notes.push(l),
            beforeStep: (s) => {
              if (s.n === n || (mode === 'from then on' && s.n > n)) throw injected(s);
            },
          });
        } catch (e) {
          error = e;
        }
        const after = snapshot(dir)!;
        if (error === undefined) {
          expect(after, `step ${n}`).toEqual(EXPECT_NEW);
          seen.next++;
        } else {
          expect(error, `step ${n}`).toBeInstanceOf(EnvironmentError);
          expect((error as Error).message).toMatch(/no space left on the device/);
          expect((error as Error).message).not.toContain('\n');
          if (journalled(dir)) {
            expect((error as Error).message, `step ${n}`).toMatch(/the next compile finishes it$/);
            seen.pending++;
          } else {
            // Failed before the commit: exactly as it was, nothing of the write left.
            expect(after, `step ${n}`).toEqual(EXPECT_PREVIOUS);
            seen.previous++;
          }
        }
        await expectRepaired(root, dir, n % 2 === 0 ? NEW : PREVIOUS);
      }
      // Every outcome was reached: failures before the commit, after it, and none.
      expect(seen.previous).toBeGreaterThan(5);
      expect(seen.pending).toBeGreaterThan(2);
      expect(seen.next).toBeGreaterThan(0);
    });
  }

  it('a process killed (SIGKILL) before any step leaves the previous output, the new one, or a journal; the next write repairs', async () => {
    const total = (await countSteps()).length;
    const seen = { previous: 0, next: 0, pending: 0 };
    for (let n = 1; n <= total + 1; n++) {
      const { root, dir } = await setUp();
      const filesPath = join(root, 'files.json');
      writeFileSync(filesPath, JSON.stringify(NEW.map((f) => ({ path: f.path, content: contents([f])[f.path] }))));
      const r = spawnSync(process.execPath, [CHILD, dir, String(n), filesPath], { encoding: 'utf8' });
      if (n <= total) expect(r.signal, `step ${n}: ${r.stderr}`).toBe('SIGKILL');
      else expect(r.status, r.stderr).toBe(0);
      rmSync(filesPath);
      const after = snapshot(dir)!;
      if (journalled(dir)) seen.pending++;
      else {
        expect([EXPECT_PREVIOUS, EXPECT_NEW], `step ${n}`).toContainEqual(visible(after));
        if (isDeepStrictEqual(visible(after), EXPECT_NEW)) seen.next++;
        else seen.previous++;
      }
      // Repaired whatever the next compile writes: the new output, or the previous one again.
      await expectRepaired(root, dir, n % 2 === 0 ? NEW : PREVIOUS);
    }
    expect(seen.previous).toBeGreaterThan(5);
    expect(seen.pending).toBeGreaterThan(2);
    expect(seen.next).toBeGreaterThan(0);
  });

  it('a new output folder is built beside and renamed into place: a failure or a kill at any step leaves none, or all of it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vault-fresh-'));
    const dir = join(root, 'generated', 'm');
    const seen: OutputStep[] = [];
    await writeOutput(dir, NEW, NEW.length, { beforeStep: (s) => void seen.push(s) });
    expect(seen.filter((s) => s.op === 'rename')).toHaveLength(1);
    const expected = { ...contents(NEW), '.vault-files': ledger(NEW) };
    for (let n = 1; n <= seen.length; n++) {
      rmSync(join(root, 'generated'), { recursive: true, force: true });
      const failing = writeOutput(dir, NEW, NEW.length, {
        beforeStep: (s) => {
          if (s.n === n) throw injected(s);
        },
      });
      if (seen[n - 1]!.op === 'unlock') {
        // Written; a lock that cannot be removed is taken over by the next write.
        await failing;
        expect(snapshot(dir)).toEqual(expected);
      } else {
        await expect(failing, `step ${n}`).rejects.toThrow(/no space left on the device/);
        expect(existsSync(dir), `step ${n}`).toBe(false);
        expect(existsSync(join(root, 'generated')) ? besideOutput(root).filter((name) => name !== 'm.vault-lock') : [], `step ${n}`).toEqual([]);
      }
      rmSync(join(root, 'generated'), { recursive: true, force: true });
      const filesPath = join(root, 'files.json');
      writeFileSync(filesPath, JSON.stringify(NEW.map((f) => ({ path: f.path, content: contents([f])[f.path] }))));
      spawnSync(process.execPath, [CHILD, dir, String(n), filesPath], { encoding: 'utf8' });
      expect([undefined, expected], `killed at step ${n}`).toContainEqual(snapshot(dir));
      await writeOutput(dir, NEW, NEW.length);
      expect(snapshot(dir)).toEqual(expected);
      expect(besideOutput(root)).toEqual(['m']);
    }
  });

  it("a user's file changed or added while the compile runs is kept", async () => {
    const { dir } = await setUp();
    await writeOutput(dir, NEW, NEW.length, {
      beforeStep: (s) => {
        if (s.op === 'rename' && s.path.endsWith('.vault-journal')) {
          writeFileSync(join(dir, 'notes.md'), 'edited during the compile, a longer text');
          writeFileSync(join(dir, 'raw_vault', 'added.py'), 'added during the compile');
        }
      },
    });
    expect(snapshot(dir)).toEqual({ ...EXPECT_NEW, 'notes.md': 'edited during the compile, a longer text', 'raw_vault/added.py': 'added during the compile' });
  });

  it('a folder where vault writes a file, or a link where it needs a folder: refused, nothing changed', async () => {
    const { root, dir } = await setUp();
    mkdirSync(join(dir, 'manifest.json.d'));
    const withFolder = [...NEW, { path: 'manifest.json.d', content: 'x' }];
    await expect(writeOutput(dir, withFolder, withFolder.length)).rejects.toThrow(/m\/manifest\.json\.d is a folder where vault generates a file: move it; nothing was written$/);
    rmSync(join(dir, 'manifest.json.d'), { recursive: true });
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync('../elsewhere', join(dir, 'business_vault'));
    await expect(writeOutput(dir, NEW, NEW.length)).rejects.toThrow(/m\/business_vault is a symbolic link where vault generates a folder/);
    expect(readdirSync(join(root, 'elsewhere'))).toEqual([]);
    expect(snapshot(dir)).toEqual({ ...EXPECT_PREVIOUS, business_vault: 'link ../elsewhere' });
  });

  it("a link of the user's where vault now writes a file is replaced, never written through", async () => {
    const { root, dir } = await setUp();
    writeFileSync(join(root, 'outside.txt'), "not vault's");
    symlinkSync('../../outside.txt', join(dir, 'business_vault-link'));
    mkdirSync(join(dir, 'business_vault'));
    symlinkSync('../../../outside.txt', join(dir, 'business_vault', 'hub.py'));
    // Also at the name of a temporary file: removed as a stopped write's leftover, not written through.
    symlinkSync('../../outside.txt', join(dir, '.registry.py.vault-new'));
    await writeOutput(dir, NEW, NEW.length);
    expect(readFileSync(join(root, 'outside.txt'), 'utf8')).toBe("not vault's");
    expect(snapshot(dir)).toEqual({ ...EXPECT_NEW, 'business_vault-link': 'link ../../outside.txt' });
  });

  it('refuses while another live process holds the lock; takes over a lock whose process is gone', async () => {
    const { root, dir } = await setUp();
    writeFileSync(`${dir}.vault-lock`, `${process.ppid}\n`);
    await expect(writeOutput(dir, NEW, NEW.length)).rejects.toThrow(/another vault process is writing .*m \(it holds .*m\.vault-lock\)/);
    expect(snapshot(dir)).toEqual(EXPECT_PREVIOUS);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(`${dir}.vault-lock`, `${gone}\n`);
    await expectRepaired(root, dir);
  });

  it('takes over a lock with its own pid (an earlier release failed); refuses one that is not a plain file, and leaves it', async () => {
    const { root, dir } = await setUp();
    writeFileSync(`${dir}.vault-lock`, `${process.pid}\n`);
    await expectRepaired(root, dir);
    mkdirSync(`${dir}.vault-lock`);
    await expect(writeOutput(dir, NEW, NEW.length)).rejects.toThrow(
      /m\.vault-lock is not a lock file vault made \(it is not a plain file\); remove it if no vault process is running; nothing was written$/,
    );
    expect(lstatSync(`${dir}.vault-lock`).isDirectory()).toBe(true);
  });
});
