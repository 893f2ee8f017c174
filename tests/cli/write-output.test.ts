/**
 * Fault injection for the output swap: every change writeOutput makes to the file system is
 * failed (once, or from that step on) or the process is killed with SIGKILL just before it.
 * After each, the output folder holds exactly the previous output or exactly the new one (or,
 * killed between the two renames, the previous one beside it), the user's files are all there,
 * and the next write repairs everything and leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
const contents = (files: OutputFile[]): Record<string, string> => Object.fromEntries(files.map((f) => [f.path, typeof f.content === 'string' ? f.content : [...f.content].join('')]));
const EXPECT_PREVIOUS = { ...contents(PREVIOUS), ...USER, '.vault-files': ledger(PREVIOUS) };
const EXPECT_NEW = { ...contents(NEW), ...USER, '.vault-files': ledger(NEW) };

const besideOutput = (root: string): string[] => readdirSync(join(root, 'generated')).sort();
const injected = (step: OutputStep): Error => Object.assign(new Error(`injected at step ${step.n}`), { code: 'ENOSPC', syscall: step.op, path: step.path });

async function countSteps(): Promise<OutputStep[]> {
  const { dir } = await setUp();
  const seen: OutputStep[] = [];
  await writeOutput(dir, NEW, NEW.length, { beforeStep: (s) => void seen.push(s) });
  return seen;
}

/** The next write, without faults: the new output, the user's files, nothing left beside it. */
async function expectRepaired(root: string, dir: string): Promise<void> {
  await writeOutput(dir, NEW, NEW.length);
  expect(snapshot(dir)).toEqual(EXPECT_NEW);
  expect(besideOutput(root)).toEqual(['m']);
}

describe('writeOutput under faults', () => {
  it('a write changes the output as planned and keeps every kind of user file', async () => {
    const { dir } = await setUp();
    expect(snapshot(dir)).toEqual(EXPECT_PREVIOUS);
    const steps = await countSteps();
    expect(steps.map((s) => s.op)).toEqual(expect.arrayContaining(['lock', 'mkdir', 'copy', 'write', 'rename', 'unlink', 'remove', 'unlock']));
    await writeOutput(dir, NEW, NEW.length);
    expect(snapshot(dir)).toEqual(EXPECT_NEW);
  });

  for (const mode of ['once', 'from then on'] as const) {
    it(`a change that fails ${mode}, at every step: the previous or the new output, one-line error, repaired next time`, async () => {
      const total = (await countSteps()).length;
      const seen = { previous: 0, next: 0, beside: 0 };
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
        const after = snapshot(dir);
        if (error === undefined) {
          expect(after, `step ${n}`).toEqual(EXPECT_NEW);
          seen.next++;
        } else {
          expect(error, `step ${n}`).toBeInstanceOf(EnvironmentError);
          expect((error as Error).message).toMatch(/no space left on the device/);
          expect((error as Error).message).not.toContain('\n');
          if (after === undefined) {
            // The swap failed and so did putting the previous output back: it is beside, and named.
            expect((error as Error).message).toMatch(/the previous output is in .*m\.vault-old-\d+/);
            const kept = besideOutput(root).find((n) => n.startsWith('m.vault-old-'))!;
            expect(snapshot(join(root, 'generated', kept))).toEqual(EXPECT_PREVIOUS);
            seen.beside++;
          } else {
            expect(after, `step ${n}`).toEqual(EXPECT_PREVIOUS);
            seen.previous++;
          }
        }
        await expectRepaired(root, dir);
      }
      // Every outcome was reached: failures before the swap, after it, and (from then on) in it.
      expect(seen.previous).toBeGreaterThan(5);
      expect(seen.next).toBeGreaterThan(2);
      expect(seen.beside).toBe(mode === 'once' ? 0 : 1);
    });
  }

  it('a process killed (SIGKILL) before any step leaves the previous or the new output; the next write repairs', async () => {
    const total = (await countSteps()).length;
    const seen = { previous: 0, next: 0, beside: 0 };
    for (let n = 1; n <= total + 1; n++) {
      const { root, dir } = await setUp();
      const filesPath = join(root, 'files.json');
      writeFileSync(filesPath, JSON.stringify(NEW.map((f) => ({ path: f.path, content: contents([f])[f.path] }))));
      const r = spawnSync(process.execPath, [CHILD, dir, String(n), filesPath], { encoding: 'utf8' });
      if (n <= total) expect(r.signal, `step ${n}: ${r.stderr}`).toBe('SIGKILL');
      else expect(r.status, r.stderr).toBe(0);
      rmSync(filesPath);
      const after = snapshot(dir);
      if (after === undefined) {
        // Killed between the two renames: the previous output is whole, beside the folder.
        const kept = besideOutput(root).find((name) => name.startsWith('m.vault-old-'));
        expect(kept, `step ${n}`).toBeDefined();
        expect(snapshot(join(root, 'generated', kept!))).toEqual(EXPECT_PREVIOUS);
        seen.beside++;
      } else {
        expect([EXPECT_PREVIOUS, EXPECT_NEW], `step ${n}`).toContainEqual(after);
        if (isDeepStrictEqual(after, EXPECT_NEW)) seen.next++;
        else seen.previous++;
      }
      await expectRepaired(root, dir);
    }
    expect(seen).toEqual({ previous: expect.any(Number), next: expect.any(Number), beside: 1 });
    expect(seen.previous).toBeGreaterThan(5);
    expect(seen.next).toBeGreaterThan(2);
  });

  it("a user's file changed or added while the compile runs is kept, not removed with the previous output", async () => {
    const { dir } = await setUp();
    await writeOutput(dir, NEW, NEW.length, {
      beforeStep: (s) => {
        if (s.op === 'rename' && s.path.endsWith('.vault-old-' + process.pid)) {
          writeFileSync(join(dir, 'notes.md'), 'edited during the compile, a longer text');
          writeFileSync(join(dir, 'raw_vault', 'added.py'), 'added during the compile');
        }
      },
    });
    expect(snapshot(dir)).toEqual({ ...EXPECT_NEW, 'notes.md': 'edited during the compile, a longer text', 'raw_vault/added.py': 'added during the compile' });
  });

  it("a link of the user's where vault now writes a file is replaced, never written through", async () => {
    const { root, dir } = await setUp();
    writeFileSync(join(root, 'outside.txt'), "not vault's");
    symlinkSync('../../outside.txt', join(dir, 'business_vault-link'));
    mkdirSync(join(dir, 'business_vault'));
    symlinkSync('../../../outside.txt', join(dir, 'business_vault', 'hub.py'));
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
