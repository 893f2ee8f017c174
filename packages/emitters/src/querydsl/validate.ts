/**
 * What must hold of a model and a profile for every emitted file to be valid, importable
 * Python. The compiler's own validation makes all of this true for models it builds; this check
 * names the problem instead of emitting a file that fails at import time, at the spec node it is
 * about: the entity's `origin`, the spec's `model` or its `framework.profile`.
 */
import type { EntityKind, PathDiagnostic, SpecPath, VaultEntity, VaultModel } from '@vault/core';
import { dispatch, pathDiag, type KindHandlers } from '@vault/core/internal';
import { DSL_KINDS, ENUM_KINDS, entityNames, entityPaths } from './kinds.js';
import { isPythonIdentifier } from '../python.js';
import { checkProfile, type FrameworkProfile } from './profile.js';
import { registryMembers } from './registry.js';

const ASCII_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MODEL: SpecPath = ['model'];
/** The profile is another file; the spec line that names it is the nearest the spec has. */
const PROFILE: SpecPath = ['framework', 'profile'];

/**
 * Problems that would make the Query DSL output invalid; empty when it can be emitted.
 * @example
 * validateQueryDsl(model, DEFAULT_PROFILE) // []
 */
export function validateQueryDsl(model: VaultModel, profile: FrameworkProfile): ReadonlyArray<PathDiagnostic> {
  // The key: the line naming the entity (or `profile:`); a model name's problem is the name itself.
  const problem = (at: SpecPath, message: string): PathDiagnostic => pathDiag('VLT412', at, message, { target: at === MODEL ? 'value' : 'key' });
  const problems = checkProfile(profile).map((p) => problem(PROFILE, `framework profile ${p.path.join('.')}: ${p.message}`));
  problems.push(...modelNameProblems(model.name, profile).map((m) => problem(MODEL, m)));
  const entities = model.entities;
  for (const e of entities) {
    if (!ASCII_IDENTIFIER.test(e.name)) problems.push(problem(e.origin, `${e.kind} '${e.name}': the name is not a Python identifier`));
  }
  const origins = new Map(entities.map((e) => [`${e.kind}\u0000${e.name}`, e.origin] as const));
  for (const [enumName, members] of registryMembers(model)) {
    const seen = new Map<string, string>();
    const at = (name: string): SpecPath => origins.get(`${ENUM_KINDS[enumName]}\u0000${name}`) ?? MODEL;
    for (const [member, name] of members) {
      // Enum reserves _sunder_ names and does not make __private names members.
      if (member.startsWith('__') || (member.length > 1 && member.startsWith('_') && member.endsWith('_'))) {
        problems.push(problem(at(name), `${enumName} '${name}': '${member}' cannot be a Python enum member`));
      }
      const other = seen.get(member);
      if (other !== undefined) problems.push(problem(at(name), `${enumName} '${name}' and '${other}' would both be the enum member ${member}`));
      seen.set(member, name);
    }
  }
  // A file defines its class (or main) and imports framework names and its own kind's enum: they
  // must differ. Only the enum the file imports counts: a hub named `business` is class
  // BusinessHub in a file that imports RawHub, and the enum BusinessHub lives in registry.py.
  const frameworkNames = new Set(Object.values(profile.names));
  if ([...frameworkNames, ...Object.values(profile.enums)].includes('main')) {
    problems.push(problem(PROFILE, "framework profile: 'main' is the function satellite files define; choose another name"));
  }
  for (const e of entities) {
    const defined = DSL_KINDS[e.kind].shape === 'class' ? entityNames(e).className : undefined;
    if (defined !== undefined && (frameworkNames.has(defined) || profile.enums[DSL_KINDS[e.kind].enumName] === defined)) {
      problems.push(problem(e.origin, `${e.kind} '${e.name}': its class ${defined} has the name of a framework class or enum in the profile`));
    }
  }
  // A chain names the mappings of the entities it joins or is built as of: each must be emitted.
  const present = new Set(entities.map((e) => `${e.kind}\u0000${e.name}`));
  for (const e of entities) {
    for (const [kind, name] of chainReferences(e)) {
      if (!present.has(`${kind}\u0000${name}`)) problems.push(problem(e.origin, `${e.kind} '${e.name}': its chain joins the ${kind} '${name}', which is not in the model`));
    }
  }
  // A raw vault mapping says what its source tables' rows hold in record_source: each must be a source of the model.
  const tables = new Set(model.sources.map((t) => t.name));
  for (const e of entities) {
    for (const table of new Set(sourceTables(e))) {
      if (!tables.has(table)) problems.push(problem(e.origin, `${e.kind} '${e.name}': it is loaded from '${table}', which is not a source table of the model`));
    }
  }
  // An entity's two files are named alike, so a name two entities share takes both: one problem.
  const owners = new Map<string, VaultEntity>();
  for (const e of entities) {
    const shared = new Map<VaultEntity, string[]>();
    for (const path of entityPaths(e)) {
      const other = owners.get(path);
      if (other !== undefined) shared.set(other, [...(shared.get(other) ?? []), path]);
      owners.set(path, e);
    }
    for (const [other, paths] of shared) problems.push(problem(e.origin, `${e.kind} '${e.name}' and ${other.kind} '${other.name}' would both be written to ${paths.join(' and ')}`));
  }
  return problems;
}

