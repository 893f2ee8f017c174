/**
 * The full column list of each entity as it will exist: hash keys, business keys, the metadata
 * columns (`METADATA_COLUMNS`, and a raw satellite's `DELTA_ORDER_COLUMN`), then the descriptive
 * columns. Hash keys and hashdiffs are the hex text of the model's hash algorithm, so their type
 * follows from it.
 */
import {
  METADATA_COLUMNS,
  VIEW_COLUMNS,
  dispatch,
  type Column,
  type ColumnType,
  type EntityOfKind,
  type HashAlgorithm,
  type KindHandlers,
  type EffectivitySatellite,
  type LinkSatellite,
  type MultiActiveSatellite,
  type Pit,
  type PitSatellite,
  type ReferenceTable,
  type Satellite,
  type StatusTrackingSatellite,
  type SourceTable,
  type VaultEntity,
  type VaultModel,
  linkKeyColumns,
} from '@vault/core/internal';
import { HASH_HEX_LENGTH } from './hashing-settings.js';
import { TABLE_PREFIX } from './sql/names.js';

export interface EntityColumn {
  readonly name: string;
  /** The type as data: each target prints it its own way (`printColumnType`, `pgType`). */
  readonly type: ColumnType;
}

/**
 * The type of hash keys and hashdiffs.
 * @example hashType('md5') // { kind: 'char', length: 32 }
 */
export function hashType(algorithm: HashAlgorithm): ColumnType {
  return HASH_TYPES[algorithm];
}

/** One object per algorithm, not one per column: models reach 200,000 hash columns. */
const HASH_TYPES = {
  md5: { kind: 'char', length: HASH_HEX_LENGTH.md5 },
  sha1: { kind: 'char', length: HASH_HEX_LENGTH.sha1 },
  sha256: { kind: 'char', length: HASH_HEX_LENGTH.sha256 },
} as const satisfies Record<HashAlgorithm, ColumnType>;

const LOAD_TIMESTAMP_TYPE: ColumnType = { kind: 'timestamptz' };
const RECORD_SOURCE_TYPE: ColumnType = { kind: 'text' };
const BOOLEAN_TYPE: ColumnType = { kind: 'boolean' };

/**
 * The column of a raw satellite (or link satellite) whose source table has a `delta_order`
 * column: that column's value for each stored change, so that a load recognises a change it holds
 * already whatever the load timestamp (docs/sql.md, "Loads"). Same type as the source column.
 */
export const DELTA_ORDER_COLUMN = METADATA_COLUMNS.deltaOrder;

/**
 * The status a status tracking satellite keeps of a key: true once the key was deleted, false
 * while it is present (docs/sql.md, "Status tracking").
 */
export const IS_DELETED_COLUMN = 'is_deleted';

/**
 * The columns of a snapshot control's rows (docs/sql.md, "Snapshot control"): the date, then a
 * flag per period it ends (ISO weeks end on Sunday).
 */
export const SNAPSHOT_COLUMNS = {
  date: VIEW_COLUMNS.snapshotDate,
  week_end: 'is_week_end',
  month_end: 'is_month_end',
  quarter_end: 'is_quarter_end',
  year_end: 'is_year_end',
} as const;

/** The periods a snapshot may end, in the order of their flags. */
export const SNAPSHOT_PERIODS = ['week_end', 'month_end', 'quarter_end', 'year_end'] as const;

/** The column of the kept-snapshots view that marks the latest snapshot. */
export const IS_LATEST_COLUMN = 'is_latest';

const DATE_TYPE: ColumnType = { kind: 'date' };
const snapshotControlColumns = (): ReadonlyArray<EntityColumn> => [
  { name: SNAPSHOT_COLUMNS.date, type: DATE_TYPE },
  ...SNAPSHOT_PERIODS.map((p) => ({ name: SNAPSHOT_COLUMNS[p], type: BOOLEAN_TYPE })),
  { name: METADATA_COLUMNS.loadTimestamp, type: LOAD_TIMESTAMP_TYPE },
];

