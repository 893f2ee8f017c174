import type { EntityRef } from '../ir/common.js';
import type { VaultEntity, VaultModel } from '../ir/model.js';

/** Every entity of the model with its layer, in a fixed order. */
export function allEntities(m: VaultModel): Array<{ readonly layer: EntityRef['layer']; readonly entity: VaultEntity }> {
  return [
    ...[...m.rawVault.hubs, ...m.rawVault.links, ...m.rawVault.satellites, ...m.rawVault.linkSatellites].map((entity) => ({ layer: 'raw_vault' as const, entity })),
    ...[...m.businessVault.hubs, ...m.businessVault.links, ...m.businessVault.satellites, ...m.businessVault.linkSatellites].map((entity) => ({ layer: 'business_vault' as const, entity })),
    ...[...m.accessLayer.presentationViews, ...m.accessLayer.dimensionalModels, ...m.accessLayer.reportingViews].map((entity) => ({ layer: 'access_layer' as const, entity })),
  ];
}

export function refKey(r: Pick<EntityRef, 'layer' | 'kind' | 'name'>): string {
  return `${r.layer}.${r.kind}.${r.name}`;
}
