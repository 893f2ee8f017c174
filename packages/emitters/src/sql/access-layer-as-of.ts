/**
 * As-of presentation and reporting views (docs/sql.md, "As-of views"): with `snapshots:` in the
 * spec, `pv_<name>_as_of` and `rv_<name>_as_of` beside `pv_<name>` and `rv_<name>` in the access
 * layer, with a leading `snapshot_date`: for each date of the snapshot control's kept view, the
 * rows as they were at its cut-off (validity.ts's time rule). Views, so they need no load.
 *
 * At the cut-off of a date: the hub's (link's) rows loaded before it, the ghost left out; not
 * deleted then (status.ts's rule over each status tracking satellite's row valid then); for a
 * link with an effectivity satellite, the relationship each driving key's valid start row points
 * at then; the business satellite's history row valid then (business-history.ts); and the
 * business hub's (link's) filter and the reporting view's filter applied to those values.
 */
import type { BusinessLink, Filter, PresentationView, ReportingView, SnapshotControl } from '@vault/core';
import { METADATA_COLUMNS } from '@vault/core';
import { IS_DELETED_COLUMN, SNAPSHOT_COLUMNS } from '../columns.js';
import type { CodeWriter } from '../writer.js';
import { notGhost, offer, offeredColumn, type Offer } from './access-layer.js';
import { filterSql, offeredScope } from './business-vault.js';
import { need, type SqlContext } from './context.js';
import { asOfView, businessHistoryView, entityTable } from './names.js';
import { keptSnapshotsView } from './snapshot-control.js';
import { commaList, type Statement } from './sql-writer.js';
import { deletedWhen, statusGroups } from './status.js';
import { snapshotCutoff, validAt, validityIntervals, type TimedSatellite } from './validity.js';
import { createView, leftJoin } from './views.js';

/** Working name: `$` never occurs in a spec's names. */
const CUTOFF = '$cutoff';

/** The raw table a business hub or link reads, and whether its status and effectivity apply. */
function rawBase(ctx: SqlContext, o: Offer): { readonly kind: 'hub' | 'link' | 'non_historized_link'; readonly name: string } {
  if (o.entity.kind === 'business_hub') return { kind: 'hub', name: o.entity.hub };
  // A business link over events reads its non-historized link, which has no status or effectivity.
  return { kind: o.entity.eventAttributes !== undefined ? 'non_historized_link' : 'link', name: o.entity.link };
}

function asOfQuery(ctx: SqlContext, control: SnapshotControl, o: Offer, columns: ReadonlyArray<string>, filters: ReadonlyArray<string>): (w: CodeWriter) => void {
  const { as, col, quoteIdent: q, tableIdent } = ctx.sql;
  const cutoff = col('k', CUTOFF);
  const base = rawBase(ctx, o);
  const hashKey = o.entity.hashKey;
  const groups = base.kind === 'non_historized_link' ? [] : statusGroups(ctx, base.kind, base.name);
  const trackers = groups.flatMap((g) => g.trackers.map((t) => ({ tracker: t, column: g.column })));
  const intervals = (s: TimedSatellite): string => `(${validityIntervals(ctx, s).lines.join(' ')})`;
  return (w) => {
    w.line('SELECT');
    w.block(() => commaList(w, [col('k', SNAPSHOT_COLUMNS.date), ...columns]));
    w.line(`FROM (SELECT ${q(SNAPSHOT_COLUMNS.date)}, ${as(snapshotCutoff(ctx, q(SNAPSHOT_COLUMNS.date)), CUTOFF)} FROM ${tableIdent(keptSnapshotsView(ctx, control))}) AS ${q('k')}`);
    // Keys known at the cut-off.
    w.line(`JOIN ${tableIdent(entityTable(ctx, base.kind, base.name))} AS ${q('b')}`);
    w.block(() => w.line(`ON ${col('b', METADATA_COLUMNS.loadTimestamp)} < ${cutoff}`));
    // The business satellite's values then.
    if (o.sat !== undefined) leftJoin(ctx, w, businessHistoryView(ctx, o.sat), 's', `${col('s', o.sat.parentHashKey)} = ${col('b', hashKey)} AND ${validAt(ctx, 's', cutoff)}`);
    trackers.forEach(({ tracker, column }, i) => {
      const x = `x${i + 1}`;
      const key = validityIntervals(ctx, tracker).keys[0] ?? tracker.parentHashKey;
      w.line(`LEFT JOIN ${intervals(tracker)} AS ${q(x)}`);
      w.block(() => w.line(`ON ${col(x, key)} = ${col('b', column)} AND ${validAt(ctx, x, cutoff)}`));
    });
    const deleted = deletedWhen(groups, (i) => col(`x${i + 1}`, IS_DELETED_COLUMN));
    const effective = o.entity.kind === 'business_link' && base.kind === 'link' ? effectiveAt(ctx, o.entity, cutoff) : undefined;
    const conditions = [notGhost(ctx, 'b', hashKey), ...(deleted === undefined ? [] : [`NOT (${deleted})`]), ...(effective === undefined ? [] : [effective]), ...filters];
    w.line(`WHERE ${conditions.join(' AND ')}`);
  };
}

