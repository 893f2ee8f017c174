/**
 * The framework profile: every name the generated Query DSL code takes from the users'
 * framework. The default is exactly the contract (`vault_framework`, `Query`, `RawHub`,
 * `build_raw_vault_hub`, ...); a profile file renames any of them. Each rename is keyed by the
 * contract's own name, so a profile file reads as "call X Y".
 */
import { PYTHON_KEYWORDS, isPythonIdentifier } from '../python.js';

/** Classes the generated code imports from the framework module. */
export const FRAMEWORK_NAMES = ['Query', 'JoinCondition', 'BusinessKey'] as const;

/** Entity enums, generated into each model's `registry.py`, in the order they are written there. */
export const ENUM_NAMES = [
  'RawHub',
  'RawSatellite',
  'RawLink',
  'RawNonHistorizedLink',
  'RawLinkSatellite',
  'RawEffectivitySatellite',
  'RawMultiActiveSatellite',
  'RawStatusTrackingSatellite',
  'ReferenceTable',
  'SnapshotControl',
  'PointInTime',
  'BusinessHub',
  'BusinessHubSatellite',
  'BusinessLink',
  'BusinessLinkSatellite',
  'AccessView',
  'DimensionalModel',
  'ReportingView',
] as const;

/** The settings constants `registry.py` defines beside the enums, which no enum may be named. */
export const REGISTRY_CONSTANTS = { hashing: 'HASHING', recordSources: 'RECORD_SOURCES' } as const;

/** Builder methods of a `Query` chain. */
export const METHOD_NAMES = [
  'join',
  'drop',
  'apply_business_logic',
  'apply_business_transformations',
  'flatten',
  'apply_presentation_logic',
  'join_dimensions',
  'apply_dimensional_logic',
  'apply_reporting_logic',
  'build_raw_vault_hub',
  'build_raw_vault_satellite',
  'build_raw_vault_link',
  'build_raw_vault_non_historized_link',
  'build_raw_vault_link_satellite',
  'build_raw_vault_effectivity_satellite',
  'build_raw_vault_multi_active_satellite',
  'build_raw_vault_status_tracking_satellite',
  'build_reference_table',
  'build_snapshot_control',
  'build_business_vault_pit',
  'build_business_vault_hub',
  'build_business_vault_hub_satellite',
  'build_business_vault_link',
  'build_business_vault_link_satellite',
  'build_access_layer_view',
  'build_dimensional_model',
  'build_reporting_view',
  'write',
] as const;

export type FrameworkName = (typeof FRAMEWORK_NAMES)[number];
export type EnumName = (typeof ENUM_NAMES)[number];
export type MethodName = (typeof METHOD_NAMES)[number];

export interface FrameworkProfile {
  /** Dotted module path the framework names are imported from. */
  readonly module: string;
  readonly names: Readonly<Record<FrameworkName, string>>;
  readonly enums: Readonly<Record<EnumName, string>>;
  readonly methods: Readonly<Record<MethodName, string>>;
}

/** What a profile file holds: any subset of the names, merged over the default. */
export interface FrameworkProfileOverrides {
  readonly module?: string;
  readonly names?: Readonly<Partial<Record<FrameworkName, string>>>;
  readonly enums?: Readonly<Partial<Record<EnumName, string>>>;
  readonly methods?: Readonly<Partial<Record<MethodName, string>>>;
}

function identity<K extends string>(keys: ReadonlyArray<K>): Readonly<Record<K, string>> {
  return Object.fromEntries(keys.map((k): [string, string] => [k, k])) as Record<K, string>;
}

/**
 * The Query DSL contract's names (docs/querydsl.md): module `vault_framework`, every name as itself.
 * @example DEFAULT_PROFILE.methods.build_raw_vault_hub // 'build_raw_vault_hub'
 */
export const DEFAULT_PROFILE: FrameworkProfile = {
  module: 'vault_framework',
  names: identity(FRAMEWORK_NAMES),
  enums: identity(ENUM_NAMES),
  methods: identity(METHOD_NAMES),
};

/**
 * The default profile with a profile file's names laid over it.
 * @example
 * mergeProfile({ module: 'acme.dv', methods: { write: 'save' } }).methods.write // 'save'
 */
export function mergeProfile(overrides: FrameworkProfileOverrides = {}, base: FrameworkProfile = DEFAULT_PROFILE): FrameworkProfile {
  return {
    module: overrides.module ?? base.module,
    names: overlay(base.names, overrides.names),
    enums: overlay(base.enums, overrides.enums),
    methods: overlay(base.methods, overrides.methods),
  };
}

