/**
 * `manifest.json`: a machine-readable description of everything emitted for one model, for
 * tools and reviewers (docs/manifest.md documents every field). Keys are always in the same
 * order and entities are sorted by name, so the same model gives the same bytes.
 */
import { METADATA_COLUMNS, type EntityKind, type EntitySource, type VaultEntity, type VaultModel } from '@vault/core';
import {
  KINDS,
  VAULT_LAYERS,
  byCodeUnit,
  byName,
  byPlural,
  dispatch,
  entitiesOf,
  kindsOfLayer,
  printColumnType,
  qualifiedName,
  VERSION_COLUMNS,
  type ByPlural,
  type EntityOfKind,
  type KindHandlers,
} from '@vault/core/internal';
import { entityColumns, modelColumns, pitPointerColumns, type ModelColumns } from './columns.js';
import { duplicatesLiteral, type DuplicatesLiteral } from './duplicates-literal.js';
import { MISSING_REFERENCES, hashingSettings, recordSources, type HashingSettings, type RecordSources } from './hashing-settings.js';
import { entityPaths } from './querydsl/kinds.js';
import { specFileName } from './spec-name.js';
import { AS_OF_RULE, BRIDGE_EFFECTIVE, PIT_NO_ROW } from './as-of.js';

export interface ManifestSource {
  readonly table: string;
  readonly columns: ReadonlyArray<string>;
  /** What the rows a load writes from this table hold in `record_source`. */
  readonly record_source: string;
}

/** Columns of another table that carry a reference table's code (`used_by`). */
export interface ManifestCodeReference {
  readonly table: string;
  readonly columns: ReadonlyArray<string>;
}

/** A column as the manifest spells it: its type as canonical text (`printColumnType`). */
export interface ManifestColumn {
  readonly name: string;
  readonly type: string;
}

/** A reference table a business satellite joins: by its code columns, bringing in its current descriptions. */
export interface ManifestLookup {
  readonly reference_table: string;
  readonly code_columns: ReadonlyArray<string>;
  readonly columns: ReadonlyArray<string>;
}

/** The snapshot control's settings: `end` is a date or `today`; `keep` is absent when every snapshot is kept. */
export interface ManifestSnapshots {
  readonly start: string;
  readonly end: string;
  readonly every: string;
  readonly keep?: ReadonlyArray<{ readonly every: string; readonly for_days?: number }>;
}

/** A satellite a point-in-time table points into, by its qualified name, and the PIT's two pointer columns into it. */
export interface ManifestPitSatellite {
  readonly satellite: string;
  readonly hash_key: string;
  readonly load_ts: string;
}

/** A type-2 dimensional model's versions: the fact's date that picks them, the validity columns of each dimension view, and the version key column per dimension. */
export interface ManifestVersions {
  readonly history: 'type2';
  readonly fact_date: string;
  readonly valid_from: string;
  readonly valid_to: string;
  readonly is_current: string;
  readonly version_keys: { readonly [dimension: string]: string };
}

/** A hub or link on a bridge's path. */
export interface ManifestBridgeStep {
  readonly kind: 'hub' | 'link';
  readonly name: string;
  readonly hash_key: string;
  readonly from?: string;
  readonly to?: string;
}

/** The time rule of an as-of table, as literals (docs/sql.md, "As of a snapshot"). */
export interface ManifestAsOf {
  /** When a snapshot date's knowledge ends. */
  readonly cutoff: string;
  /** Which rows a snapshot counts. */
  readonly counts: string;
  /** Which load fills a snapshot. */
  readonly filled_by: string;
  /** Bridge tables: which chains a snapshot holds. */
  readonly effective?: string;
  /** Point-in-time tables: the pointer into a satellite without a row valid at the snapshot. */
  readonly no_row?: string;
}

