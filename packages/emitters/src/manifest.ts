/**
 * `manifest.json`: a machine-readable description of everything emitted for one model, for
 * tools and reviewers (docs/manifest.md documents every field). Keys are always in the same
 * order and entities are sorted by name, so the same model gives the same bytes.
 */
import type { EntityKind, VaultEntity, VaultModel } from '@vault/core';
import { allEntities, byCodeUnit, byName } from '@vault/core/internal';
import { entityColumns, modelColumns, type EntityColumn, type ModelColumns } from './columns.js';
import { qualifiedName } from './entity-kinds.js';
import { hashingSettings, recordSources, type HashingSettings, type RecordSources } from './hashing-settings.js';
import { entityPaths } from './querydsl/kinds.js';
import { specFileName } from './spec-name.js';

export interface ManifestSource {
  readonly table: string;
  readonly columns: ReadonlyArray<string>;
}

export interface ManifestEntity {
  readonly name: string;
  /** Hubs and links (raw and business). */
  readonly business_keys?: ReadonlyArray<string>;
  /** Links (raw and business): the hubs they connect, in key order. */
  readonly hubs?: ReadonlyArray<string>;
  /** Satellites of every kind: the hub or link they describe. */
  readonly parent?: string;
  readonly sources: ReadonlyArray<ManifestSource>;
  readonly columns: ReadonlyArray<EntityColumn>;
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
  readonly raw_vault: { readonly hubs: Entities; readonly links: Entities; readonly satellites: Entities; readonly link_satellites: Entities };
  readonly business_vault: { readonly hubs: Entities; readonly links: Entities; readonly satellites: Entities; readonly link_satellites: Entities };
  readonly access_layer: { readonly presentation_views: Entities; readonly dimensional_models: Entities; readonly reporting_views: Entities };
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
  const entities = allEntities(model).map(({ entity }) => entity);
  const list = (kind: EntityKind): Entities =>
    entities
      .filter((e) => e.kind === kind)
      .sort(byName)
      .map((e) => manifestEntity(columns, e, emitted, options.blocks));
  return {
    model: model.name,
    spec: specFileName(options.specPath),
    hashing: hashingSettings(model),
    record_sources: recordSources(model),
    raw_vault: { hubs: list('hub'), links: list('link'), satellites: list('satellite'), link_satellites: list('link_satellite') },
    business_vault: {
      hubs: list('business_hub'),
      links: list('business_link'),
      satellites: list('business_satellite'),
      link_satellites: list('business_link_satellite'),
    },
    access_layer: {
      presentation_views: list('presentation_view'),
      dimensional_models: list('dimensional_model'),
      reporting_views: list('reporting_view'),
    },
    files: [...emitted].sort(byCodeUnit),
  };
}

const LAYOUT = [
  ['raw_vault', [['hubs', 'hub'], ['links', 'link'], ['satellites', 'satellite'], ['link_satellites', 'link_satellite']]],
  ['business_vault', [['hubs', 'business_hub'], ['links', 'business_link'], ['satellites', 'business_satellite'], ['link_satellites', 'business_link_satellite']]],
  ['access_layer', [['presentation_views', 'presentation_view'], ['dimensional_models', 'dimensional_model'], ['reporting_views', 'reporting_view']]],
] as const satisfies ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, EntityKind]>]>;

/**
 * The bytes of `manifestJson(buildManifest(model, options))`, produced one entity at a time:
 * a 10,000-table manifest is ~130 MB, which the CLI writes without holding it whole.
 */
