/**
 * `vault compile SPEC --watch` (docs/cli.md, "Compile on every save"): compiles, then compiles
 * again each time the spec, or the framework profile it names, changes on disk (seen by a watcher
 * on each one's folder, and by a look at each every second), until Ctrl-C
 * (SIGINT) or SIGTERM. Each compile is an ordinary one (same checks, same atomic write, same
 * bytes); what the process keeps between them is what a fresh process would read again: its
 * loaded code, and the render cache of the output folder, held in memory and saved to
 * `.vault/compile-cache/` when the process is idle and when it stops. A save that changes nothing
 * (same bytes, e.g. an editor touching the file) compiles nothing.
 */
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fsReason, isEnvironmentFsError } from '@vault/dsl/internal';
import { EnvironmentError, EXIT, UsageError } from '../exit.js';
import type { Output } from '../output.js';
import { compileOnce, type CompileOptions, type CompileSession } from './compile.js';
import type { SavedCache } from '../render-cache.js';

/** An editor's save can be several events (truncate, write, rename): compile once they settle. */
const SETTLE_MS = 40;
/** The render cache is saved once no compile has followed for this long (and when stopping). */
const SAVE_AFTER_MS = 500;
/**
 * The inputs are also looked at (`stat`) this often: a folder's watcher misses a change where the
 * file system sends no event (network and container mounts) or where the input is a symbolic
 * link to a file in another folder.
 */
const POLL_MS = 1000;

