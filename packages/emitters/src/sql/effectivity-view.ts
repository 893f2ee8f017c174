/**
 * The history view of an effectivity satellite (docs/sql.md, "Effectivity satellites"): one row
 * per relationship a driving key had, with when it started and ended, in the business vault.
 *
 * The table holds start rows only. In change order (delta order NULLS LAST, then link hash key,
 * as loads order them; without a delta order, the load timestamp) a start row equal to the one
 * before it is read past (a late row can make a stored row redundant, and loads never delete);
 * each remaining row is effective from its start until the next row of its driving key
 * (`effective_to`, NULL while current). A start row pointing at the zero key (every other hub of
 * the link row is the zero key: the reference is now missing) is an end, not a relationship: it
 * ends the one before it and is left out.
 *
 * `effective_from` and `effective_to` are on the time axis of change order: the delta-order
 * values when the source has a delta order, else the load timestamps.
 */
import { METADATA_COLUMNS, type EffectivitySatellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { need, sourceColumn, type SqlContext } from './context.js';
import { entityTable, historyView } from './names.js';
import { commaList, type Statement } from './sql-writer.js';
import { orderTerm } from './staging.js';
import { createView } from './views.js';

/** The view's own columns, after the link hash key and the driving key. */
export const EFFECTIVITY_COLUMNS = { from: 'effective_from', to: 'effective_to', isCurrent: 'is_current' } as const;

/** Working names: `$` never occurs in a spec's names. */
const E = { previous: '$previous_hk', next: '$next_hk' } as const;

export function effectivityHistoryView(ctx: SqlContext, eff: EffectivitySatellite): Statement {
  const { as, col, quoteIdent: q, quoteLiteral, tableIdent } = ctx.sql;
  const link = need(ctx.links, eff.parent, 'link');
  const table = tableIdent(entityTable(ctx, eff.kind, eff.name));
  const hk = q(eff.parentHashKey);
  const drive = eff.drivingKey.map(q).join(', ');
  const time = eff.deltaOrder === undefined ? METADATA_COLUMNS.loadTimestamp : DELTA_ORDER_COLUMN;
  const order =
    eff.deltaOrder === undefined ? q(METADATA_COLUMNS.loadTimestamp) : `${orderTerm(ctx.dialect, q(DELTA_ORDER_COLUMN), sourceColumn(ctx, eff.source.table, eff.deltaOrder).type)} NULLS LAST, ${hk}`;
  const window = `OVER (PARTITION BY ${drive} ORDER BY ${order})`;
  const others = link.hubs.filter((h) => !eff.drivingKey.includes(h.hashKey));
  const zero = quoteLiteral(ctx.zeroHash);
  const r = (c: string): string => col('r', c);
  return createView(ctx, historyView(ctx, eff), (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        r(eff.parentHashKey),
        ...eff.drivingKey.map(r),
        as(r(time), EFFECTIVITY_COLUMNS.from),
        r(EFFECTIVITY_COLUMNS.to),
        as(`${r(E.next)} IS NULL`, EFFECTIVITY_COLUMNS.isCurrent),
        r(METADATA_COLUMNS.loadTimestamp),
        r(METADATA_COLUMNS.recordSource),
      ]),
    );
    w.line('FROM (');
    w.block(() => {
      // The next start of the driving key ends each relationship.
      w.line(`SELECT ${q('c')}.*, ${as(`lead(${q(time)}) ${window}`, EFFECTIVITY_COLUMNS.to)}, ${as(`lead(${hk}) ${window}`, E.next)}`);
      w.line('FROM (');
      w.block(() => {
        w.line(`SELECT ${q('s')}.*, ${as(`lag(${hk}) ${window}`, E.previous)}`);
        w.line(`FROM ${table} AS ${q('s')}`);
      });
      w.line(`) AS ${q('c')}`);
      w.line(`WHERE ${col('c', E.previous)} IS DISTINCT FROM ${col('c', eff.parentHashKey)}`);
    });
    w.line(`) AS ${q('r')}`);
    w.line(`JOIN ${tableIdent(entityTable(ctx, 'link', link.name))} AS ${q('l')}`);
    w.block(() => w.line(`ON ${col('l', link.hashKey)} = ${r(eff.parentHashKey)}`));
    // A link with no other hub (a driving key and child keys only) never points at the zero key.
    if (others.length > 0) w.line(`WHERE NOT (${others.map((h) => `${col('l', h.hashKey)} = ${zero}`).join(' AND ')})`);
  });
}
