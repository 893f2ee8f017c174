/**
 * Raw vault entities in the Query DSL (docs/querydsl.md): hubs and links start from their own
 * mapping (links join each hub's mapping on its hash key); satellites, link satellites and
 * multi-active satellites join their parent's mapping on the parent hash key (a link satellite
 * then drops it, as the contract's link satellite pattern does).
 */
import { linkKeyColumns } from '@vault/core/internal';
import type { EffectivitySatellite, EntitySource, Hub, Link, LinkSatellite, MultiActiveSatellite, NonHistorizedLink, ReferenceTable, Satellite, StatusTrackingSatellite } from '@vault/core';
import { childKeysEntry, columnMap, typeText, type EntityDsl, type PyDict } from './entity-dsl.js';
import type { DslContext, FileScope } from './scope.js';
import { MISSING_REFERENCES } from '../hashing-settings.js';
import { IS_DELETED_COLUMN, LATE_ROWS } from '../columns.js';
import { duplicatesLiteral } from '../duplicates-literal.js';

/** A source of a hub or link as its field mapping lists it: the table, its columns, and what its rows hold in `record_source`. */
function sourceEntry(ctx: DslContext, s: EntitySource): PyDict {
  return { table: s.table, columns: s.columns, record_source: recordSource(ctx, s.table) };
}

/** A dependent entity's steps: it joins its parent's mapping on the parent hash key, its business key. */
function joinsParent(kind: 'hub' | 'link', parent: string, parentHashKey: string): Pick<EntityDsl, 'steps' | 'businessKey'> {
  return {
    steps: (scope) => [{ method: scope.method('join'), args: [{ code: scope.query(kind, parent) }, { code: scope.joinCondition(parentHashKey) }] }],
    businessKey: parentHashKey,
  };
}

/** The first fields of a dependent entity's mapping: its name and kind, its source table and record source, its parent and the parent's hash key. */
function dependentMapping(
  e: { readonly name: string; readonly kind: string; readonly source: { readonly table: string }; readonly parent: string; readonly parentHashKey: string },
  ctx: DslContext,
): PyDict {
  return { name: e.name, kind: e.kind, source_table: e.source.table, record_source: recordSource(ctx, e.source.table), parent: e.parent, parent_hash_key: e.parentHashKey };
}

function recordSource(ctx: DslContext, table: string): string {
  const source = ctx.recordSources.get(table);
  if (source === undefined) throw new Error(`vault Query DSL: the model reads ${table}, which is not one of its source tables`);
  return source;
}

export function hubDsl(hub: Hub, ctx: DslContext): EntityDsl {
  const first = hub.sources[0];
  const keys = hub.businessKeys.map((c) => c.name);
  return {
    mapping: {
      name: hub.name,
      kind: hub.kind,
      source_table: first?.table ?? null,
      hash_key: hub.hashKey,
      business_keys: keys,
      columns: columnMap(hub.businessKeys.map((c, i) => [c.name, { source_column: first?.columns[i] ?? null, type: typeText(c.type) }])),
      sources: hub.sources.map((s) => sourceEntry(ctx, s)),
    },
    steps: () => [],
    businessKey: keys,
  };
}

/** A link's hubs as its field mapping lists them: hub, role (`None` when unnamed) and the link's column holding its hash key. */
const hubEntries = (link: Link | NonHistorizedLink): PyDict[] => link.hubs.map((h) => ({ hub: h.hub, role: h.role ?? null, hash_key: h.hashKey }));

/** A link's key columns (each hub's, then its dependent child keys) with their columns in its first source. */
function keyColumnEntries(link: Link | NonHistorizedLink): Array<[string, PyDict]> {
  const first = link.sources[0];
  return linkKeyColumns(link).map((c, i) => [c.name, { source_column: first?.columns[i] ?? null, type: typeText(c.type) }]);
}

/** Each hub's mapping, joined on the link's column for that hub (a role's own column when the link holds the same hub twice). */
const joinHubs =
  (link: Link | NonHistorizedLink) =>
  (scope: FileScope): ReturnType<EntityDsl['steps']> =>
    link.hubs.map((h) => ({ method: scope.method('join'), args: [{ code: scope.query('hub', h.hub) }, { code: scope.joinCondition(h.hashKey) }] }));

