/**
 * The SQL the PostgreSQL emitter plans for a model, as `vault run` and `vault seed` use it, plus
 * what they report on: the business-vault and access-layer views, by the emitter's names.
 */
import type { EntityKind, VaultModel } from '@vault/core';
import { dimensionTable, entityTable, landingTables, sqlName, sqlPlan, tableIdent, type LedgerStatements, type SqlLoad } from '@vault/emitters';

/** A business-vault or access-layer view whose rows are reported after a run. */
export interface ReportedView {
  /** `business_hub early_warning_signal`, `dimension early_warning_signal_star.business_partner`. */
  readonly label: string;
  readonly layer: 'business_vault' | 'access_layer';
  /** `"schema"."name"`. */
  readonly sql: string;
}

export interface DatabasePlan {
  /** Idempotent DDL: schemas, landing and raw-vault tables, ghost records, business and access views. */
  readonly setup: ReadonlyArray<string>;
  /** Raw-vault loads in dependency order; each one transaction, `$1` the load timestamp. */
  readonly loads: ReadonlyArray<SqlLoad>;
  /** The load ledger's statements: which loads can be skipped (db/ledger.ts). */
  readonly ledger: LedgerStatements;
  readonly views: ReadonlyArray<ReportedView>;
  /** The model's schemas, to count what setup created. */
  readonly schemas: ReadonlyArray<string>;
  /** Landing tables by source table name: `"schema"."name"` for SQL, `schema.name` to print. */
  readonly landingTables: ReadonlyMap<string, { readonly sql: string; readonly qualified: string }>;
}

export function databasePlan(model: VaultModel): DatabasePlan {
  const plan = sqlPlan(model);
  const bv = model.businessVault;
  const al = model.accessLayer;
  const entity = (layer: ReportedView['layer']) => (e: { readonly kind: EntityKind; readonly name: string }): ReportedView => ({
    label: `${e.kind} ${e.name}`,
    layer,
    sql: tableIdent(entityTable(model, e.kind, e.name)),
  });
  const views: ReportedView[] = [
    ...[...bv.hubs, ...bv.links, ...bv.satellites, ...bv.linkSatellites].map(entity('business_vault')),
    ...al.presentationViews.map(entity('access_layer')),
    ...al.dimensionalModels.flatMap((m) => [
      ...m.dimensions.map((d): ReportedView => ({ label: `dimension ${m.name}.${d.name}`, layer: 'access_layer', sql: tableIdent(dimensionTable(model, m.name, d.name)) })),
      entity('access_layer')(m),
    ]),
    ...al.reportingViews.map(entity('access_layer')),
  ];
  const s = model.schemas;
  return {
    setup: plan.setup,
    loads: plan.loads,
    ledger: plan.ledger,
    views,
    // As created: the emitter shortens names over 63 bytes.
    schemas: [...new Set([s.landing, s.rawVault, s.businessVault, s.accessLayer].map(sqlName))],
    landingTables: new Map(landingTables(model).map((t) => [t.source, { sql: t.sql, qualified: t.qualified }])),
  };
}

