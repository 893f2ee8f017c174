/** The SQL target: DDL, loads and views of a model (docs/sql.md), hashing per docs/hashing.md, in a dialect (PostgreSQL, or Spark SQL). */
export {
  emitSql,
  keysRebuilt,
  landingTables,
  sqlPlan,
  type KeyStatements,
  type LandingTable,
  type RawVaultKind,
  type SqlChangedRowsLoad,
  type SqlDuplicates,
  type SqlLoad,
  type SqlOptions,
  type SqlPlan,
  type SqlPlanOptions,
  type VaultLayer,
} from './emit.js';
export { bindParameters, type CreatedObject, type DeclaredColumn, type SqlParameter, type SqlStatement, type StatementEntity, type StatementKind } from './statement.js';
export { entityDependencies, loadDependencies, loadWaves, type LayeredEntity } from './waves.js';
export { sqlManifestBlock, type SqlManifestBlock } from './manifest.js';
export { validateSql } from './validate.js';
// The CLI and the public API talk to PostgreSQL: its names, quoting, type names, parameter and ledger kinds.
export {
  DELTA_ORDER_REFUSED,
  FINGERPRINTED_KINDS,
  GHOST_LOAD_TIMESTAMP,
  LOAD_TIMESTAMP_PARAMETER,
  MAX_SQL_IDENTIFIER_BYTES,
  pgType,
  quoteIdent,
  quoteLiteral,
  sqlName,
  tableIdent,
} from './dialect/postgres/index.js';
export { WIRED_DIALECT, inlineParameters, postgresDialect, sparkDialect, type Dialect, type DialectCapabilities, type InlineValue } from './dialect/index.js';
export { sparkRefusal, sparkType } from './dialect/spark/index.js';
export { FIRST_ROW_COLUMN, firstRowByRowNumber, keyLookupByJoin } from './dialect/portable.js';
export {
  HISTORY_PREFIX,
  REGISTER_PREFIX,
  TABLE_PREFIX,
  dimensionTable,
  entityTable,
  historyView,
  landingTable,
  modelSchemas,
  registerTable,
  tableText,
  type NameScope,
  type SqlTable,
} from './names.js';
export { changedRowReads, type ChangedRowsReads, type LandingChangeStatements, type LandingChangeTables, type SqlLandingChanges } from './landing-changes.js';
export type { Statement } from './sql-writer.js';
export { HASHING_STANDARD, HASHING_STANDARD_VERSION, HASH_DELIMITER, NULL_TOKEN, hashExpression, type HashInput } from './hashing.js';
export { GHOST_RECORD_SOURCE } from './ddl.js';
export { HASH_KEYS_RECORD_TABLE_NAME, HASHING_RECORD_TABLE_NAME, LEDGER_SIGNATURE_VERSION, LEDGER_TABLE_NAME, SEED_RECORD_TABLE_NAME, ledgerTable, type LedgerStatements } from './ledger.js';
export { modelViews, type ModelView } from './views.js';
export { MISSING_KEYS_COLUMN } from './load.js';
export { EMPTY_COLUMN } from './change-bulk.js';
export { DUPLICATES_COLUMNS, DUPLICATES_TABLE_NAME, duplicatesLiteral, duplicatesTable } from './duplicates.js';
export { sqlContext, type SqlContext } from './context.js';
export {
  VALIDITY_COLUMNS,
  cutoffPassed,
  snapshotCutoff,
  validAt,
  validityIntervals,
  validityLeaders,
  type TimedSatellite,
  type ValidityIntervals,
  type ValidityLeaders,
  type ValiditySince,
} from './validity.js';
