/**
 * The one registry of entity kinds: what every target may ask of a kind, and the one way to
 * dispatch on an entity's kind. A kind added to `EntityKind` fails to compile here until it
 * has its facts, and then at every handler table (`KindHandlers`) that must say what to do
 * with it: the compiler lists the places, nobody has to remember them.
 */
import type { EntityKind, EntityRef } from './common.js';
import type { VaultEntity } from './model.js';

/** The layers that hold entities (the source layer holds tables). */
export type VaultLayer = 'raw_vault' | 'business_vault' | 'access_layer';

/** The entity type of one kind: `EntityOfKind<'hub'>` is `Hub`. */
export type EntityOfKind<K extends EntityKind> = Extract<VaultEntity, { readonly kind: K }>;

/** What every target may ask of a kind. */
export interface KindInfo {
  readonly layer: VaultLayer;
  /** The plural that names the kind's list in the manifest and in qualified names (`raw_vault.hubs.x`). */
  readonly plural: string;
  /** What the kind is called within its layer, in prose: `link satellite` (in the raw and the business vault). */
  readonly noun: string;
  /** The kinds an entity of this kind depends on or points at. */
  readonly parents: ReadonlyArray<EntityKind>;
  /** What the SQL target creates for it (a dimensional model is its fact and dimension views). */
  readonly storage: 'table' | 'view';
  /** `vault run` loads it from the landing tables. */
  readonly loaded: boolean;
  /** Its own hash key (`hash_key`) or its parent's (`parent_hash_key`) identifies a row; a reference table (keyed by its code) and the access layer's have none. */
  readonly key: 'hash_key' | 'parent_hash_key' | 'none';
  /** Its rows carry a hashdiff over the payload (a raw satellite's detects changes; a business satellite's is passed on). */
  readonly hashDiff: boolean;
  /** Its table starts with a ghost record (the zero key) that outer joins may point at. */
  readonly ghostRecord: boolean;
}

