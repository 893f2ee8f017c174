/**
 * The order of loads: waves. Wave 0 holds the loaded entities that read no other loaded entity;
 * wave n those whose loaded dependencies are all in waves before n, at least one in wave n - 1.
 * The loads of a wave may run side by side (`vault run --jobs`); a wave starts when the one
 * before it has committed. A raw vault load reads only landing tables, so for the raw vault the
 * order only keeps every committed child row's parent committed first (hubs; then links and
 * satellites; then link satellites). A materialised business vault table (a PIT or bridge table)
 * reads the raw vault, through views or directly, so it waits for the tables those read.
 */
import type { EntityKind, EntityRef, Layer, VaultEntity, VaultModel } from '@vault/core';
import { allEntities } from '@vault/core/internal';

/** How setup stores an entity: a table a load fills, or a view over other tables and views. */
export type Storage = 'table' | 'view';

/** Today the raw vault is stored and loaded; the business vault and access layer are views. */
export const STORAGE = {
  hub: 'table', link: 'table', satellite: 'table', link_satellite: 'table',
  business_hub: 'view', business_link: 'view', business_satellite: 'view', business_link_satellite: 'view',
  presentation_view: 'view', dimensional_model: 'view', reporting_view: 'view',
} as const satisfies Record<EntityKind, Storage>;

const key = (kind: EntityKind | EntityRef['kind'], name: string): string => `${kind}\u0000${name}`;

/** The kind of the entity a satellite describes. */
const PARENT_KIND = {
  satellite: 'hub', link_satellite: 'link', business_satellite: 'business_hub', business_link_satellite: 'business_link',
} as const satisfies Partial<Record<EntityKind, EntityKind>>;

/**
 * The entities `e` reads or hangs off: what it is derived from, the hub or link a satellite
 * describes, the hubs a link connects. Source tables are no entities and are left out.
 */
export function entityDependencies(e: VaultEntity): ReadonlyArray<string> {
  const refs = e.derivedFrom.filter((r) => r.kind !== 'source_table').map((r) => key(r.kind, r.name));
  if (e.kind === 'satellite' || e.kind === 'link_satellite' || e.kind === 'business_satellite' || e.kind === 'business_link_satellite') {
    refs.push(key(PARENT_KIND[e.kind], e.parent));
  }
  if (e.kind === 'link') refs.push(...e.hubs.map((h) => key('hub', h.hub)));
  if (e.kind === 'business_link') refs.push(...e.hubs.map((h) => key('business_hub', h.hub)));
  return refs;
}

/** An entity and the layer it belongs to, as `allEntities` gives them. */
export interface LayeredEntity {
  readonly layer: Exclude<Layer, 'source'>;
  readonly entity: VaultEntity;
}

/**
 * The loaded entities of `model` (those `loaded` says yes to) in waves, each wave in the model's
 * order. A dependency that is not loaded (a view) counts through what it depends on.
 * @example loadWaves(model, (e) => STORAGE[e.kind] === 'table').map((w) => w.map((x) => x.entity.kind))
 * // [['hub', 'hub'], ['link', 'satellite', 'satellite'], ['link_satellite']]
 */
export function loadWaves(model: VaultModel, loaded: (e: VaultEntity) => boolean): ReadonlyArray<ReadonlyArray<LayeredEntity>> {
  const layered = allEntities(model);
  const entities = layered.map(({ entity }) => entity);
  const byKey = new Map<string, VaultEntity>();
  for (const e of entities) if (!byKey.has(key(e.kind, e.name))) byKey.set(key(e.kind, e.name), e);
  /** The first wave in which `e`'s data is complete: after its own load, or after its inputs'. */
  const ready = new Map<VaultEntity, number>();
  const visiting = new Set<VaultEntity>();
  const readyAfter = (e: VaultEntity): number => {
    const known = ready.get(e);
    if (known !== undefined) return known;
    if (visiting.has(e)) throw new Error(`vault SQL: ${e.kind} '${e.name}' depends on itself; the model's derivedFrom references form a cycle`);
    visiting.add(e);
    const inputs = waveOf(e);
    visiting.delete(e);
    const after = loaded(e) ? inputs + 1 : inputs;
    ready.set(e, after);
    return after;
  };
  /** The wave of `e`'s load: once every loaded entity it reads is complete. */
  const waveOf = (e: VaultEntity): number => {
    let wave = 0;
    for (const d of entityDependencies(e)) {
      const dependency = byKey.get(d);
      if (dependency !== undefined) wave = Math.max(wave, readyAfter(dependency));
    }
    return wave;
  };
  const waves: LayeredEntity[][] = [];
  for (const { layer, entity } of layered) {
    // allEntities never gives a source table; the test narrows its layer for the type.
    if (layer === 'source' || !loaded(entity)) continue;
    const wave = waveOf(entity);
    while (waves.length <= wave) waves.push([]);
    waves[wave]!.push({ layer, entity });
  }
  // No wave is empty: an entity in wave n reads one that completes after wave n - 1, which is loaded in it.
  return waves;
}
