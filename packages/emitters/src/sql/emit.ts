/**
 * The SQL target: a VaultModel in, SQL out, in a dialect: the wired one (PostgreSQL) unless a
 * caller names another. `sqlPlan` gives the statements for a tool to run (`vault run`);
 * `emitSql` prints the same statements as files for people to read and run.
 * Pure: no disk, clock or database.
 */
import type { EffectivitySatellite, EntityKind, LinkSatellite, MultiActiveSatellite, ReferenceTable, Satellite, VaultEntity, VaultModel } from '@vault/core';
import { KINDS, dispatch, entitiesOf, type KindHandlers, type LoadedKind, type VaultLayer } from '@vault/core/internal';
import type { EmittedFile } from '../emitted-file.js';
import { sqlContext, type SqlContext } from './context.js';
import { WIRED_DIALECT, type Dialect } from './dialect/index.js';
import { ghostRecords, landingStatements, loadOrderIndexes, rawVaultTables, registerTables, schemaStatements } from './ddl.js';
import { evolveRawVaultTables } from './evolve.js';
import { hashKeysRecordStatements, hashingRecordStatements } from './hashing-record.js';
import { ownershipStatements } from './ownership.js';
import { HASHING_STANDARD } from './hashing.js';
import { hubLoad, hubMissingKeys, linkLoad } from './load.js';
import { multiActiveSatelliteLoad } from './load-multi-active-satellite.js';
import { referenceTableLoad } from './load-reference-table.js';
import { snapshotControlLoad } from './snapshot-control.js';
import { pitLoad, pitReads } from './pit.js';
import { bridgeLoad, bridgeSources } from './bridge.js';
import type { ChangeLoad } from './change-engine.js';
import { tableEmpty, type ChangeBulk } from './change-bulk.js';
import { effectivitySatelliteLoad } from './load-effectivity-satellite.js';
import { satelliteLoad } from './load-satellite.js';
import { duplicatePolicy, duplicatesTable, duplicatesTableStatement, routeDuplicates, satelliteDuplicates } from './duplicates.js';
import { nonHistorizedLinkLoad } from './load-non-historized-link.js';
import { statusKeyedRows, statusTrackingSatelliteLoad } from './load-status-tracking-satellite.js';
import { changedRowReads, modelLandingChanges, type SqlLandingChanges } from './landing-changes.js';
import { ledgerStatements, type LedgerStatements } from './ledger.js';
import { entityTable, landingTable, registerTable, statusRegisterTable, tableText, type SqlTable } from './names.js';
import { sqlCommentText, sqlText } from './quote.js';
import { setupViews } from './setup-views.js';
import { validateSql } from './validate.js';
import { specFileName } from '../spec-name.js';
import { dropModelViews } from './views.js';
import type { Statement } from './sql-writer.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { filledAfter } from './validity.js';
import { loadDependencies, loadWaves } from './waves.js';

export interface SqlOptions {
  /** The spec file as the user gave it: every file's header names its file name (`specFileName`). */
  readonly specPath: string;
  /** The folder of the two files: `sql` (default), `spark` for `vault compile --target spark`. */
  readonly dir?: string;
}

/** The kinds `vault run` loads (`KINDS[kind].loaded`). */
export type RawVaultKind = LoadedKind;

/** A layer of the vault: where an entity, and so a loaded table, lives (`KINDS[kind].layer`). */
export type { VaultLayer } from '@vault/core/internal';

/**
 * The load of one entity's table, of any layer: run its statements in one transaction, binding
 * the parameters each declares (the batch load timestamp, `load_ts`).
 */