/**
 * The pointer columns of a point-in-time table into one of its satellites, named after the
 * satellite's table (docs/sql.md, "Point-in-time tables"): the hash key and load_ts of the
 * satellite's row valid at the snapshot (of an effectivity satellite: the link hash key of the
 * driving key's start row, and that row's load_ts).
 * @example pitPointerColumns({ kind: 'satellite', name: 'facility' }) // { hashKey: 'sat_facility_hk', loadTimestamp: 'sat_facility_load_ts' }
 */
export function pitPointerColumns(sat: PitSatellite): { readonly hashKey: string; readonly loadTimestamp: string } {
  const table = `${TABLE_PREFIX[sat.kind]}${sat.name}`;
  return { hashKey: `${table}_hk`, loadTimestamp: `${table}_${METADATA_COLUMNS.loadTimestamp}` };
}

/**
 * How a raw satellite with a delta order takes late and out-of-order rows, as field mappings say
 * it (`late_rows`): it keeps a register of the rows it was given and did not keep, and each load
 * inserts every change among the batch's, the satellite's and the register's rows of a key
 * (docs/sql.md, "Late and out-of-order rows").
 */
export const LATE_ROWS = 'register';

/**
 * What `entityColumns` needs of a model: the model, and its landing columns by table (a raw
 * satellite's delta-order column has its source column's type). Build it once per model with
 * `modelColumns`, as models reach 10,000 tables; the SQL target's context is one already.
 */
export interface ModelColumns {
  readonly model: VaultModel;
  /** Landing columns: table → column → column. */
  readonly sourceColumns: ReadonlyMap<string, ReadonlyMap<string, Column>>;
}

/**
 * The index is built on first use: only raw satellites with a delta order need it.
 * @example entityColumns(modelColumns(model), hub)
 */
export function modelColumns(model: VaultModel): ModelColumns {
  let sourceColumns: ReadonlyMap<string, ReadonlyMap<string, Column>> | undefined;
  return {
    model,
    get sourceColumns() {
      return (sourceColumns ??= sourceColumnIndex(model.sources));
    },
  };
}

/** Landing columns by table, then by name. */
function sourceColumnIndex(sources: ReadonlyArray<SourceTable>): ReadonlyMap<string, ReadonlyMap<string, Column>> {
  return new Map(sources.map((t) => [t.name, new Map(t.columns.map((c) => [c.name, c] as const))] as const));
}

/**
 * The delta-order column a raw satellite stores, with the source column's type; undefined when
 * its source table has none.
 * @example deltaOrderColumn(modelColumns(model), sat) // { name: 'delta_order', type: { kind: 'timestamptz' } }
 */
export function deltaOrderColumn(
  columns: ModelColumns,
  sat: Satellite | LinkSatellite | EffectivitySatellite | MultiActiveSatellite | StatusTrackingSatellite | ReferenceTable,
): EntityColumn | undefined {
  if (sat.deltaOrder === undefined) return undefined;
  const source = columns.sourceColumns.get(sat.source.table)?.get(sat.deltaOrder);
  if (source === undefined) throw new Error(`vault: ${sat.kind} '${sat.name}' orders its changes by ${sat.source.table}.${sat.deltaOrder}, which is not a column of its source`);
  return { name: DELTA_ORDER_COLUMN, type: source.type };
}

/**
 * @example
 * entityColumns(modelColumns(model), hub)
 * // [{ name: 'business_partner_hk', type: { kind: 'char', length: 32 } }, { name: 'business_partner_id', type: { kind: 'int' } },
 * //  { name: 'load_ts', type: { kind: 'timestamptz' } }, { name: 'record_source', type: { kind: 'text' } }]
 */
export function entityColumns(columns: ModelColumns, entity: VaultEntity): ReadonlyArray<EntityColumn> {
  return dispatch(entity, ENTITY_COLUMNS, columns);
}

