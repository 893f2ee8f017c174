/**
 * Raw vault tables created by an earlier version of the spec: `CREATE TABLE IF NOT EXISTS` leaves
 * them as they are, so columns the spec has added since (a payload column, a satellite's
 * `delta_order`) are added here, with the unique key a delta order brings; the dialect says how
 * (`evolveTables`), reading the catalog so that a setup with nothing to add changes nothing.
 * Columns are never dropped or retyped: the vault keeps its history.
 */
import { METADATA_COLUMNS } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import type { SqlContext } from './context.js';
import { entityTable } from './names.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { tableColumns } from './table-columns.js';

export function evolveRawVaultTables(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const rv = ctx.model.rawVault;
  const entities = [...rv.hubs, ...rv.links, ...rv.satellites, ...rv.linkSatellites];
  const evolve = ctx.dialect.evolveTables(
    entities.map((e) => ({
      table: entityTable(ctx.model, e.kind, e.name),
      columns: tableColumns(ctx, e),
      uniqueKey: (e.kind === 'satellite' || e.kind === 'link_satellite') && e.deltaOrder !== undefined
        ? [e.parentHashKey, DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff]
        : undefined,
    })),
  );
  // Every raw vault table at once: no one entity.
  return evolve.map((sql) => sqlStatement('table', sql));
}
