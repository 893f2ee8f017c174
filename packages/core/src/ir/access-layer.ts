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
}

export interface DimensionalModel extends EntityBase {
  readonly kind: 'dimensional_model';
  /** The business link (or hub) the facts come from. */
  readonly fact: string;
  readonly factKind: 'business_link' | 'business_hub';
  readonly measures: ReadonlyArray<AccessColumn>;
  readonly dimensions: ReadonlyArray<Dimension>;
}

export interface ReportingView extends EntityBase {
  readonly kind: 'reporting_view';
  readonly from: string;
  readonly fromKind: 'business_hub' | 'business_link';
  readonly columns: ReadonlyArray<AccessColumn>;
  readonly filter?: Filter;
}

export type AccessLayerEntity = PresentationView | DimensionalModel | ReportingView;
