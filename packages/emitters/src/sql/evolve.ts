/**
 * Raw vault tables created by an earlier version of the spec: `CREATE TABLE IF NOT EXISTS` leaves
 * them as they are, so columns the spec has added since (a payload column, a satellite's
 * `delta_order`) are added here, with the unique key a delta order brings, and columns the spec
 * has widened (a longer varchar, a larger integer) are widened; the dialect says how
 * (`evolveTables`), reading the catalog so that a setup with nothing to change changes nothing.
 * Columns are never dropped, narrowed or converted: the vault keeps its history.
 *
 * A delta order is added only to a table that holds no loaded row yet, where its order decides
 * the history (docs/sql.md, "Setup"): rows loaded without one would hold NULL there, which sorts
 * after every value, so they would stay the keys' latest rows whatever is loaded next.
 */
import type { VaultEntity } from '@vault/core';
import { dispatch } from '@vault/core/internal';
import type { SqlContext } from './context.js';
import { TABLE_KEYS } from './ddl.js';
import type { EvolvedTable, FixedShape } from './dialect/dialect.js';
import { entityTable, statusRegisterTable, type SqlTable } from './names.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { DELTA_ORDER_COLUMN, entityColumns } from '../columns.js';

export function evolveRawVaultTables(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const tables = ctx.model.entities.flatMap((e): EvolvedTable[] => {
    const keys = dispatch(e, TABLE_KEYS);
    if (keys === undefined) return [];
    const table = entityTable(ctx, e.kind, e.name);
    const shape = fixedShape(ctx, e, table, keys.primary);
    const ordered = deltaOrdered(ctx, e);
    const columns = entityColumns(ctx, e).map((c) => ({ name: c.name, type: ctx.dialect.columnType(c.type), columnType: c.type }));
    // The only unique keys are the ones a delta order brings (ddl.ts).
    return [
      {
        table,
        columns,
        uniqueKey: keys.unique[0],
        ...(shape === undefined ? {} : { shape }),
        ...(ordered === undefined
          ? {}
          : {
              deltaOrder: {
                column: DELTA_ORDER_COLUMN,
                loaded: holdsLoadedRows(ctx, ctx.sql.tableIdent(table), ordered.ghostKey),
                refusal:
                  `${e.kind.replaceAll('_', ' ')} ${e.name}: ${table.schema}.${table.name} holds rows loaded before the spec gave it the delta order ${ordered.source}; ` +
                  'they have no delta-order value, and a row without one comes after every row with one, so they would stay the current rows whatever is loaded next. ' +
                  'vault never rewrites stored rows: load the delta-ordered rows into a new table (give the entity another name) or drop this one to load it again, or leave delta_order out of the spec',
              },
            }),
      },
    ];
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

/**
 * The source column of `e`'s delta order when it places `e`'s rows (every history with one, and a
 * status tracking satellite of a CDC table, whose register says so), with the key column of its
 * ghost record (the zero key) when it has one; undefined when no delta order orders its rows.
 */
function deltaOrdered(ctx: SqlContext, e: VaultEntity): { readonly source: string; readonly ghostKey: string | undefined } | undefined {
  switch (e.kind) {
    case 'satellite':
    case 'link_satellite':
    case 'multi_active_satellite':
      return e.deltaOrder === undefined ? undefined : { source: e.deltaOrder, ghostKey: e.parentHashKey };
    // No ghost record in these (ddl.ts): any row was loaded.
    case 'effectivity_satellite':
    case 'reference_table':
      return e.deltaOrder === undefined ? undefined : { source: e.deltaOrder, ghostKey: undefined };
    case 'status_tracking_satellite':
      // A full batch's statuses follow the load order: its delta order places nothing.
      return e.deltaOrder === undefined || statusRegisterTable(ctx, e) === undefined ? undefined : { source: e.deltaOrder, ghostKey: undefined };
    default:
      return undefined;
  }
}

/** `EXISTS` a row of `table` (SQL), its ghost record left out when `ghostKey` names its key column. */
function holdsLoadedRows(ctx: SqlContext, table: string, ghostKey: string | undefined): string {
  const { col, quoteIdent: q, quoteLiteral } = ctx.sql;
  return `EXISTS (SELECT 1 FROM ${table} AS ${q('t')}${ghostKey === undefined ? '' : ` WHERE ${col('t', ghostKey)} <> ${quoteLiteral(ctx.zeroHash)}`})`;
}
