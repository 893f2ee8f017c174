export * from './positions.js';
export * from './source-map.js';
export { SPEC_SCHEMA } from './schema/spec-schema.js';
export { validateSpecShape } from './schema/validate-schema.js';
export * from './yaml/load.js';
export * from './yaml/load-file.js';
export * from './compact-spec.js';
export * from './analyze.js';