function overlay<K extends string>(base: Readonly<Record<K, string>>, over: Readonly<Partial<Record<K, string>>> | undefined): Readonly<Record<K, string>> {
  const out: Record<K, string> = { ...base };
  for (const key of Object.keys(base) as K[]) {
    const value = over?.[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The profile file's JSON Schema. Built from the same name lists as the types above, so the
// two cannot disagree; `PROFILE_SCHEMA_MATCHES_TYPE` checks the top level at compile time.

const pythonName = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  not: { enum: PYTHON_KEYWORDS },
} as const;

interface NameGroupSchema<K extends string> {
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly description: string;
  readonly properties: Readonly<Record<K, typeof pythonName & { readonly description: string }>>;
}

function nameGroup<K extends string>(keys: ReadonlyArray<K>, description: string, what: string): NameGroupSchema<K> {
  const properties = Object.fromEntries(keys.map((k) => [k, { ...pythonName, description: `Python name to use for the ${what} \`${k}\`.` }]));
  return { type: 'object', additionalProperties: false, description, properties: properties as NameGroupSchema<K>['properties'] };
}

/**
 * JSON Schema (draft-07) of a framework profile file. Every field is optional.
 * @example
 * new Ajv().compile(PROFILE_SCHEMA)({ module: 'acme.dv', methods: { write: 'save' } }) // true
 */
export const PROFILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://vault.dev/schema/framework-profile.schema.json',
  title: 'vault framework profile',
  description: 'Renames the Query DSL names vault compile emits; anything not given keeps its default.',
  type: 'object',
  additionalProperties: false,
  properties: {
    module: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$',
      description: 'Dotted Python module the framework names are imported from. Default vault_framework.',
    },
    names: nameGroup(FRAMEWORK_NAMES, 'Framework classes: Query, JoinCondition, BusinessKey.', 'framework class'),
    enums: nameGroup(ENUM_NAMES, "Entity enums generated into each model's registry.py.", 'entity enum'),
    methods: nameGroup(METHOD_NAMES, 'Builder methods of a Query chain.', 'builder method'),
  },
} as const;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaGroupKeys<G> = G extends NameGroupSchema<infer K> ? K : never;
type P = typeof PROFILE_SCHEMA.properties;

/** Compile-time proof: the schema's fields and groups are exactly the profile type's. */
export const PROFILE_SCHEMA_MATCHES_TYPE: Same<keyof P, keyof FrameworkProfileOverrides> extends true
  ? Same<SchemaGroupKeys<P['names']>, FrameworkName> extends true
    ? Same<SchemaGroupKeys<P['enums']>, EnumName> extends true
      ? Same<SchemaGroupKeys<P['methods']>, MethodName>
      : false
    : false
  : false = true;

// ---------------------------------------------------------------------------------------------

export interface ProfileProblem {
  /** Where in the profile file, e.g. `['enums', 'RawHub']`. */
  readonly path: ReadonlyArray<string>;
  readonly message: string;
}

/**
 * What the schema cannot say: keywords inside the module path, a module inside the standard
 * library's `enum` (which `registry.py` imports), and two names that would be the same Python
 * name in one file. A framework module may share a name with a module of the generated model
 * (`registry`, `raw_vault`): the model's own modules are imported relatively, so the two never
 * meet. An empty list means every generated file will be valid Python with this profile.
 *
 * @example
 * checkProfile(mergeProfile({ names: { Query: 'RawHub' } }))
 * // [{ path: ['enums', 'RawHub'], message: "'RawHub' is already the name of names.Query" }]
 */
export function checkProfile(profile: FrameworkProfile): ReadonlyArray<ProfileProblem> {
  const problems: ProfileProblem[] = [];
  const segments = profile.module.split('.');
  if (!segments.every(isPythonIdentifier)) {
    problems.push({ path: ['module'], message: `'${profile.module}' is not a dotted Python module path` });
  } else if (segments[0] === 'enum') {
    problems.push({ path: ['module'], message: `module '${profile.module}' would be looked up in the standard library's 'enum', which registry.py imports Enum from` });
  }
  // Framework classes and enums share each generated file's namespace (with Enum in registry.py).
  const taken = new Map<string, string>([['Enum', 'the enum base class']]);
  const groups = [
    ['names', profile.names],
    ['enums', profile.enums],
    ['methods', profile.methods],
  ] as const;
  for (const [group, names] of groups) {
    for (const [key, name] of Object.entries(names)) {
      if (!isPythonIdentifier(name)) {
        problems.push({ path: [group, key], message: `'${name}' is not a Python identifier` });
        continue;
      }
      if (group === 'methods') continue;
      const constant = Object.values(REGISTRY_CONSTANTS).find((c) => c === name);
      if (group === 'enums' && constant !== undefined) {
        problems.push({ path: [group, key], message: `'${name}' is the name of a settings constant registry.py defines` });
        continue;
      }
      const other = taken.get(name);
      if (other !== undefined) problems.push({ path: [group, key], message: `'${name}' is already the name of ${other}` });
      else taken.set(name, `${group}.${key}`);
    }
  }
  const methods = new Map<string, string>();
  for (const [key, name] of Object.entries(profile.methods)) {
    const other = methods.get(name);
    if (other !== undefined) problems.push({ path: ['methods', key], message: `'${name}' is already the name of methods.${other}` });
    else methods.set(name, key);
  }
  return problems;
}
