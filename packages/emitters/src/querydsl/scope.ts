/**
 * What one entity file may name: framework classes and methods through the profile, other
 * entities' field mappings and the registry enums through their modules. Every use records its
 * import, so a file imports exactly what it uses.
 */
import type { EntityKind, VaultModel } from '@vault/core';
import { allEntities } from '@vault/core';
import { pyLiteral, pyString, upperSnake } from '../python.js';
import { DSL_KINDS, fieldsModule, mappingConstant } from './kinds.js';
import type { FrameworkName, FrameworkProfile, MethodName } from './profile.js';
import { Imports } from './python-file.js';

/** The module the registry enums are generated into, at the model root. */
export const REGISTRY_MODULE = 'registry';

export interface DslContext {
  readonly model: VaultModel;
  readonly profile: FrameworkProfile;
  readonly specPath: string;
  /** `kind:name` of every entity, to check references before naming them. */
  readonly entities: ReadonlySet<string>;
}

export function dslContext(model: VaultModel, profile: FrameworkProfile, specPath: string): DslContext {
  const entities = new Set(allEntities(model).map(({ entity }) => `${entity.kind}:${entity.name}`));
  return { model, profile, specPath, entities };
}

export class FileScope {
  readonly imports = new Imports();

  constructor(private readonly ctx: DslContext) {}

  /** A framework class, as the profile names it. */
  framework(name: FrameworkName): string {
    return this.imports.use(this.ctx.profile.module, this.ctx.profile.names[name]);
  }

  method(name: MethodName): string {
    return this.ctx.profile.methods[name];
  }

  /** `Query(<ENTITY>_<KIND>_FIELD_MAPPING)`; the entity must exist in the model. */
  query(kind: EntityKind, name: string): string {
    if (!this.ctx.entities.has(`${kind}:${name}`)) {
      throw new Error(`emitQueryDsl: the model has no ${kind} '${name}', which another entity refers to`);
    }
    return `${this.framework('Query')}(${this.imports.use(fieldsModule(kind, name), mappingConstant(kind, name))})`;
  }

  /** `RawHub.BUSINESS_PARTNER`. */
  member(kind: EntityKind, name: string): string {
    return `${this.imports.use(REGISTRY_MODULE, this.ctx.profile.enums[DSL_KINDS[kind].enumName])}.${upperSnake(name)}`;
  }

  joinCondition(key: string): string {
    return `${this.framework('JoinCondition')}(${pyString(key)})`;
  }

  /** `BusinessKey(['a', 'b'])` for key columns, `BusinessKey('x_hk')` for a parent hash key. */
  businessKey(key: ReadonlyArray<string> | string): string {
    return `${this.framework('BusinessKey')}(${pyLiteral(key, { width: Number.POSITIVE_INFINITY })})`;
  }
}
