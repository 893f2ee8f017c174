/**
 * How each kind of entity is spelled in the Query DSL output: file and constant suffix, enum,
 * build method, and whether the file is a class with a static builder or a `main()`.
 */
import type { EntityKind, VaultEntity } from '@vault/core';
import { KINDS } from '@vault/core/internal';
import { pascalCase, snakeCase, upperSnake } from '../python.js';
import type { EnumName, MethodName } from './profile.js';

export interface DslKind {
  /** `<name>_<suffix>.py`, `<NAME>_<SUFFIX>_FIELD_MAPPING`, class `<Name><Suffix>`. */
  readonly suffix: string;
  readonly enumName: EnumName;
  readonly build: MethodName;
  /** Hub-like kinds return their chain from a static builder; satellite-like ones `.write()` it in `main()`. */
  readonly shape: 'class' | 'main';
  /** For the header comment. */
  readonly title: string;
}

/** @example DSL_KINDS.business_satellite.build // 'build_business_vault_hub_satellite' */
export const DSL_KINDS = {
  hub: { suffix: 'hub', enumName: 'RawHub', build: 'build_raw_vault_hub', shape: 'class', title: 'Raw vault hub' },
  link: { suffix: 'link', enumName: 'RawLink', build: 'build_raw_vault_link', shape: 'class', title: 'Raw vault link' },
  non_historized_link: {
    suffix: 'non_historized_link',
    enumName: 'RawNonHistorizedLink',
    build: 'build_raw_vault_non_historized_link',
    shape: 'class',
    title: 'Raw vault non-historized link',
  },
  satellite: { suffix: 'satellite', enumName: 'RawSatellite', build: 'build_raw_vault_satellite', shape: 'main', title: 'Raw vault satellite' },
  link_satellite: { suffix: 'link_satellite', enumName: 'RawLinkSatellite', build: 'build_raw_vault_link_satellite', shape: 'main', title: 'Raw vault link satellite' },
  effectivity_satellite: {
    suffix: 'effectivity_satellite',
    enumName: 'RawEffectivitySatellite',
    build: 'build_raw_vault_effectivity_satellite',
    shape: 'main',
    title: 'Raw vault effectivity satellite',
  },
  multi_active_satellite: {
    suffix: 'multi_active_satellite',
    enumName: 'RawMultiActiveSatellite',
    build: 'build_raw_vault_multi_active_satellite',
    shape: 'main',
    title: 'Raw vault multi-active satellite',
  },
  status_tracking_satellite: {
    suffix: 'status_tracking_satellite',
    enumName: 'RawStatusTrackingSatellite',
    build: 'build_raw_vault_status_tracking_satellite',
    shape: 'main',
    title: 'Raw vault status tracking satellite',
  },
  reference_table: { suffix: 'reference_table', enumName: 'ReferenceTable', build: 'build_reference_table', shape: 'class', title: 'Raw vault reference table' },
  snapshot_control: { suffix: 'snapshot_control', enumName: 'SnapshotControl', build: 'build_snapshot_control', shape: 'class', title: 'Business vault snapshot control' },
  pit: { suffix: 'pit', enumName: 'PointInTime', build: 'build_business_vault_pit', shape: 'class', title: 'Business vault point-in-time table' },
  bridge: { suffix: 'bridge', enumName: 'Bridge', build: 'build_business_vault_bridge', shape: 'class', title: 'Business vault bridge table' },
  business_hub: { suffix: 'business_hub', enumName: 'BusinessHub', build: 'build_business_vault_hub', shape: 'class', title: 'Business vault hub' },
  business_link: { suffix: 'business_link', enumName: 'BusinessLink', build: 'build_business_vault_link', shape: 'class', title: 'Business vault link' },
  business_satellite: { suffix: 'business_satellite', enumName: 'BusinessHubSatellite', build: 'build_business_vault_hub_satellite', shape: 'main', title: 'Business vault satellite' },
  business_link_satellite: {
    suffix: 'business_link_satellite',
    enumName: 'BusinessLinkSatellite',
    build: 'build_business_vault_link_satellite',
    shape: 'main',
    title: 'Business vault link satellite',
  },
  presentation_view: { suffix: 'presentation_view', enumName: 'AccessView', build: 'build_access_layer_view', shape: 'class', title: 'Access layer presentation view' },
  dimensional_model: { suffix: 'dimensional_model', enumName: 'DimensionalModel', build: 'build_dimensional_model', shape: 'class', title: 'Access layer dimensional model' },
  reporting_view: { suffix: 'reporting_view', enumName: 'ReportingView', build: 'build_reporting_view', shape: 'class', title: 'Access layer reporting view' },
} as const satisfies Record<EntityKind, DslKind>;

