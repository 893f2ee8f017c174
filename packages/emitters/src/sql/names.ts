/**
 * Names of the SQL objects of a model: which schema each entity lives in, its table or view
 * name (a prefix per kind), every identifier within the dialect's limit (`Dialect.identifier`:
 * PostgreSQL shortens names over 63 bytes, see dialect/postgres/quote.ts).
 */
import type { EntityKind, StatusTrackingSatellite, VaultModel } from '@vault/core';
import { KINDS, type VaultLayer } from '@vault/core/internal';
import type { Dialect } from './dialect/dialect.js';

/**
 * What a name depends on: the model's schema settings and the engine the names are created in.
 * A `SqlContext` is one; a caller outside the SQL target names its engine
 * (`{ model, dialect: postgresDialect }` for the CLI, which talks to PostgreSQL).
 */
export interface NameScope {
  readonly model: VaultModel;
  readonly dialect: Dialect;
  /**
   * Landing tables read from another relation: `vault run`'s loads of a batch's changed rows read
   * each landing table's changes table instead (sql/landing-changes.ts).
   */
  readonly landingFrom?: ReadonlyMap<string, SqlTable>;
}

type SchemaKey = keyof VaultModel['schemas'];

/** The prefix of each kind's table or view (a dimensional model's is its fact view's). */
export const TABLE_PREFIX = {
  hub: 'hub_',
  link: 'lnk_',
  non_historized_link: 'nhl_',
  satellite: 'sat_',
  link_satellite: 'lsat_',
  effectivity_satellite: 'eff_',
  multi_active_satellite: 'msat_',
  status_tracking_satellite: 'sts_',
  reference_table: 'ref_',
  // The model's one snapshot control, named after the model: `business_vault.snapshot_control_lgd`.
  snapshot_control: 'snapshot_control_',
  // A hub's or link's point-in-time table: `business_vault.pit_facility`.
  pit: 'pit_',
  bridge: 'bridge_',
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
 * @example entityTable({ model, dialect: postgresDialect }, 'satellite', 'early_warning_signal') // { schema: 'raw_vault', name: 'sat_early_warning_signal' }
 */
export function entityTable({ model, dialect }: NameScope, kind: EntityKind, name: string): SqlTable {
  return { schema: dialect.identifier(model.schemas[LAYER_SCHEMA[KINDS[kind].layer]]), name: dialect.identifier(`${TABLE_PREFIX[kind]}${name}`) };
}

/** A table that keeps history by a delta order: a satellite, a link satellite, an effectivity, multi-active or status tracking satellite, or a reference table. */
export interface DeltaHistoryTable {
  readonly kind: 'satellite' | 'link_satellite' | 'effectivity_satellite' | 'multi_active_satellite' | 'status_tracking_satellite' | 'reference_table';
  readonly name: string;
}

/**
 * The register of a satellite, multi-active satellite or reference table with a delta order: the
 * rows (sets) it was given and did not keep (docs/sql.md, "Late and out-of-order rows"), beside it in the raw vault as `seen_` + its table's name.
 * @example registerTable({ model, dialect: postgresDialect }, { kind: 'satellite', name: 'items' }) // { schema: 'raw_vault', name: 'seen_sat_items' }
 */
export function registerTable({ model, dialect }: NameScope, sat: DeltaHistoryTable): SqlTable {
  return { schema: dialect.identifier(model.schemas.rawVault), name: dialect.identifier(`${REGISTER_PREFIX}${TABLE_PREFIX[sat.kind]}${sat.name}`) };
}

/**
 * The register of a status tracking satellite of a CDC table with a delta order (every status it
 * was given, docs/sql.md "Status tracking"), `seen_sts_<name>`; undefined for the others.
 */
export function statusRegisterTable(names: NameScope, sts: Pick<StatusTrackingSatellite, 'kind' | 'name' | 'deltaOrder' | 'batches'>): SqlTable | undefined {
  return sts.deltaOrder !== undefined && sts.batches === 'delta' ? registerTable(names, sts) : undefined;
}

/** What a register's name starts with, before its table's. */
export const REGISTER_PREFIX = 'seen_';

/**
 * The history view of a satellite, multi-active satellite or reference table with a delta order: its
 * rows less those equal to the row (set) before them in change order (docs/sql.md, "Late and out-of-order rows"), in the business vault
 * as `hist_` + its table's name; of an effectivity satellite, each relationship's effective_from
 * and effective_to (docs/sql.md, "Effectivity satellites").
 * @example historyView({ model, dialect: postgresDialect }, { kind: 'satellite', name: 'items' }) // { schema: 'business_vault', name: 'hist_sat_items' }
 */
export function historyView({ model, dialect }: NameScope, sat: DeltaHistoryTable): SqlTable {
  return { schema: dialect.identifier(model.schemas.businessVault), name: dialect.identifier(`${HISTORY_PREFIX}${TABLE_PREFIX[sat.kind]}${sat.name}`) };
}

/** What a history view's name starts with, before its table's. */
export const HISTORY_PREFIX = 'hist_';

/**
 * `hist_` + the business satellite's view name, in the business vault.
 * @example businessHistoryView({ model, dialect: postgresDialect }, { kind: 'business_satellite', name: 'facility' }) // { schema: 'business_vault', name: 'hist_bsat_facility' }
 */
export function businessHistoryView({ model, dialect }: NameScope, sat: { readonly kind: 'business_satellite' | 'business_link_satellite'; readonly name: string }): SqlTable {
  return { schema: dialect.identifier(model.schemas.businessVault), name: dialect.identifier(`${HISTORY_PREFIX}${TABLE_PREFIX[sat.kind]}${sat.name}`) };
}

/**
 * The as-of view of a presentation or reporting view (docs/sql.md, "As-of views"), beside it in
 * the access layer as its name + `_as_of`; only a model with snapshots has them (`hasAsOfViews`).
 * @example asOfView({ model, dialect: postgresDialect }, { kind: 'presentation_view', name: 'facility' }) // { schema: 'access_layer', name: 'pv_facility_as_of' }
 */
export function asOfView({ model, dialect }: NameScope, view: { readonly kind: 'presentation_view' | 'reporting_view'; readonly name: string }): SqlTable {
  return { schema: dialect.identifier(model.schemas.accessLayer), name: dialect.identifier(`${TABLE_PREFIX[view.kind]}${view.name}${AS_OF_SUFFIX}`) };
}

/** What an as-of view's name ends with, after its view's. */
export const AS_OF_SUFFIX = '_as_of';

/** Whether the model's presentation and reporting views have as-of views: when it has snapshots. */
export function hasAsOfViews(model: VaultModel): boolean {
  return model.byKind.snapshot_control.length > 0;
}

/** A dimension view of a dimensional model: `dim_<model>_<dimension>`. */
export function dimensionTable({ model, dialect }: NameScope, dimensionalModel: string, dimension: string): SqlTable {
  return { schema: dialect.identifier(model.schemas.accessLayer), name: dialect.identifier(`dim_${dimensionalModel}_${dimension}`) };
}

/** A landing table: the source table's own name in the landing schema (or the relation `landingFrom` reads instead). */
export function landingTable({ model, dialect, landingFrom }: NameScope, source: string): SqlTable {
  return landingFrom?.get(source) ?? { schema: dialect.identifier(model.schemas.landing), name: dialect.identifier(source) };
}

/** The model's schemas as created, each once (two settings may name one schema). */
export function modelSchemas({ model, dialect }: NameScope): ReadonlyArray<string> {
  const s = model.schemas;
  return [...new Set([s.landing, s.rawVault, s.businessVault, s.accessLayer].map(dialect.identifier))];
}

/** `schema.name`, unquoted: how manifests and messages name a table. */
export function tableText(t: SqlTable): string {
  return `${t.schema}.${t.name}`;
}