export interface SqlLoad {
  readonly entity: string;
  readonly kind: EntityKind;
  readonly layer: VaultLayer;
  /** Its wave (sql/waves.ts): every table it depends on is loaded in an earlier wave. */
  readonly wave: number;
  /**
   * The loads it waits for, as indices into the plan's `loads`, ascending, each before it: the
   * tables it reads or hangs off (a satellite's hub, a link's hubs), through views to the tables
   * under them (sql/waves.ts, `loadDependencies`). `vault run` starts it once these have committed.
   */
  readonly after: ReadonlyArray<number>;
  /** `schema.name` of the table loaded. */
  readonly table: string;
  /** The table loaded. */
  readonly target: SqlTable;
  /**
   * The tables besides `target` whose rows the load keeps and relies on (a history's or status
   * tracking satellite's register, sql/names.ts `registerTable`), each once: the ledger's
   * signature covers their storage as it covers the target's, so one emptied or made anew loads again.
   */
  readonly registers: ReadonlyArray<SqlTable>;
  readonly statements: ReadonlyArray<SqlStatement>;
  /**
   * Every table the statements read, each once: landing tables, and for a load of a later layer
   * (a table built from the vault) the vault tables it reads. `vault run`'s ledger fingerprints
   * each and skips the load only when none changed, so a load must list all it reads.
   */
  readonly sources: ReadonlyArray<SqlTable>;
  /**
   * A hub's count of the landing rows its load leaves out because their own business key is
   * missing (kind `count`, one row with column `n`); none for the other kinds, and for a hub
   * only references carry. Run after the load, in its transaction, it reports what landing held.
   */
  readonly missingKeys?: SqlStatement;
  /**
   * A satellite's duplicate keys in the batch (sql/duplicates.ts, docs/sql.md "Duplicate keys"):
   * the table's policy, the landing table, and the count (kind `count`, one row with columns `n`
   * and `example`). Under `error_table`, `route` (kind `load`, takes `load_ts`) writes the rows
   * the satellite does not keep to `vault_duplicates`; run it in the load's transaction.
   */
  readonly duplicates?: SqlDuplicates;
  /**
   * A status tracking satellite with full batches: the count of the landing rows that carry a key
   * (kind `count`, one row with column `n`). None means an empty full batch, which deletes
   * nothing (docs/sql.md, "Status tracking"); run it in the load's transaction.
   */
  readonly keyedRows?: SqlStatement;
  /**
   * Its rows depend on the batch load timestamp's date, not only on what it reads (a snapshot
   * control that ends `today`, a point-in-time table): `vault run` never skips it as unchanged.
   */
  readonly datedByLoad?: true;
  /**
   * A point-in-time or bridge table's latest snapshot when its cut-off is after the batch load
   * timestamp (kind `probe`, takes `load_ts`; one row with column `snapshot_date` as text, else
   * none): the batch is dated before a snapshot the table holds, so its rows enter none of the
   * snapshots it holds (a PIT: none of its snapshots, later ones included) until it is rebuilt
   * (docs/sql.md, "As of a snapshot"). `vault run` warns before the loads.
   */
  readonly filledAfter?: SqlStatement;
  /**
   * The load into an empty table, for `vault run` to run instead of `statements` when `empty`
   * (kind `count`, one row with column `n`), run first in the load's transaction, gives 1: the
   * table holds no row but its ghost record (a history's register none). A history's is its bulk
   * form (sql/change-bulk.ts), without look-ups into what is stored; another kind's, its own
   * statements. Where the engine has key constraints (`LedgerStatements.keys`), `vault run` drops
   * the keys of the table and of the load's `registers` (a history's with a delta order, empty
   * too) before it and builds them again after the first `keysAfter` statements (docs/sql.md,
   * "First loads: keys built after the rows").
   */
  readonly bulk?: {
    readonly empty: SqlStatement;
    readonly statements: ReadonlyArray<SqlStatement>;
    readonly keysAfter: number;
  };
  /**
   * The load of the batch's changed rows only (sql/landing-changes.ts; with `SqlPlanOptions.changedRows`), for the kinds where that
   * is exact: the same statements reading each landing table's changes table (`SqlPlan.landingChanges`)
   * instead of the landing table, for `vault run` to run when its ledger says the load's table
   * holds every row the rows tables hold (docs/run.md, "Changed rows only").
   */
  readonly changes?: SqlChangedRowsLoad;
}

