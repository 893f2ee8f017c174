/**
 * The engines `vault run` loads with (`--engine`): which SQL dialect it compiles to, and how a
 * statement's named parameters reach the server. PostgreSQL binds them (`$1`, …); Spark's Thrift
 * protocol cannot, so the values are written into the statement as literals (`inlineParameters`).
 */
import { bindParameters, inlineParameters, postgresDialect, sparkDialect, type Dialect, type SqlParameter, type SqlStatement } from '@vault/emitters/internal';
import type { SqlParam } from './database.js';

export type EngineName = 'postgres' | 'spark';

/** The names `--engine` takes, in the order help lists them. */
export const ENGINE_NAMES: ReadonlyArray<EngineName> = ['postgres', 'spark'];

/** A statement as it is sent: its SQL and the values of its `$n` placeholders, if any. */
export interface BoundStatement {
  readonly sql: string;
  readonly params: ReadonlyArray<SqlParam> | undefined;
}

/** Values of a statement's named parameters (a timestamp as text). */
export type ParameterValues = Readonly<Partial<Record<SqlParameter, SqlParam>>>;

export interface Engine {
  readonly name: EngineName;
  /** As printed: `PostgreSQL`, `Spark SQL`. */
  readonly title: string;
  readonly dialect: Dialect;
  /** `statement` ready to send with `values` for its parameters; a parameter without a value is a bug (throws). */
  readonly bind: (statement: SqlStatement, values: ParameterValues) => BoundStatement;
}

export const ENGINES = {
  postgres: {
    name: 'postgres',
    title: 'PostgreSQL',
    dialect: postgresDialect,
    bind: (statement, values) => ({ sql: statement.sql, params: bindParameters<SqlParam>(statement, values) }),
  },
  spark: {
    name: 'spark',
    title: 'Spark SQL',
    dialect: sparkDialect,
    bind: (statement, values) => ({
      // A boolean parameter does not occur (SqlParameter names text and counts); written as text if it ever did.
      sql: inlineParameters(statement, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]))),
      params: undefined,
    }),
  },
} as const satisfies Record<EngineName, Engine>;