export function linkDsl(link: Link, ctx: DslContext): EntityDsl {
  const first = link.sources[0];
  const keyColumns = linkKeyColumns(link);
  return {
    mapping: {
      name: link.name,
      kind: link.kind,
      source_table: first?.table ?? null,
      hash_key: link.hashKey,
      hubs: hubEntries(link),
      // The side whose relationship changes over time (docs/inference.md, "Links"); [] for none.
      driving_key: link.drivingKey ?? [],
      // The load keeps a row with a missing reference, as the SQL target does (docs/querydsl.md).
      missing_references: MISSING_REFERENCES,
      business_keys: keyColumns.map((c) => c.name),
      ...childKeysEntry(link),
      columns: columnMap(keyColumnEntries(link)),
      sources: link.sources.map((s) => sourceEntry(ctx, s)),
    },
    steps: joinHubs(link),
    businessKey: keyColumns.map((c) => c.name),
  };
}

/**
 * A non-historized link: a link's mapping plus the event's attributes as columns of its own and
 * the facts a framework needs to load it: insert-only (an event already loaded is never loaded
 * again, whatever its attributes), no satellite.
 */
export function nonHistorizedLinkDsl(link: NonHistorizedLink, ctx: DslContext): EntityDsl {
  const first = link.sources[0];
  const keyColumns = linkKeyColumns(link);
  return {
    mapping: {
      name: link.name,
      kind: link.kind,
      source_table: first?.table ?? null,
      hash_key: link.hashKey,
      hubs: hubEntries(link),
      missing_references: MISSING_REFERENCES,
      insert_only: true,
      business_keys: keyColumns.map((c) => c.name),
      ...childKeysEntry(link),
      event_attributes: link.payload.map((c) => c.name),
      sensitive_attributes: [...(link.sensitiveColumns ?? [])],
      delta_order: link.deltaOrder ?? null,
      columns: columnMap([...keyColumnEntries(link), ...link.payload.map((c): [string, PyDict] => [c.name, { source_column: c.sourceColumn, type: typeText(c.type) }])]),
      sources: link.sources.map((s) => sourceEntry(ctx, s)),
    },
    steps: joinHubs(link),
    businessKey: keyColumns.map((c) => c.name),
  };
}

function satelliteMapping(sat: Satellite | LinkSatellite, ctx: DslContext): PyDict {
  return {
    ...dependentMapping(sat, ctx),
    // A satellite of a hub its table only references: the reference's columns key the parent.
    ...(sat.kind === 'satellite' && sat.parentKey !== undefined ? { parent_key_columns: sat.parentKey } : {}),
    delta_order: sat.deltaOrder ?? null,
    // With a delta order, late rows are compared with all the key's rows, through a register (docs/querydsl.md).
    late_rows: sat.deltaOrder === undefined ? null : LATE_ROWS,
    // What a load does with duplicate keys in one batch, as plain data (docs/querydsl.md).
    duplicates: duplicatesLiteral(sat),
    columns: columnMap(sat.payload.map((c) => [c.name, { source_column: c.sourceColumn, type: typeText(c.type) }])),
  };
}

export function satelliteDsl(sat: Satellite, ctx: DslContext): EntityDsl {
  return {
    mapping: satelliteMapping(sat, ctx),
    ...joinsParent('hub', sat.parent, sat.parentHashKey),
  };
}

/**
 * A multi-active satellite: a satellite's mapping plus its multi-active key, as a literal, and what
 * a load compares: each key's whole set of rows (docs/querydsl.md).
 */
export function multiActiveSatelliteDsl(sat: MultiActiveSatellite, ctx: DslContext): EntityDsl {
  return {
    mapping: {
      ...dependentMapping(sat, ctx),
      parent_key_columns: sat.parentKey,
      multi_active_key: sat.multiActiveKey.map((c) => c.name),
      delta_order: sat.deltaOrder ?? null,
      columns: columnMap([...sat.multiActiveKey, ...sat.payload].map((c) => [c.name, { source_column: c.sourceColumn, type: typeText(c.type) }])),
    },
    ...joinsParent('hub', sat.parent, sat.parentHashKey),
  };
}