const hash = (model: VaultModel, name: string): EntityColumn => ({ name, type: hashType(model.hashing.algorithm) });
const plain = (c: Pick<Column, 'name' | 'type'>): EntityColumn => ({ name: c.name, type: c.type });
const METADATA: ReadonlyArray<EntityColumn> = [
  { name: METADATA_COLUMNS.loadTimestamp, type: LOAD_TIMESTAMP_TYPE },
  { name: METADATA_COLUMNS.recordSource, type: RECORD_SOURCE_TYPE },
];

const hubColumns = (h: EntityOfKind<'hub' | 'business_hub'>, { model }: ModelColumns): ReadonlyArray<EntityColumn> => [hash(model, h.hashKey), ...h.businessKeys.map(plain), ...METADATA];
const linkColumns = (l: EntityOfKind<'link' | 'business_link'>, { model }: ModelColumns): ReadonlyArray<EntityColumn> => [
  hash(model, l.hashKey),
  ...l.hubs.map((h) => hash(model, h.hashKey)),
  ...linkKeyColumns(l).map(plain),
  ...METADATA,
];
/** A business link over events carries their attributes after its keys, as the non-historized link does. */
const eventColumns = (l: EntityOfKind<'business_link'>, columns: ModelColumns): ReadonlyArray<EntityColumn> => [...linkColumns(l, columns), ...(l.eventAttributes ?? []).map(plain)];
const nonHistorizedLinkColumns = (l: EntityOfKind<'non_historized_link'>, { model }: ModelColumns): ReadonlyArray<EntityColumn> => [
  hash(model, l.hashKey),
  ...l.hubs.map((h) => hash(model, h.hashKey)),
  ...linkKeyColumns(l).map(plain),
  ...METADATA,
  ...l.payload.map(plain),
];
const satelliteColumns = (model: VaultModel, parentHashKey: string, payload: ReadonlyArray<Pick<Column, 'name' | 'type'>>, deltaOrder?: EntityColumn): ReadonlyArray<EntityColumn> => [
  hash(model, parentHashKey),
  ...METADATA,
  hash(model, METADATA_COLUMNS.hashDiff),
  ...(deltaOrder === undefined ? [] : [deltaOrder]),
  ...payload.map(plain),
];
const rawSatelliteColumns = (s: EntityOfKind<'satellite' | 'link_satellite'>, columns: ModelColumns): ReadonlyArray<EntityColumn> =>
  satelliteColumns(columns.model, s.parentHashKey, s.payload, deltaOrderColumn(columns, s));
/** A multi-active satellite: a satellite's columns with the multi-active key before the payload; its hashdiff is the set's. */
const multiActiveSatelliteColumns = (s: EntityOfKind<'multi_active_satellite'>, columns: ModelColumns): ReadonlyArray<EntityColumn> =>
  satelliteColumns(columns.model, s.parentHashKey, [...s.multiActiveKey, ...s.payload], deltaOrderColumn(columns, s));
const businessSatelliteColumns = (s: EntityOfKind<'business_satellite' | 'business_link_satellite'>, { model }: ModelColumns): ReadonlyArray<EntityColumn> =>
  satelliteColumns(model, s.parentHashKey, [...s.columns, ...s.derived, ...(s.lookups ?? []).flatMap((l) => l.columns)]);
