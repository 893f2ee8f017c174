/** SQL dialects: the `Dialect` seam, and the one wired today. */
import type { Dialect } from './dialect.js';
import { postgresDialect } from './postgres/index.js';

export type { Dialect, DialectCapabilities, EvolvedTable, FirstRowPerKey, FunctionArgument, Spell, TypedSql } from './dialect.js';
export { postgresDialect } from './postgres/index.js';

/** The dialect the SQL target emits (there is no choice of engine yet). */
export const WIRED_DIALECT: Dialect = postgresDialect;
