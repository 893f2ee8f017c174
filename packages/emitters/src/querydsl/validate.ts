/**
 * What must hold of a model and a profile for every emitted file to be valid, importable
 * Python. The compiler's own validation makes all of this true for models it builds; this check
 * names the problem instead of emitting a file that fails at import time.
 */
import type { VaultEntity, VaultModel } from '@vault/core';
import { allEntities } from '@vault/core/internal';
import { DSL_KINDS, entityNames, entityPaths } from './kinds.js';
import { isPythonIdentifier } from '../python.js';
import { checkProfile, type FrameworkProfile } from './profile.js';
import { registryMembers } from './registry.js';

const ASCII_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Problems that would make the Query DSL output invalid; empty when it can be emitted.
 * @example
 * validateQueryDsl(model, DEFAULT_PROFILE) // []
 */
export function validateQueryDsl(model: VaultModel, profile: FrameworkProfile): ReadonlyArray<string> {
  const problems: string[] = checkProfile(profile).map((p) => `framework profile ${p.path.join('.')}: ${p.message}`);
  problems.push(...modelNameProblems(model.name, profile));
  const entities = allEntities(model).map(({ entity }) => entity);
  for (const e of entities) {
    if (!ASCII_IDENTIFIER.test(e.name)) problems.push(`${e.kind} '${e.name}': the name is not a Python identifier`);
  }
  for (const [enumName, members] of registryMembers(model)) {
    const seen = new Map<string, string>();
    for (const [member, name] of members) {
      // Enum reserves _sunder_ names and does not make __private names members.
      if (member.startsWith('__') || (member.length > 1 && member.startsWith('_') && member.endsWith('_'))) {
        problems.push(`${enumName} '${name}': '${member}' cannot be a Python enum member`);
      }
      const other = seen.get(member);
      if (other !== undefined) problems.push(`${enumName} '${name}' and '${other}' would both be the enum member ${member}`);
      seen.set(member, name);
    }
  }
  // A file defines its class (or main) and imports framework names and enums: they must differ.
  const imported = new Set([...Object.values(profile.names), ...Object.values(profile.enums)]);
  if (imported.has('main')) problems.push("framework profile: 'main' is the function satellite files define; choose another name");
  for (const e of entities) {
    const defined = DSL_KINDS[e.kind].shape === 'class' ? entityNames(e).className : undefined;
    if (defined !== undefined && imported.has(defined)) problems.push(`${e.kind} '${e.name}': its class ${defined} has the name of a framework class or enum in the profile`);
  }
  const owners = new Map<string, VaultEntity>();
  for (const e of entities) {
    for (const path of entityPaths(e)) {
      const other = owners.get(path);
      if (other !== undefined) problems.push(`${e.kind} '${e.name}' and ${other.kind} '${other.name}' would both be written to ${path}`);
      owners.set(path, e);
    }
  }
  return problems;
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
