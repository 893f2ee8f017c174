/**
 * What one entity file may name: framework classes and methods through the profile, other
 * entities' field mappings and the registry enums through their modules. Every use records its
 * import, so a file imports exactly what it uses.
 */
import type { EntityKind, VaultEntity, VaultModel } from '@vault/core';
import { pyLiteral, pyString } from '../python.js';
import { DSL_KINDS, entityNames, relativeModule, type EntityNames } from './kinds.js';
import type { FrameworkName, FrameworkProfile, MethodName } from './profile.js';
import { Imports } from './python-file.js';

/** The module the registry enums and settings are generated into, at the model root. */
export const REGISTRY_MODULE = 'registry';

export interface DslContext {
  readonly model: VaultModel;
  readonly profile: FrameworkProfile;
  readonly specPath: string;
  /** Every entity by kind and name, to check references before naming them. */
  readonly entities: ReadonlyMap<EntityKind, ReadonlyMap<string, VaultEntity>>;
  /** What each source table's rows hold in `record_source` (field mappings say it per source); only `get`, so a render can note what it read. */
  readonly recordSources: Pick<ReadonlyMap<string, string>, 'get'>;
}

export function dslContext(model: VaultModel, profile: FrameworkProfile, specPath: string): DslContext {
  const entities = new Map<EntityKind, Map<string, VaultEntity>>();
  for (const entity of model.entities) {
    const byName = entities.get(entity.kind);
    if (byName === undefined) entities.set(entity.kind, new Map([[entity.name, entity]]));
    else byName.set(entity.name, entity);
  }
  return { model, profile, specPath, entities, recordSources: new Map(model.sources.map((t) => [t.name, t.recordSource] as const)) };
}

export class FileScope {
  readonly imports = new Imports();

  /** @param pkg the package of the file, dotted from the model root (`raw_vault`). */
  constructor(
    private readonly ctx: DslContext,
    private readonly pkg: string,
  ) {}

  /** A framework class, as the profile names it. */
  framework(name: FrameworkName): string {
    return this.imports.use(this.ctx.profile.module, this.ctx.profile.names[name]);
  }

  method(name: MethodName): string {
    return this.ctx.profile.methods[name];
  }

  /** `Query(<ENTITY>_<KIND>_FIELD_MAPPING)`; the entity must exist in the model. */
  query(kind: EntityKind, name: string): string {
    const names = this.names(kind, name);
    return `${this.framework('Query')}(${this.imports.use(relativeModule(this.pkg, names.fieldsModule), names.mappingConstant)})`;
  }

  /** `RawHub.BUSINESS_PARTNER`. */
  member(kind: EntityKind, name: string): string {
    const registry = relativeModule(this.pkg, REGISTRY_MODULE);
    return `${this.imports.use(registry, this.ctx.profile.enums[DSL_KINDS[kind].enumName])}.${this.names(kind, name).member}`;
  }

  private names(kind: EntityKind, name: string): EntityNames {
    const entity = this.ctx.entities.get(kind)?.get(name);
    if (entity === undefined) throw new Error(`emitQueryDsl: the model has no ${kind} '${name}', which another entity refers to`);
    return entityNames(entity);
  }

  joinCondition(key: string): string {
    return `${this.framework('JoinCondition')}(${pyString(key)})`;
  }

  /** `BusinessKey(['a', 'b'])` for key columns, `BusinessKey('x_hk')` for a parent hash key. */
  businessKey(key: ReadonlyArray<string> | string): string {
    return `${this.framework('BusinessKey')}(${pyLiteral(key, { width: Number.POSITIVE_INFINITY })})`;
  }
}
