/**
 * The `sql` block of a manifest entity: where the entity lives in the database and which of
 * its columns play which Data Vault role, for tools that query it (`vault run`, BI).
 */
import {
  METADATA_COLUMNS,
  type BusinessHub,
  type BusinessLink,
  type BusinessLinkSatellite,
  type BusinessSatellite,
  type EffectivitySatellite,
  type Hub,
  type Link,
  type NonHistorizedLink,
  type LinkSatellite,
  type MultiActiveSatellite,
  type ReferenceTable,
  type Satellite,
  type StatusTrackingSatellite,
  type VaultEntity,
  type VaultModel,
} from '@vault/core';
import { dispatch, type KindHandlers } from '@vault/core/internal';
import { DELTA_ORDER_COLUMN, IS_DELETED_COLUMN, pitPointerColumns, SNAPSHOT_COLUMNS } from '../columns.js';
import { WIRED_DIALECT, type Dialect } from './dialect/index.js';
import { dimensionTable, entityTable, historyView, type NameScope, registerTable, type SqlTable, statusRegisterTable, tableText } from './names.js';
import { currentMultiActiveView } from './multi-active.js';
import { currentReferenceView } from './reference-tables.js';
import { keptSnapshotsView } from './snapshot-control.js';

export interface SqlManifestBlock {
  /** `schema.name` of the table or view (of the fact view, for a dimensional model). */
  readonly table: string;
  readonly hash_key?: string;
  readonly parent_hash_key?: string;
  readonly load_ts?: string;
  readonly record_source?: string;
  readonly hashdiff?: string;
  /** Raw satellites and reference tables whose source has a delta order: the column storing each change's value. */
  readonly delta_order?: string;
  /** Raw satellites, multi-active satellites and reference tables whose source has a delta order: `schema.name` of its register (docs/sql.md, "Late and out-of-order rows"). */
  readonly register?: string;
  /** Raw satellites, multi-active satellites (not sensitive) and reference tables whose source has a delta order, and effectivity satellites: `schema.name` of its history view. */
  readonly history?: string;
  /** Links: hub name (with its role, when it has one) → the column holding its hash key. */
  readonly hub_hash_keys?: { readonly [hub: string]: string };
  /** Status tracking satellites: the column holding each row's status (true = deleted). */
  readonly is_deleted?: string;
  /** Reference tables: the code columns, the table's key with `load_ts` (no hash key). */
  readonly code_columns?: ReadonlyArray<string>;
  /** Multi-active satellites: the multi-active key columns, the table's key with the parent hash key and `load_ts`. */
  readonly multi_active_key?: ReadonlyArray<string>;
  /** Reference tables: `schema.name` of the view of each code's current row, which business satellites join; multi-active satellites (not sensitive): of each key's current set. */
  readonly current_view?: string;
  /** The snapshot control: the date column (its key), and `schema.name` of the view of the snapshots its retention keeps. */
  readonly snapshot_date?: string;
  readonly kept_view?: string;
  /** Point-in-time tables: `schema.name` of the snapshot control whose dates they hold. */
  readonly snapshot_table?: string;
  /** Point-in-time tables: per satellite, in column order, its table and the PIT's pointer columns into it (the satellite's key and load_ts). */
  readonly pointers?: ReadonlyArray<{ readonly table: string; readonly hash_key: string; readonly load_ts: string }>;
  /** Dimensional models: dimension name → `schema.name` of its view. */
  readonly dimensions?: { readonly [dimension: string]: string };
}

/** The entity's table and the dialect whose names the block gives. */
interface BlockContext extends NameScope {
  readonly table: string;
}

/** The metadata columns every table of the raw and business vault has. */
const metadata = ({ dialect: d }: BlockContext) => ({ load_ts: d.identifier(METADATA_COLUMNS.loadTimestamp), record_source: d.identifier(METADATA_COLUMNS.recordSource) }) as const;

