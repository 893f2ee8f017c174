import type { Column, EntityBase, Filter } from './common.js';

/** A column of an access-layer entity and the business-vault entity and column it reads. */
export interface AccessColumn extends Column {
  readonly from: string;
  readonly fromKind: 'business_hub' | 'business_link' | 'business_satellite' | 'business_link_satellite';
  readonly fromColumn: string;
}

export interface PresentationView extends EntityBase {
  readonly kind: 'presentation_view';
  readonly businessHub: string;
  readonly businessKeys: ReadonlyArray<string>;
  /** Current values, flattened: business keys then satellite columns then derived attributes. */
  readonly columns: ReadonlyArray<AccessColumn>;
}

export interface Dimension {
  readonly name: string;
  readonly businessHub: string;
  readonly role?: string;
  /** The fact's column holding the dimension's hash key: for a fact hub, the column of `through.link`. */
  readonly hashKey: string;
  /**
   * For a fact hub: the business link that relates the fact to this dimension, driven by the
   * fact hub, and that link's column holding the fact hub's hash key (its driving key). The fact
   * reads the link's current row per driving key: the one loaded last.
   */
  readonly through?: { readonly link: string; readonly drivingKey: string };
  readonly attributes: ReadonlyArray<AccessColumn>;
  /**
   * Type 2 only: the column of the dimension view (and of the fact view) holding the key of a
   * member's version, `<name>_version_key`.
   */
  readonly versionKey?: string;
}

export interface DimensionalModel extends EntityBase {
  readonly kind: 'dimensional_model';
  /** The business link (or hub) the facts come from. */
  readonly fact: string;
  readonly factKind: 'business_link' | 'business_hub';
  readonly measures: ReadonlyArray<AccessColumn>;
  readonly dimensions: ReadonlyArray<Dimension>;
  /**
   * `type1`: each dimension holds its members' current values. `type2`: one row per version of
   * each member, and the fact points at the version valid at its date (docs/sql.md, "Type-2
   * dimensions"); every dimension then has a `versionKey`.
   */
  readonly history: 'type1' | 'type2';
  /** Type 2 only: the date or timestamp column of the fact that picks the versions; absent, the fact's load_ts. */
  readonly factDate?: AccessColumn;
}

export interface ReportingView extends EntityBase {
  readonly kind: 'reporting_view';
  readonly from: string;
  readonly fromKind: 'business_hub' | 'business_link';
  readonly columns: ReadonlyArray<AccessColumn>;
  readonly filter?: Filter;
}

export type AccessLayerEntity = PresentationView | DimensionalModel | ReportingView;
