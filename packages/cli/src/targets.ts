/**
 * The targets `vault compile --target` writes, as one stream of output files plus manifest.json.
 * Each target adds its files; the sql target also adds an `sql` block to every manifest entity
 * (PostgreSQL's names; the spark target writes `spark/setup.sql` and `spark/load.sql` only).
 * The docs target's SVG drawings are rendered asynchronously first (`renderTargets`) and handed
 * to the plan, which stays synchronous and streaming.
 */
import type { PathDiagnostic, VaultModel } from '@vault/core';
import {
  emitDocs,
  emitSql,
  manifestJsonChunks,
  renderDrawings,
  sparkDialect,
  sqlManifestBlock,
  streamQueryDsl,
  validateQueryDsl,
  validateSql,
  type EmittedFile,
  type EntityUnit,
  type FrameworkProfile,
} from '@vault/emitters/internal';
import { UsageError } from './exit.js';
import type { OutputFile } from './write-output.js';

/** `sql` is PostgreSQL's SQL; `spark` the same statements in Spark SQL (docs/spark.md). */
export const TARGETS = ['querydsl', 'sql', 'spark', 'docs'] as const;
export type Target = (typeof TARGETS)[number];

/**
 * What `vault check` asks when no `--target` is given: every target but `spark`, whose refusals
 * (VLT440: types Spark cannot store or hash alike) only matter to a model meant for Spark.
 */
export const CHECKED_TARGETS: ReadonlyArray<Target> = TARGETS.filter((t) => t !== 'spark');

export function isTarget(t: string): t is Target {
  return (TARGETS as ReadonlyArray<string>).includes(t);
}

/** `--target LIST`: comma-separated target names; an unknown name or none is a usage mistake. */
export function parseTargets(list: string): Set<Target> {
  const targets = new Set<Target>();
  for (const t of list
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    if (!isTarget(t)) throw new UsageError(`unknown target '${t}'; available: ${TARGETS.join(', ')}`);
    targets.add(t);
  }
  if (targets.size === 0) throw new UsageError(`--target needs at least one of: ${TARGETS.join(', ')}`);
  return targets;
}

/**
 * What the targets cannot emit for this model (names that collide in Python or SQL, types Spark
 * refuses), at the spec nodes concerned. A problem the sql and spark targets both find (a table
 * name two entities share) is said once.
 */
export function targetProblems(model: VaultModel, targets: ReadonlySet<Target>, profile: FrameworkProfile): PathDiagnostic[] {
  const all = [
    ...(targets.has('querydsl') ? validateQueryDsl(model, profile) : []),
    ...(targets.has('sql') ? validateSql(model) : []),
    ...(targets.has('spark') ? validateSql(model, sparkDialect) : []),
  ];
  const said = new Set<string>();
  return all.filter((p) => {
    const key = JSON.stringify([p.code, p.path, p.message]);
    if (said.has(key)) return false;
    said.add(key);
    return true;
  });
}

export interface PlannedOutput {
  /** Every path written, sorted, manifest.json included. */
  readonly paths: ReadonlyArray<string>;
  /** Generated as they are consumed, so a large model is never whole in memory. */
  readonly files: Iterable<OutputFile>;
}

/** Target output that needs asynchronous work, done before planning. */
export interface RenderedTargets {
  /** `--target docs`: `docs/README.md`, the DOT sources and their SVG drawings. */
  readonly docs: ReadonlyArray<EmittedFile>;
}

/** Folder of the docs target inside `OUT/MODEL/`. */
export const DOCS_DIR = 'docs/';

/** Renders what the targets cannot produce synchronously: the docs' SVG drawings (WASM Graphviz). */
export async function renderTargets(model: VaultModel, targets: ReadonlySet<Target>, specPath: string): Promise<RenderedTargets> {
  if (!targets.has('docs')) return { docs: [] };
  const docs = emitDocs(model, { specPath, dir: DOCS_DIR });
  return { docs: [...docs.files, ...(await renderDrawings(docs.drawings))] };
}

/** Renders an entity's Query DSL files, or reuses an earlier render (`RenderCache`). */
export type UnitFiles = (unit: EntityUnit, recordSource: (table: string) => string | undefined) => ReadonlyArray<OutputFile>;

/**
 * The output of a model that `targetProblems` found nothing wrong with, for these targets and
 * this profile; `unitFiles` (the render cache) may skip rendering entities, never change a byte.
 */
export function plannedOutput(
  model: VaultModel,
  targets: ReadonlySet<Target>,
  specPath: string,
  profile: FrameworkProfile,
  rendered: RenderedTargets = { docs: [] },
  unitFiles: UnitFiles = (unit) => unit.render().files,
): PlannedOutput {
  if (targets.has('docs') && rendered.docs.length === 0) throw new Error('vault: the docs target was planned before renderTargets drew it');
  const dsl = targets.has('querydsl') ? streamQueryDsl(model, { specPath, profile, validated: true }) : undefined;
  const sql = [...(targets.has('sql') ? emitSql(model, { specPath }) : []), ...(targets.has('spark') ? emitSql(model, { specPath, dir: 'spark' }, sparkDialect) : [])];
  const docs = targets.has('docs') ? rendered.docs : [];
  const emitted = [...(dsl?.paths ?? []), ...sql.map((f) => f.path), ...docs.map((f) => f.path)].sort();
  const manifestOptions = {
    specPath,
    files: emitted,
    ...(targets.has('sql') ? { blocks: (e: Parameters<typeof sqlManifestBlock>[0], m: VaultModel) => ({ sql: sqlManifestBlock(e, m) }) } : {}),
  };
  return {
    paths: [...emitted, 'manifest.json'].sort(),
    files: {
      *[Symbol.iterator]() {
        if (dsl) {
          yield* dsl.modelFiles();
          for (const unit of dsl.units) yield* unitFiles(unit, dsl.recordSource);
        }
        yield* sql;
        yield* docs;
        yield { path: 'manifest.json', content: manifestJsonChunks(model, manifestOptions) };
      },
    },
  };
}
