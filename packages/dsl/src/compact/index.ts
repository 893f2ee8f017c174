export { parseSourceTables } from './parse.js';
export { printSourceTables } from './print.js';
export { compactSource } from './source.js';
export * from './types.js';
