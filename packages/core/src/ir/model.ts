import type { AccessLayerEntity } from './access-layer.js';
import type { BusinessVaultEntity } from './business-vault.js';
import type { Column, EntityKind, Hashing } from './common.js';
import type { EntityOfKind } from './kinds.js';
import type { RawVaultEntity } from './raw-vault.js';

export type Stage = 'raw' | 'business' | 'access';

/** A source table as the IR sees it: columns sorted by name, types parsed. */
export interface SourceTable {
  readonly name: string;
  readonly description?: string;
  readonly columns: ReadonlyArray<Column>;
  /**
   * What the rows this table brings hold in `record_source`: the table's `record_source`, else
   * `<model record source>.<table>` (the system, then the table).
   */
  readonly recordSource: string;
}

/** A model's entities of each kind, each list in the model's order. */
export type EntitiesByKind = { readonly [K in EntityKind]: ReadonlyArray<EntityOfKind<K>> };

/**
 * The whole compiled model: readonly data, every entity in one list in canonical kind order
 * (`ENTITY_KINDS`), and the same entities by kind. A stage-only compile has no entities of
 * the later layers (`stages` says which were built). Build one with `vaultModel`, which keeps
 * the two views of the entities in step.
 */
export interface VaultModel {
  readonly name: string;
  readonly description?: string;
  /** The source system (the spec's `record_source`, default the model name): the first part of each table's default record source. */
  readonly recordSource: string;
  readonly hashing: Hashing;
  readonly schemas: { readonly landing: string; readonly rawVault: string; readonly businessVault: string; readonly accessLayer: string };
  readonly stages: ReadonlyArray<Stage>;
  readonly sources: ReadonlyArray<SourceTable>;
  readonly entities: ReadonlyArray<VaultEntity>;
  /** @example model.byKind.hub.map((h) => h.name) */
  readonly byKind: EntitiesByKind;
}

export type VaultEntity = RawVaultEntity | BusinessVaultEntity | AccessLayerEntity;
