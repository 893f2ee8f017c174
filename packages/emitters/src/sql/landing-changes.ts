/**
 * Changed rows only (docs/run.md, "Changed rows only"): when a landing table changed since the
 * last run, most of its rows are often the same (a full extract in which a few rows changed).
 * `vault run` keeps, per landing table, the digests of the rows its loads have loaded (the rows
 * table, `vault_rows_<table>`), writes the batch's rows whose digest is not among them to a
 * changes table (`vault_changes_<table>`), and runs the loads for which that is exact on the
 * changes table instead of the landing table. Each digest is kept with the identity of the row
 * version it was taken from, so a landing table changed in place (rows appended, updated or
 * deleted) hashes only its new row versions; one emptied or made anew is hashed whole.
 *
 * The set may hold digests of rows the batch no longer has: every one of them was loaded, and a
 * row loaded before changes nothing, which is all the comparison relies on.
 *
 * Exact means: loading only the rows not loaded before gives the rows loading the whole batch
 * gives. That holds where a load's result depends only on the set of rows it was ever given:
 * - hubs, links and non-historized links insert what they do not hold, whatever else the batch has;
 * - satellites, link satellites and effectivity satellites with a delta order: after every load
 *   each row they were given is stored (table or register), and a key whose rows are all stored
 *   inserts nothing (docs/sql.md, "Loads"), so a row loaded before changes nothing — under the
 *   `report` policy for duplicate keys, which keeps every state.
 * It does not hold, so these loads always read the whole table: without a delta order (a batch
 * is one state per key, chosen among the batch's rows, and placed by arrival), under `reject`,
 * `error_table` and `keep_last_by` (they choose among a batch's rows), for multi-active satellites
 * (a key's set is the batch's rows of the key) and status tracking (a key absent from a full
 * batch is deleted), and reference tables.
 */
import type { ColumnType } from '@vault/core';
import type { VaultEntity } from '@vault/core';
import { KINDS, dispatch, type KindHandlers } from '@vault/core/internal';
import type { SqlContext } from './context.js';
import { duplicatePolicy } from './duplicates.js';
import { landingTable, type DeltaHistoryTable, type SqlTable } from './names.js';
import type { Statement } from './sql-writer.js';

/** The tables of one landing table's changed rows, all in the raw vault schema. */
export interface LandingChangeTables {
  readonly landing: SqlTable;
  /** The columns of the landing table the model reads, in the spec's order: what a digest covers. */
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: ColumnType }>;
  /** The row versions loaded (the set): each version's identity in the landing table and its row's digest. */
  readonly rows: SqlTable;
  /** The batch's rows whose digest is not in `rows` (the landing table's columns). */
  readonly changes: SqlTable;
  /** The entries of `rows` whose row version the batch no longer has. */
  readonly gone: SqlTable;
  /** The batch's row versions `rows` does not hold, with their digests: what the set gains. */
  readonly fresh: SqlTable;
}

/** The statements of one landing table's changed rows, in the dialect (docs/run.md says when each runs). */
export interface LandingChangeStatements {
  /** What a digest is: recorded with the rows table, so a set of another definition is never compared. */
  readonly definition: string;
  /** Setup: the rows table, empty. */
  readonly createRows: Statement;
  /** One row when the rows table holds a digest, none when it is empty. */
  readonly anyRow: Statement;
  /** One row, column `n`: not 0 when the engine can compute digests. */
  readonly available: Statement;
  /**
   * In one transaction, when the landing table's storage is new (emptied or made anew): every row
   * of the batch is hashed; the fresh table gets every row version, the changes table the rows
   * whose digest is not in the set.
   */
  readonly prepare: ReadonlyArray<Statement>;
  /**
   * In one transaction, when the landing table's storage is the one the set was taken from: only
   * the row versions the set does not hold are hashed (the fresh table); the gone table gets the
   * set's entries whose version the batch lost; the changes table the fresh rows whose digest is
   * not in the set.
   */
  readonly prepareVersions: ReadonlyArray<Statement>;
  /** An empty changes table (the batch is the one the rows table holds). */
  readonly empty: ReadonlyArray<Statement>;
  /** Drops the changes, gone and fresh tables (after the loads of a batch the set already is). */
  readonly drop: ReadonlyArray<Statement>;
  /** After the loads of `prepare`, in one transaction: the fresh table becomes the rows table; drops the others. */
  readonly apply: ReadonlyArray<Statement>;
  /** After the loads of `prepareVersions`, in one transaction: the rows table less the gone entries plus the fresh ones; drops the others. */
  readonly applyVersions: ReadonlyArray<Statement>;
  /** In one transaction: the rows table holds exactly the landing table's row versions. */
  readonly fill: ReadonlyArray<Statement>;
}

/** A landing table's changed rows: its tables and statements. */
export interface SqlLandingChanges extends LandingChangeTables, LandingChangeStatements {
  /** The source table's name in the model. */
  readonly source: string;
}

