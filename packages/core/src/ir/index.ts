export * from './common.js';
export * from './raw-vault.js';
export * from './business-vault.js';
export * from './access-layer.js';
export * from './model.js';
export * from './kinds.js';
export * from './entities.js';