export async function watchCompile(specPath: string | undefined, opts: CompileOptions, o: Output): Promise<number> {
  if (specPath === undefined) throw new UsageError('--watch needs a spec file: it compiles again when the file changes');
  if (opts.check) throw new UsageError('--watch writes the output on every change and --check writes nothing: give one of them');
  if (opts.json) throw new UsageError('--watch prints each compile for a person to read; --json is for one compile: give one of them');
  if (opts.validateDb !== undefined) throw new UsageError('--watch does not take --validate-db (it would query the database on every save): run vault validate on its own');
  // A spec that is not there is a mistyped path, not a file to wait for: one compile says so.
  if (!existsSync(specPath)) return compileOnce(specPath, opts, o);

  let inputs: ReadonlyArray<string> = [resolve(specPath)];
  const caches = new Map<string, SavedCache>();
  // The inputs' bytes as the last compile read them: read just before it, or, for an input it
  // names (a new profile), when it names it, before it reads it. A change after that is a change.
  let seen = new Map<string, string>();
  const session: CompileSession = {
    caches,
    reads: (paths) => {
      inputs = paths.map((p) => resolve(p));
      for (const p of inputs) if (!seen.has(p)) seen.set(p, look(p));
    },
  };
  let stopping = false;
  let dirty = false;
  let settle: NodeJS.Timeout | undefined;
  let saveTimer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const watchers = new Map<string, FSWatcher>();
  let watchFailure: string | undefined;

  const changed = (): void => {
    dirty = true;
    clearTimeout(settle);
    settle = setTimeout(() => {
      settle = undefined;
      wake?.();
    }, SETTLE_MS);
  };
  const stop = (): void => {
    stopping = true;
    clearTimeout(settle);
    settle = undefined;
    wake?.();
  };
  /** Resolves once a change has settled, or the watch is to stop. */
  const next = (): Promise<void> =>
    new Promise<void>((done) => {
      if (stopping || (dirty && settle === undefined)) done();
      else wake = done;
    }).then(() => {
      wake = undefined;
    });
  const saveCaches = (): void => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    for (const c of caches.values()) {
      const warning = c.save();
      if (warning !== undefined) o.err(warning);
    }
  };
  /** One watcher per folder that holds an input: editors often replace a file rather than write it. */
  const watchInputs = (): void => {
    const folders = new Map<string, Set<string>>();
    for (const p of inputs) folders.set(dirname(p), (folders.get(dirname(p)) ?? new Set()).add(basename(p)));
    for (const [folder, w] of watchers)
      if (!folders.has(folder)) {
        w.close();
        watchers.delete(folder);
      }
    for (const [folder, names] of folders) {
      watchers.get(folder)?.close();
      try {
        const w = watch(folder, { persistent: true }, (_event, name) => {
          if (name === null || names.has(name.toString())) changed();
        });
        w.on('error', (e) => {
          watchFailure = `cannot watch ${folder} any longer: ${fsReason(e)}`;
          stop();
        });
        watchers.set(folder, w);
      } catch (e) {
        throw new EnvironmentError(`cannot watch ${folder} for changes: ${fsReason(e)}`);
      }
    }
  };
  /** What `stat` says of an input (through a link): a change of any of it is looked at. */
  const stamp = (p: string): string => {
    try {
      const st = statSync(p, { throwIfNoEntry: false });
      return st === undefined ? '' : `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch {
      return '';
    }
  };
  /** Each input's stamp, taken just before its bytes were last read (`look`). */
  const stamps = new Map<string, string>();
  const poll = setInterval(() => {
    for (const p of inputs) {
      const now = stamp(p);
      if (stamps.get(p) === now) continue;
      stamps.set(p, now);
      changed();
    }
  }, POLL_MS);
  /** An input's bytes ('' when it cannot be read: the compile says why). */
  const content = (p: string): string => {
    try {
      return readFileSync(p, 'latin1');
    } catch {
      return '';
    }
  };
  /** An input's bytes, its stamp taken first: a change after the stamp is seen by the poll. */
  const look = (p: string): string => {
    stamps.set(p, stamp(p));
    return content(p);
  };
  let code: number = EXIT.ok;
  const compile = async (): Promise<void> => {
    clearTimeout(saveTimer);
    const t0 = process.hrtime.bigint();
    try {
      code = await compileOnce(specPath, opts, o, session);
    } catch (e) {
      // What stops one compile (a folder that cannot be written, an output outside the working
      // directory) is said, and the watch goes on: the next save may fix it. A bug is not caught.
      const message = e instanceof UsageError || e instanceof EnvironmentError ? e.message : isEnvironmentFsError(e) ? `${e.syscall ?? 'access'} ${e.path ?? ''}: ${fsReason(e)}` : undefined;
      if (message === undefined) throw e;
      o.err(`vault: ${message}`);
      code = EXIT.failed;
    }
    const seconds = (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2);
    o.err(`vault compile: ${code === EXIT.ok ? 'compiled' : 'stopped'} in ${seconds} s; watching ${inputs.map((p) => basename(p)).join(', ')} for changes (Ctrl-C to stop)`);
    saveTimer = setTimeout(saveCaches, SAVE_AFTER_MS);
  };

  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    seen = new Map(inputs.map((p) => [p, look(p)]));
    await compile();
    const update = (): void => {
      watchInputs();
      // A save made before the watchers started (while the first compile ran, say) sent them no
      // event: look at the inputs once now that any later save will be seen.
      if (inputs.some((p) => content(p) !== seen.get(p))) changed();
    };
    update();
    while (!stopping) {
      await next();
      if (stopping) break;
      dirty = false;
      const now = new Map(inputs.map((p) => [p, look(p)]));
      const differ = inputs.filter((p) => now.get(p) !== seen.get(p));
      if (differ.length === 0) continue;
      seen = now;
      o.err('');
      o.err(`vault compile: ${differ.map((p) => basename(p)).join(', ')} changed; compiling again`);
      const before = inputs.join('\0');
      await compile();
      if (inputs.join('\0') !== before) update();
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    clearTimeout(settle);
    clearInterval(poll);
    for (const w of watchers.values()) w.close();
    saveCaches();
  }
  if (watchFailure !== undefined) {
    o.err(`vault: ${watchFailure}; stopped watching`);
    return EXIT.failed;
  }
  return code;
}
