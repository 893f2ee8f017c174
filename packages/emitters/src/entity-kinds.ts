/**
 * Where each kind of entity lives: its layer and the plural that names its list in the
 * manifest and in qualified names such as `raw_vault.hubs.business_partner`.
 */
import type { EntityKind, EntityRef } from '@vault/core';

export type VaultLayer = 'raw_vault' | 'business_vault' | 'access_layer';

export interface KindPlace {
  readonly layer: VaultLayer;
  readonly plural: string;
}

export const KIND_PLACES = {
  hub: { layer: 'raw_vault', plural: 'hubs' },
  link: { layer: 'raw_vault', plural: 'links' },
  satellite: { layer: 'raw_vault', plural: 'satellites' },
  link_satellite: { layer: 'raw_vault', plural: 'link_satellites' },
  business_hub: { layer: 'business_vault', plural: 'hubs' },
  business_link: { layer: 'business_vault', plural: 'links' },
  business_satellite: { layer: 'business_vault', plural: 'satellites' },
  business_link_satellite: { layer: 'business_vault', plural: 'link_satellites' },
  presentation_view: { layer: 'access_layer', plural: 'presentation_views' },
  dimensional_model: { layer: 'access_layer', plural: 'dimensional_models' },
  reporting_view: { layer: 'access_layer', plural: 'reporting_views' },
} as const satisfies Record<EntityKind, KindPlace>;

/**
 * The qualified name of an entity or source table: `<layer>.<plural kind>.<name>`.
 * @example qualifiedName({ kind: 'business_hub', name: 'business_partner' }) // 'business_vault.hubs.business_partner'
 * @example qualifiedName({ kind: 'source_table', name: 'customer' })         // 'source.tables.customer'
 */
export function qualifiedName(ref: Pick<EntityRef, 'kind' | 'name'>): string {
  if (ref.kind === 'source_table') return `source.tables.${ref.name}`;
  const place = KIND_PLACES[ref.kind];
  return `${place.layer}.${place.plural}.${ref.name}`;
}