export interface ManifestEntity {
  readonly name: string;
  /** Hubs and links (raw and business); a reference table's codes. */
  readonly business_keys?: ReadonlyArray<string>;
  /** Links (raw and business) with dependent child keys: those columns, hashed after `business_keys`. */
  readonly dependent_child_keys?: ReadonlyArray<string>;
  /** Links (raw and business): the hubs they connect, in key order. */
  readonly hubs?: ReadonlyArray<string>;
  /** Links (raw and business) with a driving key: the link's hash key columns of its driving hubs. */
  readonly driving_key?: ReadonlyArray<string>;
  /** Raw links: what a missing reference becomes (`MISSING_REFERENCES`). */
  readonly missing_references?: typeof MISSING_REFERENCES;
  /** Non-historized links, and the business links over them: the event's attributes, columns of the link itself, as first loaded. */
  readonly event_attributes?: ReadonlyArray<string>;
  /** Satellites of every kind: the hub or link they describe. */
  readonly parent?: string;
  /** Raw satellites: what a load does with duplicate keys in one batch (`duplicatesLiteral`). */
  readonly duplicates?: DuplicatesLiteral;
  /** A satellite of a hub its table only references: the table's columns holding that hub's key (the reference). */
  readonly parent_key_columns?: ReadonlyArray<string>;
  /** Multi-active satellites: the columns that tell a parent key's active rows apart; a load compares each key's whole set. */
  readonly multi_active_key?: ReadonlyArray<string>;
  /** The snapshot control: its settings, defaults filled in (docs/spec.md, "Snapshots"). */
  readonly snapshots?: ManifestSnapshots;
  /** Type-2 dimensional models: how the dimensions keep versions and which one a fact points at (docs/sql.md, "Type-2 dimensions"). */
  readonly versions?: ManifestVersions;
  /** Bridge tables: the hubs and links they follow, each with the hash key column the bridge carries (links: also their columns joining the hub before and after). */
  readonly path?: ReadonlyArray<ManifestBridgeStep>;
  /** Bridge and point-in-time tables: the snapshot control whose dates they are filled for. */
  readonly snapshot_control?: string;
  /** Point-in-time tables: the satellites they point into, in column order. */
  readonly satellites?: ReadonlyArray<ManifestPitSatellite>;
  /** Bridge and point-in-time tables: when a row exists for a snapshot (docs/sql.md, "As of a snapshot"), as literals. */
  readonly as_of?: ManifestAsOf;
  readonly sources: ReadonlyArray<ManifestSource>;
  /** Reference tables: the tables whose columns carry the code (lookups, never links). */
  readonly used_by?: ReadonlyArray<ManifestCodeReference>;
  /** Business satellites that join reference tables: per reference table, the code columns and the joined descriptions. */
  readonly lookups?: ReadonlyArray<ManifestLookup>;
  readonly columns: ReadonlyArray<ManifestColumn>;
  readonly derived_from: ReadonlyArray<string>;
  readonly files: ReadonlyArray<string>;
  readonly evidence: ReadonlyArray<string>;
  /** Target blocks, e.g. `sql` (docs/manifest.md). */
  readonly [block: string]: unknown;
}

type Entities = ReadonlyArray<ManifestEntity>;

export interface Manifest {
  readonly model: string;
  readonly spec: string;
  /** How hash keys and hashdiffs are computed (docs/hashing.md). */
  readonly hashing: HashingSettings;
  /** What the `record_source` column holds. */
  readonly record_sources: RecordSources;
  /** Each kind's entities under its plural (`KINDS`): hubs, links, satellites, link_satellites. */
  readonly raw_vault: ByPlural<'raw_vault', Entities>;
  readonly business_vault: ByPlural<'business_vault', Entities>;
  /** presentation_views, dimensional_models, reporting_views. */
  readonly access_layer: ByPlural<'access_layer', Entities>;
  readonly files: ReadonlyArray<string>;
}

export interface ManifestOptions {
  /** The spec file as the user gave it; `spec` holds its file name (`specFileName`). */
  readonly specPath: string;
  /** Every file emitted for the model besides manifest.json, relative to OUT/<model>. */
  readonly files: ReadonlyArray<string>;
  /**
   * Blocks later targets add to each entity after the common fields (e.g. `sql`), keyed by
   * block name; the common fields never change.
   */
  readonly blocks?: (entity: VaultEntity, model: VaultModel) => Readonly<Record<string, unknown>>;
}

/**
 * @example
 * const files = emitQueryDsl(model, { specPath: 'specs/ews.yaml' });
 * manifestJson(buildManifest(model, { specPath: 'specs/ews.yaml', files: files.map((f) => f.path) }));
 */
export function buildManifest(model: VaultModel, options: ManifestOptions): Manifest {
  const emitted = new Set(options.files);
  const columns = modelColumns(model);
  const rs = recordSourceOf(model);
  const list = (kind: EntityKind): Entities => [...entitiesOf(model, kind)].sort(byName).map((e) => manifestEntity(columns, rs, e, emitted, options.blocks));
  return {
    model: model.name,
    spec: specFileName(options.specPath),
    hashing: hashingSettings(model),
    record_sources: recordSources(model),
    raw_vault: byPlural('raw_vault', list),
    business_vault: byPlural('business_vault', list),
    access_layer: byPlural('access_layer', list),
    files: [...emitted].sort(byCodeUnit),
  };
}

