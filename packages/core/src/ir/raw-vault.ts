import type { Column, EntityBase, EntitySource, SourcedColumn } from './common.js';

export interface Hub extends EntityBase {
  readonly kind: 'hub';
  readonly hashKey: string;
  /** Business key columns of the hub, in key order. */
  readonly businessKeys: ReadonlyArray<Column>;
  /**
   * Every source table that carries this key; `columns` line up with `businessKeys`. `reference`
   * marks a table that carries the key as a reference to the hub, not as its own business key:
   * a missing value there is a missing reference (links give it the zero key), not a row the
   * hub leaves out, which `vault run` counts and reports.
   */
  readonly sources: ReadonlyArray<EntitySource & { readonly reference?: true }>;
}

/** One hub a link points at, possibly under a role (`manager` for `manager_staff_id`). */
export interface LinkHub {
  readonly hub: string;
  readonly role?: string;
  /** The column in the link holding this hub's hash key. */
  readonly hashKey: string;
  /** The link's business key columns for this hub, in the hub's key order. */
  readonly businessKeys: ReadonlyArray<Column>;
}

export interface Link extends EntityBase {
  readonly kind: 'link';
  readonly hashKey: string;
  readonly hubs: ReadonlyArray<LinkHub>;
  /**
   * Dependent child keys (a line number): columns of the link, not of a hub, that are part of
   * its grain. Hashed into the link's hash key after every hub's key, in this order, and stored
   * in the link, never in a link satellite's payload. Absent when the link has none.
   */
  readonly dependentChildKeys?: ReadonlyArray<Column>;
  /**
   * The driving key: the link's hash key columns (`LinkHub.hashKey`) of its driving hubs, the
   * side whose relationship to the other hubs changes over time (an order's customer, employee,
   * shipper: the order drives). A link formed by a table that becomes a hub is driven by that
   * hub. Absent for a link without one (an association table's).
   */
  readonly drivingKey?: ReadonlyArray<string>;
  /** `columns` line up with the link's key columns (`linkKeyColumns`): each hub's key columns, in `hubs` order, then the dependent child keys. */
  readonly sources: ReadonlyArray<EntitySource>;
}

/**
 * What a satellite's load does with rows of one batch that share its key (and delta-order value)
 * but not its payload: the spec's `duplicates` of the source table (docs/spec.md). `keep_last_by`
 * keeps the row with the greatest value of `column`, a landing column kept out of the payload.
 */
export type DuplicatePolicy = { readonly kind: 'report' } | { readonly kind: 'reject' } | { readonly kind: 'error_table' } | { readonly kind: 'keep_last_by'; readonly column: string };

/**
 * A non-historized (transactional) link: one row per event (a payment, a signal raised), its
 * attributes stored in the link itself, insert-only. The event is immutable: a row whose hash
 * key is there already is never inserted again, whatever its attributes now say, so the link
 * keeps each event as first loaded and has no satellite history (docs/spec.md, "Non-historized
 * links").
 */
export interface NonHistorizedLink extends EntityBase {
  readonly kind: 'non_historized_link';
  readonly hashKey: string;
  /** The hubs the event points at (one or more), as a link's. */
  readonly hubs: ReadonlyArray<LinkHub>;
  /** The event's own id (a transaction id) and other grain columns, hashed after the hubs' keys, as a link's dependent child keys. */
  readonly dependentChildKeys?: ReadonlyArray<Column>;
  /** The event's attributes, columns of the link itself, taken once from the event's first load. */
  readonly payload: ReadonlyArray<SourcedColumn>;
  /** Attributes that look sensitive (or are marked role: sensitive): stored, but left out of the business vault. Absent when none. */
  readonly sensitiveColumns?: ReadonlyArray<string>;
  /** One source table; `columns` line up with the key columns (`linkKeyColumns`). */
  readonly sources: ReadonlyArray<EntitySource>;
  /** Source column that orders several versions of one event inside a batch: the earliest is kept. */
  readonly deltaOrder?: string;
}

export interface Satellite extends EntityBase {
  readonly kind: 'satellite';
  readonly parent: string;
  readonly parentHashKey: string;
  /**
   * The source table's columns holding the parent's key, when the satellite describes a hub the
   * table only references (`satellites: { name: { parent, columns } }`): the reference's columns.
   * Absent for a satellite of the table's own hub, whose key is the table's business key.
   */
  readonly parentKey?: ReadonlyArray<string>;
  readonly sensitive: boolean;
  readonly payload: ReadonlyArray<SourcedColumn>;
  readonly source: EntitySource;
  /** Source column that orders several changes of one key inside a batch, if any. */
  readonly deltaOrder?: string;
  /** In-batch duplicate keys: absent means `report`. */
  readonly duplicates?: DuplicatePolicy;
}

export interface LinkSatellite extends EntityBase {
  readonly kind: 'link_satellite';
  readonly parent: string;
  readonly parentHashKey: string;
  readonly sensitive: boolean;
  readonly payload: ReadonlyArray<SourcedColumn>;
  readonly source: EntitySource;
  readonly deltaOrder?: string;
  readonly duplicates?: DuplicatePolicy;
}

