/**
 * @vault/emitters: pure functions from the vault IR to files. Nothing here reads or writes the
 * disk; the CLI does.
 */
export type { EmittedFile } from './emitted-file.js';
export { CodeWriter } from './writer.js';
export { PYTHON_KEYWORDS, isPythonIdentifier, pascalCase, pyCommentText, pyLiteral, pyString, snakeCase, upperSnake, type PyLiteralOptions, type PyValue } from './python.js';
export { specFileName } from './spec-name.js';
export { DELTA_ORDER_COLUMN, IS_DELETED_COLUMN, LATE_ROWS, deltaOrderColumn, entityColumns, hashType, modelColumns, type EntityColumn, type ModelColumns } from './columns.js';
export { buildManifest, manifestJson, manifestJsonChunks, type Manifest, type ManifestColumn, type ManifestEntity, type ManifestOptions, type ManifestSource } from './manifest.js';
export * from './querydsl/index.js';
export * from './seed/index.js';
export * from './sql/index.js';
export { CANONICAL_TEXT, type CalendarRule, type CanonicalForm, type CanonicalRule, type CanonicalText } from './hashing-standard.js';
export * from './docs/index.js';
