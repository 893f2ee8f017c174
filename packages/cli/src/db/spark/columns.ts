/**
 * Spark setup does not evolve tables (docs/spark.md, "Transactions, locks and the ledger"):
 * `CREATE TABLE IF NOT EXISTS` leaves a table an earlier spec made as it is, so a column the
 * spec has added since would fail a view or a load far from its cause (`UNRESOLVED_COLUMN`).
 * Setup first compares the tables that exist with the columns its statements declare (each
 * `CREATE TABLE` statement names them: `CreatedObject`) and names what is missing, with the
 * statement that adds it.
 */
import { sparkDialect, type SqlStatement } from '@vault/emitters/internal';
import type { Queryable } from '../database.js';

/**
 * What the tables of `setup` that exist already (in `existing`, names folded as Spark folds them,
 * `schema.table`) lack of the columns the statements declare: one line per table, with the
 * `ALTER TABLE … ADD COLUMNS` that adds them. Empty when nothing is missing.
 */
export async function missingSparkColumns(db: Queryable, setup: ReadonlyArray<SqlStatement>, existing: ReadonlySet<string>): Promise<ReadonlyArray<string>> {
  const fold = (name: string): string => sparkDialect.foldName(name);
  const q = (name: string): string => sparkDialect.quoteIdent(name);
  const problems: string[] = [];
  for (const statement of setup) {
    const creates = statement.creates;
    if (creates?.kind !== 'relation' || creates.columns === undefined) continue;
    const { schema, name } = creates.relation;
    if (!existing.has(`${fold(schema)}.${fold(name)}`)) continue;
    const rows = (await db.query<{ col_name: unknown }>(`DESCRIBE TABLE ${q(schema)}.${q(name)}`)).rows;
    const have = new Set<string>();
    for (const r of rows) {
      const column = String(r.col_name ?? '').trim();
      // The columns end at the first blank or `#` row (partitioning, details).
      if (column === '' || column.startsWith('#')) break;
      have.add(fold(column));
    }
    const missing = creates.columns.filter((c) => !have.has(fold(c.name)));
    if (missing.length === 0) continue;
    problems.push(
      `${schema}.${name} lacks ${missing.length === 1 ? 'column' : 'columns'} ${missing.map((c) => c.name).join(', ')} of the spec ` +
        `(ALTER TABLE ${q(schema)}.${q(name)} ADD COLUMNS (${missing.map((c) => `${q(c.name)} ${c.type}`).join(', ')}))`,
    );
  }
  return problems;
}
