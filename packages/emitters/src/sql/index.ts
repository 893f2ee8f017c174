/** The PostgreSQL target: DDL, loads and views of a model (docs/sql.md), hashing per docs/hashing.md. */
export { emitSql, landingTables, sqlPlan, type LandingTable, type RawVaultKind, type SqlLoad, type SqlOptions, type SqlPlan, type VaultLayer } from './emit.js';
export { bindParameters, type SqlParameter, type SqlStatement, type StatementEntity, type StatementKind } from './statement.js';
export { entityDependencies, loadWaves, STORAGE, type LayeredEntity, type Storage } from './waves.js';
export { sqlManifestBlock, type SqlManifestBlock } from './manifest.js';
export { validateSql } from './validate.js';
export { quoteIdent, quoteLiteral, tableIdent } from './quote.js';
export { MAX_SQL_IDENTIFIER_BYTES, TABLE_PREFIX, dimensionTable, entityTable, landingTable, sqlName, type SqlTable } from './names.js';
export { pgType } from './types.js';
export { HASHING_STANDARD, HASHING_STANDARD_VERSION, HASH_DELIMITER, NULL_TOKEN, hashExpression, type HashInput } from './hashing.js';
export { GHOST_LOAD_TIMESTAMP, GHOST_RECORD_SOURCE } from './ddl.js';
export { LOAD_TIMESTAMP_PARAMETER } from './load.js';
export { FINGERPRINTED_KINDS, LEDGER_SIGNATURE_VERSION, LEDGER_TABLE_NAME, ledgerTable, type LedgerStatements } from './ledger.js';
export { modelViews, type ModelView } from './views.js';