/**
 * A link satellite's chain is the framework's link satellite pattern, the one pattern known to
 * use `.drop`: join the link's mapping on the link hash key, `.drop([that column])`, then build
 * with that column as the key. No other kind's known pattern drops, so none does here.
 */
export function linkSatelliteDsl(sat: LinkSatellite, ctx: DslContext): EntityDsl {
  const joined = joinsParent('link', sat.parent, sat.parentHashKey);
  return {
    mapping: satelliteMapping(sat, ctx),
    steps: (scope) => [...joined.steps(scope), { method: scope.method('drop'), args: [{ literal: [sat.parentHashKey] }] }],
    businessKey: joined.businessKey,
  };
}

/**
 * An effectivity satellite: the link's relationships as they start, per driving key. The facts a
 * framework needs to load it are plain literals: the driving key, the source's key columns, the
 * delta order and how late rows are taken (docs/querydsl.md).
 */
export function effectivitySatelliteDsl(eff: EffectivitySatellite, ctx: DslContext): EntityDsl {
  return {
    mapping: {
      name: eff.name,
      kind: eff.kind,
      source_table: eff.source.table,
      driving_key: eff.drivingKey,
      record_source: recordSource(ctx, eff.source.table),
      parent: eff.parent,
      parent_hash_key: eff.parentHashKey,
      // The source's columns, lined up with the link's key columns.
      key_columns: eff.source.columns,
      // A relationship to the zero key (the reference is now missing) ends the previous one.
      ends_on_zero_key: true,
      delta_order: eff.deltaOrder ?? null,
      late_rows: eff.deltaOrder === undefined ? null : LATE_ROWS,
      // Every mapping has its columns; this one's are all hash keys and metadata, which the framework computes.
      columns: columnMap([]),
    },
    ...joinsParent('link', eff.parent, eff.parentHashKey),
  };
}

/**
 * A status tracking satellite joins its hub or link; what a batch holds and how the table marks
 * deletes are plain literals of its mapping (docs/querydsl.md), its one column the key's status.
 */
export function statusTrackingSatelliteDsl(sts: StatusTrackingSatellite, ctx: DslContext): EntityDsl {
  return {
    mapping: {
      ...dependentMapping(sts, ctx),
      key_columns: sts.source.columns,
      delta_order: sts.deltaOrder ?? null,
      batches: sts.batches,
      deletes: sts.deletes === undefined ? null : sts.deletes.kind === 'flag' ? { flag: sts.deletes.column } : { operation: sts.deletes.column, delete_values: sts.deletes.values },
      columns: columnMap([[IS_DELETED_COLUMN, { source_column: null, type: 'boolean' }]]),
    },
    ...joinsParent(sts.parentKind, sts.parent, sts.parentHashKey),
  };
}

/**
 * A reference table starts from its own mapping, keyed by its code (no hash key): the code, the
 * descriptions whose history it keeps, and the tables carrying the code, all as plain literals.
 */
export function referenceTableDsl(ref: ReferenceTable, ctx: DslContext): EntityDsl {
  const codes = ref.codes.map((c) => c.name);
  return {
    mapping: {
      name: ref.name,
      kind: ref.kind,
      source_table: ref.source.table,
      business_keys: codes,
      record_source: recordSource(ctx, ref.source.table),
      delta_order: ref.deltaOrder ?? null,
      columns: columnMap([
        ...ref.codes.map((c, i): [string, PyDict] => [c.name, { source_column: ref.source.columns[i] ?? null, type: typeText(c.type) }]),
        ...ref.attributes.map((c): [string, PyDict] => [c.name, { source_column: c.sourceColumn, type: typeText(c.type) }]),
      ]),
      used_by: ref.usedBy.map((u) => ({ table: u.table, columns: u.columns })),
    },
    steps: () => [],
    businessKey: codes,
  };
}
