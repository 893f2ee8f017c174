/**
 * The order of loads. Each load waits for the loads it depends on (`loadDependencies`): a raw
 * vault load reads only landing tables, so for the raw vault that only keeps every committed
 * child row's parent committed first (a satellite waits for its hub, a link for its hubs, a link
 * satellite for its link). A materialised business vault table (a PIT or bridge table) reads the
 * raw vault, through views or directly, so it waits for the tables those read. `vault run`
 * starts a load as soon as those have committed.
 *
 * The plan lists the loads in waves (`loadWaves`), an order that puts every load after what it
 * depends on: wave 0 holds the loaded entities that read no other loaded entity; wave n those
 * whose loaded dependencies are all in waves before n, at least one in wave n - 1. Every layer's
 * loads come after the earlier layers', so that `vault run` reports layer by layer.
 */
import type { EntityKind, EntityRef, VaultEntity, VaultModel } from '@vault/core';
import { allEntities, dispatch, type KindHandlers, type VaultLayer } from '@vault/core/internal';

const key = (kind: EntityKind | EntityRef['kind'], name: string): string => `${kind}\u0000${name}`;

const none = (): ReadonlyArray<string> => [];

/** What each kind hangs off besides what it is derived from: the parent a satellite describes, the hubs a link connects. */
const HANGS_OFF: KindHandlers<ReadonlyArray<string>> = {
  hub: none,
  link: (l) => l.hubs.map((h) => key('hub', h.hub)),
  non_historized_link: (l) => l.hubs.map((h) => key('hub', h.hub)),
  satellite: (s) => [key('hub', s.parent)],
  link_satellite: (s) => [key('link', s.parent)],
  effectivity_satellite: (e) => [key('link', e.parent)],
  multi_active_satellite: (s) => [key('hub', s.parent)],
  status_tracking_satellite: (s) => [key(s.parentKind, s.parent)],
  reference_table: none,
  snapshot_control: none,
  // What it reads (the hub or link, its satellites, the snapshot control) is what it is derived from.
  pit: none,
  // The same: its links, their effectivity satellites, the trackers and the snapshot control.
  bridge: none,
  business_hub: none,
  business_link: (l) => l.hubs.map((h) => key('business_hub', h.hub)),
  business_satellite: (s) => [key('business_hub', s.parent)],
  business_link_satellite: (s) => [key('business_link', s.parent)],
  presentation_view: none,
  dimensional_model: none,
  reporting_view: none,
};

/**
 * The entities `e` reads or hangs off: what it is derived from, the hub or link a satellite
 * describes, the hubs a link connects. Source tables are no entities and are left out.
 */
export function entityDependencies(e: VaultEntity): ReadonlyArray<string> {
  return [...e.derivedFrom.filter((r) => r.kind !== 'source_table').map((r) => key(r.kind, r.name)), ...dispatch(e, HANGS_OFF)];
}

/** An entity and the layer it belongs to, as `allEntities` gives them. */
export interface LayeredEntity {
  readonly layer: VaultLayer;
  readonly entity: VaultEntity;
}

/**
 * The loaded entities of `model` (those `loaded` says yes to) in waves, each wave in the model's
 * order. A dependency that is not loaded (a view) counts through what it depends on.
 * @example loadWaves(model, (e) => KINDS[e.kind].loaded).map((w) => w.map((x) => x.entity.kind))
 * // [['hub', 'hub'], ['link', 'satellite', 'satellite'], ['link_satellite']]
 */
export function loadWaves(model: VaultModel, loaded: (e: VaultEntity) => boolean): ReadonlyArray<ReadonlyArray<LayeredEntity>> {
  const layered = allEntities(model);
  const entities = layered.map(({ entity }) => entity);
  const layerOf = new Map(layered.map(({ layer, entity }) => [entity, layer] as const));
  // The first wave of each layer's loads: after every load of the earlier layers (`allEntities`
  // lists layers in pipeline order), so that `vault run` reports layer by layer; a business
  // vault table that reads no raw vault table (the snapshot control) still waits for the raw vault.
  const layerFloor = new Map<VaultLayer, number>();
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
    let wave = loaded(e) ? (layerFloor.get(layerOf.get(e)!) ?? 0) : 0;
    for (const d of entityDependencies(e)) {
      const dependency = byKey.get(d);
      if (dependency !== undefined) wave = Math.max(wave, readyAfter(dependency));
    }
    return wave;
  };
  const waves: LayeredEntity[][] = [];
  for (const { layer, entity } of layered) {
    if (!loaded(entity)) continue;
    if (!layerFloor.has(layer)) layerFloor.set(layer, waves.length);
    const wave = waveOf(entity);
    while (waves.length <= wave) waves.push([]);
    waves[wave]!.push({ layer, entity });
  }
  // No wave is empty: an entity in wave n reads one that completes after wave n - 1, which is loaded in it.
  return waves;
}

/**
 * For each loaded entity of `model` (those `loaded` says yes to), the loaded entities it waits
 * for, in the model's order: those it reads or hangs off (`entityDependencies`), a dependency
 * that is not loaded (a view) counting through what it depends on. Unlike `loadWaves`, no layer
 * waits for the layers before it as a whole: only real dependencies count.
 * @example loadDependencies(model, loaded).get(satellite) // [hub], the hub it describes
 */
export function loadDependencies(model: VaultModel, loaded: (e: VaultEntity) => boolean): ReadonlyMap<VaultEntity, ReadonlyArray<VaultEntity>> {
  const entities = allEntities(model).map(({ entity }) => entity);
  const position = new Map(entities.map((e, i) => [e, i] as const));
  const byKey = new Map<string, VaultEntity>();
  for (const e of entities) if (!byKey.has(key(e.kind, e.name))) byKey.set(key(e.kind, e.name), e);
  /** The loaded entities whose loads `e`'s data waits for. */
  const waits = new Map<VaultEntity, ReadonlyArray<VaultEntity>>();
  const visiting = new Set<VaultEntity>();
  const waitsFor = (e: VaultEntity): ReadonlyArray<VaultEntity> => {
    const known = waits.get(e);
    if (known !== undefined) return known;
    if (visiting.has(e)) throw new Error(`vault SQL: ${e.kind} '${e.name}' depends on itself; the model's derivedFrom references form a cycle`);
    visiting.add(e);
    const found = new Set<VaultEntity>();
    for (const d of entityDependencies(e)) {
      const dependency = byKey.get(d);
      if (dependency === undefined) continue;
      if (loaded(dependency)) found.add(dependency);
      else for (const x of waitsFor(dependency)) found.add(x);
    }
    visiting.delete(e);
    const sorted = [...found].sort((a, b) => position.get(a)! - position.get(b)!);
    waits.set(e, sorted);
    return sorted;
  };
  return new Map(entities.filter(loaded).map((e) => [e, waitsFor(e)] as const));
}