/** A table of a landing table's changed rows in the raw vault schema: `vault_<what>_<table>` (a `vault_` name no entity table has). */
function changeTable(ctx: SqlContext, what: 'rows' | 'changes' | 'gone' | 'fresh', source: string): SqlTable {
  return { schema: ctx.dialect.identifier(ctx.model.schemas.rawVault), name: ctx.dialect.identifier(`vault_${what}_${source}`) };
}

/** What loading only changed rows reads: landing tables (a register the load keeps counts as its table does: `SqlLoad.registers`). */
export interface ChangedRowsReads {
  /** The landing tables, each once, in the order of the entity's sources; empty when its loads must read them whole. */
  readonly sources: ReadonlyArray<string>;
}

const WHOLE: ChangedRowsReads = { sources: [] };
const keys = (sources: ReadonlyArray<{ readonly table: string }>): ChangedRowsReads => ({ sources: [...new Set(sources.map((s) => s.table))] });
const history = (e: DeltaHistoryTable & { readonly source: { readonly table: string } }, exact: boolean): ChangedRowsReads => (exact ? { sources: [e.source.table] } : WHOLE);

/** When loading only changed rows is exact for each kind (the file's comment says why). */
const CHANGED_ROWS: KindHandlers<ChangedRowsReads> = {
  hub: (h) => keys(h.sources),
  link: (l) => keys(l.sources),
  non_historized_link: (l) => keys(l.sources),
  satellite: (s) => history(s, s.deltaOrder !== undefined && duplicatePolicy(s).kind === 'report'),
  link_satellite: (s) => history(s, s.deltaOrder !== undefined && duplicatePolicy(s).kind === 'report'),
  effectivity_satellite: (e) => history(e, e.deltaOrder !== undefined),
  multi_active_satellite: () => WHOLE,
  status_tracking_satellite: () => WHOLE,
  reference_table: () => WHOLE,
  snapshot_control: () => WHOLE,
  pit: () => WHOLE,
  bridge: () => WHOLE,
  business_hub: () => WHOLE,
  business_link: () => WHOLE,
  business_satellite: () => WHOLE,
  business_link_satellite: () => WHOLE,
  presentation_view: () => WHOLE,
  dimensional_model: () => WHOLE,
  reporting_view: () => WHOLE,
};

/** What loading only `e`'s changed landing rows reads (no sources: its loads read whole landing tables). */
export function changedRowReads(e: VaultEntity): ChangedRowsReads {
  return dispatch(e, CHANGED_ROWS);
}

/** The landing tables whose changed rows some load of the model can read alone, in the model's order; none where the dialect has no changes tables. */
export function changedRowsSources(ctx: SqlContext): ReadonlyArray<string> {
  if (ctx.dialect.landingChanges === undefined) return [];
  const read = new Set(ctx.model.entities.flatMap((e) => (KINDS[e.kind].loaded ? changedRowReads(e).sources : [])));
  return ctx.model.sources.filter((t) => read.has(t.name)).map((t) => t.name);
}

/** The rows, changes, gone and fresh tables of landing table `source`, with what each is (for messages about names). */
export function changeTables(ctx: SqlContext, source: string): ReadonlyArray<{ readonly table: SqlTable; readonly what: string }> {
  return [
    { table: changeTable(ctx, 'rows', source), what: `the rows table of landing table '${source}' (vault run's changed rows)` },
    { table: changeTable(ctx, 'changes', source), what: `the changes table of landing table '${source}' (vault run's changed rows)` },
    { table: changeTable(ctx, 'gone', source), what: `the gone table of landing table '${source}' (vault run's changed rows)` },
    { table: changeTable(ctx, 'fresh', source), what: `the fresh table of landing table '${source}' (vault run's changed rows)` },
  ];
}

/** The changed rows of every landing table `changedRowsSources` gives. */
export function modelLandingChanges(ctx: SqlContext): ReadonlyArray<SqlLandingChanges> {
  return changedRowsSources(ctx).flatMap((source) => {
    const c = landingChanges(ctx, source);
    return c === undefined ? [] : [c];
  });
}

/** The changed rows of landing table `source`, in the context's dialect; undefined where the dialect has none. */
export function landingChanges(ctx: SqlContext, source: string): SqlLandingChanges | undefined {
  const build = ctx.dialect.landingChanges;
  const table = ctx.model.sources.find((t) => t.name === source);
  if (build === undefined || table === undefined) return undefined;
  const tables: LandingChangeTables = {
    landing: landingTable({ model: ctx.model, dialect: ctx.dialect }, source),
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: changeTable(ctx, 'rows', source),
    changes: changeTable(ctx, 'changes', source),
    gone: changeTable(ctx, 'gone', source),
    fresh: changeTable(ctx, 'fresh', source),
  };
  return { source, ...tables, ...build(tables) };
}
