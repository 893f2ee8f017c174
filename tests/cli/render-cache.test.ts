/**
 * The render cache of `vault compile`: the output has the same bytes with and without it, after
 * any sequence of spec edits (a property test over generated specs); it skips rendering an
 * entity whose inputs did not change only while the entity's files are on disk as written; and
 * it is keyed by what a render reads (record sources included).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Spec } from '@vault/core';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { DEFAULT_PROFILE, type EntityUnit } from '@vault/emitters/internal';
import { RenderCache, vaultCodeIdentity, type SavedCache } from '../../packages/cli/src/render-cache.js';
import { plannedOutput, type Target } from '../../packages/cli/src/targets.js';
import { writeOutput } from '../../packages/cli/src/write-output.js';
import { specArb } from '../arbitraries/spec.js';

const TARGETS: ReadonlySet<Target> = new Set(['querydsl', 'sql']);

/** Where a compile keeps its cache: a folder of cache files, or (as `vault compile --watch` does) memory. */
type CacheAt = string | { saved?: SavedCache };

/** `vault compile` in-process: with a cache (kept in `cacheRoot`, or in memory) or without; returns how many entities were rendered. */
async function compile(yaml: string, dir: string, cacheRoot?: CacheAt, profile = DEFAULT_PROFILE): Promise<{ renders: number } | undefined> {
  const a = analyzeSpec(parseSpecYaml(yaml, 'spec.yaml'), { stage: 'access' });
  if (a.model === undefined) return undefined;
  const memory = typeof cacheRoot === 'object' ? cacheRoot : undefined;
  const cache = cacheRoot === undefined ? undefined : memory !== undefined ? (memory.saved?.next() ?? RenderCache.open(dir, join(dir, '..', 'no-cache'))) : RenderCache.open(dir, cacheRoot as string);
  let renders = 0;
  const counted = (unit: EntityUnit): EntityUnit => ({ ...unit, render: () => (renders++, unit.render()) });
  const planned = plannedOutput(a.model, TARGETS, 'spec.yaml', profile, { docs: [] }, (unit, rs) => (cache ? cache.files(counted(unit), rs) : counted(unit).render().files));
  const result = await writeOutput(dir, planned.files, planned.paths.length, cache ? { known: cache.known } : {});
  if (memory !== undefined) memory.saved = cache!.after(result);
  else expect(cache?.save(result)).toBeUndefined();
  return { renders };
}

/** specs/ews.yaml compiled once with a cache, in a folder of its own (`root`, for the test to remove). */
async function ewsCompiled(): Promise<{ root: string; yaml: string; dir: string; cacheRoot: string; first: { renders: number } }> {
  const root = mkdtempSync(join(tmpdir(), 'vault-cache-'));
  const yaml = readFileSync('specs/ews.yaml', 'utf8');
  const dir = join(root, 'out', 'ews');
  const cacheRoot = join(root, 'cache');
  return { root, yaml, dir, cacheRoot, first: (await compile(yaml, dir, cacheRoot))! };
}

function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out[r] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

type Edit = { readonly kind: 'column'; readonly table: number; readonly n: number } | { readonly kind: 'record_source'; readonly table: number } | { readonly kind: 'drop'; readonly table: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('column' as const), table: fc.nat(), n: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant('record_source' as const), table: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), table: fc.nat() }),
);

/** The spec after a user's edit: a column added, a table's record source changed, or a descriptive column dropped. */
function edited(spec: Spec, edit: Edit): Spec {
  const names = Object.keys(spec.tables);
  const name = names[edit.table % names.length]!;
  const table = spec.tables[name]!;
  const columns = { ...table.columns };
  if (edit.kind === 'column') columns[`zephyr_${edit.n}`] = 'int';
  if (edit.kind === 'drop') {
    const descriptive = Object.keys(columns).filter((c) => !/(_id|_code|_key|_no)$/.test(c) && c !== 'id' && !(table.business_key ?? []).includes(c));
    if (descriptive.length > 0) delete columns[descriptive[descriptive.length - 1]!];
  }
  const changed = { ...table, columns, ...(edit.kind === 'record_source' ? { record_source: `elsewhere.${name}` } : {}) };
  return { ...spec, tables: { ...spec.tables, [name]: changed } };
}