/** An effectivity satellite: the link hash key a driving key starts pointing at, the driving key, the metadata, the delta order. */
const effectivityColumns = (e: EffectivitySatellite, columns: ModelColumns): ReadonlyArray<EntityColumn> => {
  const deltaOrder = deltaOrderColumn(columns, e);
  return [hash(columns.model, e.parentHashKey), ...e.drivingKey.map((k) => hash(columns.model, k)), ...METADATA, ...(deltaOrder === undefined ? [] : [deltaOrder])];
};
/** A reference table: its codes (the key, no hash key), the metadata, the hashdiff, then the descriptions. */
const referenceTableColumns = (r: ReferenceTable, columns: ModelColumns): ReadonlyArray<EntityColumn> => {
  const deltaOrder = deltaOrderColumn(columns, r);
  return [...r.codes.map(plain), ...METADATA, hash(columns.model, METADATA_COLUMNS.hashDiff), ...(deltaOrder === undefined ? [] : [deltaOrder]), ...r.attributes.map(plain)];
};
/** A status tracking satellite: its parent's hash key, the metadata, the key's status, and the delta order when its table has one. */
const statusTrackingColumns = (s: StatusTrackingSatellite, columns: ModelColumns): ReadonlyArray<EntityColumn> => {
  const deltaOrder = deltaOrderColumn(columns, s);
  return [hash(columns.model, s.parentHashKey), ...METADATA, { name: IS_DELETED_COLUMN, type: BOOLEAN_TYPE }, ...(deltaOrder === undefined ? [] : [deltaOrder])];
};
/** A PIT: the snapshot date, the parent's hash key, a pointer (hash key, load_ts) per satellite, and when the row was written. */
const pitColumns = (p: Pit, { model }: ModelColumns): ReadonlyArray<EntityColumn> => [
  { name: SNAPSHOT_COLUMNS.date, type: DATE_TYPE },
  hash(model, p.parentHashKey),
  ...p.satellites.flatMap((s) => {
    const pointer = pitPointerColumns(s);
    return [hash(model, pointer.hashKey), { name: pointer.loadTimestamp, type: LOAD_TIMESTAMP_TYPE }];
  }),
  { name: METADATA_COLUMNS.loadTimestamp, type: LOAD_TIMESTAMP_TYPE },
];
/** A bridge table: the snapshot date, each hash key along its path (hub, link, hub, …), then when the row was written. */
const bridgeColumns = (b: EntityOfKind<'bridge'>, { model }: ModelColumns): ReadonlyArray<EntityColumn> => [
  { name: SNAPSHOT_COLUMNS.date, type: DATE_TYPE },
  ...b.path.map((e) => hash(model, e.hashKey)),
  { name: METADATA_COLUMNS.loadTimestamp, type: LOAD_TIMESTAMP_TYPE },
];
const viewColumns = (v: EntityOfKind<'presentation_view' | 'reporting_view'>): ReadonlyArray<EntityColumn> => v.columns.map(plain);

/**
 * The columns of each kind, in a handler table, so that a kind nobody handles fails to compile.
 * A table rather than a ts-pattern `match`, which builds its matcher on every call: the manifest
 * and the SQL and docs targets ask once per entity of models that reach 70,000 entities.
 */
const ENTITY_COLUMNS: KindHandlers<ReadonlyArray<EntityColumn>, ModelColumns> = {
  hub: hubColumns,
  business_hub: hubColumns,
  link: linkColumns,
  business_link: eventColumns,
  non_historized_link: nonHistorizedLinkColumns,
  satellite: rawSatelliteColumns,
  link_satellite: rawSatelliteColumns,
  effectivity_satellite: effectivityColumns,
  multi_active_satellite: multiActiveSatelliteColumns,
  status_tracking_satellite: statusTrackingColumns,
  reference_table: referenceTableColumns,
  snapshot_control: snapshotControlColumns,
  pit: pitColumns,
  bridge: bridgeColumns,
  business_satellite: businessSatelliteColumns,
  business_link_satellite: businessSatelliteColumns,
  presentation_view: viewColumns,
  reporting_view: viewColumns,
  // Type 2: each dimension's version key (a hash too) beside its hash key.
  dimensional_model: (d, { model }) => [...d.dimensions.flatMap((x) => [hash(model, x.hashKey), ...(x.versionKey === undefined ? [] : [hash(model, x.versionKey)])]), ...d.measures.map(plain)],
};
