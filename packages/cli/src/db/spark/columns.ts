/**
 * Spark setup does not evolve tables (docs/spark.md, "Transactions, locks and the ledger"):
 * `CREATE TABLE IF NOT EXISTS` leaves a table an earlier spec made as it is, so a column the
 * spec has added since would fail a view or a load far from its cause (`UNRESOLVED_COLUMN`).
 * Setup first compares the tables that exist with the columns its statements declare (each
 * `CREATE TABLE` statement names them and their types: `CreatedObject`) and names what is
 * missing, with the statement that adds it, and each column stored as another type than the
 * spec's (a widened column would fail a load, or round its values, half way through a run).
 */
import { sparkDialect, type SqlStatement } from '@vault/emitters/internal';
import type { Queryable } from '../database.js';

/** What the tables of a setup that exist already lack of the spec's columns, or hold as another type: one line per table. */
export interface SparkColumnProblems {
  /** `schema.table lacks column c of the spec (ALTER TABLE … ADD COLUMNS (…))`. */
  readonly missing: ReadonlyArray<string>;
  /** `schema.table holds column c as DECIMAL(10,2) (the spec: DECIMAL(18,2))`. */
  readonly retyped: ReadonlyArray<string>;
}

/** A type as DESCRIBE and a `CREATE TABLE` both spell it, for comparing: `decimal(18, 2)` and `DECIMAL(18,2)` alike. */
const typeKey = (type: string): string => type.replace(/\s+/g, '').toLowerCase();

/**
 * What the tables of `setup` that exist already (in `existing`, names folded as Spark folds them,
 * `schema.table`) lack of the columns the statements declare, with the `ALTER TABLE … ADD
 * COLUMNS` that adds them, and which columns they hold as another type than the spec's (Spark
 * cannot change a Parquet table's column type in place). Both empty when the tables match.
 */
export async function sparkColumnProblems(db: Queryable, setup: ReadonlyArray<SqlStatement>, existing: ReadonlySet<string>): Promise<SparkColumnProblems> {
  const fold = (name: string): string => sparkDialect.foldName(name);
  const q = (name: string): string => sparkDialect.quoteIdent(name);
  const missing: string[] = [];
  const retyped: string[] = [];
  for (const statement of setup) {
    const creates = statement.creates;
    if (creates?.kind !== 'relation' || creates.columns === undefined) continue;
    const { schema, name } = creates.relation;
    if (!existing.has(`${fold(schema)}.${fold(name)}`)) continue;
    const rows = (await db.query<{ col_name: unknown; data_type: unknown }>(`DESCRIBE TABLE ${q(schema)}.${q(name)}`)).rows;
    const have = new Map<string, string>();
    for (const r of rows) {
      const column = String(r.col_name ?? '').trim();
      // The columns end at the first blank or `#` row (partitioning, details).
      if (column === '' || column.startsWith('#')) break;
      have.set(fold(column), String(r.data_type ?? '').trim());
    }
    const absent = creates.columns.filter((c) => !have.has(fold(c.name)));
    if (absent.length > 0)
      missing.push(
        `${schema}.${name} lacks ${absent.length === 1 ? 'column' : 'columns'} ${absent.map((c) => c.name).join(', ')} of the spec ` +
          `(ALTER TABLE ${q(schema)}.${q(name)} ADD COLUMNS (${absent.map((c) => `${q(c.name)} ${c.type}`).join(', ')}))`,
      );
    const other = creates.columns.flatMap((c) => {
      const stored = have.get(fold(c.name));
      return stored === undefined || typeKey(stored) === typeKey(c.type) ? [] : [{ name: c.name, stored: stored.toUpperCase(), declared: c.type }];
    });
    if (other.length > 0) retyped.push(`${schema}.${name} holds ${other.length === 1 ? 'column' : 'columns'} ${other.map((c) => `${c.name} as ${c.stored} (the spec: ${c.declared})`).join(', ')}`);
  }
  return { missing, retyped };
}
