/**
 * The current view of a multi-active satellite (`msat_<name>_current` in the business vault
 * schema): the rows of each key's latest set. A hub's presentation view leaves multi-active
 * satellites out, so it keeps one row per key; this view is where the current sets are read.
 */
import { METADATA_COLUMNS, type MultiActiveSatellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { sourceColumn, type SqlContext } from './context.js';
import { entityTable, type NameScope, type SqlTable } from './names.js';
import type { Statement } from './sql-writer.js';
import { orderTerm } from './staging.js';
import { createView } from './views.js';

/** @example currentMultiActiveView({ model, dialect: postgresDialect }, 'facility_rating') // { schema: 'business_vault', name: 'msat_facility_rating_current' } */
export function currentMultiActiveView({ model, dialect }: NameScope, name: string): SqlTable {
  return { schema: dialect.identifier(model.schemas.businessVault), name: dialect.identifier(`msat_${name}_current`) };
}

/**
 * Each key's latest set, as loads order sets: with a delta order the set latest in delta order
 * (NULL counts as latest), then by hashdiff; without one, the latest load. A sensitive
 * multi-active satellite has no current view: the business vault leaves sensitive data out.
 */
export function multiActiveCurrentView(ctx: SqlContext, sat: MultiActiveSatellite): Statement {
  const { col, quoteIdent: q, tableIdent } = ctx.sql;
  const hk = sat.parentHashKey;
  const loadTs = METADATA_COLUMNS.loadTimestamp;
  const table = tableIdent(entityTable(ctx, sat.kind, sat.name));
  const deltaType = sat.deltaOrder === undefined ? undefined : sourceColumn(ctx, sat.source.table, sat.deltaOrder).type;
  const setColumns = [hk, loadTs, ...(deltaType === undefined ? [] : [DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff])].map(q);
  const order =
    deltaType === undefined ? [`${q(loadTs)} DESC`] : [`${orderTerm(ctx.dialect, q(DELTA_ORDER_COLUMN), deltaType)} DESC NULLS FIRST`, `${q(METADATA_COLUMNS.hashDiff)} DESC`, `${q(loadTs)} DESC`];
  const latest = ctx.dialect.firstRowPerKey({ key: q(hk), from: `(SELECT DISTINCT ${setColumns.join(', ')} FROM ${table}) AS ${q('$sets')}`, order });
  // `m.*`: the table's columns as it has them, so a payload column added later only adds a column at the end.
  return createView(ctx, currentMultiActiveView(ctx, sat.name), (w) => {
    w.line(`SELECT ${q('m')}.*`);
    w.line(`FROM ${table} AS ${q('m')}`);
    w.line(`JOIN (${latest.join(' ')}) AS ${q('c')}`);
    w.block(() => w.line(`ON ${col('c', hk)} = ${col('m', hk)} AND ${col('c', loadTs)} = ${col('m', loadTs)}`));
  });
}
