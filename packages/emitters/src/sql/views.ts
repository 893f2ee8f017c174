/** Small pieces every view shares. */
import type { EntityKind, VaultModel } from '@vault/core';
import type { CodeWriter } from '../writer.js';
import type { SqlContext } from './context.js';
import { dimensionTable, entityTable, type SqlTable } from './names.js';
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
  return createView(ctx, entityTable(ctx.model, kind, name), body);
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

/** Every view setup creates, business vault first, each view after the views it reads. */
export function modelViews(model: VaultModel): ReadonlyArray<ModelView> {
  const bv = model.businessVault;
  const al = model.accessLayer;
  const entity = (layer: ModelView['layer']) => (e: { readonly kind: EntityKind; readonly name: string }): ModelView => ({
    label: `${e.kind} ${e.name}`,
    layer,
    table: entityTable(model, e.kind, e.name),
  });
  return [
    ...[...bv.hubs, ...bv.links, ...bv.satellites, ...bv.linkSatellites].map(entity('business_vault')),
    ...al.presentationViews.map(entity('access_layer')),
    ...al.dimensionalModels.flatMap((m) => [
      ...m.dimensions.map((d): ModelView => ({ label: `dimension ${m.name}.${d.name}`, layer: 'access_layer', table: dimensionTable(model, m.name, d.name) })),
      entity('access_layer')(m),
    ]),
    ...al.reportingViews.map(entity('access_layer')),
  ];
}

/**
 * Drops every view of the model that exists, in one statement: views reading each other need no
 * CASCADE, and a view of someone else's that reads one of them stops it with the database's error.
 */
export function dropModelViews(ctx: SqlContext): Statement | undefined {
  const { tableIdent } = ctx.sql;
  const views = modelViews(ctx.model);
  return views.length === 0 ? undefined : `DROP VIEW IF EXISTS ${views.map((v) => tableIdent(v.table)).join(', ')}`;
}
