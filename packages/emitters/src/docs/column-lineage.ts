/**
 * Where each column of an entity comes from: a column of a source table or of an upstream
 * entity, a hash the loader computes, load metadata, or a business rule. The columns are
 * `entityColumns`' (the manifest's), in the same order.
 */
import {
  METADATA_COLUMNS,
  type AccessColumn,
  type BusinessLinkSatellite,
  type BusinessSatellite,
  type LinkSatellite,
  type PresentationView,
  type ReportingView,
  type Satellite,
  type VaultEntity,
  type VaultModel,
} from '@vault/core';
import { dispatch, linkKeyColumns, printColumnType, qualifiedName, type KindHandlers } from '@vault/core/internal';
import { DELTA_ORDER_COLUMN, IS_DELETED_COLUMN, SNAPSHOT_COLUMNS, SNAPSHOT_PERIODS, entityColumns, modelColumns, pitPointerColumns, type ModelColumns } from '../columns.js';

/** A column of a source table or an entity, by the node id of the lineage graph. */
export interface ColumnRef {
  readonly entity: string;
  readonly column: string;
}

export type ColumnOrigin =
  /** Copied from these columns (a hub's key: one per source table that carries it). */
  | { readonly kind: 'copied'; readonly from: ReadonlyArray<ColumnRef> }
  /** The hash of these columns of the same entity. */
  | { readonly kind: 'hash'; readonly columns: ReadonlyArray<string> }
  /** The hash key of that entity (a satellite's parent, a dimension's business hub). */
  | { readonly kind: 'hash_key_of'; readonly entity: string }
  /** The hash of the descriptive columns, to detect changes. */
  | { readonly kind: 'hashdiff' }
  /** Set by the load: load timestamp or record source. */
  | { readonly kind: 'load_metadata' }
  /** A business rule, in canonical form. */
  | { readonly kind: 'rule'; readonly text: string };

export interface ColumnLineage {
  readonly name: string;
  readonly type: string;
  readonly origin: ColumnOrigin;
}

type Origins = ReadonlyArray<readonly [string, ColumnOrigin]>;

const table = (name: string): string => qualifiedName({ kind: 'source_table', name });
const copied = (entity: string, column: string): ColumnOrigin => ({ kind: 'copied', from: [{ entity, column }] });
const fromAccess = (c: AccessColumn): readonly [string, ColumnOrigin] => [c.name, copied(qualifiedName({ kind: c.fromKind, name: c.from }), c.fromColumn)];

const keyed = (keys: ReadonlyArray<string>, sources: ReadonlyArray<{ readonly table: string; readonly columns: ReadonlyArray<string> }>): Origins =>
  keys.map((k, i) => [k, { kind: 'copied', from: sources.flatMap((s) => (s.columns[i] === undefined ? [] : [{ entity: table(s.table), column: s.columns[i] }])) }]);

const satelliteOrigins =
  (parentKind: 'hub' | 'link') =>
  (s: Satellite | LinkSatellite): Origins => [
    [s.parentHashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: parentKind, name: s.parent }) }],
    ...(s.deltaOrder === undefined ? [] : [[DELTA_ORDER_COLUMN, copied(table(s.source.table), s.deltaOrder)] as const]),
    ...s.payload.map((c): readonly [string, ColumnOrigin] => [c.name, copied(table(c.sourceTable), c.sourceColumn)]),
  ];

const businessSatelliteOrigins =
  (parentKind: 'business_hub' | 'business_link', raw: 'satellite' | 'link_satellite') =>
  (s: BusinessSatellite | BusinessLinkSatellite): Origins => [
    [s.parentHashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: parentKind, name: s.parent }) }],
    ...s.columns.map((c): readonly [string, ColumnOrigin] => [c.name, copied(qualifiedName({ kind: raw, name: c.satellite }), c.sourceColumn)]),
    ...s.derived.map((d): readonly [string, ColumnOrigin] => [d.name, { kind: 'rule', text: d.text }]),
    // A joined description: the reference table's current value for the code the satellite carries.
    ...(s.lookups ?? []).flatMap((l) => l.columns.map((c): readonly [string, ColumnOrigin] => [c.name, copied(qualifiedName({ kind: 'reference_table', name: l.referenceTable }), c.sourceColumn)])),
  ];

const viewOrigins = (v: PresentationView | ReportingView): Origins => v.columns.map(fromAccess);

