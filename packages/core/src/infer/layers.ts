/**
 * The layers as inference builds them, one list per kind: private to core. The model lists
 * every entity in one list (`VaultModel.entities`, `byKind`), built by `vaultModel`.
 */
import type { AccessLayerEntity, DimensionalModel, PresentationView, ReportingView } from '../ir/access-layer.js';
import type { BusinessHub, BusinessLink, BusinessLinkSatellite, BusinessSatellite, BusinessVaultEntity, Pit, SnapshotControl } from '../ir/business-vault.js';
import type { EffectivitySatellite, Hub, Link, LinkSatellite, MultiActiveSatellite, NonHistorizedLink, RawVaultEntity, ReferenceTable, Satellite, StatusTrackingSatellite } from '../ir/raw-vault.js';

export interface RawVault {
  readonly hubs: ReadonlyArray<Hub>;
  readonly links: ReadonlyArray<Link>;
  readonly nonHistorizedLinks: ReadonlyArray<NonHistorizedLink>;
  readonly satellites: ReadonlyArray<Satellite>;
  readonly linkSatellites: ReadonlyArray<LinkSatellite>;
  readonly effectivitySatellites: ReadonlyArray<EffectivitySatellite>;
  readonly multiActiveSatellites: ReadonlyArray<MultiActiveSatellite>;
  readonly statusTrackingSatellites: ReadonlyArray<StatusTrackingSatellite>;
  readonly referenceTables: ReadonlyArray<ReferenceTable>;
}

export interface BusinessVault {
  readonly snapshotControls: ReadonlyArray<SnapshotControl>;
  readonly pits: ReadonlyArray<Pit>;
  readonly hubs: ReadonlyArray<BusinessHub>;
  readonly links: ReadonlyArray<BusinessLink>;
  readonly satellites: ReadonlyArray<BusinessSatellite>;
  readonly linkSatellites: ReadonlyArray<BusinessLinkSatellite>;
}

export interface AccessLayer {
  readonly presentationViews: ReadonlyArray<PresentationView>;
  readonly dimensionalModels: ReadonlyArray<DimensionalModel>;
  readonly reportingViews: ReadonlyArray<ReportingView>;
}

/** The entities of the layers, in canonical kind order. */
export function layerEntities(raw: RawVault, bv: BusinessVault, al: AccessLayer): ReadonlyArray<RawVaultEntity | BusinessVaultEntity | AccessLayerEntity> {
  return [
    ...raw.hubs,
    ...raw.links,
    ...raw.nonHistorizedLinks,
    ...raw.satellites,
    ...raw.linkSatellites,
    ...raw.effectivitySatellites,
    ...raw.multiActiveSatellites,
    ...raw.statusTrackingSatellites,
    ...raw.referenceTables,
    ...bv.snapshotControls,
    ...bv.pits,
    ...bv.hubs,
    ...bv.links,
    ...bv.satellites,
    ...bv.linkSatellites,
    ...al.presentationViews,
    ...al.dimensionalModels,
    ...al.reportingViews,
  ];
}
