/** SQL dialects: the `Dialect` seam, PostgreSQL (the default) and Spark SQL. */
import type { Dialect } from './dialect.js';
import { postgresDialect } from './postgres/index.js';

export type { Dialect, DialectCapabilities, EvolvedTable, FirstRowPerKey, FixedShape, FunctionArgument, KeyLookup, LatestValue, Spell, TypedSql } from './dialect.js';
export { postgresDialect } from './postgres/index.js';
export { inlineParameters, sparkDialect, type InlineValue } from './spark/index.js';

/** The dialect the SQL target emits unless a caller names another (`vault compile --target spark` names Spark's). */
export const WIRED_DIALECT: Dialect = postgresDialect;
