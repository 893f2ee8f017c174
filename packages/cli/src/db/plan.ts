/**
 * The SQL the PostgreSQL emitter plans for a model, as `vault run` and `vault seed` use it, plus
 * what they report on: the business-vault and access-layer views, by the emitter's names.
 */
import type { VaultModel } from '@vault/core';
import { landingTables, modelSchemas, modelViews, postgresDialect, sqlPlan, tableIdent, type LedgerStatements, type SqlLoad, type SqlStatement } from '@vault/emitters/internal';

/** A business-vault or access-layer view whose rows are reported after a run. */
export interface ReportedView {
  /** `business_hub early_warning_signal`, `dimension early_warning_signal_star.business_partner`. */
  readonly label: string;
  readonly layer: 'business_vault' | 'access_layer';
  /** `"schema"."name"`. */
  readonly sql: string;
}

export interface DatabasePlan {
  /** Idempotent DDL: schemas, landing and entity tables, ghost records, business and access views. */
  readonly setup: ReadonlyArray<SqlStatement>;
  /** Loads of the tables of every layer, wave by wave; each one transaction, parameters bound by name. */
  readonly loads: ReadonlyArray<SqlLoad>;
  /** Drops the model's views (`--replace-views`), before setup creates them again. */
  readonly dropViews: SqlStatement | undefined;
  /** The load ledger's statements: which loads can be skipped (db/ledger.ts). */
  readonly ledger: LedgerStatements;
  readonly views: ReadonlyArray<ReportedView>;
  /** The model's schemas, to count what setup created. */
  readonly schemas: ReadonlyArray<string>;
  /** Landing tables by source table name: `"schema"."name"` for SQL, `schema.name` to print. */
  readonly landingTables: ReadonlyMap<string, { readonly sql: string; readonly qualified: string }>;
}

/** The plan in PostgreSQL, named as it is created there: `vault run` and `vault seed` talk to PostgreSQL (or PGlite). */
export function databasePlan(model: VaultModel): DatabasePlan {
  const names = { model, dialect: postgresDialect };
  const plan = sqlPlan(model, postgresDialect);
  return {
    setup: plan.setup,
    loads: plan.loads,
    ledger: plan.ledger,
    dropViews: plan.dropViews,
    views: modelViews(names).map((v) => ({ label: v.label, layer: v.layer, sql: tableIdent(v.table) })),
    // As created: the emitter shortens names over 63 bytes.
    schemas: modelSchemas(names),
    landingTables: new Map(landingTables(model, postgresDialect).map((t) => [t.source, { sql: t.sql, qualified: t.qualified }])),
  };
}
