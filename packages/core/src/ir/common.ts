import type { ColumnType } from '../spec/column-type.js';
import type { HashAlgorithm } from '../spec/spec.js';
import type { Expr } from '../expr/ast.js';
import type { SpecPath } from '../diagnostics/diagnostic.js';

export type Layer = 'source' | 'raw_vault' | 'business_vault' | 'access_layer';

/** A reference to an entity of a layer, e.g. `{ layer: 'raw_vault', kind: 'hub', name: 'business_partner' }`. */
export interface EntityRef {
  readonly layer: Layer;
  readonly kind: EntityKind | 'source_table';
  readonly name: string;
}

export type EntityKind =
  | 'hub'
  | 'link'
  | 'non_historized_link'
  | 'satellite'
  | 'link_satellite'
  | 'effectivity_satellite'
  | 'multi_active_satellite'
  | 'status_tracking_satellite'
  | 'reference_table'
  | 'snapshot_control'
  | 'pit'
  | 'bridge'
  | 'business_hub'
  | 'business_link'
  | 'business_satellite'
  | 'business_link_satellite'
  | 'presentation_view'
  | 'dimensional_model'
  | 'reporting_view';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly description?: string;
}

/** Where a column of an entity comes from: a source table's column. */
export interface SourcedColumn extends Column {
  readonly sourceTable: string;
  readonly sourceColumn: string;
}

/** Why inference decided something: the rule that fired and what it saw. */
export interface Evidence {
  readonly rule: string;
  readonly detail: string;
}

/** A source table feeding an entity; `columns` line up with the entity's business keys or payload. */
export interface EntitySource {
  readonly table: string;
  readonly columns: ReadonlyArray<string>;
}

/** A business rule after parsing and type checking: the only form rule text takes downstream. */
export interface DerivedAttribute {
  readonly name: string;
  readonly expr: Expr;
  /** The canonical printed form of `expr`. */
  readonly text: string;
  readonly type: ColumnType;
}

export interface Filter {
  readonly expr: Expr;
  readonly text: string;
}

export interface Hashing {
  readonly algorithm: HashAlgorithm;
  readonly caseSensitiveKeys: boolean;
  readonly caseSensitiveHashdiff: boolean;
}

/**
 * Columns the business vault's history views and the access layer's as-of views put beside a
 * business satellite's columns (docs/sql.md, "History in the business vault", "As-of views"). A
 * payload column named like one is prefixed by its satellite's name in the business vault, as a
 * name two satellites share is.
 */
export const VIEW_COLUMNS = {
  validFrom: 'valid_from',
  validTo: 'valid_to',
  isCurrent: 'is_current',
  /** Not `is_deleted`, which is often a payload column already (a source's delete flag). */
  keyIsDeleted: 'key_is_deleted',
  snapshotDate: 'snapshot_date',
} as const;

/** Names of the Data Vault metadata columns, the same in every model and target. */
export const METADATA_COLUMNS = {
  loadTimestamp: 'load_ts',
  recordSource: 'record_source',
  hashDiff: 'hashdiff',
  /** A satellite's copy of its table's delta_order value, when the table declares one. */
  deltaOrder: 'delta_order',
} as const;

export interface EntityBase {
  readonly name: string;
  readonly description?: string;
  readonly derivedFrom: ReadonlyArray<EntityRef>;
  readonly evidence: ReadonlyArray<Evidence>;
  /**
   * The spec node the entity comes from, for diagnostics about it after inference (a target
   * that cannot emit it): `['tables', 'orders']` for what a table gives, `['tables', 'orders',
   * 'link']` for a link the spec names, `['business_vault', 'rules', 'customer']` for a hub with
   * rules, `['access_layer', 'presentation_views', 0]` for a listed view. Resolve it with the
   * key as target: the line naming the node. Not data about the vault: manifest, docs and
   * explain leave it out.
   */
  readonly origin: SpecPath;
}
