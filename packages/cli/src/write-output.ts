/**
 * Writes a model's generated files safely and in place (docs/cli.md, "Writing the output"):
 * - everything is checked first (see output-folder.ts); a lock keeps two writes apart;
 * - only files whose bytes change are written, only generated files no longer produced (listed
 *   in `.vault-files`) are removed; every other file keeps its inode and times, and files, links
 *   and folders vault did not generate are never read or changed (a file or link of the user's at
 *   a path vault now generates is replaced, never written through);
 * - the changes go through a journal (output-journal.ts): new contents are written to temporary
 *   files beside their targets, the journal is committed, then the renames and removals are
 *   carried out. A failure before the commit leaves the previous output as it was; a stopped
 *   process leaves the previous output (with temporary files the next write removes) or a
 *   committed journal, which the next write finishes.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { byCodeUnit } from '@vault/core/internal';
import { EnvironmentError } from './exit.js';
import { plural } from './output.js';
import { ensureParent, inspectOutput, LEDGER, lockOutput, readLedger, repairLeftovers, type OutputContents } from './output-folder.js';
import { commitJournal, finishStoppedWrite, JOURNAL, NEW_FOLDERS, noteNewFolder, removeUncommitted, tempPath, type Journal } from './output-journal.js';
import { environmentError, Steps, type StepHook } from './output-steps.js';

export { LEDGER } from './output-folder.js';
export type { OutputStep, StepHook } from './output-steps.js';

/** A file's text, or its pieces in order (large files are written without being joined). */
export type FileContent = string | Iterable<string>;

export interface OutputFile {
  readonly path: string;
  /** The content, or a function that renders it (called only when the content is needed). */
  readonly content: FileContent | (() => FileContent);
  /**
   * `contentHash` of the content, when known without rendering it (the render cache): a file
   * on disk that the previous write recorded with this hash and has not changed since is kept
   * without rendering.
   */
  readonly hash?: string;
}

/** The hash the write records per file: sha-256, base64url. */
export function contentHash(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('base64url');
}