/**
 * The entities whose field mappings an entity's chain names besides its own: those it joins
 * (`.join(Query(...))`) and the snapshot control it is built as of (`.as_of(Query(...))`). A
 * view's as-of builder takes the model's snapshot control, which exists whenever it is written.
 */
function chainReferences(e: VaultEntity): References {
  return dispatch(e, CHAIN_REFERENCES);
}

type References = ReadonlyArray<readonly [EntityKind, string]>;
const none = (): References => [];
const CHAIN_REFERENCES: KindHandlers<References> = {
  hub: none,
  link: (l) => l.hubs.map((h) => ['hub', h.hub] as const),
  non_historized_link: (l) => l.hubs.map((h) => ['hub', h.hub] as const),
  satellite: (s) => [['hub', s.parent]],
  multi_active_satellite: (s) => [['hub', s.parent]],
  link_satellite: (s) => [['link', s.parent]],
  effectivity_satellite: (s) => [['link', s.parent]],
  status_tracking_satellite: (s) => [[s.parentKind, s.parent]],
  reference_table: none,
  snapshot_control: none,
  pit: (p) => [
    [p.parentKind, p.parent],
    ['snapshot_control', p.snapshotControl],
  ],
  bridge: (b) => [...b.path.flatMap((step) => (step.kind === 'link' ? [['link', step.name] as const] : [])), ['snapshot_control', b.snapshotControl]],
  business_hub: none,
  business_link: none,
  business_satellite: (s) => [['business_hub', s.parent]],
  business_link_satellite: (s) => [['business_link', s.parent]],
  presentation_view: none,
  dimensional_model: none,
  reporting_view: none,
};

/** The source tables a raw vault entity is loaded from (its mapping's `source_table` and `sources`). */
function sourceTables(e: VaultEntity): ReadonlyArray<string> {
  if ('sources' in e) return e.sources.map((s) => s.table);
  if ('source' in e) return [e.source.table];
  return [];
}

/**
 * The model folder is the generated code's package, so its name must be a Python package name
 * that does not hide a module the generated files import absolutely: the framework's top-level
 * package, or the standard library's `enum` (imported by registry.py, and loaded by Python
 * before any user code, so a model named `enum` could never be imported).
 */
function modelNameProblems(name: string, profile: FrameworkProfile): string[] {
  if (!isPythonIdentifier(name)) return [`model '${name}': the model folder is a Python package, and '${name}' is not a Python identifier`];
  const framework = profile.module.split('.')[0];
  if (name === framework) return [`model '${name}': the model's package would hide the framework module '${profile.module}' the generated files import; rename the model`];
  if (name === 'enum') return ["model 'enum': the model's package would hide the standard library's 'enum', which registry.py imports; rename the model"];
  return [];
}
