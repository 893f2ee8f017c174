import type { SnapshotEvery, SnapshotKeepSpec } from '../spec/spec.js';
import type { Column, DerivedAttribute, EntityBase, Filter } from './common.js';
import type { LinkHub } from './raw-vault.js';

/**
 * The model's snapshot control (spec `snapshots:`): a table of as-of dates, one row per date
 * with its period-end flags, loaded insert-only up to the batch's date; a view offers the dates
 * the retention keeps (docs/sql.md, "Snapshot control").
 */
export interface SnapshotControl extends EntityBase {
  readonly kind: 'snapshot_control';
  /** The first snapshot date, `YYYY-MM-DD`. */
  readonly start: string;
  /** The last snapshot date, `YYYY-MM-DD`, or `today`: the batch load timestamp's date (UTC). */
  readonly end: string;
  readonly every: SnapshotEvery;
  /** Retention rules; absent: every snapshot is kept. */
  readonly keep?: ReadonlyArray<SnapshotKeepSpec>;
}

/** A satellite a point-in-time table points into: its kind (with the hub's or link's satellites of every kind) and name. */
export interface PitSatellite {
  readonly kind: 'satellite' | 'link_satellite' | 'effectivity_satellite' | 'multi_active_satellite' | 'status_tracking_satellite';
  readonly name: string;
}

/**
 * A point-in-time table of a hub or link (spec `business_vault: pits`): for every snapshot date
 * of the model's snapshot control and every key known by then, a pointer (hash key, load_ts)
 * into each of its satellites at the row valid at the snapshot's cut-off, the ghost pointer when
 * none is; loaded insert-only (docs/sql.md, "Point-in-time tables").
 */
export interface Pit extends EntityBase {
  readonly kind: 'pit';
  /** The hub or link whose keys it holds; the PIT is named after it. */
  readonly parent: string;
  readonly parentKind: 'hub' | 'link';
  /** The parent's hash key column, the PIT's key column beside `snapshot_date`. */
  readonly parentHashKey: string;
  /** The satellites it points into, in model order (raw satellites, link satellites, effectivity, multi-active, status tracking). */
  readonly satellites: ReadonlyArray<PitSatellite>;
  /** The snapshot control whose dates it is built for. */
  readonly snapshotControl: string;
}

export interface BusinessHub extends EntityBase {
  readonly kind: 'business_hub';
  /** The raw hub it is built on. */
  readonly hub: string;
  readonly hashKey: string;
  readonly businessKeys: ReadonlyArray<Column>;
  /** Keys kept: the rule set's filter over the current satellite values. */
  readonly filter?: Filter;
}

export interface BusinessLink extends EntityBase {
  readonly kind: 'business_link';
  /** The raw link it is built on, or the non-historized link when `eventAttributes` is there. */
  readonly link: string;
  readonly hashKey: string;
  readonly hubs: ReadonlyArray<LinkHub>;
  /** The raw link's dependent child keys, when it has some. */
  readonly dependentChildKeys?: ReadonlyArray<Column>;
  /**
   * Present when the business link is built on a non-historized link: the event's attributes,
   * columns of the business link itself (after its keys), offered as measures of a fact per event.
   */
  readonly eventAttributes?: ReadonlyArray<Column>;
  /** The raw link's driving key (`Link.drivingKey`), when it has one. */
  readonly drivingKey?: ReadonlyArray<string>;
  readonly filter?: Filter;
}

/** A satellite column in the business vault, and the raw satellite it comes from. */
export interface BusinessColumn extends Column {
  readonly satellite: string;
  readonly sourceColumn: string;
}

/** A reference table's attribute joined into a business satellite: the current description of a code. */
export interface LookupColumn extends Column {
  /** The reference table's attribute it reads. */
  readonly sourceColumn: string;
}

/**
 * A reference table joined into a business satellite (left join on the code, current rows):
 * a code the reference table lacks keeps its row, with NULL descriptions.
 */
export interface Lookup {
  readonly referenceTable: string;
  /** The business satellite's columns that carry the code, lined up with the reference table's codes. */
  readonly codeColumns: ReadonlyArray<string>;
  readonly columns: ReadonlyArray<LookupColumn>;
}

export interface BusinessSatellite extends EntityBase {
  readonly kind: 'business_satellite';
  /** The business hub it describes. */
  readonly parent: string;
  readonly parentHashKey: string;
  /** The raw satellites brought together. */
  readonly satellites: ReadonlyArray<string>;
  readonly columns: ReadonlyArray<BusinessColumn>;
  readonly derived: ReadonlyArray<DerivedAttribute>;
  /** Reference tables whose current descriptions are joined in, by the codes the columns carry; absent when none. */
  readonly lookups?: ReadonlyArray<Lookup>;
}

export interface BusinessLinkSatellite extends EntityBase {
  readonly kind: 'business_link_satellite';
  readonly parent: string;
  readonly parentHashKey: string;
  readonly satellites: ReadonlyArray<string>;
  readonly columns: ReadonlyArray<BusinessColumn>;
  readonly derived: ReadonlyArray<DerivedAttribute>;
  /** Reference tables whose current descriptions are joined in, by the codes the columns carry; absent when none. */
  readonly lookups?: ReadonlyArray<Lookup>;
}

export type BusinessVaultEntity = SnapshotControl | Pit | BusinessHub | BusinessLink | BusinessSatellite | BusinessLinkSatellite;