/** Where each kind's own columns come from; metadata columns are the same for all. */
const ORIGINS: KindHandlers<Origins> = {
  hub: (h) => [
    [h.hashKey, { kind: 'hash', columns: h.businessKeys.map((k) => k.name) }],
    ...keyed(
      h.businessKeys.map((k) => k.name),
      h.sources,
    ),
  ],
  link: (l) => [
    [l.hashKey, { kind: 'hash', columns: linkKeyColumns(l).map((k) => k.name) }],
    ...l.hubs.map((h): readonly [string, ColumnOrigin] => [h.hashKey, { kind: 'hash', columns: h.businessKeys.map((k) => k.name) }]),
    // Dependent child keys are copied from the source like the hubs' keys.
    ...keyed(
      linkKeyColumns(l).map((k) => k.name),
      l.sources,
    ),
  ],
  non_historized_link: (l) => [
    [l.hashKey, { kind: 'hash', columns: linkKeyColumns(l).map((k) => k.name) }],
    ...l.hubs.map((h): readonly [string, ColumnOrigin] => [h.hashKey, { kind: 'hash', columns: h.businessKeys.map((k) => k.name) }]),
    ...keyed(
      linkKeyColumns(l).map((k) => k.name),
      l.sources,
    ),
    // The event's attributes, copied from its source as first loaded.
    ...l.payload.map((c): readonly [string, ColumnOrigin] => [c.name, copied(table(c.sourceTable), c.sourceColumn)]),
  ],
  satellite: satelliteOrigins('hub'),
  link_satellite: satelliteOrigins('link'),
  // The link hash key and the driving hubs' hash keys, hashed from the source's link key columns as the link hashes them.
  effectivity_satellite: (e) => {
    const link = qualifiedName({ kind: 'link', name: e.parent });
    return [
      [e.parentHashKey, { kind: 'hash_key_of', entity: link }],
      ...e.drivingKey.map((k): readonly [string, ColumnOrigin] => [k, { kind: 'hash_key_of', entity: link }]),
      ...(e.deltaOrder === undefined ? [] : [[DELTA_ORDER_COLUMN, copied(table(e.source.table), e.deltaOrder)] as const]),
    ];
  },
  multi_active_satellite: (s) => [
    [s.parentHashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: 'hub', name: s.parent }) }],
    ...(s.deltaOrder === undefined ? [] : [[DELTA_ORDER_COLUMN, copied(table(s.source.table), s.deltaOrder)] as const]),
    ...[...s.multiActiveKey, ...s.payload].map((c): readonly [string, ColumnOrigin] => [c.name, copied(table(c.sourceTable), c.sourceColumn)]),
  ],
  // The status is set by the load: from the delete marker, or from a key's absence in a full batch.
  status_tracking_satellite: (s) => [
    [s.parentHashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: s.parentKind, name: s.parent }) }],
    [IS_DELETED_COLUMN, { kind: 'load_metadata' }],
    ...(s.deltaOrder === undefined ? [] : [[DELTA_ORDER_COLUMN, copied(table(s.source.table), s.deltaOrder)] as const]),
  ],
  reference_table: (r) => [
    ...keyed(
      r.codes.map((k) => k.name),
      [r.source],
    ),
    ...(r.deltaOrder === undefined ? [] : [[DELTA_ORDER_COLUMN, copied(table(r.source.table), r.deltaOrder)] as const]),
    ...r.attributes.map((c): readonly [string, ColumnOrigin] => [c.name, copied(table(c.sourceTable), c.sourceColumn)]),
  ],
  // Set by the load from the settings and the batch's date.
  snapshot_control: () => [SNAPSHOT_COLUMNS.date, ...SNAPSHOT_PERIODS.map((p) => SNAPSHOT_COLUMNS[p])].map((c) => [c, { kind: 'load_metadata' }] as const),
  // The snapshot's date, the key, and per satellite the key and load_ts of its row valid at the snapshot
  // (every satellite of a hub or link holds the parent's hash key under its name; an effectivity satellite the link's).
  pit: (p) => [
    [SNAPSHOT_COLUMNS.date, copied(qualifiedName({ kind: 'snapshot_control', name: p.snapshotControl }), SNAPSHOT_COLUMNS.date)],
    [p.parentHashKey, copied(qualifiedName({ kind: p.parentKind, name: p.parent }), p.parentHashKey)],
    ...p.satellites.flatMap((s): Origins => {
      const pointer = pitPointerColumns(s);
      return [
        [pointer.hashKey, copied(qualifiedName(s), p.parentHashKey)],
        [pointer.loadTimestamp, copied(qualifiedName(s), METADATA_COLUMNS.loadTimestamp)],
      ];
    }),
  ],
  business_hub: (h) => {
    const raw = qualifiedName({ kind: 'hub', name: h.hub });
    return [h.hashKey, ...h.businessKeys.map((k) => k.name)].map((c) => [c, copied(raw, c)] as const);
  },
  business_link: (l) => {
    const raw = qualifiedName({ kind: l.eventAttributes === undefined ? 'link' : 'non_historized_link', name: l.link });
    return [l.hashKey, ...l.hubs.map((h) => h.hashKey), ...linkKeyColumns(l).map((k) => k.name), ...(l.eventAttributes ?? []).map((c) => c.name)].map((c) => [c, copied(raw, c)] as const);
  },
  business_satellite: businessSatelliteOrigins('business_hub', 'satellite'),
  business_link_satellite: businessSatelliteOrigins('business_link', 'link_satellite'),
  presentation_view: viewOrigins,
  dimensional_model: (d) => [
    ...d.dimensions.map((x): readonly [string, ColumnOrigin] => [x.hashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: 'business_hub', name: x.businessHub }) }]),
    ...d.measures.map(fromAccess),
  ],
  reporting_view: viewOrigins,
};

/**
 * `columns` is the model's column index, which a caller asking for many entities builds once.
 * @example
 * columnLineage(model, hub)[1]
 * // { name: 'business_partner_id', type: 'int', origin: { kind: 'copied', from: [{ entity: 'source.tables.early_warning_signal', column: 'business_partner_id' }, ...] } }
 */
export function columnLineage(model: VaultModel, entity: VaultEntity, columns: ModelColumns = modelColumns(model)): ReadonlyArray<ColumnLineage> {
  const metadata: Origins = [
    [METADATA_COLUMNS.loadTimestamp, { kind: 'load_metadata' }],
    [METADATA_COLUMNS.recordSource, { kind: 'load_metadata' }],
    [METADATA_COLUMNS.hashDiff, { kind: 'hashdiff' }],
  ];
  const origins = dispatch(entity, ORIGINS);
  // The entity's own entries come last and win: a payload column named like metadata (which
  // VLT222 forbids anyway) keeps its real origin.
  const byName = new Map<string, ColumnOrigin>([...metadata, ...origins]);
  return entityColumns(columns, entity).map((c) => {
    const origin = byName.get(c.name);
    if (origin === undefined) throw new Error(`vault: no origin for column ${c.name} of ${qualifiedName(entity)}`);
    return { name: c.name, type: printColumnType(c.type), origin };
  });
}
