/**
 * `registry.py`: the entity enums of one model ("framework integration"), so that every name a
 * generated file uses is defined either by the framework or by the model's own files; and the
 * hashing settings and record sources, so that a framework computes the same hash keys and
 * metadata as the SQL target (the same values as manifest.json).
 */
import type { VaultModel } from '@vault/core';
import { byName, entitiesOf } from '@vault/core/internal';
import type { EmittedFile } from '../emitted-file.js';
import { hashingSettings, recordSources } from '../hashing-settings.js';
import { pyLiteral, pyString, type PyValue } from '../python.js';
import { DSL_KINDS, ENUM_KINDS, entityNames } from './kinds.js';
import { ENUM_NAMES, REGISTRY_CONSTANTS, type EnumName } from './profile.js';
import { Imports, header, pythonFile } from './python-file.js';
import { REGISTRY_MODULE, type DslContext } from './scope.js';

/** Enum member name → entity name, per enum, members sorted by entity name. */
export function registryMembers(model: VaultModel): ReadonlyMap<EnumName, ReadonlyArray<readonly [string, string]>> {
  return new Map(
    ENUM_NAMES.map((e) => {
      const members = [...entitiesOf(model, ENUM_KINDS[e])].sort(byName);
      return [e, members.map((x) => [entityNames(x).member, x.name] as const)];
    }),
  );
}

export function registryFile(ctx: DslContext): EmittedFile {
  const imports = new Imports();
  imports.use('enum', 'Enum');
  const members = registryMembers(ctx.model);
  const head = header(ctx.specPath, `Model ${ctx.model.name}: its hashing settings and record sources, and one enum member per entity (framework integration).`);
  const constant = (name: string, value: PyValue): string => `${name} = ${pyLiteral(value, { column: name.length + 3 })}`;
  const content = pythonFile(head, imports, (w) => {
    w.line("# How hash keys and hashdiffs are computed, per the hashing standard named in 'standard' (as in manifest.json).");
    w.line(constant(REGISTRY_CONSTANTS.hashing, { ...hashingSettings(ctx.model) }));
    w.blank();
    w.line('# What the record_source column holds: in the rows a load writes, per source table, and in the ghost records.');
    w.line(constant(REGISTRY_CONSTANTS.recordSources, { ...recordSources(ctx.model) }));
    ENUM_NAMES.forEach((e) => {
      w.blank(2);
      w.line(`class ${ctx.profile.enums[e]}(Enum):`);
      const list = members.get(e) ?? [];
      w.block(() => {
        // An Enum with no members is valid Python; the docstring is its body.
        if (list.length === 0) w.line(`"""No ${DSL_KINDS[ENUM_KINDS[e]].title.toLowerCase()}s in this model."""`);
        for (const [member, name] of list) w.line(`${member} = ${pyString(name)}`);
      });
    });
  });
  return { path: `${REGISTRY_MODULE}.py`, content };
}
