/**
 * @vault/dsl: spec text → validated spec → vault IR, every diagnostic at its file, line and
 * column. The YAML front end, the compact source-table string, and the spec's JSON Schema (as
 * `SPEC_SCHEMA`, and as a file: `@vault/dsl/schema.json`). Helpers the CLI and the other
 * packages share live behind `@vault/dsl/internal`, which follows no compatibility promise.
 *
 * @example
 * import { loadSpec } from '@vault/dsl';
 * const { model, diagnostics } = loadSpec('specs/ews.yaml');
 * if (model) console.log(model.byKind.hub.map((h) => h.name));
 */
export { analyzeSpec, loadSpec, type Analysis } from './analyze.js';
export { parseSpecYaml, type ParsedSpec } from './yaml/load.js';
export { loadSpecFile } from './yaml/load-file.js';
export { parseSpecCompact } from './compact-spec.js';
export { printSourceTables } from './compact/print.js';
export type { SpecSource } from './source-map.js';
export { SPEC_SCHEMA } from './schema/spec-schema.js';
export { validateSpecShape } from './schema/validate-schema.js';