describe('the render cache', () => {
  test.prop([specArb, fc.array(editArb, { minLength: 1, maxLength: 4 })], { numRuns: 15 })('gives the same bytes as a compile without it, edit after edit', async (spec, edits) => {
    const root = mkdtempSync(join(tmpdir(), 'vault-cache-'));
    try {
      let current = spec;
      for (const [i, edit] of [undefined, ...edits].entries()) {
        if (edit !== undefined) current = edited(current, edit);
        const yaml = stringify(current);
        const cached = await compile(yaml, join(root, 'cached', 'm'), join(root, 'cache'));
        if (cached === undefined) continue; // an edit the spec does not allow: nothing written either way
        const fresh = join(root, `fresh-${i}`, 'm');
        await compile(yaml, fresh);
        expect(contents(join(root, 'cached', 'm'))).toEqual(contents(fresh));
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test.prop([specArb, fc.array(fc.tuple(editArb, fc.boolean()), { minLength: 1, maxLength: 4 })], { numRuns: 10 })(
    'kept in memory from one compile to the next (vault compile --watch), gives the same bytes as a compile without it, also after a file was edited by hand',
    async (spec, edits) => {
      const root = mkdtempSync(join(tmpdir(), 'vault-cache-'));
      try {
        const memory: { saved?: SavedCache } = {};
        const dir = join(root, 'watched', 'm');
        let current = spec;
        for (const [i, step] of [undefined, ...edits].entries()) {
          if (step !== undefined) {
            current = edited(current, step[0]);
            // A file of the output changed by hand between two compiles: the memory must not vouch for it.
            const files = memory.saved === undefined ? [] : Object.keys(contents(dir)).filter((p) => p.endsWith('.py'));
            if (step[1] && files.length > 0) writeFileSync(join(dir, files[i % files.length]!), '# edited by hand\n');
          }
          const yaml = stringify(current);
          if ((await compile(yaml, dir, memory)) === undefined) continue;
          const fresh = join(root, `fresh-${i}`, 'm');
          await compile(yaml, fresh);
          expect(contents(dir)).toEqual(contents(fresh));
        }
        expect(readdirSync(join(root, 'watched'))).not.toContain('no-cache'); // memory only: no cache file read or written
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  it('renders only what changed: nothing when nothing did, one entity after a file of it was deleted or edited by hand', async () => {
    const { root, yaml, dir, cacheRoot, first } = await ewsCompiled();
    expect(first.renders).toBeGreaterThan(10);
    expect(await compile(yaml, dir, cacheRoot)).toEqual({ renders: 0 });
    const before = contents(dir);
    unlinkSync(join(dir, 'raw_vault', 'early_warning_signal_hub.py'));
    writeFileSync(join(dir, 'raw_vault', 'early_warning_signal_hub_fields.py'), 'edited by hand');
    expect(await compile(yaml, dir, cacheRoot)).toEqual({ renders: 1 });
    expect(contents(dir)).toEqual(before);
    // Deleting the cache gives the same bytes, rendering everything.
    rmSync(cacheRoot, { recursive: true });
    expect(await compile(yaml, dir, cacheRoot)).toEqual(first);
    expect(contents(dir)).toEqual(before);
    rmSync(root, { recursive: true, force: true });
  });

  it('re-renders an entity when a record source it names changes, though the entity itself did not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vault-cache-'));
    const spec = fc.sample(specArb, { numRuns: 1, seed: 7 })[0]!;
    const table = Object.keys(spec.tables)[0]!;
    const dir = join(root, 'out', 'm');
    await compile(stringify(spec), dir, join(root, 'cache'));
    const moved = { ...spec, tables: { ...spec.tables, [table]: { ...spec.tables[table]!, record_source: 'moved.elsewhere' } } };
    const r = (await compile(stringify(moved), dir, join(root, 'cache')))!;
    expect(r.renders).toBeGreaterThan(0);
    expect(Object.values(contents(dir)).some((text) => text.includes('moved.elsewhere'))).toBe(true);
    await compile(stringify(moved), join(root, 'fresh', 'm'));
    expect(contents(dir)).toEqual(contents(join(root, 'fresh', 'm')));
    rmSync(root, { recursive: true, force: true });
  });

  it('re-renders every entity when what all of them share changes (the framework profile)', async () => {
    const { root, yaml, dir, cacheRoot, first } = await ewsCompiled();
    const renamed = { ...DEFAULT_PROFILE, module: 'bank_framework' };
    expect(await compile(yaml, dir, cacheRoot, renamed)).toEqual(first);
    expect(Object.values(contents(dir)).some((text) => text.includes('bank_framework'))).toBe(true);
    await compile(yaml, join(root, 'fresh', 'ews'), undefined, renamed);
    expect(contents(dir)).toEqual(contents(join(root, 'fresh', 'ews')));
    expect(await compile(yaml, dir, cacheRoot, renamed)).toEqual({ renders: 0 });
    rmSync(root, { recursive: true, force: true });
  });

  it('keys renders by plain data: every entity survives a JSON round trip, and the code identity is stable', () => {
    for (const file of ['specs/ews.yaml', 'specs/lgd.yaml']) {
      const model = analyzeSpec(parseSpecYaml(readFileSync(file, 'utf8'), file), { stage: 'access' }).model!;
      for (const e of model.entities) expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    }
    expect(vaultCodeIdentity()).toMatch(/^[\w-]{43}$/);
    expect(vaultCodeIdentity()).toBe(vaultCodeIdentity());
  });
});
