export * from './diagnostics/diagnostic.js';
export * from './diagnostics/codes.js';
export * from './diagnostics/make.js';
export * from './spec/column-type.js';
export * from './spec/spec.js';
export * from './spec/identifiers.js';
export * from './spec/validate-spec.js';
export { chevrotain } from './chevrotain.js';
export * from './ir/index.js';
export * from './infer/rules.js';
export * from './infer/compile.js';
export { analyseTables, type TableInfo } from './infer/tables.js';
export * from './validate/conformance.js';
export * from './validate/pipeline-flow.js';
export { allEntities, refKey } from './validate/entities.js';
export * from './expr/index.js';
/** `compile(spec)` is `compileSpec(spec)`: spec object → vault IR and diagnostics, no I/O. */
export { compileSpec as compile } from './infer/compile.js';
