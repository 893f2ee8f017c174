/**
 * The render cache of `vault compile` (docs/cli.md, "The render cache"): one file per output
 * folder in `.vault/compile-cache/`, holding
 * - what the last write recorded about each file it left (its hash, inode, size and times), so
 *   that a file still as recorded is compared by hash instead of read; and
 * - per entity, the hashes of the files rendered from its inputs (keyed by the hash of vault's
 *   own code and those inputs), so that an entity whose inputs did not change is not rendered
 *   again while its files are still on disk as written.
 * The cache never decides a file's bytes: a file it vouches for is kept only when it is on disk
 * exactly as the last write left it, and every other file is rendered. Deleting the folder gives
 * the same output. A cache file that cannot be read or parsed is ignored; one that cannot be
 * written is reported as a warning.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsReason } from '@vault/dsl/internal';
import type { EntityUnit } from '@vault/emitters/internal';
import type { Fingerprint, OutputFile, WriteResult } from './write-output.js';

/** Where the cache files live, under the working directory. */
export const CACHE_DIR = join('.vault', 'compile-cache');
const FORMAT = 1;

interface CachedUnit {
  /** [path, content hash] per file, in the unit's order. */
  readonly files: ReadonlyArray<readonly [string, string]>;
  readonly recordSources: Readonly<Record<string, string>>;
}

interface CacheFile {
  readonly format: number;
  readonly code: string;
  readonly dir: string;
  /** path → [hash, size, mtimeMs, ctimeMs, ino] */
  readonly files: Readonly<Record<string, readonly [string, number, number, number, number]>>;
  readonly units: Readonly<Record<string, CachedUnit>>;
}

let codeIdentity: string | undefined;

/**
 * The hash of vault's code that renders files: every JavaScript (or, run from the sources,
 * TypeScript) file of the bundle or of the packages core, emitters and cli. A vault built from
 * other code never reuses this one's renders.
 */
export function vaultCodeIdentity(): string {
  if (codeIdentity !== undefined) return codeIdentity;
  const self = fileURLToPath(import.meta.url);
  const here = dirname(self);
  const ext = extname(self);
  // Run from packages/cli/{src,dist}: the sibling packages' same folder; from the bundle: its folder.
  const packages = join(here, '..', '..');
  const roots = here.endsWith(join('cli', 'src')) || here.endsWith(join('cli', 'dist')) ? ['core', 'emitters', 'cli'].map((p) => join(packages, p, here.endsWith('src') ? 'src' : 'dist')) : [here];
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(ext) && !e.name.endsWith('.d.ts')) hash.update(`${p}\0`).update(readFileSync(p)).update('\0');
    }
  };
  for (const r of roots) walk(r);
  codeIdentity = hash.digest('base64url');
  return codeIdentity;
}

export class RenderCache {
  /** What the last write recorded, for `writeOutput`'s `known`. */
  readonly known: ReadonlyMap<string, Fingerprint>;
  private readonly units: Readonly<Record<string, CachedUnit>>;
  private readonly used = new Map<string, CachedUnit>();
  /** The hash of the units' shared inputs (one string per stream: hashed once). */
  private shared: { readonly text: string; readonly hash: string } | undefined;
  private readonly rendered: Array<{ readonly key: string; readonly paths: ReadonlyArray<string>; readonly recordSources: Readonly<Record<string, string>> }> = [];
  private readonly text: string | undefined;

  private constructor(
    private readonly path: string,
    private readonly dir: string,
    private readonly code: string,
    previous: CacheFile | undefined,
    text: string | undefined,
  ) {
    this.text = text;
    this.known = new Map(Object.entries(previous?.files ?? {}).map(([p, [hash, size, mtimeMs, ctimeMs, ino]]) => [p, { hash, size, mtimeMs, ctimeMs, ino }]));
    this.units = previous?.units ?? {};
  }

