/**
 * The journal that makes an in-place write of the output folder atomic from the user's view
 * (docs/cli.md, "Writing the output"). A write puts every new file's content in a temporary file
 * beside its target (`.NAME.vault-new`), then commits the journal (`DIR/.vault-journal`, written
 * aside and renamed into place, so it is whole or absent) listing the renames and removals, then
 * carries them out and removes the journal. Folders it creates are first listed in
 * `DIR/.vault-new-folders`. A write stopped before the commit left only temporary files and
 * perhaps empty new folders: the next write removes them (the previous output is untouched). A
 * write stopped after it left a committed journal: the next write finishes it (rolls forward).
 */
import { appendFileSync, lstatSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsReason } from '@vault/dsl/internal';
import { environmentError, type Steps } from './output-steps.js';

export const JOURNAL = '.vault-journal';
export const NEW_FOLDERS = '.vault-new-folders';

/** The temporary file holding a target's new content, in the target's folder. */
export const tempPath = (target: string): string => join(dirname(target), `.${basename(target)}.vault-new`);
/** Names of temporary files (`tempPath`): what a write stopped before its commit leaves. */
export const isTempName = (name: string): boolean => name.startsWith('.') && name.endsWith('.vault-new') && name.length > '..vault-new'.length;

export interface Journal {
  /** [temporary file, target], relative to the output folder, in order (the ledger last). */
  readonly renames: ReadonlyArray<readonly [string, string]>;
  /** Generated files no longer produced, relative. */
  readonly removes: ReadonlyArray<string>;
}

const exists = (p: string): boolean => lstatSync(p, { throwIfNoEntry: false }) !== undefined;

/** Records a folder about to be created, so that a stopped write's empty new folders can be removed. */
export function noteNewFolder(dir: string, rel: string, steps: Steps): void {
  const path = join(dir, NEW_FOLDERS);
  steps.run('write', path, () => appendFileSync(path, `${rel}\n`));
}

/** Commits `journal` (whole, by a rename) and carries it out. */
export function commitJournal(dir: string, journal: Journal, steps: Steps): void {
  const path = join(dir, JOURNAL);
  const temp = tempPath(path);
  try {
    steps.run('write', temp, () => writeFileSync(temp, `${JSON.stringify(journal)}\n`, { flag: 'wx' }));
    steps.run('rename', path, () => renameSync(temp, path));
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  applyJournal(dir, journal, steps);
}

/**
 * Carries out a committed journal; idempotent, so a stopped one is finished by running it again:
 * a rename whose temporary file is gone was done, a removal whose file is gone too.
 */
function applyJournal(dir: string, journal: Journal, steps: Steps): void {
  for (const [temp, target] of journal.renames) {
    const from = join(dir, temp);
    if (exists(from)) steps.run('rename', join(dir, target), () => renameSync(from, join(dir, target)));
  }
  for (const rel of journal.removes) {
    const p = join(dir, rel);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined || st.isDirectory()) continue;
    steps.run('unlink', p, () => unlinkSync(p));
    pruneEmptyFolders(dir, dirname(rel), steps);
  }
  const folders = join(dir, NEW_FOLDERS);
  if (exists(folders)) steps.run('unlink', folders, () => unlinkSync(folders));
  const path = join(dir, JOURNAL);
  steps.run('unlink', path, () => unlinkSync(path));
}

/** Removes `rel` and the folders above it (inside `dir`) that a removal left empty. */
function pruneEmptyFolders(dir: string, rel: string, steps: Steps): void {
  for (let r = rel; r !== '.' && r !== ''; r = dirname(r)) {
    const p = join(dir, r);
    if (readdirSync(p).length > 0) return;
    steps.run('remove', p, () => rmdirSync(p));
  }
}

/**
 * Finishes the write a stopped compile committed, if any (the output lock is held). Returns lines
 * for the user. Throws EnvironmentError when the machine refuses.
 */
export function finishStoppedWrite(dir: string, steps: Steps): string[] {
  // Only in a real folder: what else may be at `dir` is refused by inspectOutput, with its reason.
  if (lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) return [];
  const path = join(dir, JOURNAL);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st === undefined || !st.isFile()) return [];
  const journal = parseJournal(readFileSync(path, 'utf8'));
  try {
    if (journal === undefined) {
      steps.run('unlink', path, () => unlinkSync(path));
      return [`vault: removed ${path}, which is not a journal vault wrote`];
    }
    applyJournal(dir, journal, steps);
  } catch (e) {
    throw environmentError(e, `cannot finish the write of ${dir} that a stopped compile began`, `${dir} holds part of that write; the next compile tries again`);
  }
  return [`vault: finished the write of ${dir} that a stopped compile began`];
}

function parseJournal(text: string): Journal | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const v = value as Partial<Journal> | null;
  const safe = (p: unknown): p is string => typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split('/').includes('..');
  if (v === null || typeof v !== 'object' || !Array.isArray(v.renames) || !Array.isArray(v.removes)) return undefined;
  if (!v.renames.every((r) => Array.isArray(r) && r.length === 2 && safe(r[0]) && safe(r[1])) || !v.removes.every(safe)) return undefined;
  return { renames: v.renames, removes: v.removes };
}

/**
 * Removes what a write stopped before its commit left: its temporary files (`temps`, relative)
 * and the new folders it listed, when they are empty. Returns lines for the user.
 */
export function removeUncommitted(dir: string, temps: ReadonlyArray<string>, steps: Steps): string[] {
  const listed = join(dir, NEW_FOLDERS);
  const folders = exists(listed)
    ? readFileSync(listed, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('/') && !l.split('/').includes('..'))
    : [];
  if (temps.length === 0 && folders.length === 0 && !exists(listed)) return [];
  try {
    for (const t of temps) steps.run('unlink', join(dir, t), () => unlinkSync(join(dir, t)));
    // Deepest first, so a new folder inside another new folder goes before it.
    for (const f of [...new Set(folders)].sort((a, b) => b.length - a.length)) {
      const p = join(dir, f);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory() === true && readdirSync(p).length === 0) steps.run('remove', p, () => rmdirSync(p));
    }
    if (exists(listed)) steps.run('unlink', listed, () => unlinkSync(listed));
  } catch (e) {
    return [`vault: warning: cannot remove what a stopped compile left in ${dir}: ${fsReason(e)}`];
  }
  return [`vault: removed ${temps.length} temporary file(s) a stopped compile left in ${dir}`];
}
