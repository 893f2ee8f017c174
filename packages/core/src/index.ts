/**
 * @vault/core: the spec types, the vault IR, inference and the validators. No I/O: a spec
 * object goes in, the IR and path-based diagnostics come out. Everything else the other
 * packages share lives behind `@vault/core/internal`, which follows no compatibility promise.
 *
 * @example
 * import { compileSpec } from '@vault/core';
 * const { model, diagnostics } = compileSpec({ version: 1, model: 'shop', tables: { customers: { columns: { customer_id: 'int', name: 'text' } } } });
 * if (model) console.log(model.byKind.hub.map((h) => h.name)); // ['customer']
 */
export type * from './ir/index.js'; // METADATA_COLUMNS, its one value, is exported below
export type {
  AccessLayerSpec,
  BridgeSpec,
  BusinessVaultSpec,
  ColumnRole,
  ColumnSpec,
  ColumnSpecObject,
  DimensionalModelSpec,
  DimensionHistory,
  DeletesSpec,
  DuplicatesSpec,
  FrameworkSpec,
  HashAlgorithm,
  HashingSpec,
  ReferenceSpec,
  ReportingViewSpec,
  RuleSetSpec,
  SatelliteSpec,
  SatelliteSpecObject,
  SchemasSpec,
  SnapshotEvery,
  SnapshotKeepSpec,
  SnapshotsSpec,
  Spec,
  TableKind,
  TableSpec,
} from './spec/spec.js';
export type { ColumnType, ColumnTypeKind } from './spec/column-type.js';
export type * from './expr/ast.js';
export type { ExprType } from './expr/types.js';
export type { Diagnostic, InnerRange, PathDiagnostic, Position, Result, Severity, Span, SpecPath } from './diagnostics/diagnostic.js';
export { formatDiagnostic, hasErrors, sortDiagnostics } from './diagnostics/diagnostic.js';
export { CODES, type DiagnosticCode } from './diagnostics/codes.js';
export { METADATA_COLUMNS } from './ir/common.js';
export { HASHING_DEFAULTS, SCHEMA_DEFAULTS } from './spec/spec.js';
export { RULES, type RuleId } from './infer/rules.js';
export { compileSpec, type CompileOptions, type CompileResult } from './infer/compile.js';
/** `compile(spec)` is `compileSpec(spec)`: spec object → vault IR and diagnostics, no I/O. */
export { compileSpec as compile } from './infer/compile.js';
export { validateSpec } from './spec/validate-spec.js';
export { validateConformance } from './validate/conformance.js';
export { validatePipelineFlow } from './validate/pipeline-flow.js';
export { parseExpression, type ParseExpressionResult } from './expr/parse.js';
export { printExpression } from './expr/print.js';