/** @example KINDS.link_satellite.parents // ['link'] */
export const KINDS = {
  hub: { layer: 'raw_vault', plural: 'hubs', noun: 'hub', parents: [], storage: 'table', loaded: true, key: 'hash_key', hashDiff: false, ghostRecord: true },
  link: { layer: 'raw_vault', plural: 'links', noun: 'link', parents: ['hub'], storage: 'table', loaded: true, key: 'hash_key', hashDiff: false, ghostRecord: true },
  non_historized_link: {
    layer: 'raw_vault',
    plural: 'non_historized_links',
    noun: 'non-historized link',
    parents: ['hub'],
    storage: 'table',
    loaded: true,
    key: 'hash_key',
    hashDiff: false,
    ghostRecord: true,
  },
  satellite: { layer: 'raw_vault', plural: 'satellites', noun: 'satellite', parents: ['hub'], storage: 'table', loaded: true, key: 'parent_hash_key', hashDiff: true, ghostRecord: true },
  link_satellite: {
    layer: 'raw_vault',
    plural: 'link_satellites',
    noun: 'link satellite',
    parents: ['link'],
    storage: 'table',
    loaded: true,
    key: 'parent_hash_key',
    hashDiff: true,
    ghostRecord: true,
  },
  effectivity_satellite: {
    layer: 'raw_vault',
    plural: 'effectivity_satellites',
    noun: 'effectivity satellite',
    parents: ['link'],
    storage: 'table',
    loaded: true,
    key: 'parent_hash_key',
    hashDiff: false,
    ghostRecord: false,
  },
  multi_active_satellite: {
    layer: 'raw_vault',
    plural: 'multi_active_satellites',
    noun: 'multi-active satellite',
    parents: ['hub'],
    storage: 'table',
    loaded: true,
    key: 'parent_hash_key',
    hashDiff: true,
    ghostRecord: true,
  },
  status_tracking_satellite: {
    layer: 'raw_vault',
    plural: 'status_tracking_satellites',
    noun: 'status tracking satellite',
    parents: ['hub', 'link'],
    storage: 'table',
    loaded: true,
    key: 'parent_hash_key',
    hashDiff: false,
    ghostRecord: false,
  },
  reference_table: {
    layer: 'raw_vault',
    plural: 'reference_tables',
    noun: 'reference table',
    parents: [],
    storage: 'table',
    loaded: true,
    key: 'none',
    hashDiff: true,
    ghostRecord: false,
  },
  snapshot_control: {
    layer: 'business_vault',
    plural: 'snapshot_controls',
    noun: 'snapshot control',
    parents: [],
    storage: 'table',
    loaded: true,
    key: 'none',
    hashDiff: false,
    ghostRecord: false,
  },
  pit: {
    layer: 'business_vault',
    plural: 'pits',
    noun: 'point-in-time table',
    parents: ['hub', 'link', 'satellite', 'link_satellite', 'effectivity_satellite', 'multi_active_satellite', 'status_tracking_satellite', 'snapshot_control'],
    storage: 'table',
    loaded: true,
    // Its parent's hash key column (with the snapshot date, its primary key): it has no hash key of its own.
    key: 'parent_hash_key',
    hashDiff: false,
    ghostRecord: false,
  },
  bridge: {
    layer: 'business_vault',
    plural: 'bridges',
    noun: 'bridge table',
    parents: ['hub', 'link', 'effectivity_satellite', 'status_tracking_satellite', 'snapshot_control'],
    storage: 'table',
    loaded: true,
    key: 'none',
    hashDiff: false,
    ghostRecord: false,
  },
  business_hub: {
    layer: 'business_vault',
    plural: 'hubs',
    noun: 'hub',
    parents: ['hub', 'satellite', 'status_tracking_satellite'],
    storage: 'view',
    loaded: false,
    key: 'hash_key',
    hashDiff: false,
    ghostRecord: false,
  },
  business_link: {
    layer: 'business_vault',
    plural: 'links',
    noun: 'link',
    parents: ['link', 'non_historized_link', 'link_satellite', 'effectivity_satellite', 'status_tracking_satellite', 'business_hub'],
    storage: 'view',
    loaded: false,
    key: 'hash_key',
    hashDiff: false,
    ghostRecord: false,
  },
  business_satellite: {
    layer: 'business_vault',
    plural: 'satellites',
    noun: 'satellite',
    parents: ['business_hub', 'hub', 'satellite', 'status_tracking_satellite', 'reference_table'],
    storage: 'view',
    loaded: false,
    key: 'parent_hash_key',
    hashDiff: true,
    ghostRecord: false,
  },
  business_link_satellite: {
    layer: 'business_vault',
    plural: 'link_satellites',
    noun: 'link satellite',
    parents: ['business_link', 'link', 'link_satellite', 'status_tracking_satellite', 'reference_table'],
    storage: 'view',
    loaded: false,
    key: 'parent_hash_key',
    hashDiff: true,
    ghostRecord: false,
  },
  presentation_view: {
    layer: 'access_layer',
    plural: 'presentation_views',
    noun: 'presentation view',
    // The snapshot control: its as-of view, with snapshots.
    parents: ['business_hub', 'business_satellite', 'snapshot_control'],
    storage: 'view',
    loaded: false,
    key: 'none',
    hashDiff: false,
    ghostRecord: false,
  },
  dimensional_model: {
    layer: 'access_layer',
    plural: 'dimensional_models',
    noun: 'dimensional model',
    parents: ['business_hub', 'business_link', 'business_satellite', 'business_link_satellite'],
    storage: 'view',
    loaded: false,
    key: 'none',
    hashDiff: false,
    ghostRecord: false,
  },
  reporting_view: {
    layer: 'access_layer',
    plural: 'reporting_views',
    noun: 'reporting view',
    parents: ['business_hub', 'business_link', 'business_satellite', 'business_link_satellite', 'snapshot_control'],
    storage: 'view',
    loaded: false,
    key: 'none',
    hashDiff: false,
    ghostRecord: false,
  },
} as const satisfies { readonly [K in EntityKind]: KindInfo };

/**
 * Every kind in canonical order, the order entities are listed and emitted in: hubs, links,
 * non-historized links, satellites, link satellites, effectivity satellites, multi-active satellites, status tracking satellites and reference tables of the raw vault, the snapshot control, point-in-time tables, bridge tables, hubs, links,
 * satellites and link satellites of the business vault, then the access layer's presentation views,
 * dimensional models and reporting views.
 */
