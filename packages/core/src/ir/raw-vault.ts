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

export interface Satellite extends EntityBase {
  readonly kind: 'satellite';
  readonly parent: string;
  readonly parentHashKey: string;
  readonly sensitive: boolean;
  readonly payload: ReadonlyArray<SourcedColumn>;
  readonly source: EntitySource;
  /** Source column that orders several changes of one key inside a batch, if any. */
  readonly deltaOrder?: string;
}

export interface LinkSatellite extends EntityBase {
  readonly kind: 'link_satellite';
  readonly parent: string;
  readonly parentHashKey: string;
  readonly sensitive: boolean;
  readonly payload: ReadonlyArray<SourcedColumn>;
  readonly source: EntitySource;
  readonly deltaOrder?: string;
}

export type RawVaultEntity = Hub | Link | Satellite | LinkSatellite;
