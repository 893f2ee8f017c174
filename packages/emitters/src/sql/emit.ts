/**
 * The PostgreSQL target: a VaultModel in, SQL out. `sqlPlan` gives the statements for a tool to
 * run (`vault run`); `emitSql` prints the same statements as files for people to read and run.
 * Pure: no disk, clock or database.
 */
import type { LinkSatellite, Satellite, VaultModel } from '@vault/core';
import { KINDS, dispatch, type EntityOfKind, type KindHandlers, type LoadedKind } from '@vault/core/internal';
import type { EmittedFile } from '../emitted-file.js';
import { sqlContext, type SqlContext } from './context.js';
import { ghostRecords, landingStatements, rawVaultTables, schemaStatements } from './ddl.js';
import { evolveRawVaultTables } from './evolve.js';
import { HASHING_STANDARD } from './hashing.js';
import { hubLoad, linkLoad } from './load.js';
import { satelliteLoad } from './load-satellite.js';
import { ledgerStatements, type LedgerStatements } from './ledger.js';
import { entityTable, landingTable, tableText, type SqlTable } from './names.js';
import { sqlCommentText, tableIdent } from './quote.js';
import { setupViews } from './setup-views.js';
import { validateSql } from './validate.js';
import { specFileName } from '../spec-name.js';
import { dropModelViews } from './views.js';
import type { Statement } from './sql-writer.js';

export interface SqlOptions {
  /** The spec file as the user gave it: every file's header names its file name (`specFileName`). */
  readonly specPath: string;
}

/** The kinds `vault run` loads (`KINDS[kind].loaded`). */
export type RawVaultKind = LoadedKind;

/** The load of one raw vault entity: run its statements in one transaction, `$1` bound to the batch load timestamp. */
export interface SqlLoad {
  readonly entity: string;
  readonly kind: RawVaultKind;
  /** `KINDS[kind].layer`: 'raw_vault' for every kind loaded today. */
  readonly layer: (typeof KINDS)[RawVaultKind]['layer'];
  /** `schema.name` of the table loaded. */
  readonly table: string;
  /** The table loaded. */
  readonly target: SqlTable;
  readonly statements: ReadonlyArray<string>;
  /** The landing tables the statements read, each once, in the model's order. */
  readonly sources: ReadonlyArray<SqlTable>;
}

export interface SqlPlan {
  /** Idempotent: schemas, landing tables, raw vault tables, ghost records, views, in order. */
  readonly setup: ReadonlyArray<string>;
  /** Hubs, then links, then satellites and link satellites: parents before what points at them. */
  readonly loads: ReadonlyArray<SqlLoad>;
  /** `vault run`'s record of loads (its table is part of `setup`). */
  readonly ledger: LedgerStatements;
  /** Drops the model's views, for setup to create them again (`vault run --replace-views`). */
  readonly dropViews: Statement | undefined;
}

function checked(model: VaultModel): SqlContext {
  const problems = validateSql(model);
  if (problems.length > 0) throw new Error(`vault SQL: cannot emit valid SQL:\n${problems.join('\n')}`);
  return sqlContext(model);
}

function setup(ctx: SqlContext, ledger: LedgerStatements): ReadonlyArray<string> {
  return [
    ...schemaStatements(ctx), ...landingStatements(ctx), ...rawVaultTables(ctx), ...evolveRawVaultTables(ctx), ledger.create, ...ghostRecords(ctx),
    ...setupViews(ctx),
  ];
}

/** The landing tables an entity's load reads, each once, in the model's order. */
function loadSources(ctx: SqlContext, tables: ReadonlyArray<string>): ReadonlyArray<SqlTable> {
  const read = new Set(tables);
  return ctx.model.sources.filter((t) => read.has(t.name)).map((t) => landingTable(ctx.model, t.name));
}

function load(ctx: SqlContext, e: EntityOfKind<RawVaultKind>, statements: ReadonlyArray<string>, tables: ReadonlyArray<string>): ReadonlyArray<SqlLoad> {
  return [{
    entity: e.name,
    kind: e.kind,
    layer: KINDS[e.kind].layer,
    table: tableText(entityTable(ctx.model, e.kind, e.name)),
    target: entityTable(ctx.model, e.kind, e.name),
    statements,
    sources: loadSources(ctx, tables),
  }];
}