/** A load of changed landing rows only: what `SqlLoad` has, reading the changes tables of `sources`. */
export interface SqlChangedRowsLoad {
  /** The landing tables it reads (source names), each once. */
  readonly sources: ReadonlyArray<string>;
  readonly statements: ReadonlyArray<SqlStatement>;
  readonly missingKeys?: SqlStatement;
  readonly duplicates?: SqlDuplicates;
}

/** What `vault run` does about a satellite's duplicate keys. */
export interface SqlDuplicates {
  readonly policy: 'report' | 'reject' | 'error_table' | 'keep_last_by';
  /** The landing table the policy is declared on. */
  readonly table: string;
  readonly count: SqlStatement;
  readonly route?: SqlStatement;
}

export interface SqlPlan {
  /** Idempotent: schemas, landing tables, entity tables, ghost records, then the views, which may read any table. */
  readonly setup: ReadonlyArray<SqlStatement>;
  /**
   * The loads wave by wave, each wave in the model's order: hubs, then links and satellites,
   * then link satellites (parents before what points at them), then the tables of later layers
   * after the tables they read.
   */
  readonly loads: ReadonlyArray<SqlLoad>;
  /** `vault run`'s record of loads (its table is part of `setup`). */
  readonly ledger: LedgerStatements;
  /** Drops the model's views, for setup to create them again (`vault run --replace-views`). */
  readonly dropViews: SqlStatement | undefined;
  /**
   * Run after setup, in its transaction, when `dropViews` ran before it: gives the views setup
   * created again the grants they had (PostgreSQL; undefined where a drop keeps them or there is none).
   */
  readonly restoreViewGrants: SqlStatement | undefined;
  /** The changed rows of each landing table a load's `changes` reads (their rows tables are part of `setup`). */
  readonly landingChanges: ReadonlyArray<SqlLandingChanges>;
}

function checked(model: VaultModel, dialect: Dialect): SqlContext {
  // Warnings (a Spark quotient's scale, VLT441) leave the SQL valid.
  const problems = validateSql(model, dialect).filter((p) => p.severity === 'error');
  if (problems.length > 0) throw new Error(`vault SQL: cannot emit valid SQL:\n${problems.map((p) => p.message).join('\n')}`);
  return sqlContext(model, dialect);
}

/** Every table before any view, so that a view reading a loaded table of any layer finds it. */
function setup(ctx: SqlContext, ledger: LedgerStatements, changes: ReadonlyArray<SqlLandingChanges>): ReadonlyArray<SqlStatement> {
  return [
    ...schemaStatements(ctx),
    // First: a model that would make another model's objects stops setup before anything is created.
    ...ownershipStatements(ctx),
    // Before any other table: a spec whose hashing differs from the vault's stops setup first (on Spark, which has no transactions, before anything is created).
    ...hashingRecordStatements(ctx),
    ...landingStatements(ctx),
    ...rawVaultTables(ctx),
    ...registerTables(ctx),
    // Before the tables are evolved: a key made of other columns stops setup before a column is added for it.
    ...hashKeysRecordStatements(ctx),
    ...evolveRawVaultTables(ctx),
    ...loadOrderIndexes(ctx),
    ledger.create,
    ...(ledger.evolve === undefined ? [] : [ledger.evolve]),
    ...changes.map((c) => sqlStatement('changes', c.createRows, { relation: c.rows, creates: { kind: 'relation', relation: c.rows } })),
    ...errorTable(ctx),
    ...ghostRecords(ctx),
    ...setupViews(ctx),
  ];
}

/** `vault_duplicates`, when a table's policy is `error_table`. */
function errorTable(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const routed = [...entitiesOf(ctx.model, 'satellite'), ...entitiesOf(ctx.model, 'link_satellite')].some((s) => duplicatePolicy(s).kind === 'error_table');
  return routed ? [sqlStatement('table', duplicatesTableStatement(ctx))] : [];
}

