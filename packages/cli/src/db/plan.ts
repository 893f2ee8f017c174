/**
 * The SQL the emitter plans for a model in an engine's dialect, as `vault run` and `vault seed`
 * use it, plus what they report on: the business-vault and access-layer views, by the emitter's
 * names.
 */
import type { VaultModel } from '@vault/core';
import { landingTables, modelSchemas, modelViews, sqlPlan, type LedgerStatements, type SqlLandingChanges, type SqlLoad, type SqlStatement, type SqlTable } from '@vault/emitters/internal';
import { ENGINES, type Engine } from './engine.js';

/** A business-vault or access-layer view whose rows are reported after a run. */
export interface ReportedView {
  /** `business_hub early_warning_signal`, `dimension early_warning_signal_star.business_partner`. */
  readonly label: string;
  readonly layer: 'business_vault' | 'access_layer';
  /** `"schema"."name"` (in the engine's quoting: `` `schema`.`name` `` on Spark). */
  readonly sql: string;
}

export interface DatabasePlan {
  /** The engine the plan is written for: its dialect, and how statements take their parameters (`engine.bind`). */
  readonly engine: Engine;
  /** Idempotent DDL: schemas, landing and entity tables, ghost records, business and access views. */
  readonly setup: ReadonlyArray<SqlStatement>;
  /** Loads of the tables of every layer, in wave order, each naming the loads it waits for; each one transaction, parameters bound by name. */
  readonly loads: ReadonlyArray<SqlLoad>;
  /** Drops the model's views (`--replace-views`), before setup creates them again. */
  readonly dropViews: SqlStatement | undefined;
  /** After setup, when `dropViews` ran: the grants the dropped views had, given again. */
  readonly restoreViewGrants: SqlStatement | undefined;
  /** The load ledger's statements: which loads can be skipped (db/ledger.ts). */
  readonly ledger: LedgerStatements;
  /** The changed rows of landing tables (commands/run-changes.ts): which loads can read only those. */
  readonly landingChanges: ReadonlyArray<SqlLandingChanges>;
  readonly views: ReadonlyArray<ReportedView>;
  /** The model's schemas, to count what setup created. */
  readonly schemas: ReadonlyArray<string>;
  /** Landing tables by source table name: `"schema"."name"` for SQL, `schema.name` to print. */
  readonly landingTables: ReadonlyMap<string, { readonly sql: string; readonly qualified: string }>;
}

/** The plan in the engine's dialect (PostgreSQL, or PGlite, unless given), named as it is created there. */
export function databasePlan(model: VaultModel, engine: Engine = ENGINES.postgres): DatabasePlan {
  const dialect = engine.dialect;
  const names = { model, dialect };
  // With the loads of changed landing rows only (docs/run.md, "Changed rows only").
  const plan = sqlPlan(model, dialect, { changedRows: true });
  const tableIdent = (t: SqlTable): string => `${dialect.quoteIdent(t.schema)}.${dialect.quoteIdent(t.name)}`;
  return {
    engine,
    setup: plan.setup,
    loads: plan.loads,
    ledger: plan.ledger,
    landingChanges: plan.landingChanges,
    dropViews: plan.dropViews,
    restoreViewGrants: plan.restoreViewGrants,
    views: modelViews(names).map((v) => ({ label: v.label, layer: v.layer, sql: tableIdent(v.table) })),
    // As created: the emitter shortens names over 63 bytes.
    schemas: modelSchemas(names),
    landingTables: new Map(landingTables(model, dialect).map((t) => [t.source, { sql: t.sql, qualified: t.qualified }])),
  };
}
