/**
 * The vault spec, version 1: the shape a data engineer writes (in YAML, or as the compact
 * source-table string). Keys are snake_case because they are the file format; the IR that
 * inference builds from a spec is camelCase. `docs/spec.md` is the reference.
 *
 * This type and the JSON Schema in `@vault/dsl` are proven to agree at compile time.
 */

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256';

export interface HashingSpec {
  /** Default md5. */
  readonly algorithm?: HashAlgorithm;
  /** Whether business keys keep their case before hashing. Default false (upper-cased). */
  readonly case_sensitive_keys?: boolean;
  /** Whether hashdiff payloads keep their case. Default true. */
  readonly case_sensitive_hashdiff?: boolean;
}

/** What a table is, when inference should not decide. */
export type TableKind = 'hub' | 'link' | 'non_historized_link' | 'reference';

/**
 * What a load does when one batch of a table holds two or more rows with the same key of a
 * satellite (and the same delta-order value) but different payloads (docs/spec.md, "Duplicate
 * keys"). `report` (the default) keeps one, the smallest hashdiff, and counts them; `reject`
 * refuses the batch; `error_table` keeps the same row and writes the others to
 * `vault_duplicates`; `{ keep_last_by }` keeps the row with the greatest value of that column.
 */
export type DuplicatesSpec = 'report' | 'reject' | 'error_table' | { readonly keep_last_by: string };

/**
 * How a landing table marks deletes (docs/spec.md, "Deletes"): `{ flag }` a boolean column (true =
 * deleted), `{ operation, delete_values }` a CDC operation column and the values that mean delete
 * (default `D` and `DELETE`, compared case-insensitively), or `none` (no marker, none inferred).
 */
export type DeletesSpec = 'none' | { readonly flag: string } | { readonly operation: string; readonly delete_values?: ReadonlyArray<string> };

/** How a column is treated when inference should not decide. */
export type ColumnRole = 'technical' | 'sensitive' | 'ignore';

export interface ColumnSpecObject {
  readonly type: string;
  /** Default true. */
  readonly nullable?: boolean;
  readonly description?: string;
  readonly role?: ColumnRole;
}

/** `columns: { id: int }` is short for `{ id: { type: int } }`. */
export type ColumnSpec = string | ColumnSpecObject;

export interface ReferenceSpec {
  /** Columns of this table, in the order of the target's key. */
  readonly columns: ReadonlyArray<string>;
  /** The referenced table. */
  readonly table: string;
  /** Columns of the target; default: the target's business key. */
  readonly target_columns?: ReadonlyArray<string>;
  /** Role name, e.g. `manager` for `manager_staff_id`; names the link's hub key. */
  readonly role?: string;
  /**
   * Name of the link this relationship forms, for a table that becomes a hub (one link per
   * reference, default: named after the two hubs). Not allowed where the table forms one
   * unit-of-work link (a link table, or a hub table with `link:`).
   */
  readonly link?: string;
}

/**
 * A `satellites:` entry: its payload columns, or the hub it describes and its columns. `parent`
 * names a hub the table references (with its role, `<role>_<hub>`, when the reference has one),
 * or the table's own hub or link.
 */
export type SatelliteSpec = ReadonlyArray<string> | SatelliteSpecObject;

export interface SatelliteSpecObject {
  readonly parent: string;
  readonly columns: ReadonlyArray<string>;
}

/** The payload columns of a `satellites:` entry, whichever its form. */
export function satelliteColumns(s: SatelliteSpec): ReadonlyArray<string> {
  return isSatelliteObject(s) ? s.columns : s;
}

export function isSatelliteObject(s: SatelliteSpec): s is SatelliteSpecObject {
  return !Array.isArray(s);
}

export interface TableSpec {
  readonly description?: string;
  readonly kind?: TableKind;
  /** Name of the hub this table feeds (default: inferred from the table name). */
  readonly hub?: string;
  /**
   * Name of the link this table forms. For a table that becomes a link, its name. For a table
   * that becomes a hub, a request: its own hub and all its references form one unit-of-work link
   * under this name, instead of one link per reference. For an event table, its non-historized link's name.
   */
  readonly link?: string;
  readonly business_key?: ReadonlyArray<string>;
  readonly primary_key?: ReadonlyArray<string>;
  readonly unique_keys?: ReadonlyArray<ReadonlyArray<string>>;
  /** Link tables: columns that are part of the link's grain without being a hub's key (a line number). */
  readonly dependent_child_keys?: ReadonlyArray<string>;
  /**
   * Link tables: columns of its references whose hubs drive the link (an account's holder changes
   * over time, the account drives). Gives the link a driving key, and so an effectivity satellite.
   */
  readonly driving_key?: ReadonlyArray<string>;
  /**
   * `false`: the links this table forms with a driving key get no effectivity satellite (default:
   * each gets one, rule `link.effectivity`), so the business vault offers every relationship ever
   * loaded instead of the effective ones.
   */
  readonly effectivity?: boolean;
  /**
   * The columns that tell apart the rows of one parent key that are active at once (a partner's
   * phone numbers by `phone_type`, a facility's ratings by `rating_agency`): the table becomes a
   * multi-active satellite of the hub its other key columns reference.
   */
  readonly multi_active_key?: ReadonlyArray<string>;
  readonly columns: { readonly [column: string]: ColumnSpec };
  readonly references?: ReadonlyArray<ReferenceSpec>;
  /**
   * Satellite name → payload columns (of the table's own hub or link), or `{ parent, columns }`
   * for a satellite of another hub the table references (`parent: customer`, or
   * `manager_staff` for a reference with a role). Columns not listed go to the default satellite.
   */
  readonly satellites?: { readonly [satellite: string]: SatelliteSpec };
  /** What the rows this table brings hold in `record_source`. Default: `<record_source>.<table>`. */
  readonly record_source?: string;
  /** Column that orders several deltas of one key inside a batch (CDC timestamp or sequence). */
  readonly delta_order?: string;
  /** In-batch duplicate keys with different payloads: what a load does with them. Default `report`. */
  readonly duplicates?: DuplicatesSpec;
  /**
   * What one batch of the landing table holds: `full`, the whole source (a key missing from a batch
   * was deleted), or `delta` (the default), changes only (a missing key says nothing).
   */
  readonly batches?: 'full' | 'delta';
  /** How the table marks deletes; default: inferred from a column's name and type. */
  readonly deletes?: DeletesSpec;
}

