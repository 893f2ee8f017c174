/** Small pieces every view shares. */
import type { EntityKind, LinkSatellite, MultiActiveSatellite, ReferenceTable, Satellite, VaultEntity } from '@vault/core';
import { dispatch, type KindHandlers } from '@vault/core/internal';
import type { CodeWriter } from '../writer.js';
import type { SqlContext } from './context.js';
import { dimensionTable, entityTable, historyView, type NameScope, type SqlTable } from './names.js';
import { currentMultiActiveView } from './multi-active.js';
import { currentReferenceView } from './reference-tables.js';
import { keptSnapshotsView } from './snapshot-control.js';
import { statement, type Statement } from './sql-writer.js';

/** `CREATE OR REPLACE VIEW <table> AS` and the query `body` writes. */
export function createView(ctx: SqlContext, table: SqlTable, body: (w: CodeWriter) => void): Statement {
  const { tableIdent } = ctx.sql;
  return statement((w) => {
    w.line(`CREATE OR REPLACE VIEW ${tableIdent(table)} AS`);
    body(w);
  });
}

/** The view of an entity. */
export function createEntityView(ctx: SqlContext, kind: EntityKind, name: string, body: (w: CodeWriter) => void): Statement {
  return createView(ctx, entityTable(ctx, kind, name), body);
}

/** `LEFT JOIN <table> AS "alias" ON <condition>`, the condition on its own line. */
export function leftJoin(ctx: SqlContext, w: CodeWriter, table: SqlTable, alias: string, condition: string): void {
  const { quoteIdent, tableIdent } = ctx.sql;
  w.line(`LEFT JOIN ${tableIdent(table)} AS ${quoteIdent(alias)}`);
  w.block(() => w.line(`ON ${condition}`));
}

/** A business-vault or access-layer view of the model. */
export interface ModelView {
  /** `business_hub early_warning_signal`, `dimension early_warning_signal_star.business_partner`. */
  readonly label: string;
  readonly layer: 'business_vault' | 'access_layer';
  readonly table: SqlTable;
}

const entityView =
  (layer: ModelView['layer']) =>
  (e: VaultEntity, names: NameScope): ReadonlyArray<ModelView> => [{ label: `${e.kind} ${e.name}`, layer, table: entityTable(names, e.kind, e.name) }];
const table = (): ReadonlyArray<ModelView> => [];

/** A satellite, multi-active satellite or reference table with a delta order has a history view, in the business vault. */
const history = (e: Satellite | LinkSatellite | MultiActiveSatellite | ReferenceTable, names: NameScope): ReadonlyArray<ModelView> =>
  e.deltaOrder === undefined ? [] : [{ label: `history of ${e.kind} ${e.name}`, layer: 'business_vault', table: historyView(names, e) }];

const MODEL_VIEWS: KindHandlers<ReadonlyArray<ModelView>, NameScope> = {
  hub: table,
  link: table,
  non_historized_link: table,
  satellite: history,
  link_satellite: history,
  effectivity_satellite: (e, names) => [{ label: `history of ${e.kind} ${e.name}`, layer: 'business_vault', table: historyView(names, e) }],
  multi_active_satellite: (s, names) =>
    s.sensitive ? [] : [{ label: `multi-active satellite ${s.name} (current)`, layer: 'business_vault', table: currentMultiActiveView(names, s.name) }, ...history(s, names)],
  status_tracking_satellite: table,
  reference_table: (r, names) => [{ label: `reference table ${r.name} (current)`, layer: 'business_vault', table: currentReferenceView(names, r.name) }, ...history(r, names)],
  snapshot_control: (c, names) => [{ label: `snapshot control ${c.name} (kept)`, layer: 'business_vault', table: keptSnapshotsView(names, c) }],
  pit: table,
  business_hub: entityView('business_vault'),
  business_link: entityView('business_vault'),
  business_satellite: entityView('business_vault'),
  business_link_satellite: entityView('business_vault'),
  presentation_view: entityView('access_layer'),
  dimensional_model: (m, names) => [
    ...m.dimensions.map((d): ModelView => ({ label: `dimension ${m.name}.${d.name}`, layer: 'access_layer', table: dimensionTable(names, m.name, d.name) })),
    ...entityView('access_layer')(m, names),
  ],
  reporting_view: entityView('access_layer'),
};

/** Every view setup creates, business vault first, each kind in canonical order, named in `names.dialect`. */
export function modelViews(names: NameScope): ReadonlyArray<ModelView> {
  return names.model.entities.flatMap((e) => dispatch(e, MODEL_VIEWS, names));
}

/**
 * Drops every view of the model that exists, in one statement (`Dialect.dropViews`); a view of
 * someone else's that reads one of them stops it with the database's error.
 */
export function dropModelViews(ctx: SqlContext): Statement | undefined {
  const { tableIdent } = ctx.sql;
  const views = modelViews(ctx);
  return views.length === 0 ? undefined : ctx.dialect.dropViews(views.map((v) => tableIdent(v.table)));
}
