export { DatabaseError, isServerError, sqlErrorLine, type Database, type QueryResult, type Queryable, type ServerError, type SqlParam } from './database.js';
export { damagedMessage, embeddedDataDir, EMBEDDED_PG_MAJOR, inspectEmbedded, openEmbedded, type EmbeddedState } from './embedded.js';
export { lockSchemas, SCHEMA_LOCK_CLASS, TRY_LOCK_SCHEMA, type SchemaLock } from './lock.js';
export { openDatabase, type OpenOptions } from './open.js';
export { openServer } from './server.js';
export { parseDbUrl, redactUrl, scrub, type ServerAddress } from './url.js';
export { databasePlan, type DatabasePlan, type ReportedView } from './plan.js';
export { applySetup, runSetup, withLockedDatabase, type SessionOptions, type SetupResult } from './session.js';
export { openLedger, type Ledger, type LedgerEntry } from './ledger.js';