export interface RuleSetSpec {
  /** Derived attribute name → expression. */
  readonly derive?: { readonly [attribute: string]: string };
  /** Rows kept in the business vault: a boolean expression. */
  readonly filter?: string;
}

export interface BusinessVaultSpec {
  /** Hub or link name → its business rules. */
  readonly rules?: { readonly [entity: string]: RuleSetSpec };
  /**
   * Hubs and links that get a point-in-time table (docs/spec.md, "Point-in-time tables"): `all`
   * (default: each with two or more satellites, when the model has snapshots), `none`, or a list.
   */
  readonly pits?: 'all' | 'none' | ReadonlyArray<string>;
}

export interface DimensionalModelSpec {
  readonly description?: string;
  /** The link (or hub) the facts come from. */
  readonly fact: string;
  /** Measures: columns of the fact's business satellites, or derived attributes. */
  readonly measures: ReadonlyArray<string>;
  /** Hubs that become dimensions; default: every hub of the fact link. */
  readonly dimensions?: ReadonlyArray<string>;
}

export interface ReportingViewSpec {
  readonly description?: string;
  /** The business hub or link the view reads. */
  readonly from: string;
  /** Columns to show; default all. */
  readonly columns?: ReadonlyArray<string>;
  readonly filter?: string;
}

export interface AccessLayerSpec {
  /** Hubs that get a presentation view: `all` (default), `none`, or a list. */
  readonly presentation_views?: 'all' | 'none' | ReadonlyArray<string>;
  readonly dimensional_models?: { readonly [model: string]: DimensionalModelSpec };
  readonly reporting_views?: { readonly [view: string]: ReportingViewSpec };
}

export interface SchemasSpec {
  readonly landing?: string;
  readonly raw_vault?: string;
  readonly business_vault?: string;
  readonly access_layer?: string;
}

export interface FrameworkSpec {
  /** Path of a framework profile file, relative to the spec. */
  readonly profile?: string;
}

/** Which dates a snapshot rule takes: every day, or the last day of each ISO week (Sunday), month, quarter or year. */
export type SnapshotEvery = 'day' | 'week_end' | 'month_end' | 'quarter_end' | 'year_end';

/** A retention rule: keep the snapshots that fall on `every` and are less than `for_days` days older than the latest (always, without `for_days`). */
export interface SnapshotKeepSpec {
  readonly every: SnapshotEvery;
  readonly for_days?: number;
}

/** The model's snapshot control (docs/spec.md, "Snapshots"): the as-of dates reports read. */
export interface SnapshotsSpec {
  /** The first snapshot date, `YYYY-MM-DD`. */
  readonly start: string;
  /** The last snapshot date, `YYYY-MM-DD`, or `today`: the date (UTC) of the batch load timestamp. Default `today`. */
  readonly end?: string;
  /** Which dates between start and end are snapshots. Default `day`. */
  readonly every?: SnapshotEvery;
  /** Retention: a snapshot is kept while some rule keeps it; without rules every snapshot is kept. */
  readonly keep?: ReadonlyArray<SnapshotKeepSpec>;
}

export interface Spec {
  readonly version: 1;
  readonly model: string;
  /** The business context: what the model is for. */
  readonly description?: string;
  /** The source system: each table's record source starts with it (`<record_source>.<table>`). Default: the model name. */
  readonly record_source?: string;
  readonly schemas?: SchemasSpec;
  readonly hashing?: HashingSpec;
  readonly framework?: FrameworkSpec;
  readonly tables: { readonly [table: string]: TableSpec };
  readonly business_vault?: BusinessVaultSpec;
  readonly access_layer?: AccessLayerSpec;
  readonly snapshots?: SnapshotsSpec;
}

export const HASHING_DEFAULTS = {
  algorithm: 'md5',
  case_sensitive_keys: false,
  case_sensitive_hashdiff: true,
} as const satisfies Required<HashingSpec>;

export const SCHEMA_DEFAULTS = {
  landing: 'landing',
  raw_vault: 'raw_vault',
  business_vault: 'business_vault',
  access_layer: 'access_layer',
} as const satisfies Required<SchemasSpec>;

export function columnSpecObject(c: ColumnSpec): ColumnSpecObject {
  return typeof c === 'string' ? { type: c } : c;
}
