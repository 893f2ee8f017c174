/**
 * The targets `vault compile --target` writes, as one stream of output files plus manifest.json.
 * Each target adds its files; the sql target also adds an `sql` block to every manifest entity.
 */
import type { VaultModel } from '@vault/core';
import { emitSql, manifestJsonChunks, sqlManifestBlock, streamQueryDsl, validateQueryDsl, validateSql, type FrameworkProfile } from '@vault/emitters';
import type { OutputFile } from './write-output.js';

export const TARGETS = ['querydsl', 'sql'] as const;
export type Target = (typeof TARGETS)[number];

export function isTarget(t: string): t is Target {
  return (TARGETS as ReadonlyArray<string>).includes(t);
}

/** What the targets cannot emit for this model (names that collide in Python or SQL). */
export function targetProblems(model: VaultModel, targets: ReadonlySet<Target>, profile: FrameworkProfile): string[] {
  return [...(targets.has('querydsl') ? validateQueryDsl(model, profile) : []), ...(targets.has('sql') ? validateSql(model) : [])];
}

export interface PlannedOutput {
  /** Every path written, sorted, manifest.json included. */
  readonly paths: ReadonlyArray<string>;
  /** Generated as they are consumed, so a large model is never whole in memory. */
  readonly files: Iterable<OutputFile>;
}

export function plannedOutput(model: VaultModel, targets: ReadonlySet<Target>, specPath: string, profile: FrameworkProfile): PlannedOutput {
  const dsl = targets.has('querydsl') ? streamQueryDsl(model, { specPath, profile }) : undefined;
  const sql = targets.has('sql') ? emitSql(model, { specPath }) : [];
  const emitted = [...(dsl?.paths ?? []), ...sql.map((f) => f.path)].sort();
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
        yield { path: 'manifest.json', content: manifestJsonChunks(model, manifestOptions) };
      },
    },
  };
}