/**
 * The bytes of `manifestJson(buildManifest(model, options))`, produced one entity at a time:
 * a 10,000-table manifest is ~130 MB, which the CLI writes without holding it whole.
 */
export function* manifestJsonChunks(model: VaultModel, options: ManifestOptions): Generator<string> {
  const emitted = new Set(options.files);
  const columns = modelColumns(model);
  const rs = recordSourceOf(model);
  const q = (s: string): string => JSON.stringify(s);
  const block = (value: object): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
  yield `{\n  "model": ${q(model.name)},\n  "spec": ${q(specFileName(options.specPath))},\n`;
  yield `  "hashing": ${block(hashingSettings(model))},\n  "record_sources": ${block(recordSources(model))},\n`;
  for (const layer of VAULT_LAYERS) {
    yield `  ${q(layer)}: {\n`;
    const lists = kindsOfLayer(layer);
    for (const [i, kind] of lists.entries()) {
      const plural = KINDS[kind].plural;
      const entities = [...entitiesOf(model, kind)].sort(byName);
      const tail = i < lists.length - 1 ? ',\n' : '\n';
      if (entities.length === 0) {
        yield `    ${q(plural)}: []${tail}`;
        continue;
      }
      yield `    ${q(plural)}: [\n`;
      for (const [j, e] of entities.entries()) {
        const text = indented(manifestEntity(columns, rs, e, emitted, options.blocks));
        yield `      ${text}${j < entities.length - 1 ? ',' : ''}\n`;
      }
      yield `    ]${tail}`;
    }
    yield '  },\n';
  }
  const files = [...emitted].sort(byCodeUnit);
  if (files.length === 0) yield '  "files": []\n';
  else yield `  "files": [\n${files.map((f) => `    ${q(f)}`).join(',\n')}\n  ]\n`;
  yield '}\n';
}

/** What `JSON.stringify([[[value]]], null, 2)` writes before and after the value (three arrays, two spaces each). */
const OPEN = '[\n  [\n    [\n      ';
const CLOSE = '\n    ]\n  ]\n]';

/**
 * `JSON.stringify(value, null, 2)` with every line after the first indented by 6 more spaces (an
 * entity in its kind's list): the value stringified three arrays deep, whose brackets are cut off,
 * so the native serialiser indents it rather than a pass over its text.
 */
function indented(value: object): string {
  const text = JSON.stringify([[[value]]], null, 2);
  return text.slice(OPEN.length, text.length - CLOSE.length);
}

/**
 * Two-space JSON with a final newline: the bytes of `manifest.json`.
 * @example manifestJson(manifest).endsWith('}\n') // true
 */