/** A satellite's, effectivity satellite's, multi-active satellite's or reference table's load, then (with a delta order) the statement that fills its register; and its bulk form. */
function historyLoad(
  ctx: SqlContext,
  e: Satellite | LinkSatellite | EffectivitySatellite | MultiActiveSatellite | ReferenceTable,
  { load, register, bulk }: ChangeLoad,
): Pick<EntityLoad, 'statements' | 'bulk' | 'registers'> {
  // With a delta order, the register, which the bulk form fills too (and finds empty).
  const registers = e.deltaOrder === undefined ? [] : [registerTable(ctx, e)];
  return { statements: register === undefined ? [load] : [load, { sql: register, relation: registerTable(ctx, e) }], bulk, registers };
}

/** Landing tables an entity's load reads, each once, in the model's order. */
function landingReads(ctx: SqlContext, tables: ReadonlyArray<string>): ReadonlyArray<SqlTable> {
  const read = new Set(tables);
  return ctx.model.sources.filter((t) => read.has(t.name)).map((t) => landingTable(ctx, t.name));
}

/** An entity's load: its statements' text, every table they read (`SqlLoad.sources`), its missing-key count. */
interface EntityLoad {
  /** Each loads the entity's table, or the table it names (a satellite's register); or is a setting for the load's transaction (no parameters, no rows). */
  readonly statements: ReadonlyArray<Statement | { readonly sql: Statement; readonly relation: SqlTable } | { readonly setting: Statement }>;
  readonly reads: ReadonlyArray<SqlTable>;
  readonly missingKeys?: Statement | undefined;
  readonly duplicates?: { readonly count: Statement; readonly route?: Statement | undefined } | undefined;
  readonly keyedRows?: Statement | undefined;
  readonly datedByLoad?: true;
  /** A PIT's or bridge's latest snapshot when the batch is dated before its cut-off (`SqlLoad.filledAfter`). */
  readonly filledAfter?: Statement;
  readonly bulk?: ChangeBulk | undefined;
  /** A history's register (with a delta order): its keys wait with the table's in the bulk form. */
  readonly registers?: ReadonlyArray<SqlTable>;
  /** For a kind without a bulk form: the check that its table is empty (`tableEmpty`), for `vault run` to build its keys after the load. */
  readonly emptyTable?: Statement;
  /** How many of `statements` run before the table's keys are built again, when they were dropped for an empty table; all when absent. */
  readonly keysAfter?: number;
}

const satelliteLoads = (s: Satellite | LinkSatellite, ctx: SqlContext): EntityLoad => ({
  ...historyLoad(ctx, s, satelliteLoad(ctx, s)),
  reads: landingReads(ctx, [s.source.table]),
  duplicates: { count: satelliteDuplicates(ctx, s), route: duplicatePolicy(s).kind === 'error_table' ? routeDuplicates(ctx, s) : undefined },
});
const notLoaded = (): undefined => undefined;

