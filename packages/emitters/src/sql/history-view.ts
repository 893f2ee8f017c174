/**
 * The history view of a satellite with a delta order (docs/sql.md, "Late and out-of-order
 * rows"): the satellite's rows, each key's in change order (delta order NULLS LAST, hashdiff),
 * less those whose hashdiff equals the row before them. Loads are insert-only, so a row a late
 * row has made redundant stays in the table; this view reads past it, and gives the history of
 * every row the satellite was ever given.
 */
import { METADATA_COLUMNS, type LinkSatellite, type Satellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { sourceColumn, type SqlContext } from './context.js';
import { entityTable, historyView } from './names.js';
import type { Statement } from './sql-writer.js';
import { orderTerm, WORK } from './staging.js';
import { createView } from './views.js';

export function satelliteHistoryView(ctx: SqlContext, sat: Satellite | LinkSatellite): Statement {
  const { as, col, quoteIdent: q, tableIdent } = ctx.sql;
  if (sat.deltaOrder === undefined) throw new Error(`vault SQL: ${sat.kind} '${sat.name}' has no delta order, so no history view`);
  const type = sourceColumn(ctx, sat.source.table, sat.deltaOrder).type;
  const table = tableIdent(entityTable(ctx, sat.kind, sat.name));
  const [hk, ts, hashdiff] = [sat.parentHashKey, METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.hashDiff];
  const order = `${orderTerm(ctx.dialect, q(DELTA_ORDER_COLUMN), type)} NULLS LAST, ${q(hashdiff)}`;
  // `s.*`: the table's columns as it has them, so a payload column added later (at the end) only
  // adds a column at the end of the view, which CREATE OR REPLACE VIEW allows.
  return createView(ctx, historyView(ctx, sat), (w) => {
    w.line(`SELECT ${q('s')}.*`);
    w.line(`FROM ${table} AS ${q('s')}`);
    w.line('JOIN (');
    w.block(() => {
      w.line(`SELECT ${[q(hk), q(ts), q(hashdiff), as(`lag(${q(hashdiff)}) OVER (PARTITION BY ${q(hk)} ORDER BY ${order})`, WORK.previousHashdiff)].join(', ')}`);
      w.line(`FROM ${table}`);
    });
    w.line(`) AS ${q('c')}`);
    w.block(() => w.line(`ON ${col('c', hk)} = ${col('s', hk)} AND ${col('c', ts)} = ${col('s', ts)}`));
    w.line(`WHERE ${col('c', WORK.previousHashdiff)} IS DISTINCT FROM ${col('c', hashdiff)}`);
  });
}
