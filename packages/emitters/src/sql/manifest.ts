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
  type Hub,
  type Link,
  type LinkSatellite,
  type Satellite,
  type VaultEntity,
  type VaultModel,
} from '@vault/core';
import { dispatch, type KindHandlers } from '@vault/core/internal';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { dimensionTable, entityTable, sqlName, tableText } from './names.js';

export interface SqlManifestBlock {
  /** `schema.name` of the table or view (of the fact view, for a dimensional model). */
  readonly table: string;
  readonly hash_key?: string;
  readonly parent_hash_key?: string;
  readonly load_ts?: string;
  readonly record_source?: string;
  readonly hashdiff?: string;
  /** Raw satellites whose source has a delta order: the column storing each change's value. */
  readonly delta_order?: string;
  /** Links: hub name (with its role, when it has one) → the column holding its hash key. */
  readonly hub_hash_keys?: { readonly [hub: string]: string };
  /** Dimensional models: dimension name → `schema.name` of its view. */
  readonly dimensions?: { readonly [dimension: string]: string };
}

const METADATA = { load_ts: sqlName(METADATA_COLUMNS.loadTimestamp), record_source: sqlName(METADATA_COLUMNS.recordSource) } as const;

interface BlockContext {
  readonly model: VaultModel;
  readonly table: string;
}

const hubBlock = (h: Hub | BusinessHub, { table }: BlockContext): SqlManifestBlock => ({ table, hash_key: sqlName(h.hashKey), ...METADATA });
const linkBlock = (l: Link | BusinessLink, { table }: BlockContext): SqlManifestBlock => ({
  table,
  hash_key: sqlName(l.hashKey),
  ...METADATA,
  hub_hash_keys: Object.fromEntries(l.hubs.map((h) => [h.role === undefined ? h.hub : `${h.role}_${h.hub}`, sqlName(h.hashKey)])),
});
const satelliteBlock = (s: Satellite | LinkSatellite, { table }: BlockContext): SqlManifestBlock => ({
  table,
  parent_hash_key: sqlName(s.parentHashKey),
  ...METADATA,
  hashdiff: sqlName(METADATA_COLUMNS.hashDiff),
  ...(s.deltaOrder === undefined ? {} : { delta_order: sqlName(DELTA_ORDER_COLUMN) }),
});
const businessSatelliteBlock = (s: BusinessSatellite | BusinessLinkSatellite, { table }: BlockContext): SqlManifestBlock => ({
  table,
  parent_hash_key: sqlName(s.parentHashKey),
  ...METADATA,
  hashdiff: sqlName(METADATA_COLUMNS.hashDiff),
});
const viewBlock = (_: VaultEntity, { table }: BlockContext): SqlManifestBlock => ({ table });

const BLOCKS: KindHandlers<SqlManifestBlock, BlockContext> = {
  hub: hubBlock,
  link: linkBlock,
  satellite: satelliteBlock,
  link_satellite: satelliteBlock,
  business_hub: hubBlock,
  business_link: linkBlock,
  business_satellite: businessSatelliteBlock,
  business_link_satellite: businessSatelliteBlock,
  presentation_view: viewBlock,
  dimensional_model: (d, { model, table }) => ({
    table,
    dimensions: Object.fromEntries(d.dimensions.map((x) => [x.name, tableText(dimensionTable(model, d.name, x.name))])),
  }),
  reporting_view: viewBlock,
};

/**
 * @example
 * sqlManifestBlock(hub, model)
 * // { table: 'raw_vault.hub_business_partner', hash_key: 'business_partner_hk', load_ts: 'load_ts', record_source: 'record_source' }
 */
export function sqlManifestBlock(entity: VaultEntity, model: VaultModel): SqlManifestBlock {
  return dispatch(entity, BLOCKS, { model, table: tableText(entityTable(model, entity.kind, entity.name)) });
}
