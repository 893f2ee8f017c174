/**
 * vault as a library: one import for tools that want the IR or the generated files.
 * @example
 * import { loadSpec, compile, emitQueryDsl } from '@vault/cli';
 * const { model, diagnostics } = loadSpec('specs/ews.yaml');
 */
export { compile, compileSpec, formatDiagnostic, type Diagnostic, type VaultModel } from '@vault/core';
export { analyzeSpec, loadSpec, parseSpecCompact, parseSpecYaml, type Analysis } from '@vault/dsl';
export { buildManifest, emitQueryDsl, manifestJson } from '@vault/emitters';
export { emitDocs, lineageGraph, renderDrawings, selectLineage } from '@vault/emitters';
export { main } from './main.js';