export const ENTITY_KINDS = [
  'hub',
  'link',
  'non_historized_link',
  'satellite',
  'link_satellite',
  'effectivity_satellite',
  'multi_active_satellite',
  'status_tracking_satellite',
  'reference_table',
  'snapshot_control',
  'pit',
  'bridge',
  'business_hub',
  'business_link',
  'business_satellite',
  'business_link_satellite',
  'presentation_view',
  'dimensional_model',
  'reporting_view',
] as const satisfies ReadonlyArray<EntityKind>;

// The list names every kind and the IR union has an entity type for every kind; both fail to
// compile (the `true` is not assignable to `never`) when a kind is added in one place only.
const listsEveryKind: Exclude<EntityKind, (typeof ENTITY_KINDS)[number]> extends never ? true : never = true;
const everyKindHasAnEntity: Exclude<EntityKind, VaultEntity['kind']> extends never ? true : never = true;
void listsEveryKind;
void everyKindHasAnEntity;

/** The layers that hold entities, in pipeline order. */
export const VAULT_LAYERS = ['raw_vault', 'business_vault', 'access_layer'] as const satisfies ReadonlyArray<VaultLayer>;

/** The kinds of a layer. */
export type KindOfLayer<L extends VaultLayer> = { [K in EntityKind]: (typeof KINDS)[K]['layer'] extends L ? K : never }[EntityKind];

/** One value per kind of a layer, keyed by the kind's plural: the shape of the manifest's and `--json`'s layer objects. */
export type ByPlural<L extends VaultLayer, T> = { readonly [K in KindOfLayer<L> as (typeof KINDS)[K]['plural']]: T };

/** The kinds of a layer, in canonical order. @example kindsOfLayer('access_layer')[0] // 'presentation_view' */
export function kindsOfLayer<L extends VaultLayer>(layer: L): ReadonlyArray<KindOfLayer<L>> {
  return ENTITY_KINDS.filter((k): k is KindOfLayer<L> => KINDS[k].layer === layer);
}

/**
 * An object with one key per kind of `layer`, its plural, in canonical order: what JSON outputs
 * list a layer's entities under.
 * @example byPlural('raw_vault', (kind) => kind).link_satellites // 'link_satellite'
 */
export function byPlural<L extends VaultLayer, T>(layer: L, value: (kind: KindOfLayer<L>) => T): ByPlural<L, T> {
  // The keys are exactly the plurals of the layer's kinds, which the type spells out.
  return Object.fromEntries(kindsOfLayer(layer).map((k) => [KINDS[k].plural, value(k)])) as ByPlural<L, T>;
}

/** The kinds `vault run` loads from the landing tables. */
export type LoadedKind = { [K in EntityKind]: (typeof KINDS)[K]['loaded'] extends true ? K : never }[EntityKind];

/** One handler per kind, each given the entity with its own type: a table the compiler checks is complete. */
export type KindHandlers<R, Ctx = void> = { readonly [K in EntityKind]: (entity: EntityOfKind<K>, ctx: Ctx) => R };

/**
 * Calls the handler of `entity`'s kind: the one way code branches on an entity's kind.
 * @example dispatch(entity, { hub: (h) => h.hashKey, link: (l) => l.hashKey, ... })
 */
export function dispatch<R>(entity: VaultEntity, handlers: KindHandlers<R>): R;
export function dispatch<R, Ctx>(entity: VaultEntity, handlers: KindHandlers<R, Ctx>, ctx: Ctx): R;
export function dispatch<R, Ctx>(entity: VaultEntity, handlers: KindHandlers<R, Ctx>, ctx?: Ctx): R {
  // The mapped type pairs each kind with its entity type; indexing it with a union kind loses
  // that pairing, so the call goes through the union once, here.
  return (handlers[entity.kind] as (e: VaultEntity, c: Ctx | undefined) => R)(entity, ctx);
}

/**
 * The qualified name of an entity or source table: `<layer>.<plural kind>.<name>`.
 * @example qualifiedName({ kind: 'business_hub', name: 'business_partner' }) // 'business_vault.hubs.business_partner'
 * @example qualifiedName({ kind: 'source_table', name: 'customer' })         // 'source.tables.customer'
 */
export function qualifiedName(ref: Pick<EntityRef, 'kind' | 'name'>): string {
  if (ref.kind === 'source_table') return `source.tables.${ref.name}`;
  const info = KINDS[ref.kind];
  return `${info.layer}.${info.plural}.${ref.name}`;
}