/** The load of each kind `vault run` loads (`KINDS[kind].loaded`); the others are views. */
const LOADS: KindHandlers<EntityLoad | undefined, SqlContext> = {
  // A hub or link without a source has nothing to load.
  hub: (h, ctx) => ({
    statements: h.sources.length === 0 ? [] : [hubLoad(ctx, h)],
    emptyTable: tableEmpty(ctx, h, h.hashKey),
    reads: landingReads(
      ctx,
      h.sources.map((s) => s.table),
    ),
    missingKeys: hubMissingKeys(ctx, h),
  }),
  link: (l, ctx) => ({
    statements: l.sources.length === 0 ? [] : [linkLoad(ctx, l)],
    emptyTable: tableEmpty(ctx, l, l.hashKey),
    reads: landingReads(
      ctx,
      l.sources.map((s) => s.table),
    ),
  }),
  non_historized_link: (l, ctx) => ({
    statements: l.sources.length === 0 ? [] : [nonHistorizedLinkLoad(ctx, l)],
    emptyTable: tableEmpty(ctx, l, l.hashKey),
    reads: landingReads(
      ctx,
      l.sources.map((s) => s.table),
    ),
  }),
  satellite: satelliteLoads,
  link_satellite: satelliteLoads,
  effectivity_satellite: (e, ctx) => ({ ...historyLoad(ctx, e, effectivitySatelliteLoad(ctx, e)), reads: landingReads(ctx, [e.source.table]) }),
  // It reads no table: the dates come from the settings and the batch's date.
  snapshot_control: (c, ctx) => ({ statements: [snapshotControlLoad(ctx, c)], reads: [], ...(c.end === 'today' ? { datedByLoad: true as const } : {}) }),
  // Its rows follow the batch's date too: a snapshot is filled by the first load after its cut-off, whatever changed.
  // Into an empty PIT, its keys come back after the first statement (every snapshot to fill but the
  // last, or all of them): the second finds the rows of the snapshot before through them.
  pit: (p, ctx) => ({
    statements: pitLoad(ctx, p),
    reads: pitReads(ctx, p),
    datedByLoad: true,
    filledAfter: filledAfter(ctx, p),
    emptyTable: tableEmpty(ctx, p),
    keysAfter: 1,
  }),
  // Which snapshots it fills depends on the batch load timestamp, not only on what it reads: never skipped as unchanged.
  bridge: (b, ctx) => ({
    statements: [bridgeLoad(ctx, b)],
    reads: bridgeSources(ctx, b),
    datedByLoad: true,
    filledAfter: filledAfter(ctx, b),
    emptyTable: tableEmpty(ctx, b),
  }),
  multi_active_satellite: (s, ctx) => ({ ...historyLoad(ctx, s, multiActiveSatelliteLoad(ctx, s)), reads: landingReads(ctx, [s.source.table]) }),
  status_tracking_satellite: (s, ctx) => {
    const { load, register } = statusTrackingSatelliteLoad(ctx, s);
    const registered = statusRegisterTable(ctx, s);
    return {
      statements: register === undefined || registered === undefined ? [load] : [load, { sql: register, relation: registered }],
      reads: landingReads(ctx, [s.source.table]),
      keyedRows: statusKeyedRows(ctx, s),
    };
  },
  reference_table: (r, ctx) => ({ ...historyLoad(ctx, r, referenceTableLoad(ctx, r)), reads: landingReads(ctx, [r.source.table]) }),
  business_hub: notLoaded,
  business_link: notLoaded,
  business_satellite: notLoaded,
  business_link_satellite: notLoaded,
  presentation_view: notLoaded,
  dimensional_model: notLoaded,
  reporting_view: notLoaded,
};

function sqlDuplicates(ctx: SqlContext, sat: Satellite | LinkSatellite, d: NonNullable<EntityLoad['duplicates']>): SqlDuplicates {
  return {
    policy: duplicatePolicy(sat).kind,
    table: sat.source.table,
    count: sqlStatement('count', d.count, { entity: sat }),
    // The route writes the error table, not the satellite's: a runner counting a statement's rows by its relation (Spark) counts them there.
    ...(d.route === undefined ? {} : { route: sqlStatement('load', d.route, { entity: sat, relation: duplicatesTable(ctx.dialect, ctx.model.schemas.rawVault), parameters: ['load_ts'] }) }),
  };
}

/** The dialect's settings a load of `e` begins its transaction with, then `more` (they take no parameter). */
function loadSettings(ctx: SqlContext, e: VaultEntity, more: ReadonlyArray<Statement> = []): ReadonlyArray<SqlStatement> {
  return [...ctx.dialect.loadSettings, ...more].map((setting) => sqlStatement('load', setting, { entity: e }));
}

/**
 * An entity's statements as `vault run` takes them, after the load's settings and `moreSettings`
 * (a load with nothing to do has none), each load statement taking the batch load timestamp.
 */
