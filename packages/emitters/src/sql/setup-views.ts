/**
 * The views setup creates, per kind: the business vault and the access layer are views over
 * the raw vault tables.
 */
import type { EntityKind, LinkSatellite, MultiActiveSatellite, ReferenceTable, Satellite, VaultEntity } from '@vault/core';
import { ENTITY_KINDS, dispatch, entitiesOf, type KindHandlers } from '@vault/core/internal';
import { dimensionViews, factView, presentationView, reportingView } from './access-layer.js';
import { businessHubView, businessSatelliteView } from './business-vault.js';
import type { SqlContext } from './context.js';
import { dimensionTable, entityTable, historyView, type SqlTable } from './names.js';
import { effectivityHistoryView } from './effectivity-view.js';
import { historyOfDeltaOrder } from './history-view.js';
import { currentMultiActiveView, multiActiveCurrentView } from './multi-active.js';
import { currentReferenceView, referenceCurrentView } from './reference-tables.js';
import { keptSnapshotsView, keptSnapshotsViewSql } from './snapshot-control.js';
import type { Statement } from './sql-writer.js';
import { sqlStatement, type SqlStatement } from './statement.js';

const table = (): ReadonlyArray<SqlStatement> => [];

/** The view of `e`, named after it unless `relation` says otherwise (a dimension of a dimensional model). */
const view = (ctx: SqlContext, e: VaultEntity, sql: Statement, relation: SqlTable = entityTable(ctx, e.kind, e.name)): SqlStatement => sqlStatement('view', sql, { entity: e, relation });

/** A satellite, multi-active satellite or reference table with a delta order has a history view. */
const history = (ctx: SqlContext, e: Satellite | LinkSatellite | MultiActiveSatellite | ReferenceTable): ReadonlyArray<SqlStatement> =>
  e.deltaOrder === undefined ? [] : [view(ctx, e, historyOfDeltaOrder(ctx, e), historyView(ctx, e))];

const VIEWS: KindHandlers<ReadonlyArray<SqlStatement>, SqlContext> = {
  hub: table,
  link: table,
  non_historized_link: table,
  satellite: (s, ctx) => history(ctx, s),
  link_satellite: (s, ctx) => history(ctx, s),
  // Its history view (effective_from, effective_to), which business links and facts read.
  effectivity_satellite: (e, ctx) => [view(ctx, e, effectivityHistoryView(ctx, e), historyView(ctx, e))],
  // A sensitive one has no business vault views.
  multi_active_satellite: (s, ctx) => (s.sensitive ? [] : [view(ctx, s, multiActiveCurrentView(ctx, s), currentMultiActiveView(ctx, s.name)), ...history(ctx, s)]),
  status_tracking_satellite: table,
  reference_table: (r, ctx) => [view(ctx, r, referenceCurrentView(ctx, r), currentReferenceView(ctx, r.name)), ...history(ctx, r)],
  snapshot_control: (c, ctx) => [view(ctx, c, keptSnapshotsViewSql(ctx, c), keptSnapshotsView(ctx, c))],
  pit: table,
  business_hub: (h, ctx) => [view(ctx, h, businessHubView(ctx, h))],
  business_link: (l, ctx) => [view(ctx, l, businessHubView(ctx, l))],
  business_satellite: (s, ctx) => [view(ctx, s, businessSatelliteView(ctx, s))],
  business_link_satellite: (s, ctx) => [view(ctx, s, businessSatelliteView(ctx, s))],
  presentation_view: (v, ctx) => [view(ctx, v, presentationView(ctx, v))],
  dimensional_model: (m, ctx) => [
    // A dimension's view belongs to its dimensional model.
    ...dimensionViews(ctx, m).map((sql, i) => view(ctx, m, sql, dimensionTable(ctx, m.name, m.dimensions[i]!.name))),
    view(ctx, m, factView(ctx, m)),
  ],
  reporting_view: (v, ctx) => [view(ctx, v, reportingView(ctx, v))],
};

/**
 * A view comes after the views it reads: a business hub's or link's view filters on the current
 * values of its satellite's view, and the access layer reads only the business vault.
 */
const VIEW_STEP = {
  hub: 0,
  link: 0,
  non_historized_link: 0,
  satellite: 0,
  link_satellite: 0,
  effectivity_satellite: 0,
  multi_active_satellite: 0,
  status_tracking_satellite: 0,
  // Before the business satellites that join it (same step, earlier in canonical order).
  reference_table: 0,
  snapshot_control: 0,
  pit: 0,
  business_hub: 1,
  business_link: 1,
  business_satellite: 0,
  business_link_satellite: 0,
  presentation_view: 2,
  dimensional_model: 2,
  reporting_view: 2,
} as const satisfies Record<EntityKind, number>;

// A stable sort: kinds of one step keep their canonical order.
const VIEW_ORDER = [...ENTITY_KINDS].sort((a, b) => VIEW_STEP[a] - VIEW_STEP[b]);

/** Business vault views, then access layer views, each after the views it reads. */
export function setupViews(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  return VIEW_ORDER.flatMap((kind) => entitiesOf(ctx.model, kind).flatMap((e) => dispatch(e, VIEWS, ctx)));
}