const satelliteLoads = (s: Satellite | LinkSatellite, ctx: SqlContext): ReadonlyArray<SqlLoad> => load(ctx, s, [satelliteLoad(ctx, s)], [s.source.table]);
const notLoaded = (): ReadonlyArray<SqlLoad> => [];

/** The load of each kind `vault run` loads; the business vault and access layer are views. */
const LOADS: KindHandlers<ReadonlyArray<SqlLoad>, SqlContext> = {
  // A hub or link without a source has nothing to load.
  hub: (h, ctx) => load(ctx, h, h.sources.length === 0 ? [] : [hubLoad(ctx, h)], h.sources.map((s) => s.table)),
  link: (l, ctx) => load(ctx, l, l.sources.length === 0 ? [] : [linkLoad(ctx, l)], l.sources.map((s) => s.table)),
  satellite: satelliteLoads,
  link_satellite: satelliteLoads,
  business_hub: notLoaded,
  business_link: notLoaded,
  business_satellite: notLoaded,
  business_link_satellite: notLoaded,
  presentation_view: notLoaded,
  dimensional_model: notLoaded,
  reporting_view: notLoaded,
};

function loads(ctx: SqlContext): ReadonlyArray<SqlLoad> {
  return ctx.model.entities.flatMap((e) => dispatch(e, LOADS, ctx));
}

/**
 * The statements to set a model up and to load it. Throws when `validateSql` reports a problem.
 *
 * @example
 * const plan = sqlPlan(model);
 * for (const s of plan.setup) await client.query(s);
 * for (const load of plan.loads) {
 *   await client.query('BEGIN');
 *   for (const s of load.statements) await client.query(s, [loadTimestamp]);
 *   await client.query('COMMIT');
 * }
 */
export function sqlPlan(model: VaultModel): SqlPlan {
  const ctx = checked(model);
  const ledger = ledgerStatements(model.schemas.rawVault);
  return { setup: setup(ctx, ledger), loads: loads(ctx), ledger, dropViews: dropModelViews(model) };
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
 * The landing tables setup creates, one per source table, in the model's order.
 * @example landingTables(model)[0] // { source: 'early_warning_signal', qualified: 'landing.early_warning_signal', sql: '"landing"."early_warning_signal"' }
 */
export function landingTables(model: VaultModel): ReadonlyArray<LandingTable> {
  return model.sources.map((t) => {
    const table = landingTable(model, t.name);
    return { source: t.name, qualified: tableText(table), sql: tableIdent(table) };
  });
}

function header(specPath: string, lines: ReadonlyArray<string>): string {
  return [`-- Generated by vault from ${sqlCommentText(specFileName(specPath))}: do not edit; change the spec and compile again.`, ...lines.map((l) => `-- ${l}`)].join('\n');
}

/**
 * The SQL files of a model: `sql/setup.sql` and `sql/load.sql`, the same bytes for the same model.
 * @example emitSql(model, { specPath: 'specs/ews.yaml' }).map((f) => f.path) // ['sql/load.sql', 'sql/setup.sql']
 */
export function emitSql(model: VaultModel, options: SqlOptions): ReadonlyArray<EmittedFile> {
  const plan = sqlPlan(model);
  const setupFile = [
    header(options.specPath, [
      `Setup of model ${model.name} for PostgreSQL 11 or later: schemas, landing tables, raw vault tables and`,
      'their ghost records, business vault and access layer views. Idempotent: it may run again at any time.',
      `Hash keys and hashdiffs follow the ${HASHING_STANDARD} (docs/hashing.md).`,
    ]),
    ...plan.setup.map((s) => `${s};`),
  ].join('\n\n');
  const loadFile = [
    header(options.specPath, [
      `Loads of model ${model.name}: insert-only, incremental, idempotent. Every statement takes one parameter,`,
      '$1, the batch load timestamp (timestamptz). Run each entity in one transaction, in this order.',
    ]),
    ...plan.loads.flatMap((l) => l.statements.map((s, i) => `${i === 0 ? `-- ${l.kind} ${l.entity} -> ${l.table}\n` : ''}${s};`)),
  ].join('\n\n');
  return [
    { path: 'sql/load.sql', content: `${loadFile}\n` },
    { path: 'sql/setup.sql', content: `${setupFile}\n` },
  ];
}