function loadStatements(ctx: SqlContext, e: VaultEntity, target: SqlTable, load: EntityLoad, moreSettings: ReadonlyArray<Statement> = []): ReadonlyArray<SqlStatement> {
  // Every load statement takes the batch load timestamp as $1 (LOAD_TIMESTAMP_PARAMETER); a setting takes none.
  return [
    ...(load.statements.length === 0 ? [] : loadSettings(ctx, e, moreSettings)),
    ...load.statements.map((st) =>
      typeof st === 'string'
        ? sqlStatement('load', st, { entity: e, relation: target, parameters: ['load_ts'] })
        : 'setting' in st
          ? sqlStatement('load', st.setting, { entity: e })
          : sqlStatement('load', st.sql, { entity: e, relation: st.relation, parameters: ['load_ts'] }),
    ),
  ];
}

/**
 * `SqlLoad.bulk`: a history's bulk form (change-bulk.ts), whose keys come back after it; or, for
 * a kind with an empty check, its own statements, the keys back after `keysAfter` of them. Only
 * where the engine has transactions: the check and the load see the same table.
 */
function bulkForm(ctx: SqlContext, e: VaultEntity, target: SqlTable, load: EntityLoad): Pick<SqlLoad, 'bulk'> {
  if (load.bulk !== undefined) {
    const statements = [...loadSettings(ctx, e), sqlStatement('load', load.bulk.load, { entity: e, relation: target, parameters: ['load_ts'] })];
    return { bulk: { empty: sqlStatement('count', load.bulk.empty, { entity: e }), statements, keysAfter: statements.length } };
  }
  if (load.emptyTable === undefined || load.statements.length === 0 || !ctx.dialect.capabilities.transactions) return {};
  const statements = loadStatements(ctx, e, target, load);
  const keysAfter = statements.length - load.statements.length + (load.keysAfter ?? load.statements.length);
  return { bulk: { empty: sqlStatement('count', load.emptyTable, { entity: e }), statements, keysAfter } };
}

/** A key's statements from `LedgerStatements.keys`. */
export interface KeyStatements {
  readonly drop: string;
  readonly add: string;
}

/**
 * `statements` of a load into an empty table, its `keys` dropped first and added again after the
 * first `keysAfter` statements (`SqlLoad.bulk`): the order `vault run` runs them in.
 * @example keysRebuilt([a, b], 1, [{ drop: 'D', add: 'A' }]) // ['D', a, 'A', b]
 */
export function keysRebuilt<T>(statements: ReadonlyArray<T>, keysAfter: number, keys: ReadonlyArray<KeyStatements>): ReadonlyArray<T | string> {
  return [...keys.map((k) => k.drop), ...statements.slice(0, keysAfter), ...keys.map((k) => k.add), ...statements.slice(keysAfter)];
}

/** The load of `e`'s changed landing rows (`SqlLoad.changes`), where that is exact and the dialect has changes tables. */
function changedRowsLoad(ctx: SqlContext, e: VaultEntity, target: SqlTable, changes: ReadonlyMap<string, SqlLandingChanges>): SqlChangedRowsLoad | undefined {
  const { sources } = changedRowReads(e);
  const tables = sources.map((s) => changes.get(s));
  if (sources.length === 0 || tables.some((t) => t === undefined)) return undefined;
  const from: SqlContext = { ...ctx, landingFrom: new Map(tables.map((t) => [t!.source, t!.changes] as const)) };
  const load = dispatch(e, LOADS, from);
  if (load === undefined || load.statements.length === 0) return undefined;
  return {
    sources,
    statements: loadStatements(from, e, target, load, ctx.dialect.changedRowsSettings),
    ...(load.missingKeys === undefined ? {} : { missingKeys: sqlStatement('count', load.missingKeys, { entity: e }) }),
    ...(load.duplicates === undefined || (e.kind !== 'satellite' && e.kind !== 'link_satellite') ? {} : { duplicates: sqlDuplicates(ctx, e, load.duplicates) }),
  };
}