  /** The cache of output folder `dir`, from `root` (`.vault/compile-cache/` under the working directory). */
  static open(dir: string, root: string = CACHE_DIR): RenderCache {
    const abs = resolve(dir);
    const path = join(root, `${createHash('sha256').update(abs).digest('base64url').slice(0, 22)}.json`);
    const code = vaultCodeIdentity();
    let text: string | undefined;
    let previous: CacheFile | undefined;
    try {
      if (lstatSync(path, { throwIfNoEntry: false })?.isFile() === true) {
        text = readFileSync(path, 'utf8');
        const parsed = JSON.parse(text) as Partial<CacheFile> | null;
        if (parsed !== null && parsed.format === FORMAT && parsed.dir === abs && typeof parsed.files === 'object' && typeof parsed.units === 'object') {
          // Fingerprints hold whatever vault wrote; renders only for the same code.
          previous = { ...(parsed as CacheFile), units: parsed.code === code ? (parsed.units as CacheFile['units']) : {} };
        }
      }
    } catch {
      previous = undefined; // unreadable or not JSON: as if deleted
    }
    return new RenderCache(path, abs, code, previous, text);
  }

  /**
   * An entity's output files: when its inputs were rendered before (same code, same inputs, same
   * record sources), files with their known hashes that render only if the write needs their
   * content; otherwise rendered now.
   */
  files(unit: EntityUnit, recordSource: (table: string) => string | undefined): ReadonlyArray<OutputFile> {
    if (unit.shared !== this.shared?.text) this.shared = { text: unit.shared, hash: createHash('sha256').update(unit.shared).digest('base64url') };
    const key = createHash('sha256').update(this.code).update('\0').update(this.shared.hash).update('\0').update(unit.inputs).digest('base64url');
    const hit = this.used.get(key) ?? this.units[key];
    if (
      hit !== undefined &&
      hit.files.length === unit.paths.length &&
      hit.files.every(([p], i) => p === unit.paths[i]) &&
      Object.entries(hit.recordSources).every(([table, source]) => recordSource(table) === source)
    ) {
      this.used.set(key, hit);
      let render: ReturnType<EntityUnit['render']> | undefined;
      const content = (path: string): string => {
        render ??= unit.render();
        const file = render.files.find((f) => f.path === path);
        if (file === undefined) throw new Error(`vault: the render of ${path} did not produce it`);
        return file.content;
      };
      return hit.files.map(([path, hash]) => ({ path, hash, content: () => content(path) }));
    }
    const r = unit.render();
    this.rendered.push({ key, paths: unit.paths, recordSources: r.recordSources });
    return r.files;
  }

  /** Records what `result` (the write) left, and the renders of this compile; returns a warning line when it cannot be saved. */
  save(result: WriteResult): string | undefined {
    return this.after(result).save();
  }

  /**
   * What the cache holds after `result` (the write): what the write left, and the renders this
   * compile used or made; saved with `save`, or kept in memory for the next compile of a
   * process that compiles again (`vault compile --watch`), which then reads no cache file.
   */
  after(result: WriteResult): SavedCache {
    const units: Record<string, CachedUnit> = {};
    for (const [key, unit] of this.used) units[key] = unit;
    for (const r of this.rendered) {
      const files = r.paths.map((p): readonly [string, string] | undefined => {
        const fp = result.files.get(p);
        return fp === undefined ? undefined : [p, fp.hash];
      });
      if (files.every((f) => f !== undefined)) units[r.key] = { files, recordSources: r.recordSources };
    }
    const files: Record<string, readonly [string, number, number, number, number]> = {};
    for (const [p, fp] of result.files) files[p] = [fp.hash, fp.size, fp.mtimeMs, fp.ctimeMs, fp.ino];
    const cache: CacheFile = { format: FORMAT, code: this.code, dir: this.dir, files, units };
    const { path, dir, code } = this;
    let saved = this.text;
    return {
      next: () => new RenderCache(path, dir, code, cache, saved),
      save: () => {
        const text = `${JSON.stringify(cache)}\n`;
        if (text === saved) return undefined;
        const temp = `${path}.${process.pid}.tmp`;
        try {
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(temp, text);
          renameSync(temp, path);
        } catch (e) {
          rmSync(temp, { force: true });
          return `vault: warning: cannot save the render cache ${path}: ${fsReason(e)}; the next compile renders everything again`;
        }
        saved = text;
        return undefined;
      },
    };
  }
}

/** The render cache as a write left it (`RenderCache.after`). */
export interface SavedCache {
  /** The cache for the next compile into the same folder, without reading the cache file. */
  next(): RenderCache;
  /** Writes it to its cache file unless that holds it already; a warning line when it cannot. */
  save(): string | undefined;
}
