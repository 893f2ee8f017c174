import type { AccessLayer, AccessLayerEntity } from './access-layer.js';
import type { BusinessVault, BusinessVaultEntity } from './business-vault.js';
import type { Column, Hashing } from './common.js';
import type { RawVault, RawVaultEntity } from './raw-vault.js';

export type Stage = 'raw' | 'business' | 'access';

/** A source table as the IR sees it: columns sorted by name, types parsed. */
export interface SourceTable {
  readonly name: string;
  readonly description?: string;
  readonly columns: ReadonlyArray<Column>;
}

/**
 * The whole compiled model: readonly data, one section per layer. A stage-only compile
 * leaves the later layers empty (`stages` says which were built).
 */
export interface VaultModel {
  readonly name: string;
  readonly description?: string;
  readonly recordSource: string;
  readonly hashing: Hashing;
  readonly schemas: { readonly landing: string; readonly rawVault: string; readonly businessVault: string; readonly accessLayer: string };
  readonly stages: ReadonlyArray<Stage>;
  readonly sources: ReadonlyArray<SourceTable>;
  readonly rawVault: RawVault;
  readonly businessVault: BusinessVault;
  readonly accessLayer: AccessLayer;
}

export type VaultEntity = RawVaultEntity | BusinessVaultEntity | AccessLayerEntity;