/** What a write recorded about a file it left in place: its content's hash, and its stat to tell whether it changed since. */
export interface Fingerprint {
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

const fingerprint = (hash: string, st: Stats): Fingerprint => ({ hash, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
/** The file still is what `fp` recorded: same inode, size and times (a write or rename changes the change time). */
const still = (fp: Fingerprint | undefined, st: Stats | undefined): fp is Fingerprint =>
  fp !== undefined && st !== undefined && st.isFile() && st.ino === fp.ino && st.size === fp.size && st.mtimeMs === fp.mtimeMs && st.ctimeMs === fp.ctimeMs;

function rendered(f: OutputFile): FileContent {
  return typeof f.content === 'function' ? f.content() : f.content;
}

function text(f: OutputFile): string {
  const c = rendered(f);
  return typeof c === 'string' ? c : [...c].join('');
}

export interface Change {
  readonly path: string;
  readonly change: 'added' | 'changed' | 'removed';
}

/** What writing `files` to `dir` would change, by reading every file (exact, whatever any cache says). */
export function plannedChanges(dir: string, files: Iterable<OutputFile>): Change[] {
  const previous = readLedger(dir);
  const changes: Change[] = [];
  const produced = new Set<string>();
  for (const f of files) {
    produced.add(f.path);
    const target = join(dir, f.path);
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (st === undefined) changes.push({ path: f.path, change: 'added' });
    // Only a regular file is read: a pipe in its place would block, and is a change anyway.
    else if (!st.isFile() || readFileSync(target, 'utf8') !== text(f)) changes.push({ path: f.path, change: 'changed' });
  }
  for (const p of previous) if (!produced.has(p) && existsSync(join(dir, p))) changes.push({ path: p, change: 'removed' });
  return changes.sort((a, b) => byCodeUnit(a.path, b.path));
}

export interface WriteOptions {
  /** Called every 1,000 files, for large models. */
  readonly progress?: (done: number, total: number) => void;
  /** Lines for the user: repairs of what a stopped write left. */
  readonly note?: (line: string) => void;
  /** What the previous write recorded (its result): files still as recorded are compared by hash, not read. */
  readonly known?: ReadonlyMap<string, Fingerprint>;
  /** Fault injection for tests: called before every change to the file system. */
  readonly beforeStep?: StepHook;
}

/** What a write did: every produced file's fingerprint, and how many generated files it wrote (the ledger aside) or removed. */
export interface WriteResult {
  readonly files: ReadonlyMap<string, Fingerprint>;
  readonly written: number;
  readonly removed: number;
}

/**
 * Writes `files` (`total` of them) as the new content of `dir`. Throws `EnvironmentError` (one
 * line, exit 1) when the machine refuses, saying what state it left; other errors are bugs.
 */
export async function writeOutput(dir: string, files: Iterable<OutputFile>, total: number, options: WriteOptions = {}): Promise<WriteResult> {
  const steps = new Steps(options.beforeStep);
  const note = options.note ?? (() => undefined);
  ensureParent(dir, steps);
  const unlock = lockOutput(dir, steps);
  try {
    for (const line of repairLeftovers(dir, steps)) note(line);
    for (const line of finishStoppedWrite(dir, steps)) note(line);
    const contents = inspectOutput(dir);
    if (!contents.exists) return writeFresh(dir, files, total, steps, options);
    for (const line of removeUncommitted(dir, contents.temps, steps)) note(line);
    const plan = prepare(dir, contents, files, total, steps, options);
    if (plan.journal.renames.length + plan.journal.removes.length === 0) return { files: plan.fingerprints, written: 0, removed: 0 };
    try {
      commitJournal(dir, plan.journal, steps);
    } catch (e) {
      if (existsSync(join(dir, JOURNAL))) throw environmentError(e, `cannot finish writing ${dir}`, `it holds part of the new output; the next compile finishes it`);
      plan.discard();
      throw environmentError(e, `cannot write the new output of ${dir}`, `${dir} was not changed`);
    }
    for (const [, target] of plan.journal.renames) {
      if (target === LEDGER) continue;
      const fp = plan.fingerprints.get(target)!;
      plan.fingerprints.set(target, fingerprint(fp.hash, lstatSync(join(dir, target))));
    }
    return { files: plan.fingerprints, written: plan.journal.renames.filter(([, target]) => target !== LEDGER).length, removed: plan.journal.removes.length };
  } finally {
    unlock();
  }
}

/** The summary line of a write: `generated/ews: 66 files (3 written, 1 removed)`. */
export function writeSummary(dir: string, total: number, result: WriteResult): string {
  return `${dir}: ${plural(total, 'file')} (${result.written} written, ${result.removed} removed)`;
}

/**
 * A folder that does not exist yet is built whole beside it (`DIR.vault-tmp-PID`, which the next
 * write removes if this one is stopped) and renamed into place: one rename instead of one per file.
 */
function writeFresh(dir: string, files: Iterable<OutputFile>, total: number, steps: Steps, options: WriteOptions): WriteResult {
  const staging = `${dir}.vault-tmp-${process.pid}`;
  const made = new Set<string>([staging]);
  const fingerprints = new Map<string, Fingerprint>();
  const put = (path: string, write: (fd: number) => string): void => {
    const to = join(staging, path);
    const parent = dirname(to);
    if (!made.has(parent)) {
      steps.run('mkdir', parent, () => mkdirSync(parent, { recursive: true })); // inside our own staging folder
      made.add(parent);
    }
    steps.run('write', to, () => {
      const fd = openSync(to, 'w');
      try {
        const hash = write(fd);
        // Renaming the folder later changes neither the files' inodes nor their times.
        if (path !== LEDGER) fingerprints.set(path, fingerprint(hash, fstatSync(fd)));
      } finally {
        closeSync(fd);
      }
    });
  };
  try {
    steps.run('mkdir', staging, () => mkdirSync(staging));
    let done = 0;
    for (const f of files) {
      if (options.progress && ++done % 1000 === 0) options.progress(done, total);
      const content = rendered(f);
      put(f.path, (fd) => {
        if (typeof content === 'string') {
          writeSync(fd, content);
          return contentHash(content);
        }
        const hash = createHash('sha256');
        for (const piece of content) {
          hash.update(piece);
          writeSync(fd, piece);
        }
        return hash.digest('base64url');
      });
    }
    const ledger = `${[...fingerprints.keys()].sort().join('\n')}\n`;
    put(LEDGER, (fd) => (writeSync(fd, ledger), ''));
    steps.run('rename', dir, () => renameSync(staging, dir));
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw environmentError(e, `cannot write the new output of ${dir} in ${staging}`, `${dir} was not changed`);
  }
  return { files: fingerprints, written: fingerprints.size, removed: 0 };
}

interface Plan {
  readonly journal: Journal;
  /** Produced files: as found when kept; hash only (stat to fill in after the renames) when written. */
  readonly fingerprints: Map<string, Fingerprint>;
  /** Removes the temporary files and new folders (after a failure before the commit). */
  discard(): void;
}

/** Above this, a file given in pieces is written to its temporary file as it is generated rather than held. */
const HELD_BYTES = 32 * 1024 * 1024;

/**
 * Compares each produced file with what is there and writes the temporary files of those that
 * change, the ledger last. Nothing visible changes: on failure the temporary files and new
 * folders are removed again.
 */
function prepare(dir: string, contents: OutputContents, files: Iterable<OutputFile>, total: number, steps: Steps, options: WriteOptions): Plan {
  const known = options.known ?? new Map<string, Fingerprint>();
  const temps: string[] = [];
  const newFolders: string[] = [];
  const folders = new Set<string>(['']);
  const renames: Array<readonly [string, string]> = [];
  const fingerprints = new Map<string, Fingerprint>();
  const discard = (): void => {
    for (const t of temps) if (existsSync(t)) unlinkSync(t);
    for (const f of [...newFolders].reverse()) if (existsSync(f)) rmdirSync(f);
    if (existsSync(join(dir, NEW_FOLDERS))) unlinkSync(join(dir, NEW_FOLDERS));
  };
  /** A real folder at `rel` (made, and listed first, when missing); a link or file there is refused. */
  const folder = (rel: string): void => {
    if (folders.has(rel)) return;
    folder(rel.includes('/') ? dirname(rel) : '');
    const abs = join(dir, rel);
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (st === undefined) {
      noteNewFolder(dir, rel, steps);
      steps.run('mkdir', abs, () => mkdirSync(abs));
      newFolders.push(abs);
    } else if (!st.isDirectory()) {
      const what = st.isSymbolicLink() ? 'a symbolic link' : 'a file';
      throw new EnvironmentError(`${abs} is ${what} where vault generates a folder (vault does not write through links): move it; nothing was written`);
    }
    folders.add(rel);
  };
  const stage = (path: string, hash: string, write: (temp: string) => void): void => {
    const temp = tempPath(join(dir, path));
    temps.push(temp);
    steps.run('write', temp, () => write(temp));
    renames.push([tempPath(path), path]);
    fingerprints.set(path, { hash, size: 0, mtimeMs: 0, ctimeMs: 0, ino: 0 });
  };
  try {
    let done = 0;
    for (const f of files) {
      if (options.progress && ++done % 1000 === 0) options.progress(done, total);
      const target = join(dir, f.path);
      folder(dirname(f.path) === '.' ? '' : dirname(f.path));
      const st = lstatSync(target, { throwIfNoEntry: false });
      if (st?.isDirectory() === true) throw new EnvironmentError(`${target} is a folder where vault generates a file: move it; nothing was written`);
      const fp = known.get(f.path);
      if (f.hash !== undefined && still(fp, st) && fp.hash === f.hash) {
        fingerprints.set(f.path, fp);
        continue;
      }
      const unchanged = (hash: string, size: number): boolean => {
        if (st === undefined || !st.isFile()) return false;
        if (still(fp, st)) return fp.hash === hash;
        return st.size === size && contentHash(readFileSync(target)) === hash;
      };
      const content = rendered(f);
      if (typeof content === 'string') {
        const hash = contentHash(content);
        if (unchanged(hash, Buffer.byteLength(content))) fingerprints.set(f.path, fingerprint(hash, st!));
        else stage(f.path, hash, (temp) => writeFileSync(temp, content, { flag: 'wx' }));
        continue;
      }
      const pieces = collect(content, tempPath(target), steps, () => temps.push(tempPath(target)));
      if (unchanged(pieces.hash, pieces.size)) {
        fingerprints.set(f.path, fingerprint(pieces.hash, st!));
        if (pieces.spilled) {
          steps.run('unlink', tempPath(target), () => unlinkSync(tempPath(target)));
          temps.pop();
        }
      } else if (pieces.spilled) {
        renames.push([tempPath(f.path), f.path]);
        fingerprints.set(f.path, { hash: pieces.hash, size: 0, mtimeMs: 0, ctimeMs: 0, ino: 0 });
      } else stage(f.path, pieces.hash, (temp) => writeFileSync(temp, pieces.held.join(''), { flag: 'wx' }));
    }
    const removes = [...contents.generated].filter((p) => !fingerprints.has(p) && lstatSync(join(dir, p), { throwIfNoEntry: false })?.isDirectory() === false).sort();
    const ledger = `${[...fingerprints.keys()].sort().join('\n')}\n`;
    const ledgerPath = join(dir, LEDGER);
    const ledgerSt = lstatSync(ledgerPath, { throwIfNoEntry: false });
    if (!(ledgerSt?.isFile() === true && readFileSync(ledgerPath, 'utf8') === ledger)) {
      const temp = tempPath(ledgerPath);
      temps.push(temp);
      steps.run('write', temp, () => writeFileSync(temp, ledger, { flag: 'wx' }));
      renames.push([tempPath(LEDGER), LEDGER]);
    }
    return { journal: { renames, removes }, fingerprints, discard };
  } catch (e) {
    try {
      discard();
    } catch {
      // What cannot be removed now is removed by the next write (temporary files, listed new folders).
    }
    throw environmentError(e, `cannot write the new output of ${dir}`, `${dir} was not changed`);
  }
}

interface Pieces {
  readonly hash: string;
  readonly size: number;
  /** The pieces, when they were held in memory. */
  readonly held: string[];
  /** True when the pieces were written to the temporary file instead. */
  readonly spilled: boolean;
}

/** Hashes a file given in pieces, holding them up to HELD_BYTES and writing them to `temp` beyond. */
function collect(content: Iterable<string>, temp: string, steps: Steps, opened: () => void): Pieces {
  const hash: Hash = createHash('sha256');
  let held: string[] = [];
  let heldBytes = 0;
  let size = 0;
  let fd: number | undefined;
  try {
    for (const piece of content) {
      hash.update(piece);
      const bytes = Buffer.byteLength(piece);
      size += bytes;
      if (fd !== undefined) {
        writeSync(fd, piece);
        continue;
      }
      held.push(piece);
      heldBytes += bytes;
      if (heldBytes > HELD_BYTES) {
        const out = steps.run('write', temp, () => openSync(temp, 'wx'));
        fd = out;
        opened();
        for (const h of held) writeSync(out, h);
        held = [];
      }
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return { hash: hash.digest('base64url'), size, held, spilled: fd !== undefined };
}