/**
 * The effectivity satellite of a link with a driving key: one row each time a driving key's
 * relationship starts (the link hash key it now points at), insert-only. The relationship
 * effective for a driving key at time t is its latest start row at or before t in change order;
 * it ends when the driving key's next start row begins. A start row pointing at the zero key (the
 * reference is now missing) ends the relationship: nothing is effective (docs/sql.md,
 * "Effectivity satellites").
 */
export interface EffectivitySatellite extends EntityBase {
  readonly kind: 'effectivity_satellite';
  /** The link. */
  readonly parent: string;
  /** The link's hash key column, the value whose change starts a relationship. */
  readonly parentHashKey: string;
  /** The link's driving key: its hash key columns of the driving hubs (`Link.drivingKey`). */
  readonly drivingKey: ReadonlyArray<string>;
  /** The source table; `columns` line up with the link's key columns (`linkKeyColumns`). */
  readonly source: EntitySource;
  /** Source column that orders several changes of one driving key inside a batch, if any. */
  readonly deltaOrder?: string;
}

/**
 * A multi-active satellite: several active rows per parent key at once (a partner's phone numbers
 * by type, a facility's ratings by agency), told apart by the multi-active key. Its unit of change
 * is the set of a key's rows: a load inserts a key's whole set, all rows with one load_ts, when
 * the set differs from the key's latest stored set (docs/sql.md, "Multi-active satellites").
 */
export interface MultiActiveSatellite extends EntityBase {
  readonly kind: 'multi_active_satellite';
  /** The hub it describes. */
  readonly parent: string;
  readonly parentHashKey: string;
  /** The source table's columns holding the parent's key, in the hub's key order. */
  readonly parentKey: ReadonlyArray<string>;
  /** The columns that tell the active rows of one parent key apart: part of the table's key, never null. */
  readonly multiActiveKey: ReadonlyArray<SourcedColumn>;
  /** One sensitive column makes the whole set sensitive: stored, never in the business vault. */
  readonly sensitive: boolean;
  readonly payload: ReadonlyArray<SourcedColumn>;
  /** The table it is loaded from; `columns` line up with `payload`. */
  readonly source: EntitySource;
  /** Source column that orders several sets of one key inside a batch, if any. */
  readonly deltaOrder?: string;
}

/**
 * How a landing table says a row is a delete (docs/spec.md, "Deletes"): a boolean column (true =
 * deleted), or an operation column and the values that mean delete (compared upper-cased).
 */
export type DeleteMarker = { readonly kind: 'flag'; readonly column: string } | { readonly kind: 'operation'; readonly column: string; readonly values: ReadonlyArray<string> };

/**
 * The status of each key of one source table over time (docs/sql.md, "Status tracking"):
 * insert-only, a row only when the key's status changes. A key is present when a batch brings
 * it; deleted when a full batch (`batches: full`) no longer brings it, or when the table's delete
 * marker says so. Current views leave a key out whose latest status is deleted.
 */
export interface StatusTrackingSatellite extends EntityBase {
  readonly kind: 'status_tracking_satellite';
  /** The table's own hub, or its unit-of-work link for a link table. */
  readonly parent: string;
  readonly parentKind: 'hub' | 'link';
  readonly parentHashKey: string;
  /** The table; `columns` are its columns holding the parent's key (the hub's business key, or the link's key columns). */
  readonly source: EntitySource;
  /** What one batch of the landing table holds: the whole source (`full`) or changes only (`delta`). */
  readonly batches: 'full' | 'delta';
  /** The table's delete marker, if any. */
  readonly deletes?: DeleteMarker;
  /** Source column that orders several changes of one key inside a batch, if any. */
  readonly deltaOrder?: string;
}

/** Columns of another table that carry a reference table's code: a lookup, never a link. */
export interface CodeReference {
  readonly table: string;
  /** Columns of `table`, lined up with the reference table's `codes`. */
  readonly columns: ReadonlyArray<string>;
}

/**
 * A code list (currencies, countries, US states, rating grades): keyed by its code, the natural
 * key (no hash key), with the history of its descriptive columns. One table holds both: a row
 * per code and version, primary key (codes, load_ts), a new row only when the hashdiff of the
 * code's latest row differs. Satellites keep the code as payload; the business vault joins the
 * current descriptions in (docs/sql.md, "Reference tables").
 */
export interface ReferenceTable extends EntityBase {
  readonly kind: 'reference_table';
  /** The code columns, in key order: never null. */
  readonly codes: ReadonlyArray<Column>;
  /** The descriptive columns whose history is kept. */
  readonly attributes: ReadonlyArray<SourcedColumn>;
  /** Attributes that are sensitive (marked `role: sensitive`, or named so): kept here, never joined into the business vault. */
  readonly sensitive: ReadonlyArray<string>;
  /** The table it is loaded from; `columns` line up with `codes`. */
  readonly source: EntitySource;
  /** Source column that orders several changes of one code inside a batch, if any. */
  readonly deltaOrder?: string;
  /** The tables whose columns carry the code, by table name. */
  readonly usedBy: ReadonlyArray<CodeReference>;
}

export type RawVaultEntity = Hub | Link | NonHistorizedLink | Satellite | LinkSatellite | EffectivitySatellite | MultiActiveSatellite | StatusTrackingSatellite | ReferenceTable;
