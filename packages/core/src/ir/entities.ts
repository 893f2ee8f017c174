/**
 * Building a model's entity list and reading it by kind or with its layer.
 */
import type { Column, EntityKind } from './common.js';
import type { BusinessLink } from './business-vault.js';
import type { Link } from './raw-vault.js';
import { ENTITY_KINDS, KINDS, type EntityOfKind, type VaultLayer } from './kinds.js';
import type { EntitiesByKind, VaultEntity, VaultModel } from './model.js';

/** Everything of a model but its entities. */
export type VaultModelHeader = Omit<VaultModel, 'entities' | 'byKind'>;

/**
 * A model from its header and entities: the entities are listed in canonical kind order, each
 * kind keeping the order it was given in, and indexed by kind once, here.
 * @example vaultModel(header, [...hubs, ...links]).byKind.hub
 */
export function vaultModel(header: VaultModelHeader, entities: Iterable<VaultEntity>): VaultModel {
  const groups = new Map<EntityKind, VaultEntity[]>(ENTITY_KINDS.map((k) => [k, []]));
  for (const e of entities) groups.get(e.kind)!.push(e);
  // Each list holds only entities of its kind, pushed by their own `kind` just above.
  const byKind = Object.fromEntries(groups) as unknown as EntitiesByKind;
  return { ...header, entities: ENTITY_KINDS.flatMap((k) => groups.get(k)!), byKind };
}

/** @example entitiesOf(model, 'hub') // ReadonlyArray<Hub> */
export function entitiesOf<K extends EntityKind>(model: Pick<VaultModel, 'byKind'>, kind: K): ReadonlyArray<EntityOfKind<K>> {
  return model.byKind[kind];
}

/** Every entity of the model with its layer, in canonical order. */
export function allEntities(m: Pick<VaultModel, 'entities'>): Array<{ readonly layer: VaultLayer; readonly entity: VaultEntity }> {
  return m.entities.map((entity) => ({ layer: KINDS[entity.kind].layer, entity }));
}

/**
 * The model with the entities of `kind` replaced by `entities`, indexed again: for tests and
 * tools that change one kind of entity and keep the rest.
 * @example replaceEntities(model, 'hub', []).byKind.hub // []
 */
export function replaceEntities<K extends EntityKind>(model: VaultModel, kind: K, entities: ReadonlyArray<EntityOfKind<K>>): VaultModel {
  const { entities: all, byKind: _, ...header } = model;
  return vaultModel(header, [...all.filter((e) => e.kind !== kind), ...entities]);
}

/**
 * The key columns of a link, in hash order: each hub's business key in `hubs` order, then the
 * dependent child keys. The link's hash key hashes exactly these; its sources line up with them.
 * @example linkKeyColumns(orderLine).map((c) => c.name) // ['order_id', 'product_id', 'line_no']
 */
export function linkKeyColumns(link: Pick<Link | BusinessLink, 'hubs' | 'dependentChildKeys'>): ReadonlyArray<Column> {
  const hubKeys = link.hubs.flatMap((h) => h.businessKeys);
  return link.dependentChildKeys === undefined ? hubKeys : [...hubKeys, ...link.dependentChildKeys];
}