/** `SqlLoad.registers`: a history's register, and each table but `target` a statement loads (a status tracking satellite's register). */
function registersOf(load: EntityLoad, target: SqlTable): ReadonlyArray<SqlTable> {
  const written = load.statements.flatMap((st) => (typeof st !== 'string' && 'relation' in st ? [st.relation] : []));
  const tables = new Map([...(load.registers ?? []), ...written].map((t) => [tableText(t), t] as const));
  tables.delete(tableText(target));
  return [...tables.values()];
}

/** The loads of every entity `vault run` loads, wave by wave (sql/waves.ts). */
function loads(ctx: SqlContext, changes: ReadonlyArray<SqlLandingChanges>): ReadonlyArray<SqlLoad> {
  const loaded = (e: VaultEntity): boolean => KINDS[e.kind].loaded;
  const waves = loadWaves(ctx.model, loaded);
  const dependencies = loadDependencies(ctx.model, loaded);
  const index = new Map(waves.flat().map(({ entity }, i) => [entity, i] as const));
  const changesBySource = new Map(changes.map((c) => [c.source, c] as const));
  return waves.flatMap((wave, i) =>
    wave.map(({ layer, entity: e }): SqlLoad => {
      const target = entityTable(ctx, e.kind, e.name);
      const load = dispatch(e, LOADS, ctx);
      if (load === undefined) throw new Error(`vault SQL: ${e.kind} '${e.name}' is loaded (KINDS), and LOADS has no load for it`);
      const changed = changedRowsLoad(ctx, e, target, changesBySource);
      return {
        entity: e.name,
        kind: e.kind,
        layer,
        wave: i,
        after: (dependencies.get(e) ?? []).map((d) => index.get(d)!).sort((a, b) => a - b),
        table: tableText(target),
        target,
        registers: registersOf(load, target),
        statements: loadStatements(ctx, e, target, load),
        sources: load.reads,
        ...(load.missingKeys === undefined ? {} : { missingKeys: sqlStatement('count', load.missingKeys, { entity: e }) }),
        ...(load.keyedRows === undefined ? {} : { keyedRows: sqlStatement('count', load.keyedRows, { entity: e }) }),
        ...(load.datedByLoad === undefined ? {} : { datedByLoad: load.datedByLoad }),
        ...(load.filledAfter === undefined ? {} : { filledAfter: sqlStatement('probe', load.filledAfter, { entity: e, parameters: ['load_ts'] }) }),
        ...bulkForm(ctx, e, target, load),
        ...(load.duplicates === undefined || (e.kind !== 'satellite' && e.kind !== 'link_satellite') ? {} : { duplicates: sqlDuplicates(ctx, e, load.duplicates) }),
        ...(changed === undefined ? {} : { changes: changed }),
      };
    }),
  );
}

/**
 * The statements to set a model up and to load it, in `dialect` (the wired one unless a test
 * asks for another). Throws when `validateSql` reports a problem.
 *
 * @example
 * const plan = sqlPlan(model);
 * for (const s of plan.setup) await client.query(s.sql);
 * for (const load of plan.loads) {
 *   await client.query('BEGIN');
 *   for (const s of load.statements) await client.query(s.sql, bindParameters(s, { load_ts: loadTimestamp }));
 *   await client.query('COMMIT');
 * }
 */
export function sqlPlan(model: VaultModel, dialect: Dialect = WIRED_DIALECT, options: SqlPlanOptions = {}): SqlPlan {
  const ctx = checked(model, dialect);
  const ledger = ledgerStatements(ctx.dialect, model.schemas.rawVault);
  const drop = dropModelViews(ctx);
  const restore = drop === undefined ? undefined : ctx.dialect.restoreViewGrants();
  const changes = modelLandingChanges(ctx);
  return {
    setup: setup(ctx, ledger, changes),
    loads: loads(ctx, options.changedRows === true ? changes : []),
    ledger,
    dropViews: drop === undefined ? undefined : sqlStatement('drop_views', drop),
    restoreViewGrants: restore === undefined ? undefined : sqlStatement('view_grants', restore),
    landingChanges: changes,
  };
}

