/**
 * The idempotent part of setup that creates storage: schemas, landing tables (so `vault seed`
 * can fill them), raw vault tables with their primary keys, and the ghost records. Every
 * statement can run again without effect: `IF NOT EXISTS`, ghost records inserted only once.
 */
import {
  type EffectivitySatellite,
  type Hub,
  type Link,
  type LinkSatellite,
  METADATA_COLUMNS,
  type MultiActiveSatellite,
  type NonHistorizedLink,
  type ReferenceTable,
  type Satellite,
} from '@vault/core';
import { dispatch, type KindHandlers, linkKeyColumns } from '@vault/core/internal';
import { DELTA_ORDER_COLUMN, IS_DELETED_COLUMN, SNAPSHOT_COLUMNS } from '../columns.js';
import { GHOST_RECORD_SOURCE } from '../hashing-settings.js';
import type { SqlContext } from './context.js';
import type { Dialect } from './dialect/dialect.js';
import { entityTable, landingTable, modelSchemas, registerTable, statusRegisterTable, type SqlTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { sqlStatement, type SqlStatement, type StatementEntity } from './statement.js';
import { tableColumns, type TableColumn } from './table-columns.js';

export { GHOST_RECORD_SOURCE } from '../hashing-settings.js';

export function schemaStatements(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const { quoteIdent } = ctx.sql;
  return [
    ...modelSchemas(ctx).map((name) => sqlStatement('schema', `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}`, { creates: { kind: 'schema', name } })),
    ...ctx.dialect.digestSetup(ctx.model.hashing.algorithm).map((sql) => sqlStatement('extension', sql)),
  ];
}

export function landingStatements(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  return ctx.model.sources.map((t) => {
    const table = landingTable(ctx, t.name);
    const columns = t.columns.map((c) => ({ name: c.name, type: ctx.dialect.columnType(c.type), notNull: !c.nullable }));
    return tableStatement(ctx, table, columns, []);
  });
}

type RawEntity = Hub | Link | NonHistorizedLink | Satellite | LinkSatellite | MultiActiveSatellite;

/**
 * A satellite with a delta order stores each change once: (parent hash key, delta-order value,
 * hashdiff) identifies it, and the index behind this key serves the load's anti-join and its
 * reading of a key's rows in change order (load-satellite.ts). NULL delta-order values (the
 * ghost record's among them) never conflict.
 */
function uniqueKeys(e: Satellite | LinkSatellite): ReadonlyArray<ReadonlyArray<string>> {
  return e.deltaOrder !== undefined ? [[e.parentHashKey, DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff]] : [];
}

/** A table's keys: its primary key and the unique keys it adds. */
export interface TableKeys {
  readonly primary: ReadonlyArray<string>;
  readonly unique: ReadonlyArray<ReadonlyArray<string>>;
}

const keyed = (e: Hub | Link | NonHistorizedLink): TableKeys => ({ primary: [e.hashKey], unique: [] });
const satellite = (e: Satellite | LinkSatellite): TableKeys => ({ primary: [e.parentHashKey, METADATA_COLUMNS.loadTimestamp], unique: uniqueKeys(e) });
const view = (): undefined => undefined;
/** An effectivity satellite: one start row per driving key and load timestamp; with a delta order, each start is stored once. */
const effectivity = (e: EffectivitySatellite): TableKeys => ({
  primary: [...e.drivingKey, METADATA_COLUMNS.loadTimestamp],
  unique: e.deltaOrder !== undefined ? [[...e.drivingKey, DELTA_ORDER_COLUMN, e.parentHashKey]] : [],
});
/**
 * A multi-active satellite holds a set per key and load: one row per multi-active key. With a
 * delta order, a set (key, delta-order value, set hashdiff) is stored once, as a satellite's row.
 */
const multiActiveSatellite = (s: MultiActiveSatellite): TableKeys => {
  const key = s.multiActiveKey.map((c) => c.name);
  return {
    primary: [s.parentHashKey, METADATA_COLUMNS.loadTimestamp, ...key],
    unique: s.deltaOrder !== undefined ? [[s.parentHashKey, DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff, ...key]] : [],
  };
};
/** A reference table is keyed by its code and load timestamp (no hash key); with a delta order, each change is stored once, as in a satellite. */
const referenceTable = (r: ReferenceTable): TableKeys => {
  const codes = r.codes.map((c) => c.name);
  return { primary: [...codes, METADATA_COLUMNS.loadTimestamp], unique: r.deltaOrder !== undefined ? [[...codes, DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff]] : [] };
};

/** The keys of each kind's table; `undefined` for the kinds setup creates as views. */
export const TABLE_KEYS: KindHandlers<TableKeys | undefined> = {
  hub: keyed,
  link: keyed,
  non_historized_link: keyed,
  satellite,
  link_satellite: satellite,
  effectivity_satellite: effectivity,
  multi_active_satellite: multiActiveSatellite,
  // One row per key and status change: the key and the load it changed in.
  status_tracking_satellite: (s) => ({ primary: [s.parentHashKey, METADATA_COLUMNS.loadTimestamp], unique: [] }),
  reference_table: referenceTable,
  // One row per date.
  snapshot_control: () => ({ primary: [SNAPSHOT_COLUMNS.date], unique: [] }),
  // One row per snapshot and key; the date leads, so a load finds a snapshot's rows (or their absence) by an index probe.
  pit: (p) => ({ primary: [SNAPSHOT_COLUMNS.date, p.parentHashKey], unique: [] }),
  // One row per snapshot and chain: a chain is its links (each link's hash key fixes its hubs).
  bridge: (b) => ({ primary: [SNAPSHOT_COLUMNS.date, ...b.path.filter((e) => e.kind === 'link').map((e) => e.hashKey)], unique: [] }),
  business_hub: view,
  business_link: view,
  business_satellite: view,
  business_link_satellite: view,
  presentation_view: view,
  dimensional_model: view,
  reporting_view: view,
};

export function rawVaultTables(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  return ctx.model.entities.flatMap((e) => {
    const keys = dispatch(e, TABLE_KEYS);
    if (keys === undefined) return [];
    const table = entityTable(ctx, e.kind, e.name);
    return [tableStatement(ctx, table, tableColumns(ctx, e), keys.primary, keys.unique, e)];
  });
}

/**
 * The load order indexes (`Dialect.loadOrderIndex`) on `load_ts` of the tables a PIT reads by
 * load order: its hub or link (the keys loaded since the previous snapshot, and whether any key
 * was known by a snapshot's cut-off) and the satellites it reads incrementally (every kind but
 * the effectivity satellite, which it reads whole: the rows loaded since the previous snapshot)
 * (docs/sql.md, "Point-in-time tables"). Each table once, parents first, in the model's order.
 */
export function loadOrderIndexes(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const { tableIdent } = ctx.sql;
  const pits = ctx.model.byKind.pit;
  const parents = pits.map((p) => ({ kind: p.parentKind, name: p.parent }));
  const satellites = pits.flatMap((p) => p.satellites.filter((s) => s.kind !== 'effectivity_satellite'));
  const read = new Map([...parents, ...satellites].map((e) => [`${e.kind} ${e.name}`, e] as const));
  return [...read.values()].flatMap((e) => {
    const table = entityTable(ctx, e.kind, e.name);
    const index = { schema: table.schema, name: `${table.name}_${METADATA_COLUMNS.loadTimestamp}` };
    const sql = ctx.dialect.loadOrderIndex(tableIdent(table), index.name, METADATA_COLUMNS.loadTimestamp);
    return sql === undefined ? [] : [sqlStatement('table', sql, { entity: e, relation: table, creates: { kind: 'relation', relation: index } })];
  });
}

/**
 * The registers of satellites, multi-active satellites and reference tables with a delta order:
 * the key (parent hash key, or the codes), delta-order value and hashdiff of each row (of a
 * multi-active satellite, each set: its set hashdiff) the table was given and did not keep, with
 * the load timestamp that brought it first; `UNIQUE` like the table's own rows (sets). Its columns
 * have the table's types.
 */
export function registerTables(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  // The change engine's register: the history's key, the delta order, the compared value (change-engine.ts).
  const histories = [
    ...[...ctx.model.byKind.satellite, ...ctx.model.byKind.link_satellite, ...ctx.model.byKind.multi_active_satellite].map((s) => ({
      e: s,
      keys: [s.parentHashKey],
      compared: METADATA_COLUMNS.hashDiff,
    })),
    ...ctx.model.byKind.effectivity_satellite.map((s) => ({ e: s, keys: s.drivingKey, compared: s.parentHashKey })),
    ...ctx.model.byKind.reference_table.map((r) => ({ e: r, keys: r.codes.map((c) => c.name), compared: METADATA_COLUMNS.hashDiff })),
  ];
  const satellites = histories.flatMap(({ e, keys, compared }) => {
    if (e.deltaOrder === undefined) return [];
    const table = registerTable(ctx, e);
    const of = new Map(tableColumns(ctx, e).map((c) => [c.name, c]));
    const names = [...keys, DELTA_ORDER_COLUMN, compared, METADATA_COLUMNS.loadTimestamp];
    const columns = names.map((n) => of.get(n) ?? fail(n));
    return [tableStatement(ctx, table, columns, [], [[...keys, DELTA_ORDER_COLUMN, compared]], e)];

    function fail(column: string): never {
      throw new Error(`vault SQL: ${e.kind} '${e.name}' has no column ${column}`);
    }
  });
  // A status tracking satellite of a CDC table with a delta order: every status it was given.
  const statuses = ctx.model.byKind.status_tracking_satellite.flatMap((s) => {
    const table = statusRegisterTable(ctx, s);
    if (table === undefined) return [];
    const of = new Map(tableColumns(ctx, s).map((c) => [c.name, c]));
    const columns = [s.parentHashKey, DELTA_ORDER_COLUMN, IS_DELETED_COLUMN].map((n) => of.get(n)!);
    const loaded = { ...of.get(METADATA_COLUMNS.loadTimestamp)!, notNull: true };
    return [tableStatement(ctx, table, [...columns, loaded], [], [[s.parentHashKey, DELTA_ORDER_COLUMN, IS_DELETED_COLUMN]], s)];
  });
  return [...satellites, ...statuses];
}

/** The line closing a `CREATE TABLE`'s column list, with the engine's storage format when it names one. */
export const tableEnd = (d: Dialect): string => (d.tableStorage === '' ? ')' : `) ${d.tableStorage}`);

/** The statement creating `table`, which names the columns it declares (`CreatedObject`). */
function tableStatement(
  ctx: SqlContext,
  table: SqlTable,
  columns: ReadonlyArray<TableColumn>,
  key: ReadonlyArray<string>,
  unique: ReadonlyArray<ReadonlyArray<string>> = [],
  entity?: StatementEntity,
): SqlStatement {
  return sqlStatement('table', createTable(ctx, ctx.sql.tableIdent(table), columns, key, unique), {
    ...(entity !== undefined ? { entity } : {}),
    relation: table,
    creates: { kind: 'relation', relation: table, columns: columns.map((c) => ({ name: c.name, type: c.type })) },
  });
}

/** A table of `columns`; its keys are declared only where the engine has key constraints. */
function createTable(ctx: SqlContext, table: string, columns: ReadonlyArray<TableColumn>, key: ReadonlyArray<string>, unique: ReadonlyArray<ReadonlyArray<string>> = []): Statement {
  const { quoteIdent } = ctx.sql;
  const list = (names: ReadonlyArray<string>): string => names.map(quoteIdent).join(', ');
  const keys = ctx.dialect.capabilities.keyConstraints;
  return statement((w) => {
    w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
    w.block(() =>
      commaList(w, [
        ...columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`),
        ...(keys && key.length > 0 ? [`PRIMARY KEY (${list(key)})`] : []),
        ...(keys ? unique.map((u) => `UNIQUE (${list(u)})`) : []),
      ]),
    );
    w.line(tableEnd(ctx.dialect));
  });
}

/**
 * The ghost ("unknown") records: one per hub and link (all-zero hash keys, business keys the
 * type's placeholder, `Dialect.ghostValue`) and one per satellite (all-zero parent hash key,
 * load timestamp 0001-01-01, all-zero hashdiff, NULL payload), so that joins from any table
 * find a row.
 */
export function ghostRecords(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const { quoteIdent, quoteLiteral, tableIdent } = ctx.sql;
  const { ghostValue } = ctx.dialect;
  const zero = quoteLiteral(ctx.zeroHash);
  // The timestamptz placeholder is the earliest instant: before any real load.
  const loadTs = ghostValue({ kind: 'timestamptz' });
  const recordSource = quoteLiteral(GHOST_RECORD_SOURCE);
  const insert = (e: RawEntity, values: ReadonlyArray<readonly [string, string]>): ReadonlyArray<SqlStatement> => {
    const table = entityTable(ctx, e.kind, e.name);
    const sql = ctx.dialect.insertOnce(
      tableIdent(table),
      values.map(([c]) => quoteIdent(c)),
      values.map(([, v]) => v),
    );
    return [sqlStatement('ghost_record', sql, { entity: e, relation: table })];
  };
  const metadata = [
    [METADATA_COLUMNS.loadTimestamp, loadTs],
    [METADATA_COLUMNS.recordSource, recordSource],
  ] as const;
  const satellite = (s: Satellite | LinkSatellite): ReadonlyArray<SqlStatement> => insert(s, [[s.parentHashKey, zero], ...metadata, [METADATA_COLUMNS.hashDiff, zero]]);
  const none = (): ReadonlyArray<SqlStatement> => [];
  const ghosts: KindHandlers<ReadonlyArray<SqlStatement>> = {
    hub: (h) => insert(h, [[h.hashKey, zero], ...h.businessKeys.map((k) => [k.name, ghostValue(k.type)] as const), ...metadata]),
    link: (l) => insert(l, [[l.hashKey, zero], ...l.hubs.map((h) => [h.hashKey, zero] as const), ...linkKeyColumns(l).map((k) => [k.name, ghostValue(k.type)] as const), ...metadata]),
    // The unknown event: a fact view's outer joins find it; its attributes are NULL.
    non_historized_link: (l) => insert(l, [[l.hashKey, zero], ...l.hubs.map((h) => [h.hashKey, zero] as const), ...linkKeyColumns(l).map((k) => [k.name, ghostValue(k.type)] as const), ...metadata]),
    satellite,
    link_satellite: satellite,
    // None: a start row always points at a link row; the zero key's is an end, not a relationship.
    effectivity_satellite: none,
    multi_active_satellite: (s) => insert(s, [[s.parentHashKey, zero], ...metadata, [METADATA_COLUMNS.hashDiff, zero], ...s.multiActiveKey.map((k) => [k.name, ghostValue(k.type)] as const)]),
    // None: the ghost key has no status; current views keep it whatever its (absent) status.
    status_tracking_satellite: none,
    // None: a code the reference table lacks still shows through the left join, with NULL descriptions.
    reference_table: none,
    // None: a date is a snapshot or not.
    snapshot_control: none,
    // None: every row points at satellite rows (or their ghosts); no table points at a PIT's.
    pit: none,
    // None: a chain is effective at a snapshot or not.
    bridge: none,
    business_hub: none,
    business_link: none,
    business_satellite: none,
    business_link_satellite: none,
    presentation_view: none,
    dimensional_model: none,
    reporting_view: none,
  };
  return ctx.model.entities.flatMap((e) => dispatch(e, ghosts));
}
