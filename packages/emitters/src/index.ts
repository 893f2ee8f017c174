/**
 * @vault/emitters: pure functions from the vault IR to files: the Query DSL, manifest.json,
 * SQL for PostgreSQL, test data, and the documentation and lineage. Nothing here reads or
 * writes the disk; the caller does. Building blocks the CLI and tests share (writers, naming,
 * printers of single pieces) live behind `@vault/emitters/internal`, which follows no
 * compatibility promise.
 *
 * @example
 * import { loadSpec } from '@vault/dsl';
 * import { emitQueryDsl, buildManifest, manifestJson } from '@vault/emitters';
 * const { model } = loadSpec('specs/ews.yaml');
 * if (model) for (const f of emitQueryDsl(model, { specPath: 'specs/ews.yaml' })) console.log(f.path);
 */
export type { EmittedFile } from './emitted-file.js';
export { buildManifest, manifestJson, type Manifest, type ManifestColumn, type ManifestEntity, type ManifestOptions, type ManifestSource } from './manifest.js';
export { DELTA_ORDER_COLUMN } from './columns.js';
export {
  DEFAULT_PROFILE,
  PROFILE_SCHEMA,
  checkProfile,
  emitQueryDsl,
  mergeProfile,
  validateQueryDsl,
  type FrameworkProfile,
  type FrameworkProfileOverrides,
  type ProfileProblem,
  type QueryDslOptions,
} from './querydsl/index.js';
export {
  bindParameters,
  emitSql,
  inlineParameters,
  landingTables,
  quoteIdent,
  quoteLiteral,
  sqlManifestBlock,
  sparkDialect,
  sqlPlan,
  validateSql,
  type LandingTable,
  type RawVaultKind,
  type InlineValue,
  type CreatedObject,
  type DeclaredColumn,
  type SqlDuplicates,
  type SqlLoad,
  type SqlManifestBlock,
  type SqlOptions,
  type SqlParameter,
  type SqlPlan,
  type SqlStatement,
  type StatementEntity,
  type StatementKind,
  type VaultLayer,
} from './sql/index.js';
export { seedInserts, seedRows, type SeedInsert, type SeedOptions, type SeedTable, type SeedValue } from './seed/index.js';
export {
  columnLineage,
  emitDocs,
  findLineageNode,
  lineageDot,
  lineageGraph,
  lineageJson,
  lineageMermaid,
  rawVaultErDot,
  rawVaultErMermaid,
  renderDrawings,
  renderSvg,
  selectLineage,
  type ColumnLineage,
  type ColumnOrigin,
  type ColumnRef,
  type DocsOptions,
  type DocsOutput,
  type Drawing,
  type LineageDirection,
  type LineageDotOptions,
  type LineageEdge,
  type LineageGraph,
  type LineageJsonOptions,
  type LineageKind,
  type LineageMermaidOptions,
  type LineageNode,
  type NodeLookup,
} from './docs/index.js';
