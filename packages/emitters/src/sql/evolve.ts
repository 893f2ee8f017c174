/**
 * Raw vault tables created by an earlier version of the spec: `CREATE TABLE IF NOT EXISTS` leaves
 * them as they are, so columns the spec has added since (a payload column, a satellite's
 * `delta_order`) are added here, with the unique key a delta order brings, and columns the spec
 * has widened (a longer varchar, a larger integer) are widened; the dialect says how
 * (`evolveTables`), reading the catalog so that a setup with nothing to change changes nothing.
 * Columns are never dropped, narrowed or converted: the vault keeps its history.
 */
import type { VaultEntity } from '@vault/core';
import { dispatch } from '@vault/core/internal';
import type { SqlContext } from './context.js';
import { TABLE_KEYS } from './ddl.js';
import type { EvolvedTable, FixedShape } from './dialect/dialect.js';
import { entityTable, type SqlTable } from './names.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { entityColumns } from '../columns.js';

export function evolveRawVaultTables(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const tables = ctx.model.entities.flatMap((e): EvolvedTable[] => {
    const keys = dispatch(e, TABLE_KEYS);
    if (keys === undefined) return [];
    const table = entityTable(ctx, e.kind, e.name);
    const shape = fixedShape(ctx, e, table, keys.primary);
    // The only unique keys are the ones a delta order brings (ddl.ts).
    const columns = entityColumns(ctx, e).map((c) => ({ name: c.name, type: ctx.dialect.columnType(c.type), columnType: c.type }));
    return [{ table, columns, uniqueKey: keys.unique[0], ...(shape === undefined ? {} : { shape }) }];
  });
  // Every table at once: no one entity.
  return ctx.dialect.evolveTables(tables).map((sql) => sqlStatement('table', sql));
}

/**
 * A PIT's or bridge's table (docs/sql.md, "Point-in-time tables", "Bridge tables"): its rows are
 * what its columns say, so one an earlier spec made otherwise is not changed in place. A PIT may
 * gain the pointers of a satellite added later (NULL in the snapshots filled before), but not keep
 * those of a satellite its hub or link no longer has (NOT NULL: no load could fill them); a
 * bridge's columns are its path, and rows of another path are no chains of this one. Dropped, the
 * table is made again and the next load fills every snapshot.
 */
function fixedShape(ctx: SqlContext, e: VaultEntity, table: SqlTable, primaryKey: ReadonlyArray<string>): FixedShape | undefined {
  if (e.kind !== 'pit' && e.kind !== 'bridge') return undefined;
  const name = ctx.sql.tableIdent(table);
  const hint = `drop it (DROP TABLE ${name}) and run again: the next load fills every snapshot of the snapshot control, as known at each cut-off`;
  if (e.kind === 'bridge') {
    return { primaryKey, exact: true, message: `bridge table ${name} was made for another path than the spec gives: its rows are chains of that path, and setup cannot change them in place`, hint };
  }
  return {
    primaryKey,
    exact: false,
    message: `point-in-time table ${name} was made for other satellites than the spec gives: it points into a satellite its ${e.parentKind} no longer has, and setup cannot change its rows in place`,
    hint,
  };
}