const hubBlock = (h: Hub | BusinessHub, b: BlockContext): SqlManifestBlock => ({ table: b.table, hash_key: b.dialect.identifier(h.hashKey), ...metadata(b) });
const linkBlock = (l: Link | NonHistorizedLink | BusinessLink, b: BlockContext): SqlManifestBlock => ({
  table: b.table,
  hash_key: b.dialect.identifier(l.hashKey),
  ...metadata(b),
  hub_hash_keys: Object.fromEntries(l.hubs.map((h) => [h.role === undefined ? h.hub : `${h.role}_${h.hub}`, b.dialect.identifier(h.hashKey)])),
});
const satelliteBlock = (s: Satellite | LinkSatellite, b: BlockContext): SqlManifestBlock => ({
  table: b.table,
  parent_hash_key: b.dialect.identifier(s.parentHashKey),
  ...metadata(b),
  hashdiff: b.dialect.identifier(METADATA_COLUMNS.hashDiff),
  ...(s.deltaOrder === undefined ? {} : { delta_order: b.dialect.identifier(DELTA_ORDER_COLUMN), register: tableText(registerTable(b, s)), history: tableText(historyView(b, s)) }),
});
/** Its history view (effective_from, effective_to) always exists; the register only with a delta order. */
const effectivityBlock = (e: EffectivitySatellite, b: BlockContext): SqlManifestBlock => ({
  table: b.table,
  parent_hash_key: b.dialect.identifier(e.parentHashKey),
  ...metadata(b),
  ...(e.deltaOrder === undefined ? {} : { delta_order: b.dialect.identifier(DELTA_ORDER_COLUMN), register: tableText(registerTable(b, e)) }),
  history: tableText(historyView(b, e)),
});
const businessSatelliteBlock = (s: BusinessSatellite | BusinessLinkSatellite, b: BlockContext): SqlManifestBlock => ({
  table: b.table,
  parent_hash_key: b.dialect.identifier(s.parentHashKey),
  ...metadata(b),
  hashdiff: b.dialect.identifier(METADATA_COLUMNS.hashDiff),
});
const referenceTableBlock = (r: ReferenceTable, b: BlockContext): SqlManifestBlock => ({
  table: b.table,
  code_columns: r.codes.map((c) => b.dialect.identifier(c.name)),
  ...metadata(b),
  hashdiff: b.dialect.identifier(METADATA_COLUMNS.hashDiff),
  ...(r.deltaOrder === undefined ? {} : { delta_order: b.dialect.identifier(DELTA_ORDER_COLUMN), register: tableText(registerTable(b, r)), history: tableText(historyView(b, r)) }),
  current_view: tableText(currentReferenceView(b, r.name)),
});
const multiActiveSatelliteBlock = (s: MultiActiveSatellite, b: BlockContext): SqlManifestBlock => ({
  table: b.table,
  parent_hash_key: b.dialect.identifier(s.parentHashKey),
  multi_active_key: s.multiActiveKey.map((c) => b.dialect.identifier(c.name)),
  ...metadata(b),
  hashdiff: b.dialect.identifier(METADATA_COLUMNS.hashDiff),
  ...(s.deltaOrder === undefined ? {} : { delta_order: b.dialect.identifier(DELTA_ORDER_COLUMN), register: tableText(registerTable(b, s)) }),
  // A sensitive one has no business vault views.
  ...(s.deltaOrder === undefined || s.sensitive ? {} : { history: tableText(historyView(b, s)) }),
  ...(s.sensitive ? {} : { current_view: tableText(currentMultiActiveView(b, s.name)) }),
});
const statusTrackingBlock = (s: StatusTrackingSatellite, b: BlockContext): SqlManifestBlock => ({
  table: b.table,
  parent_hash_key: b.dialect.identifier(s.parentHashKey),
  ...metadata(b),
  is_deleted: b.dialect.identifier(IS_DELETED_COLUMN),
  ...(s.deltaOrder === undefined ? {} : { delta_order: b.dialect.identifier(DELTA_ORDER_COLUMN) }),
  ...optional('register', statusRegisterTable(b, s)),
});
/** `{ [key]: 'schema.name' }` of a table that exists, else nothing. */
const optional = (key: 'register', table: SqlTable | undefined): Partial<SqlManifestBlock> => (table === undefined ? {} : { [key]: tableText(table) });
const viewBlock = (_: VaultEntity, { table }: BlockContext): SqlManifestBlock => ({ table });

const BLOCKS: KindHandlers<SqlManifestBlock, BlockContext> = {
  hub: hubBlock,
  link: linkBlock,
  non_historized_link: linkBlock,
  satellite: satelliteBlock,
  link_satellite: satelliteBlock,
  effectivity_satellite: effectivityBlock,
  multi_active_satellite: multiActiveSatelliteBlock,
  status_tracking_satellite: statusTrackingBlock,
  reference_table: referenceTableBlock,
  snapshot_control: (c, b) => ({
    table: b.table,
    snapshot_date: b.dialect.identifier(SNAPSHOT_COLUMNS.date),
    load_ts: b.dialect.identifier(METADATA_COLUMNS.loadTimestamp),
    kept_view: tableText(keptSnapshotsView(b, c)),
  }),
  pit: (p, b) => ({
    table: b.table,
    snapshot_date: b.dialect.identifier(SNAPSHOT_COLUMNS.date),
    parent_hash_key: b.dialect.identifier(p.parentHashKey),
    load_ts: b.dialect.identifier(METADATA_COLUMNS.loadTimestamp),
    snapshot_table: tableText(entityTable(b, 'snapshot_control', p.snapshotControl)),
    pointers: p.satellites.map((s) => {
      const pointer = pitPointerColumns(s);
      return { table: tableText(entityTable(b, s.kind, s.name)), hash_key: b.dialect.identifier(pointer.hashKey), load_ts: b.dialect.identifier(pointer.loadTimestamp) };
    }),
  }),
  business_hub: hubBlock,
  business_link: linkBlock,
  business_satellite: businessSatelliteBlock,
  business_link_satellite: businessSatelliteBlock,
  presentation_view: viewBlock,
  dimensional_model: (d, b) => ({
    table: b.table,
    dimensions: Object.fromEntries(d.dimensions.map((x) => [x.name, tableText(dimensionTable(b, d.name, x.name))])),
  }),
  reporting_view: viewBlock,
};

/**
 * The block of `entity` as the SQL target creates it in `dialect` (the wired one unless a caller names another).
 * @example
 * sqlManifestBlock(hub, model)
 * // { table: 'raw_vault.hub_business_partner', hash_key: 'business_partner_hk', load_ts: 'load_ts', record_source: 'record_source' }
 */
export function sqlManifestBlock(entity: VaultEntity, model: VaultModel, dialect: Dialect = WIRED_DIALECT): SqlManifestBlock {
  const names: NameScope = { model, dialect };
  return dispatch(entity, BLOCKS, { ...names, table: tableText(entityTable(names, entity.kind, entity.name)) });
}
