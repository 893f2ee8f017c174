/**
 * Writes a model's generated files safely:
 * - everything is built in a temporary sibling directory, then swapped in with renames, so a
 *   failure never leaves a half-written output directory;
 * - files a previous compile generated (listed in `.vault-files`) and no longer produced are
 *   removed;
 * - files vault did not generate are carried over untouched.
 */
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export interface OutputFile {
  readonly path: string;
  /** The text, or its pieces in order (large files are written without being joined). */
  readonly content: string | Iterable<string>;
}

function text(f: OutputFile): string {
  return typeof f.content === 'string' ? f.content : [...f.content].join('');
}

function write(path: string, f: OutputFile): void {
  if (typeof f.content === 'string') {
    writeFileSync(path, f.content);
    return;
  }
  const fd = openSync(path, 'w');
  try {
    for (const chunk of f.content) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

export const LEDGER = '.vault-files';

export interface Change {
  readonly path: string;
  readonly change: 'added' | 'changed' | 'removed';
}

/** What writing `files` to `dir` would change. */
export function plannedChanges(dir: string, files: Iterable<OutputFile>): Change[] {
  const previous = readLedger(dir);
  const changes: Change[] = [];
  const produced = new Set<string>();
  for (const f of files) {
    produced.add(f.path);
    const target = join(dir, f.path);
    if (!existsSync(target)) changes.push({ path: f.path, change: 'added' });
    else if (readFileSync(target, 'utf8') !== text(f)) changes.push({ path: f.path, change: 'changed' });
  }
  for (const p of previous) if (!produced.has(p) && existsSync(join(dir, p))) changes.push({ path: p, change: 'removed' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `progress(done, total)` is called every 1,000 files, for large models. */
export function writeOutput(dir: string, files: Iterable<OutputFile>, total: number, progress?: (done: number, total: number) => void): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const staging = `${dir}.vault-tmp-${process.pid}`;
  const retired = `${dir}.vault-old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    const previous = new Set(readLedger(dir));
    if (existsSync(dir)) {
      // Carry over everything vault did not generate.
      for (const p of listFiles(dir)) {
        if (previous.has(p) || p === LEDGER) continue;
        mkdirSync(dirname(join(staging, p)), { recursive: true });
        cpSync(join(dir, p), join(staging, p), { preserveTimestamps: true });
      }
    }
    const made = new Set<string>();
    const written: string[] = [];
    for (const f of files) {
      const folder = dirname(join(staging, f.path));
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      write(join(staging, f.path), f);
      written.push(f.path);
      if (progress && written.length % 1000 === 0) progress(written.length, total);
    }
    writeFileSync(join(staging, LEDGER), `${written.sort().join('\n')}\n`);
    if (existsSync(dir)) renameSync(dir, retired);
    renameSync(staging, dir);
    rmSync(retired, { recursive: true, force: true });
  } catch (e) {
    if (!existsSync(dir) && existsSync(retired)) renameSync(retired, dir);
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function readLedger(dir: string): string[] {
  const path = join(dir, LEDGER);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '' && !l.includes('..'));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}