/**
 * A link with an effectivity satellite: the relationship read through "b" is the one its driving
 * key's start row valid at the cut-off points at, and no end: a start pointing at a link row whose
 * other hubs are all the zero key (the reference became missing) ends the relationship before it
 * and begins none, as the current business link reads it (effectivity-view.ts). Undefined for
 * other links.
 */
function effectiveAt(ctx: SqlContext, link: BusinessLink, cutoff: string): string | undefined {
  const eff = ctx.effectivityOf.get(link.link);
  if (eff === undefined) return undefined;
  const { col, quoteIdent: q, quoteLiteral } = ctx.sql;
  const v = validityIntervals(ctx, eff);
  const on = [...v.keys.map((k) => `${col('e', k)} = ${col('b', k)}`), `${col('e', eff.parentHashKey)} = ${col('b', link.hashKey)}`, validAt(ctx, 'e', cutoff)];
  const started = `EXISTS (SELECT 1 FROM (${v.lines.join(' ')}) AS ${q('e')} WHERE ${on.join(' AND ')})`;
  // A link with no other hub (a driving key and child keys only) never points at the zero key.
  const others = need(ctx.links, link.link, 'link').hubs.filter((h) => !eff.drivingKey.includes(h.hashKey));
  if (others.length === 0) return started;
  const zero = quoteLiteral(ctx.zeroHash);
  return `${started} AND NOT (${others.map((h) => `${col('b', h.hashKey)} = ${zero}`).join(' AND ')})`;
}

/**
 * The as-of view of `view` over offer `o`: its columns, with the business hub's (link's) own
 * filter, and the view's (`own`, a reporting view's), over the values then.
 */
function asOfViewOf(ctx: SqlContext, control: SnapshotControl, view: PresentationView | ReportingView, o: Offer, own: Filter | undefined): Statement {
  const filters = [o.entity.filter, own].filter((f): f is Filter => f !== undefined).map((f) => filterSql(ctx, f, offeredScope(ctx, 'b', o.keys, o.sat, 's')));
  return createView(
    ctx,
    asOfView(ctx, view),
    asOfQuery(
      ctx,
      control,
      o,
      view.columns.map((c) => offeredColumn(ctx, o, c)),
      filters,
    ),
  );
}

export function presentationAsOfView(ctx: SqlContext, control: SnapshotControl, view: PresentationView): Statement {
  return asOfViewOf(ctx, control, view, offer(ctx, 'business_hub', view.businessHub), undefined);
}

export function reportingAsOfView(ctx: SqlContext, control: SnapshotControl, view: ReportingView): Statement {
  return asOfViewOf(ctx, control, view, offer(ctx, view.fromKind, view.from), view.filter);
}
