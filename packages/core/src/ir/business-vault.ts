import type { Column, DerivedAttribute, EntityBase, Filter } from './common.js';
import type { LinkHub } from './raw-vault.js';

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
  readonly link: string;
  readonly hashKey: string;
  readonly hubs: ReadonlyArray<LinkHub>;
  /** The raw link's dependent child keys, when it has some. */
  readonly dependentChildKeys?: ReadonlyArray<Column>;
  /** The raw link's driving key (`Link.drivingKey`), when it has one. */
  readonly drivingKey?: ReadonlyArray<string>;
  readonly filter?: Filter;
}

/** A satellite column in the business vault, and the raw satellite it comes from. */
export interface BusinessColumn extends Column {
  readonly satellite: string;
  readonly sourceColumn: string;
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
}

export interface BusinessLinkSatellite extends EntityBase {
  readonly kind: 'business_link_satellite';
  readonly parent: string;
  readonly parentHashKey: string;
  readonly satellites: ReadonlyArray<string>;
  readonly columns: ReadonlyArray<BusinessColumn>;
  readonly derived: ReadonlyArray<DerivedAttribute>;
}

export type BusinessVaultEntity = BusinessHub | BusinessLink | BusinessSatellite | BusinessLinkSatellite;
