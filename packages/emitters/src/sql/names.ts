/**
 * Names of the SQL objects of a model: which schema each entity lives in, its table or view
 * name (a prefix per kind), every identifier within the dialect's limit.
 */
import type { EntityKind, VaultModel } from '@vault/core';
import { KINDS, type VaultLayer } from '@vault/core/internal';
import { WIRED_DIALECT } from './dialect/index.js';

/**
 * The identifier as it is created in the database: shortened when the dialect's limit would
 * truncate it (PostgreSQL: 63 bytes, see dialect/postgres/quote.ts), the same on every run.
 * Names are the wired dialect's: the manifest and `vault run` name the tables it creates.
 * @example sqlName('sat_early_warning_signal') // 'sat_early_warning_signal'
 */
export function sqlName(name: string): string {
  return WIRED_DIALECT.identifier(name);
}

type SchemaKey = keyof VaultModel['schemas'];

/** The prefix of each kind's table or view (a dimensional model's is its fact view's). */
export const TABLE_PREFIX = {
  hub: 'hub_',
  link: 'lnk_',
  satellite: 'sat_',
  link_satellite: 'lsat_',
  business_hub: 'bhub_',
  business_link: 'blnk_',
  business_satellite: 'bsat_',
  business_link_satellite: 'blsat_',
  presentation_view: 'pv_',
  dimensional_model: 'fct_',
  reporting_view: 'rv_',
} as const satisfies Record<EntityKind, string>;

/** The schema setting of each layer's entities. */
const LAYER_SCHEMA = { raw_vault: 'rawVault', business_vault: 'businessVault', access_layer: 'accessLayer' } as const satisfies Record<VaultLayer, SchemaKey>;

/** Where a table or view lives; both parts as created (shortened, not quoted). */
export interface SqlTable {
  readonly schema: string;
  readonly name: string;
}

/**
 * @example entityTable(model, 'satellite', 'early_warning_signal') // { schema: 'raw_vault', name: 'sat_early_warning_signal' }
 */
export function entityTable(model: VaultModel, kind: EntityKind, name: string): SqlTable {
  return { schema: sqlName(model.schemas[LAYER_SCHEMA[KINDS[kind].layer]]), name: sqlName(`${TABLE_PREFIX[kind]}${name}`) };
}

/** A dimension view of a dimensional model: `dim_<model>_<dimension>`. */
export function dimensionTable(model: VaultModel, dimensionalModel: string, dimension: string): SqlTable {
  return { schema: sqlName(model.schemas.accessLayer), name: sqlName(`dim_${dimensionalModel}_${dimension}`) };
}

/** A landing table: the source table's own name in the landing schema. */
export function landingTable(model: VaultModel, source: string): SqlTable {
  return { schema: sqlName(model.schemas.landing), name: sqlName(source) };
}

/** `schema.name`, unquoted: how manifests and messages name a table. */
export function tableText(t: SqlTable): string {
  return `${t.schema}.${t.name}`;
}
