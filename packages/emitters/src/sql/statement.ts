/**
 * Statements as data: what each statement is for, which entity it serves and which values it
 * takes, next to its text. A tool running the plan (`vault run`) binds parameters from what a
 * statement declares and tells setup steps apart by kind, never by reading the SQL text.
 */
import type { EntityKind } from '@vault/core';
import type { SqlTable } from './names.js';
import type { Statement } from './sql-writer.js';

/** What a statement does. */
export type StatementKind =
  /** `CREATE SCHEMA IF NOT EXISTS`. */
  | 'schema'
  /** `CREATE EXTENSION IF NOT EXISTS`: the database's, not the model's schemas'. */
  | 'extension'
  /** Creates (or adds columns to) a landing or entity table, or an index on one. */
  | 'table'
  /** Inserts the ghost record of an entity table. */
  | 'ghost_record'
  /** `CREATE OR REPLACE VIEW`. */
  | 'view'
  /** Drops the model's views (`vault run --replace-views`). */
  | 'drop_views'
  /** Gives the views `drop_views` dropped, once setup has created them again, the grants they had. */
  | 'view_grants'
  /** Loads an entity's table. */
  | 'load'
  /** Counts the landing rows a load leaves out (`SqlLoad.missingKeys`): one row, one column `n`. */
  | 'count'
  /** Creates, reads or writes `vault run`'s load ledger. */
  | 'ledger'
  /** Reads what `vault run` checks before the loads (`SqlLoad.filledAfter`). */
  | 'probe'
  /** Finds or records a landing table's changed rows (sql/landing-changes.ts). */
  | 'changes'
  /** Creates, checks against or writes the record of the raw vault's hashing (sql/hashing-record.ts). */
  | 'hashing'
  /** Creates, checks against or writes the record of which model owns each object of a schema (sql/ownership.ts). */
  | 'ownership';

/**
 * The values statements take, by name. `load_ts` is the batch load timestamp (timestamptz, ISO
 * 8601 text); `entity_table` a loaded table as `schema.name`; `relation` a table as
 * `"schema"."name"`; `signature`, `rows_inserted` and `landing_rows` what the ledger records of a load.
 */
export type SqlParameter = 'load_ts' | 'entity_table' | 'signature' | 'rows_inserted' | 'relation' | 'landing_rows';

/**
 * The one object a statement creates when creating it is all the statement does (`CREATE …
 * IF NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`): a schema, a table or index in a schema (an index is
 * a relation of its table's schema, named apart from its tables), or a column of a table. When that
 * object exists the statement changes nothing, yet PostgreSQL still asks for what creating it would
 * need (CREATE on the database for a schema, CREATE on the schema for a table, the table's
 * ownership for an index or a column) before it sees the object exists: so a runner leaves such a statement out when its object exists, and a role
 * that only writes into schemas and tables an administrator made runs setup all the same.
 */
export type CreatedObject =
  | { readonly kind: 'schema'; readonly name: string }
  /** A table or index; a `CREATE TABLE` also names the columns it declares, so a runner can compare a table that exists without reading the SQL. */
  | { readonly kind: 'relation'; readonly relation: SqlTable; readonly columns?: ReadonlyArray<DeclaredColumn> }
  /** `ALTER TABLE … ADD COLUMN IF NOT EXISTS`, which asks for the table's ownership. */
  | { readonly kind: 'column'; readonly relation: SqlTable; readonly column: string };

/** A column a `CREATE TABLE` declares: its name, and its type in the dialect's words (without `NOT NULL`). */
export interface DeclaredColumn {
  readonly name: string;
  readonly type: string;
}

/** The entity a statement serves. */
export interface StatementEntity {
  readonly kind: EntityKind;
  readonly name: string;
}

export interface SqlStatement {
  readonly kind: StatementKind;
  /** The entity whose table, view, ghost record or load this is; none for schemas, landing tables, the ledger. */
  readonly entity?: StatementEntity;
  /** The table or view the statement creates or loads, when it is one. */
  readonly relation?: SqlTable;
  /** What the statement creates, when that is all it does (a runner may leave it out when it exists). */
  readonly creates?: CreatedObject;
  /** The text, without a trailing `;`. */
  readonly sql: Statement;
  /** The first placeholder (`$1` in PostgreSQL) is `parameters[0]`, the second `parameters[1]`, …; empty when the statement takes none. */
  readonly parameters: ReadonlyArray<SqlParameter>;
}

/**
 * @example sqlStatement('load', sql, { entity: { kind: 'hub', name: 'customer' }, parameters: ['load_ts'] })
 */
export function sqlStatement(
  kind: StatementKind,
  sql: Statement,
  more: { readonly entity?: StatementEntity; readonly relation?: SqlTable; readonly creates?: CreatedObject; readonly parameters?: ReadonlyArray<SqlParameter> } = {},
): SqlStatement {
  return {
    kind,
    ...(more.entity !== undefined ? { entity: { kind: more.entity.kind, name: more.entity.name } } : {}),
    ...(more.relation !== undefined ? { relation: more.relation } : {}),
    ...(more.creates !== undefined ? { creates: more.creates } : {}),
    sql,
    parameters: more.parameters ?? [],
  };
}

/**
 * The positional values of `statement`'s parameters, taken by name from `values`; undefined for a
 * statement that takes none (a driver then sends no parameters). A declared parameter without a
 * value is a bug in the caller, not the user's mistake.
 * @example bindParameters(load.statements[0], { load_ts: '2024-05-01T00:00:00Z' }) // ['2024-05-01T00:00:00Z']
 */
export function bindParameters<V>(statement: SqlStatement, values: Readonly<Partial<Record<SqlParameter, V>>>): V[] | undefined {
  if (statement.parameters.length === 0) return undefined;
  return statement.parameters.map((name) => {
    if (!Object.hasOwn(values, name)) throw new Error(`vault SQL: a ${statement.kind} statement takes '${name}', and no value was given for it`);
    return values[name] as V;
  });
}