export function* manifestJsonChunks(model: VaultModel, options: ManifestOptions): Generator<string> {
  const emitted = new Set(options.files);
  const columns = modelColumns(model);
  const byKind = new Map<EntityKind, VaultEntity[]>();
  for (const { entity } of allEntities(model)) {
    const list = byKind.get(entity.kind);
    if (list === undefined) byKind.set(entity.kind, [entity]);
    else list.push(entity); // not a spread per entity: that copied the list 10,000 times at 10,000 tables
  }
  const q = (s: string): string => JSON.stringify(s);
  const block = (value: object): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
  yield `{\n  "model": ${q(model.name)},\n  "spec": ${q(specFileName(options.specPath))},\n`;
  yield `  "hashing": ${block(hashingSettings(model))},\n  "record_sources": ${block(recordSources(model))},\n`;
  for (const [layer, lists] of LAYOUT) {
    yield `  ${q(layer)}: {\n`;
    for (const [i, [plural, kind]] of lists.entries()) {
      const entities = [...(byKind.get(kind) ?? [])].sort(byName);
      const tail = i < lists.length - 1 ? ',\n' : '\n';
      if (entities.length === 0) {
        yield `    ${q(plural)}: []${tail}`;
        continue;
      }
      yield `    ${q(plural)}: [\n`;
      for (const [j, e] of entities.entries()) {
        const text = JSON.stringify(manifestEntity(columns, e, emitted, options.blocks), null, 2).replace(/\n/g, '\n      ');
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
  readonly hubs?: ReadonlyArray<string>;
  readonly parent?: string;
  readonly sources: ReadonlyArray<ManifestSource>;
}

type Of<K extends EntityKind> = Extract<VaultEntity, { kind: K }>;
const rawSatellite = (s: Of<'satellite' | 'link_satellite'>): KindFields => ({
  parent: s.parent,
  sources: [{ table: s.source.table, columns: s.payload.map((c) => c.sourceColumn) }],
});
const businessSatellite = (s: Of<'business_satellite' | 'business_link_satellite'>): KindFields => ({ parent: s.parent, sources: [] });
const accessEntity = (): KindFields => ({ sources: [] });

/**
 * A table typed so that a kind nobody handles fails to compile; not a ts-pattern `match`, which
 * builds its matcher on every call, once per entity of models that reach 70,000 entities.
 */
const KIND_FIELDS = {
  hub: (h) => ({ business_keys: h.businessKeys.map((c) => c.name), sources: h.sources.map(source) }),
  link: (l) => ({
    business_keys: l.hubs.flatMap((h) => h.businessKeys.map((c) => c.name)),
    hubs: l.hubs.map((h) => h.hub),
    sources: l.sources.map(source),
  }),
  satellite: rawSatellite,
  link_satellite: rawSatellite,
  business_hub: (h) => ({ business_keys: h.businessKeys.map((c) => c.name), sources: [] }),
  business_link: (l) => ({
    business_keys: l.hubs.flatMap((h) => h.businessKeys.map((c) => c.name)),
    hubs: l.hubs.map((h) => h.hub),
    sources: [],
  }),
  business_satellite: businessSatellite,
  business_link_satellite: businessSatellite,
  presentation_view: accessEntity,
  dimensional_model: accessEntity,
  reporting_view: accessEntity,
} as const satisfies { readonly [K in EntityKind]: (entity: Of<K>) => KindFields };

function kindFields(entity: VaultEntity): KindFields {
  // Each kind is paired with its own entity type, which TypeScript cannot follow through an index.
  return (KIND_FIELDS[entity.kind] as (entity: VaultEntity) => KindFields)(entity);
}

function source(s: ManifestSource): ManifestSource {
  return { table: s.table, columns: [...s.columns] };
}

function manifestEntity(columns: ModelColumns, entity: VaultEntity, emitted: ReadonlySet<string>, blocks?: ManifestOptions['blocks']): ManifestEntity {
  const fields = kindFields(entity);
  return {
    name: entity.name,
    ...(fields.business_keys !== undefined ? { business_keys: fields.business_keys } : {}),
    ...(fields.hubs !== undefined ? { hubs: fields.hubs } : {}),
    ...(fields.parent !== undefined ? { parent: fields.parent } : {}),
    sources: fields.sources,
    columns: entityColumns(columns, entity),
    derived_from: entity.derivedFrom.map(qualifiedName),
    files: entityPaths(entity).filter((f) => emitted.has(f)).sort(byCodeUnit),
    evidence: [...new Set(entity.evidence.map((e) => e.rule))],
    ...(blocks ? blocks(entity, columns.model) : {}),
  };
}
