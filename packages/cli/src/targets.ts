/**
 * The targets `vault compile --target` writes, as one stream of output files plus manifest.json.
 * Each target adds its files; the sql target also adds an `sql` block to every manifest entity.
 * The docs target's SVG drawings are rendered asynchronously first (`renderTargets`) and handed
 * to the plan, which stays synchronous and streaming.
 */
import type { PathDiagnostic, VaultModel } from '@vault/core';
import {
  emitDocs,
  emitSql,
  manifestJsonChunks,
  renderDrawings,
  sqlManifestBlock,
  streamQueryDsl,
  validateQueryDsl,
  validateSql,
  type EmittedFile,
  type FrameworkProfile,
} from '@vault/emitters/internal';
import type { OutputFile } from './write-output.js';

export const TARGETS = ['querydsl', 'sql', 'docs'] as const;
export type Target = (typeof TARGETS)[number];

export function isTarget(t: string): t is Target {
  return (TARGETS as ReadonlyArray<string>).includes(t);
}

/** What the targets cannot emit for this model (names that collide in Python or SQL), at the spec nodes concerned. */
export function targetProblems(model: VaultModel, targets: ReadonlySet<Target>, profile: FrameworkProfile): PathDiagnostic[] {
  return [...(targets.has('querydsl') ? validateQueryDsl(model, profile) : []), ...(targets.has('sql') ? validateSql(model) : [])];
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

/** The output of a model that `targetProblems` found nothing wrong with, for these targets and this profile. */
export function plannedOutput(model: VaultModel, targets: ReadonlySet<Target>, specPath: string, profile: FrameworkProfile, rendered: RenderedTargets = { docs: [] }): PlannedOutput {
  if (targets.has('docs') && rendered.docs.length === 0) throw new Error('vault: the docs target was planned before renderTargets drew it');
  const dsl = targets.has('querydsl') ? streamQueryDsl(model, { specPath, profile, validated: true }) : undefined;
  const sql = targets.has('sql') ? emitSql(model, { specPath }) : [];
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
        if (dsl) yield* dsl.files;
        yield* sql;
        yield* docs;
        yield { path: 'manifest.json', content: manifestJsonChunks(model, manifestOptions) };
      },
    },
  };
}