export function manifestJson(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The kind-specific fields, in the manifest's key order. */
interface KindFields {
  readonly business_keys?: ReadonlyArray<string>;
  readonly dependent_child_keys?: ReadonlyArray<string>;
  readonly hubs?: ReadonlyArray<string>;
  readonly driving_key?: ReadonlyArray<string>;
  readonly missing_references?: typeof MISSING_REFERENCES;
  readonly event_attributes?: ReadonlyArray<string>;
  readonly parent?: string;
  readonly duplicates?: DuplicatesLiteral;
  /** Status tracking satellites: what one batch of the table holds (`full` or `delta`). */
  readonly batches?: 'full' | 'delta';
  /** Status tracking satellites: the table's delete marker, as the spec spells it. */
  readonly deletes?: { readonly flag: string } | { readonly operation: string; readonly delete_values: ReadonlyArray<string> };
  readonly parent_key_columns?: ReadonlyArray<string>;
  readonly multi_active_key?: ReadonlyArray<string>;
  readonly snapshots?: ManifestSnapshots;
  readonly versions?: ManifestVersions;
  readonly path?: ReadonlyArray<ManifestBridgeStep>;
  readonly snapshot_control?: string;
  readonly satellites?: ReadonlyArray<ManifestPitSatellite>;
  readonly as_of?: ManifestAsOf;
  readonly sources: ReadonlyArray<ManifestSource>;
  readonly used_by?: ReadonlyArray<ManifestCodeReference>;
  readonly lookups?: ReadonlyArray<ManifestLookup>;
}

/** What a source table's rows hold in `record_source`. */
type RecordSourceOf = (table: string) => string;

function recordSourceOf(model: VaultModel): RecordSourceOf {
  const byTable = new Map(model.sources.map((t) => [t.name, t.recordSource] as const));
  return (table) => {
    const source = byTable.get(table);
    if (source === undefined) throw new Error(`vault manifest: the model reads ${table}, which is not one of its source tables`);
    return source;
  };
}

const rawSatellite = (s: EntityOfKind<'satellite' | 'link_satellite'>, rs: RecordSourceOf): KindFields => ({
  parent: s.parent,
  duplicates: duplicatesLiteral(s),
  ...(s.kind === 'satellite' && s.parentKey !== undefined ? { parent_key_columns: [...s.parentKey] } : {}),
  sources: [{ table: s.source.table, columns: s.payload.map((c) => c.sourceColumn), record_source: rs(s.source.table) }],
});
const businessSatellite = (s: EntityOfKind<'business_satellite' | 'business_link_satellite'>): KindFields => ({
  parent: s.parent,
  sources: [],
  ...(s.lookups === undefined ? {} : { lookups: s.lookups.map((l) => ({ reference_table: l.referenceTable, code_columns: [...l.codeColumns], columns: l.columns.map((c) => c.name) })) }),
});
const accessEntity = (): KindFields => ({ sources: [] });

/** A dimensional model's fields: its versions under type 2, nothing more under type 1 (so type-1 manifests keep their bytes). */
const dimensionalModel = (d: EntityOfKind<'dimensional_model'>): KindFields => {
  if (d.history === 'type1') return accessEntity();
  const versions: ManifestVersions = {
    history: d.history,
    fact_date: d.factDate?.name ?? METADATA_COLUMNS.loadTimestamp,
    valid_from: VERSION_COLUMNS.from,
    valid_to: VERSION_COLUMNS.to,
    is_current: VERSION_COLUMNS.isCurrent,
    version_keys: Object.fromEntries(d.dimensions.map((x) => [x.name, x.versionKey ?? fail(d.name, x.name)])),
  };
  return { versions, sources: [] };
};

function fail(model: string, dimension: string): never {
  throw new Error(`vault manifest: dimension '${dimension}' of type-2 model '${model}' has no version key`);
}

/** A link's dependent child keys, listed only when it has some (so manifests of other models keep their bytes). */
const childKeys = (l: EntityOfKind<'link' | 'non_historized_link' | 'business_link'>): Pick<KindFields, 'dependent_child_keys'> =>
  l.dependentChildKeys === undefined ? {} : { dependent_child_keys: l.dependentChildKeys.map((c) => c.name) };

/** A link's driving key, listed only when it has one (an association table's link has none). */
const drivingKey = (l: EntityOfKind<'link' | 'business_link'>): Pick<KindFields, 'driving_key'> => (l.drivingKey === undefined ? {} : { driving_key: [...l.drivingKey] });

/** Each kind's own fields. */
const KIND_FIELDS: KindHandlers<KindFields, RecordSourceOf> = {
  hub: (h, rs) => ({ business_keys: h.businessKeys.map((c) => c.name), sources: h.sources.map((s) => source(s, rs)) }),
  link: (l, rs) => ({
    business_keys: l.hubs.flatMap((h) => h.businessKeys.map((c) => c.name)),
    ...childKeys(l),
    hubs: l.hubs.map((h) => h.hub),
    ...drivingKey(l),
    missing_references: MISSING_REFERENCES,
    sources: l.sources.map((s) => source(s, rs)),
  }),
  non_historized_link: (l, rs) => ({
    business_keys: l.hubs.flatMap((h) => h.businessKeys.map((c) => c.name)),
    ...childKeys(l),
    hubs: l.hubs.map((h) => h.hub),
    missing_references: MISSING_REFERENCES,
    event_attributes: l.payload.map((c) => c.name),
    sources: l.sources.map((s) => source(s, rs)),
  }),
  satellite: rawSatellite,
  link_satellite: rawSatellite,
  effectivity_satellite: (e, rs) => ({ parent: e.parent, driving_key: [...e.drivingKey], sources: [source(e.source, rs)] }),
  multi_active_satellite: (s, rs) => ({
    parent: s.parent,
    parent_key_columns: [...s.parentKey],
    multi_active_key: s.multiActiveKey.map((c) => c.name),
    sources: [{ table: s.source.table, columns: [...s.multiActiveKey, ...s.payload].map((c) => c.sourceColumn), record_source: rs(s.source.table) }],
  }),
  status_tracking_satellite: (s, rs) => ({
    parent: s.parent,
    batches: s.batches,
    ...(s.deletes === undefined ? {} : { deletes: s.deletes.kind === 'flag' ? { flag: s.deletes.column } : { operation: s.deletes.column, delete_values: [...s.deletes.values] } }),
    sources: [{ table: s.source.table, columns: [...s.source.columns, ...(s.deletes === undefined ? [] : [s.deletes.column])], record_source: rs(s.source.table) }],
  }),
  reference_table: (r, rs) => ({
    business_keys: r.codes.map((c) => c.name),
    sources: [{ table: r.source.table, columns: [...r.source.columns, ...r.attributes.map((a) => a.sourceColumn)], record_source: rs(r.source.table) }],
    used_by: r.usedBy.map((u) => ({ table: u.table, columns: [...u.columns] })),
  }),
  bridge: (b) => ({
    path: b.path.map((e): ManifestBridgeStep => (e.kind === 'hub' ? { kind: e.kind, name: e.name, hash_key: e.hashKey } : { kind: e.kind, name: e.name, hash_key: e.hashKey, from: e.from, to: e.to })),
    snapshot_control: b.snapshotControl,
    as_of: { ...AS_OF_RULE, effective: BRIDGE_EFFECTIVE },
    sources: [],
  }),
  snapshot_control: (c) => ({
    snapshots: { start: c.start, end: c.end, every: c.every, ...(c.keep === undefined ? {} : { keep: c.keep.map((r) => ({ ...r })) }) },
    sources: [],
  }),
  pit: (p) => ({
    parent: p.parent,
    snapshot_control: p.snapshotControl,
    satellites: p.satellites.map((s) => {
      const pointer = pitPointerColumns(s);
      return { satellite: qualifiedName(s), hash_key: pointer.hashKey, load_ts: pointer.loadTimestamp };
    }),
    as_of: { ...AS_OF_RULE, no_row: PIT_NO_ROW },
    sources: [],
  }),
  business_hub: (h) => ({ business_keys: h.businessKeys.map((c) => c.name), sources: [] }),
  business_link: (l) => ({
    business_keys: l.hubs.flatMap((h) => h.businessKeys.map((c) => c.name)),
    ...childKeys(l),
    hubs: l.hubs.map((h) => h.hub),
    ...(l.eventAttributes === undefined ? {} : { event_attributes: l.eventAttributes.map((c) => c.name) }),
    ...drivingKey(l),
    sources: [],
  }),
  business_satellite: businessSatellite,
  business_link_satellite: businessSatellite,
  presentation_view: accessEntity,
  dimensional_model: dimensionalModel,
  reporting_view: accessEntity,
};

function source(s: EntitySource, rs: RecordSourceOf): ManifestSource {
  return { table: s.table, columns: [...s.columns], record_source: rs(s.table) };
}

function manifestEntity(columns: ModelColumns, rs: RecordSourceOf, entity: VaultEntity, emitted: ReadonlySet<string>, blocks?: ManifestOptions['blocks']): ManifestEntity {
  const fields = dispatch(entity, KIND_FIELDS, rs);
  return {
    name: entity.name,
    ...(fields.business_keys !== undefined ? { business_keys: fields.business_keys } : {}),
    ...(fields.dependent_child_keys !== undefined ? { dependent_child_keys: fields.dependent_child_keys } : {}),
    ...(fields.hubs !== undefined ? { hubs: fields.hubs } : {}),
    ...(fields.driving_key !== undefined ? { driving_key: fields.driving_key } : {}),
    ...(fields.missing_references !== undefined ? { missing_references: fields.missing_references } : {}),
    ...(fields.parent !== undefined ? { parent: fields.parent } : {}),
    ...(fields.duplicates !== undefined ? { duplicates: fields.duplicates } : {}),
    ...(fields.parent_key_columns !== undefined ? { parent_key_columns: fields.parent_key_columns } : {}),
    ...(fields.multi_active_key !== undefined ? { multi_active_key: fields.multi_active_key } : {}),
    ...(fields.snapshots !== undefined ? { snapshots: fields.snapshots } : {}),
    ...(fields.versions !== undefined ? { versions: fields.versions } : {}),
    ...(fields.path !== undefined ? { path: fields.path } : {}),
    ...(fields.snapshot_control !== undefined ? { snapshot_control: fields.snapshot_control } : {}),
    ...(fields.satellites !== undefined ? { satellites: fields.satellites } : {}),
    ...(fields.as_of !== undefined ? { as_of: fields.as_of } : {}),
    sources: fields.sources,
    ...(fields.used_by !== undefined ? { used_by: fields.used_by } : {}),
    ...(fields.lookups !== undefined ? { lookups: fields.lookups } : {}),
    columns: entityColumns(columns, entity).map((c) => ({ name: c.name, type: printColumnType(c.type) })),
    derived_from: entity.derivedFrom.map(qualifiedName),
    files: entityPaths(entity)
      .filter((f) => emitted.has(f))
      .sort(byCodeUnit),
    evidence: [...new Set(entity.evidence.map((e) => e.rule))],
    ...(blocks ? blocks(entity, columns.model) : {}),
  };
}
