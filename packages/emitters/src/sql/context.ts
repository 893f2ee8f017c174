/**
 * Lookups the SQL target needs, built once per model: models reach 10,000 tables, so nothing
 * may scan a list per entity.
 */
import type {
  BusinessHub,
  BusinessLink,
  BusinessLinkSatellite,
  BusinessSatellite,
  Column,
  EffectivitySatellite,
  EntitySource,
  Hub,
  Link,
  LinkSatellite,
  Satellite,
  StatusTrackingSatellite,
  VaultModel,
} from '@vault/core';
import { entitiesOf, linkKeyColumns } from '@vault/core/internal';
import type { Dialect } from './dialect/dialect.js';
import { zeroHash } from './hashing.js';
import type { SqlTable } from './names.js';
import { sqlText, type SqlText } from './quote.js';

export interface SqlContext {
  readonly model: VaultModel;
  /** The engine the SQL is for: every construct not common to all engines goes through it. */
  readonly dialect: Dialect;
  /** The dialect's quoting of names, columns and literals. */
  readonly sql: SqlText;
  readonly hubs: ReadonlyMap<string, Hub>;
  readonly links: ReadonlyMap<string, Link>;
  readonly satellites: ReadonlyMap<string, Satellite>;
  readonly linkSatellites: ReadonlyMap<string, LinkSatellite>;
  /** Effectivity satellites by the link they belong to. */
  readonly effectivityOf: ReadonlyMap<string, EffectivitySatellite>;
  /** Status tracking satellites by the hub or link whose keys they track (`hub:x`, `link:y`). */
  readonly statusTrackersOf: ReadonlyMap<string, ReadonlyArray<StatusTrackingSatellite>>;
  readonly businessHubs: ReadonlyMap<string, BusinessHub>;
  readonly businessLinks: ReadonlyMap<string, BusinessLink>;
  readonly businessSatellites: ReadonlyMap<string, BusinessSatellite>;
  /** Business (link) satellites by the business hub (link) they describe. */
  readonly businessSatelliteOf: ReadonlyMap<string, BusinessSatellite>;
  readonly businessLinkSatelliteOf: ReadonlyMap<string, BusinessLinkSatellite>;
  /** Landing columns: table → column → column. */
  readonly sourceColumns: ReadonlyMap<string, ReadonlyMap<string, Column>>;
  /** What each landing table's rows hold in `record_source`. */
  readonly recordSources: ReadonlyMap<string, string>;
  /** The delta-order column of a landing table, when its satellites declare one. */
  readonly deltaOrder: ReadonlyMap<string, string>;
  /** The ghost record's hash key. */
  readonly zeroHash: string;
  /** Landing tables read from another relation (names.ts, `NameScope.landingFrom`). */
  readonly landingFrom?: ReadonlyMap<string, SqlTable>;
}

function index<T extends { readonly name: string }>(items: ReadonlyArray<T>, key: (t: T) => string = (t) => t.name): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) if (!out.has(key(item))) out.set(key(item), item);
  return out;
}

export function sqlContext(model: VaultModel, dialect: Dialect): SqlContext {
  const deltaOrder = new Map<string, string>();
  for (const s of [...entitiesOf(model, 'satellite'), ...entitiesOf(model, 'link_satellite')]) {
    if (s.deltaOrder !== undefined && !deltaOrder.has(s.source.table)) deltaOrder.set(s.source.table, s.deltaOrder);
  }
  const statusTrackersOf = new Map<string, StatusTrackingSatellite[]>();
  for (const s of entitiesOf(model, 'status_tracking_satellite')) {
    const key = `${s.parentKind}:${s.parent}`;
    statusTrackersOf.set(key, [...(statusTrackersOf.get(key) ?? []), s]);
  }
  return {
    model,
    dialect,
    sql: sqlText(dialect),
    hubs: index(entitiesOf(model, 'hub')),
    links: index(entitiesOf(model, 'link')),
    satellites: index(entitiesOf(model, 'satellite')),
    linkSatellites: index(entitiesOf(model, 'link_satellite')),
    effectivityOf: index(entitiesOf(model, 'effectivity_satellite'), (e) => e.parent),
    statusTrackersOf,
    businessHubs: index(entitiesOf(model, 'business_hub')),
    businessLinks: index(entitiesOf(model, 'business_link')),
    businessSatellites: index(entitiesOf(model, 'business_satellite')),
    businessSatelliteOf: index(entitiesOf(model, 'business_satellite'), (s) => s.parent),
    businessLinkSatelliteOf: index(entitiesOf(model, 'business_link_satellite'), (s) => s.parent),
    sourceColumns: new Map(model.sources.map((t) => [t.name, new Map(t.columns.map((c) => [c.name, c] as const))] as const)),
    recordSources: new Map(model.sources.map((t) => [t.name, t.recordSource] as const)),
    deltaOrder,
    zeroHash: zeroHash(model.hashing.algorithm),
  };
}

/** A landing column, which must exist: a model names only columns of its sources. */
export function sourceColumn(ctx: SqlContext, table: string, column: string): Column {
  const c = ctx.sourceColumns.get(table)?.get(column);
  if (c === undefined) throw new Error(`vault SQL: the model reads ${table}.${column}, which is not a column of its landing tables`);
  return c;
}

export function need<T>(map: ReadonlyMap<string, T>, name: string, what: string): T {
  const v = map.get(name);
  if (v === undefined) throw new Error(`vault SQL: the model has no ${what} '${name}', which another entity refers to`);
  return v;
}

/**
 * The landing columns holding a satellite's parent key: `parentKey` when the satellite describes a
 * hub its table references. Else the IR gives a satellite's payload
 * columns, not its key columns, so they are found among the parent's sources from the same
 * table: the only one; or, when the table carries the parent's key more than once (a self
 * reference such as staff.manager_staff_id), the one whose columns are named like the parent's
 * business keys (the table's own key); or else the first.
 */
export function parentKeySource(ctx: SqlContext, sat: Satellite | LinkSatellite): EntitySource | undefined {
  // A satellite of a hub its table references says which columns hold the key.
  if (sat.kind === 'satellite' && sat.parentKey !== undefined) return { table: sat.source.table, columns: sat.parentKey };
  const parent = sat.kind === 'satellite' ? ctx.hubs.get(sat.parent) : ctx.links.get(sat.parent);
  if (parent === undefined) return undefined;
  const candidates = parent.sources.filter((s) => s.table === sat.source.table);
  if (candidates.length <= 1) return candidates[0];
  const keyNames = (parent.kind === 'hub' ? parent.businessKeys : linkKeyColumns(parent)).map((c) => c.name).join('\u0000');
  return candidates.find((s) => s.columns.join('\u0000') === keyNames) ?? candidates[0];
}