/** Which IR kinds each registry enum lists: the inverse of `DSL_KINDS[kind].enumName`. */
export const ENUM_KINDS = {
  RawHub: 'hub',
  RawSatellite: 'satellite',
  RawLink: 'link',
  RawNonHistorizedLink: 'non_historized_link',
  RawLinkSatellite: 'link_satellite',
  RawEffectivitySatellite: 'effectivity_satellite',
  RawMultiActiveSatellite: 'multi_active_satellite',
  RawStatusTrackingSatellite: 'status_tracking_satellite',
  ReferenceTable: 'reference_table',
  SnapshotControl: 'snapshot_control',
  PointInTime: 'pit',
  Bridge: 'bridge',
  BusinessHub: 'business_hub',
  BusinessHubSatellite: 'business_satellite',
  BusinessLink: 'business_link',
  BusinessLinkSatellite: 'business_link_satellite',
  AccessView: 'presentation_view',
  DimensionalModel: 'dimensional_model',
  ReportingView: 'reporting_view',
} as const satisfies { readonly [E in EnumName]: { [K in EntityKind]: (typeof DSL_KINDS)[K]['enumName'] extends E ? K : never }[EntityKind] };

/** Python module of an entity's builder, from the model root: `raw_vault.business_partner_hub`. */
export function entityModule(kind: EntityKind, name: string): string {
  return `${KINDS[kind].layer}.${snakeCase(name)}_${DSL_KINDS[kind].suffix}`;
}

/** Python module of an entity's field mapping: `raw_vault.business_partner_hub_fields`. */
export function fieldsModule(kind: EntityKind, name: string): string {
  return `${entityModule(kind, name)}_fields`;
}

/**
 * How a file in package `from` imports `module`; both are dotted paths from the model root
 * (`''` is the root). Relative, so that the model is a package named after whatever folder
 * holds it, and two models import side by side in one process.
 * @example relativeModule('raw_vault', 'raw_vault.business_partner_hub_fields') // '.business_partner_hub_fields'
 * @example relativeModule('business_vault', 'registry')                      // '..registry'
 */
export function relativeModule(from: string, module: string): string {
  const here = from === '' ? [] : from.split('.');
  const there = module.split('.');
  let common = 0;
  while (common < here.length && common < there.length - 1 && here[common] === there[common]) common++;
  return '.'.repeat(1 + here.length - common) + there.slice(common).join('.');
}

/** File of a module, relative to the model root. */
export function modulePath(module: string): string {
  return `${module.replaceAll('.', '/')}.py`;
}

/** Each kind's suffix as constants and classes spell it: `LINK_SATELLITE`, `LinkSatellite`. */
const SUFFIX_SPELLINGS = Object.fromEntries(Object.entries(DSL_KINDS).map(([kind, { suffix }]) => [kind, { constant: upperSnake(suffix), class: pascalCase(suffix) }])) as Record<
  EntityKind,
  { readonly constant: string; readonly class: string }
>;

/** `BUSINESS_PARTNER_HUB_FIELD_MAPPING`. */
export function mappingConstant(kind: EntityKind, name: string): string {
  return `${upperSnake(name)}_${SUFFIX_SPELLINGS[kind].constant}_FIELD_MAPPING`;
}

/**
 * `BusinessPartnerHub`, `EarlyWarningSignalPresentationView`. PascalCase drops underscores, so
 * a name such as `_1x` would give `1xHub`, which is no Python identifier: the underscore before
 * a leading digit stays (`_1xHub`).
 */
export function className(kind: EntityKind, name: string): string {
  const pascal = pascalCase(name);
  return (/^[0-9]/.test(pascal) ? '_' : '') + pascal + SUFFIX_SPELLINGS[kind].class;
}

/** The static builder of a class-shaped entity: `build_hub`, `build_business_hub`. */
export function builderName(kind: EntityKind): string {
  return `build_${DSL_KINDS[kind].suffix}`;
}

/**
 * The two files of an entity, relative to the model root: builder, then field mapping.
 * @example entityFiles('hub', 'business_partner') // ['raw_vault/business_partner_hub.py', 'raw_vault/business_partner_hub_fields.py']
 */
export function entityFiles(kind: EntityKind, name: string): readonly [string, string] {
  return [modulePath(entityModule(kind, name)), modulePath(fieldsModule(kind, name))];
}

/**
 * `compute`, once per entity: validation, the file list, the registry, the entity's own files,
 * every file that joins it and the manifest each name an entity, and models reach 70,000 entities.
 */
function perEntity<T>(compute: (entity: VaultEntity) => T): (entity: VaultEntity) => T {
  const results = new WeakMap<VaultEntity, T>();
  return (entity) => {
    let result = results.get(entity);
    if (result === undefined) results.set(entity, (result = compute(entity)));
    return result;
  };
}

/** `entityFiles` of an entity. */
export const entityPaths: (entity: VaultEntity) => readonly [string, string] = perEntity((e) => entityFiles(e.kind, e.name));

/** How an entity is named inside the Query DSL files. */
export interface EntityNames {
  /** Its registry enum member: `BUSINESS_PARTNER`. */
  readonly member: string;
  /** `raw_vault.business_partner_hub_fields`. */
  readonly fieldsModule: string;
  /** `BUSINESS_PARTNER_HUB_FIELD_MAPPING`. */
  readonly mappingConstant: string;
  /** `BusinessPartnerHub`: the class its builder file defines when its kind is class-shaped. */
  readonly className: string;
}

/** @example entityNames(hub).mappingConstant // 'BUSINESS_PARTNER_HUB_FIELD_MAPPING' */
export const entityNames: (entity: VaultEntity) => EntityNames = perEntity(({ kind, name }) => ({
  member: upperSnake(name),
  fieldsModule: fieldsModule(kind, name),
  mappingConstant: mappingConstant(kind, name),
  className: className(kind, name),
}));
