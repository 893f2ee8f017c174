/**
 * The kinds registry agrees with what the compiler builds and the targets emit: the model lists
 * its entities in ENTITY_KINDS order, `byKind` holds the same entities, and the registry's
 * facts (layer, plural, loaded, storage) are what the manifest and the SQL plan do.
 */
import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS, KINDS, dispatch, entitiesOf, qualifiedName, replaceEntities, type KindHandlers, type VaultEntity, type VaultModel } from '@vault/core/internal';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { METADATA_COLUMNS } from '@vault/core';
import { buildManifest, entityColumns, entityDependencies, entityTable, modelColumns, postgresDialect, sqlPlan } from '@vault/emitters/internal';

function load(path: string): VaultModel {
  const model = analyzeSpec(loadSpecFile(path)).model;
  if (model === undefined) throw new Error(`${path} does not compile`);
  return model;
}

const model = load('specs/ews.yaml');

describe('the kinds registry', () => {
  it('lists the entities in canonical kind order, and byKind holds the same entities', () => {
    const rank = (kind: string): number => ENTITY_KINDS.indexOf(kind as (typeof ENTITY_KINDS)[number]);
    const ranks = model.entities.map((e) => rank(e.kind));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ENTITY_KINDS.flatMap((k) => entitiesOf(model, k))).toEqual(model.entities);
    for (const k of ENTITY_KINDS) for (const e of entitiesOf(model, k)) expect(e.kind).toBe(k);
  });

  it('names each entity by its layer and plural, as the manifest lists it', () => {
    const manifest = buildManifest(model, { specPath: 'specs/ews.yaml', files: [] }) as unknown as Record<string, Record<string, ReadonlyArray<{ name: string }>>>;
    for (const e of model.entities) {
      const { layer, plural } = KINDS[e.kind];
      expect(manifest[layer]?.[plural]?.some((m) => m.name === e.name)).toBe(true);
      expect(qualifiedName(e)).toBe(`${layer}.${plural}.${e.name}`);
    }
  });

  it('loads exactly the kinds it says are loaded, and those are tables', () => {
    const loaded = new Set(sqlPlan(model).loads.map((l) => l.kind));
    expect([...loaded].sort()).toEqual(ENTITY_KINDS.filter((k) => KINDS[k].loaded && entitiesOf(model, k).length > 0).sort());
    for (const k of ENTITY_KINDS) if (KINDS[k].loaded) expect(KINDS[k].storage).toBe('table');
  });

  it('dispatches each entity to the handler of its kind', () => {
    // Built from the list, so the cast stands in for the eleven handlers a target writes out.
    const handlers = Object.fromEntries(ENTITY_KINDS.map((k) => [k, (e: { kind: string }) => `${k}:${e.kind}`])) as unknown as KindHandlers<string>;
    for (const e of model.entities) expect(dispatch(e, handlers)).toBe(`${e.kind}:${e.kind}`);
  });

  it('replaces the entities of one kind and keeps the rest in order', () => {
    const hubs = entitiesOf(model, 'hub');
    const fewer = replaceEntities(model, 'hub', hubs.slice(1));
    expect(fewer.byKind.hub).toEqual(hubs.slice(1));
    expect(fewer.entities).toEqual(model.entities.filter((e) => e !== hubs[0]));
  });

  // The facts no target reads directly are checked against what the targets do, so they cannot drift.
  it('says which kinds have tables, ghost records, keys, hashdiffs and parents, as the targets build them', () => {
    const plan = sqlPlan(model);
    const columns = modelColumns(model);
    const tables = new Set(plan.setup.filter((s) => s.kind === 'table' && s.entity !== undefined).map((s) => s.entity!.kind));
    // A kind is stored as a view when the view named after the entity is its own; a satellite's
    // history view and a reference table's current view sit beside their tables.
    const own = (s: (typeof plan.setup)[number]): boolean => {
      const t = entityTable({ model, dialect: postgresDialect }, s.entity!.kind, s.entity!.name);
      return s.relation?.schema === t.schema && s.relation.name === t.name;
    };
    const views = new Set(plan.setup.filter((s) => s.kind === 'view' && own(s)).map((s) => s.entity!.kind));
    const ghosts = new Set(plan.setup.filter((s) => s.kind === 'ghost_record').map((s) => s.entity!.kind));
    const byKey = new Map<string, VaultEntity>(model.entities.map((e) => [`${e.kind}\u0000${e.name}`, e]));
    for (const k of ENTITY_KINDS) {
      const entities = entitiesOf(model, k);
      if (entities.length === 0) continue;
      const info = KINDS[k];
      expect(tables.has(k), `${k} table`).toBe(info.storage === 'table');
      expect(views.has(k), `${k} view`).toBe(info.storage === 'view');
      expect(ghosts.has(k), `${k} ghost record`).toBe(info.ghostRecord);
      for (const e of entities) {
        const names = entityColumns(columns, e).map((c) => c.name);
        expect(names.includes(METADATA_COLUMNS.hashDiff), `${k} hashdiff`).toBe(info.hashDiff);
        expect('hashKey' in e, `${k} own hash key`).toBe(info.key === 'hash_key');
        expect('parentHashKey' in e, `${k} parent hash key`).toBe(info.key === 'parent_hash_key');
        // Every entity it reads or hangs off is of one of its parent kinds.
        for (const d of entityDependencies(e)) expect(info.parents, `${k} '${e.name}' depends on ${d}`).toContain(byKey.get(d)?.kind);
      }
    }
  });

  it('lists as parents every kind an entity of lgd (a bridge, reference tables, multi-active satellites) reads or hangs off', () => {
    const lgd = load('specs/lgd.yaml');
    expect(lgd.byKind.bridge.length).toBeGreaterThan(0);
    const byKey = new Map<string, VaultEntity>(lgd.entities.map((e) => [`${e.kind}\u0000${e.name}`, e]));
    for (const e of lgd.entities) for (const d of entityDependencies(e)) expect(KINDS[e.kind].parents, `${e.kind} '${e.name}' depends on ${d}`).toContain(byKey.get(d)?.kind);
  });
});
