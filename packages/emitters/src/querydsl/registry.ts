/**
 * `registry.py`: the entity enums of one model ("framework integration"), so that every name a
 * generated file uses is defined either by the framework or by the model's own files.
 */
import type { VaultModel } from '@vault/core';
import { allEntities } from '@vault/core/internal';
import type { EmittedFile } from '../emitted-file.js';
import { pyString } from '../python.js';
import { DSL_KINDS, ENUM_KINDS, entityNames } from './kinds.js';
import { ENUM_NAMES } from './profile.js';
import { Imports, byCodeUnit, header, pythonFile } from './python-file.js';
import { REGISTRY_MODULE, type DslContext } from './scope.js';

/** Enum member name → entity name, per enum, members sorted by entity name. */
export function registryMembers(model: VaultModel): ReadonlyMap<string, ReadonlyArray<readonly [string, string]>> {
  const entities = allEntities(model).map(({ entity }) => entity);
  return new Map(
    ENUM_NAMES.map((e) => {
      const members = entities.filter((x) => x.kind === ENUM_KINDS[e]).sort((a, b) => byCodeUnit(a.name, b.name));
      return [e, members.map((x) => [entityNames(x).member, x.name] as const)];
    }),
  );
}

export function registryFile(ctx: DslContext): EmittedFile {
  const imports = new Imports();
  imports.use('enum', 'Enum');
  const members = registryMembers(ctx.model);
  const head = header(ctx.specPath, `Entity enums of model ${ctx.model.name}: one member per entity (framework integration).`);
  const content = pythonFile(head, imports, (w) => {
    ENUM_NAMES.forEach((e, i) => {
      if (i > 0) w.blank(2);
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
