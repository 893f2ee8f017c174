/**
 * The Query DSL emitter: a VaultModel in, the model's Python files out (paths relative to
 * OUT/<model>), following the Query DSL contract (docs/querydsl.md). The model folder is a
 * package whose modules import each other relatively. Pure: it reads no disk, clock or network;
 * the CLI writes the files.
 */
import type { VaultEntity, VaultModel } from '@vault/core';
import { KINDS, VAULT_LAYERS, byCodeUnit, type VaultLayer } from '@vault/core/internal';
import type { EmittedFile } from '../emitted-file.js';
import { entityFilesFor } from './entity-file.js';
import { entityPaths } from './kinds.js';
import { DEFAULT_PROFILE, type FrameworkProfile } from './profile.js';
import { Imports, header, pythonFile } from './python-file.js';
import { registryFile } from './registry.js';
import { dslContext, type DslContext } from './scope.js';
import { validateQueryDsl } from './validate.js';

export interface QueryDslOptions {
  /** The spec file as the user gave it: every file's header names its file name (`specFileName`). */
  readonly specPath: string;
  /** Framework names; default: the contract's (`DEFAULT_PROFILE`). */
  readonly profile?: FrameworkProfile;
}

const LAYER_TITLES = {
  raw_vault: 'The raw vault',
  business_vault: 'The business vault',
  access_layer: 'The access layer',
} as const satisfies Record<VaultLayer, string>;

/**
 * Emits the Query DSL files of a model, sorted by path. Throws when `validateQueryDsl` reports a
 * problem: run it first to report problems as diagnostics.
 *
 * @example
 * emitQueryDsl(model, { specPath: 'specs/ews.yaml' }).map((f) => f.path)
 * // ['__init__.py', 'access_layer/__init__.py', ..., 'raw_vault/business_partner_hub.py', ..., 'registry.py']
 */
export function emitQueryDsl(model: VaultModel, options: QueryDslOptions): ReadonlyArray<EmittedFile> {
  return [...streamQueryDsl(model, options).files].sort((a, b) => byCodeUnit(a.path, b.path));
}

/** The files of `emitQueryDsl`, produced one entity at a time, and their paths up front. */
export interface QueryDslStream {
  /** Every path the stream yields, sorted. */
  readonly paths: ReadonlyArray<string>;
  /** The files, in a fixed order (not sorted); each iteration generates them afresh. */
  readonly files: Iterable<EmittedFile>;
  /** The same files: first those of the whole model (registry, package markers), generated afresh on each call... */
  readonly modelFiles: () => ReadonlyArray<EmittedFile>;
  /** ... then each entity's, which a caller that has rendered the same inputs before may skip. */
  readonly units: ReadonlyArray<EntityUnit>;
  /** What a source table's rows hold in `record_source` in this model (to check an `EntityRender`'s). */
  readonly recordSource: (table: string) => string | undefined;
}

/**
 * One entity's files, rendered on demand. The render cache of `vault compile` keys them by
 * `inputs` and reuses a render whose inputs and record sources are the same.
 */
export interface EntityUnit {
  /** The files' paths, in the order `render` returns them. */
  readonly paths: ReadonlyArray<string>;
  /**
   * Everything the files depend on besides the record sources they name, as text, in two parts:
   * `shared`, the same string for every unit of a stream (the spec path, the profile, the model's
   * hashing and its snapshot control's name), and `inputs`, the entity's own (other entities are
   * named by kind and name only, which the entity holds). A cache key hashes `shared` once per
   * stream: repeated in every unit's text it was two thirds of the bytes hashed.
   */
  readonly shared: string;
  readonly inputs: string;
  readonly render: () => EntityRender;
}

export interface EntityRender {
  readonly files: ReadonlyArray<EmittedFile>;
  /** The record source of every source table the files name, by table. */
  readonly recordSources: Readonly<Record<string, string>>;
}

export interface QueryDslStreamOptions extends QueryDslOptions {
  /**
   * True when the caller has run `validateQueryDsl` on this model and profile and it found no
   * problem (`vault compile` does, before it plans the output): the check spells every entity's
   * names, so it is not run twice. Otherwise the stream runs it and throws on a problem.
   */
  readonly validated?: boolean;
}

/**
 * The same files as `emitQueryDsl` without holding them all in memory: a 10,000-table model
 * is ~140,000 files and ~300 MB of text, which the CLI writes as they are generated.
 */
export function streamQueryDsl(model: VaultModel, options: QueryDslStreamOptions): QueryDslStream {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const problems = options.validated === true ? [] : validateQueryDsl(model, profile);
  if (problems.length > 0) throw new Error(`emitQueryDsl: cannot emit valid Python:\n${problems.map((p) => p.message).join('\n')}`);
  const ctx = dslContext(model, profile, options.specPath);
  const entities = model.entities;
  const packages = packageFiles(ctx);
  const paths = ['registry.py', ...packages.map((f) => f.path), ...entities.flatMap(entityPaths)].sort(byCodeUnit);
  const shared = JSON.stringify([options.specPath, profile, model.hashing, model.byKind.snapshot_control[0]?.name ?? null]);
  const units = entities.map((e): EntityUnit => ({ paths: entityPaths(e), shared, inputs: JSON.stringify(e), render: () => renderEntity(ctx, e) }));
  function* generate(): Generator<EmittedFile> {
    yield registryFile(ctx);
    yield* packages;
    for (const e of entities) yield* entityFilesFor(ctx, e);
  }
  return { paths, files: { [Symbol.iterator]: generate }, modelFiles: () => [registryFile(ctx), ...packages], units, recordSource: (table) => ctx.recordSources.get(table) };
}

/** An entity's files, and the record sources they read (through a context that notes each). */
function renderEntity(ctx: DslContext, entity: VaultEntity): EntityRender {
  const recordSources: Record<string, string> = {};
  const noting: DslContext = {
    ...ctx,
    recordSources: {
      get: (table) => {
        const source = ctx.recordSources.get(table);
        if (source !== undefined) recordSources[table] = source;
        return source;
      },
    },
  };
  return { files: entityFilesFor(noting, entity), recordSources };
}

/**
 * An `__init__.py` for the model folder and for each layer that has entities, so that the model
 * imports as a package (`ews.raw_vault.business_partner_hub`) with its parent folder on the path.
 */
function packageFiles(ctx: DslContext): ReadonlyArray<EmittedFile> {
  const marker = (path: string, what: string): EmittedFile => ({ path, content: pythonFile(header(ctx.specPath, what), new Imports(), () => {}) });
  const layers = new Set(ctx.model.entities.map((e) => KINDS[e.kind].layer));
  return [
    marker('__init__.py', `Model ${ctx.model.name}: a Python package, its registry and one subpackage per layer.`),
    ...VAULT_LAYERS.filter((layer) => layers.has(layer)).map((layer) => marker(`${layer}/__init__.py`, `${LAYER_TITLES[layer]} of model ${ctx.model.name}.`)),
  ];
}
