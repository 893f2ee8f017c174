/**
 * Raw vault tables created by an earlier version of the spec: `CREATE TABLE IF NOT EXISTS` leaves
 * them as they are, so columns the spec has added since (a payload column, a satellite's
 * `delta_order`) are added here, with the unique key a delta order brings, and columns the spec
 * has widened (a longer varchar, a larger integer) are widened; the dialect says how
 * (`evolveTables`), reading the catalog so that a setup with nothing to change changes nothing.
 * Columns are never dropped, narrowed or converted: the vault keeps its history.
 */
import { dispatch } from '@vault/core/internal';
import type { SqlContext } from './context.js';
import { TABLE_KEYS } from './ddl.js';
import { entityTable } from './names.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { entityColumns } from '../columns.js';

export function evolveRawVaultTables(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const tables = ctx.model.entities.flatMap((e) => {
    const keys = dispatch(e, TABLE_KEYS);
    // The only unique keys are the ones a delta order brings (ddl.ts).
    return keys === undefined
      ? []
      : [
          {
            table: entityTable(ctx, e.kind, e.name),
            columns: entityColumns(ctx, e).map((c) => ({ name: c.name, type: ctx.dialect.columnType(c.type), columnType: c.type })),
            uniqueKey: keys.unique[0],
          },
        ];
  });
  // Every table at once: no one entity.
  return ctx.dialect.evolveTables(tables).map((sql) => sqlStatement('table', sql));
}