export interface SqlPlanOptions {
  /**
   * Give each load that can read only changed landing rows its `changes` (`vault run` does): a
   * second rendering of those loads, which the files of `emitSql` do not hold.
   */
  readonly changedRows?: boolean;
}

/** A landing table: the source table, where it lives, and its quoted name for SQL. */
export interface LandingTable {
  readonly source: string;
  /** `schema.name`, unquoted. */
  readonly qualified: string;
  /** `"schema"."name"`, ready for SQL. */
  readonly sql: string;
}

/**
 * The landing tables setup creates in `dialect`, one per source table, in the model's order.
 * @example landingTables(model)[0] // { source: 'early_warning_signal', qualified: 'landing.early_warning_signal', sql: '"landing"."early_warning_signal"' }
 */
export function landingTables(model: VaultModel, dialect: Dialect = WIRED_DIALECT): ReadonlyArray<LandingTable> {
  const { tableIdent } = sqlText(dialect);
  return model.sources.map((t) => {
    const table = landingTable({ model, dialect }, t.name);
    return { source: t.name, qualified: tableText(table), sql: tableIdent(table) };
  });
}

function header(specPath: string, lines: ReadonlyArray<string>): string {
  return [`-- Generated by vault from ${sqlCommentText(specFileName(specPath))}: do not edit; change the spec and compile again.`, ...lines.map((l) => `-- ${l}`)].join('\n');
}

/**
 * The SQL files of a model in `dialect`: `sql/setup.sql` and `sql/load.sql` (in `options.dir`), the same bytes for the same model.
 * @example emitSql(model, { specPath: 'specs/ews.yaml' }).map((f) => f.path) // ['sql/load.sql', 'sql/setup.sql']
 */
export function emitSql(model: VaultModel, options: SqlOptions, dialect: Dialect = WIRED_DIALECT): ReadonlyArray<EmittedFile> {
  const plan = sqlPlan(model, dialect);
  const d = dialect;
  const setupFile = [
    header(options.specPath, [
      `Setup of model ${model.name} for ${d.title}: schemas, landing tables, raw vault tables and`,
      'their ghost records, business vault and access layer views. Idempotent: it may run again at any time.',
      `Hash keys and hashdiffs follow the ${HASHING_STANDARD} (docs/hashing.md).`,
    ]),
    ...plan.setup.map((s) => `${s.sql};`),
  ].join('\n\n');
  const loadFile = [
    header(options.specPath, [
      `Loads of model ${model.name}: insert-only, incremental, idempotent. Every statement takes one parameter,`,
      `${d.loadTimestamp.name}, the batch load timestamp (${d.columnType({ kind: 'timestamptz' })}). ${d.capabilities.transactions ? 'Run each entity in one transaction, in this order.' : 'Run them in this order.'}`,
      // Without transactions (Spark): what makes a failed run safe to run again instead.
      ...(d.capabilities.transactions ? [] : ['No transactions: each statement writes one table in one INSERT, all or nothing; a failed run is completed by running it again.']),
    ]),
    ...plan.loads.flatMap((l) => [
      ...l.statements.map((s, i) => `${i === 0 ? `-- ${l.kind} ${l.entity} -> ${l.table}\n` : ''}${s.sql};`),
      // duplicates: error_table: the rows the satellite does not keep, in the same transaction.
      ...(l.duplicates?.route === undefined ? [] : [`-- ${l.kind} ${l.entity}: rows of duplicate keys -> ${tableText(duplicatesTable(d, model.schemas.rawVault))}\n${l.duplicates.route.sql};`]),
    ]),
  ].join('\n\n');
  const dir = options.dir ?? 'sql';
  return [
    { path: `${dir}/load.sql`, content: `${loadFile}\n` },
    { path: `${dir}/setup.sql`, content: `${setupFile}\n` },
  ];
}
