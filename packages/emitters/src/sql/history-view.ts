/**
 * The history view of a satellite, multi-active satellite or reference table with a delta order
 * (docs/sql.md, "Late and out-of-order rows", "Reference tables", "Multi-active satellites"): the
 * table's rows, each key's (parent hash key, or codes) in change order (delta order NULLS LAST,
 * hashdiff), less those whose hashdiff equals the row before them. Loads are insert-only, so a row
 * a late row has made redundant stays in the table; this view reads past it, and gives the history
 * of every row the table was ever given. A multi-active satellite's rows are compared set by set
 * (a set is its rows of one key and load_ts, one set hashdiff), and a set kept keeps all its rows.
 */
import { METADATA_COLUMNS, type LinkSatellite, type MultiActiveSatellite, type ReferenceTable, type Satellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { sourceColumn, type SqlContext } from './context.js';
import { entityTable, historyView } from './names.js';
import type { Statement } from './sql-writer.js';
import { orderTerm, WORK } from './staging.js';
import { createView } from './views.js';

export function historyOfDeltaOrder(ctx: SqlContext, e: Satellite | LinkSatellite | MultiActiveSatellite | ReferenceTable): Statement {
  const { as, col, quoteIdent: q, tableIdent } = ctx.sql;
  if (e.deltaOrder === undefined) throw new Error(`vault SQL: ${e.kind} '${e.name}' has no delta order, so no history view`);
  const type = sourceColumn(ctx, e.source.table, e.deltaOrder).type;
  const table = tableIdent(entityTable(ctx, e.kind, e.name));
  const keys = e.kind === 'reference_table' ? e.codes.map((c) => c.name) : [e.parentHashKey];
  const [ts, hashdiff] = [METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.hashDiff];
  const partition = keys.map(q).join(', ');
  const order = `${orderTerm(ctx.dialect, q(DELTA_ORDER_COLUMN), type)} NULLS LAST, ${q(hashdiff)}`;
  // `s.*`: the table's columns as it has them, so a payload column added later (at the end) only
  // adds a column at the end of the view, which CREATE OR REPLACE VIEW allows.
  return createView(ctx, historyView(ctx, e), (w) => {
    w.line(`SELECT ${q('s')}.*`);
    w.line(`FROM ${table} AS ${q('s')}`);
    w.line('JOIN (');
    w.block(() => {
      w.line(`SELECT ${[...keys.map(q), q(ts), q(hashdiff), as(`lag(${q(hashdiff)}) OVER (PARTITION BY ${partition} ORDER BY ${order})`, WORK.previousHashdiff)].join(', ')}`);
      // A multi-active satellite's sets, each once: its rows of one key and load_ts.
      w.line(e.kind === 'multi_active_satellite' ? `FROM (SELECT DISTINCT ${[...keys, ts, DELTA_ORDER_COLUMN, hashdiff].map(q).join(', ')} FROM ${table}) AS ${q('t')}` : `FROM ${table}`);
    });
    w.line(`) AS ${q('c')}`);
    // The table's primary key: the key and load_ts.
    w.block(() => w.line(`ON ${[...keys, ts].map((k) => `${col('c', k)} = ${col('s', k)}`).join(' AND ')}`));
    w.line(`WHERE ${col('c', WORK.previousHashdiff)} IS DISTINCT FROM ${col('c', hashdiff)}`);
  });
}
