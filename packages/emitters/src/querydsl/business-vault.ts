/**
 * Business vault entities in the Query DSL (docs/querydsl.md): business hubs and links apply their
 * filter with `apply_business_logic`; business satellites join their business hub's (or link's)
 * mapping and add derived attributes with `apply_business_transformations`. Rule text is always
 * the canonical text of the parsed expression.
 */
import type { BusinessColumn, BusinessHub, BusinessLink, BusinessLinkSatellite, BusinessSatellite, DerivedAttribute } from '@vault/core';
import { qualifiedName, linkKeyColumns } from '@vault/core/internal';
import { childKeysEntry, columnMap, filterRules, literalStep, typeText, type EntityDsl, type PyDict } from './entity-dsl.js';

export function businessHubDsl(hub: BusinessHub): EntityDsl {
  const keys = hub.businessKeys.map((c) => c.name);
  return {
    mapping: {
      name: hub.name,
      kind: hub.kind,
      source_entity: qualifiedName({ kind: 'hub', name: hub.hub }),
      hash_key: hub.hashKey,
      business_keys: keys,
      columns: columnMap(hub.businessKeys.map((c) => [c.name, { source_column: c.name, type: typeText(c.type) }])),
    },
    steps: (scope) => [literalStep(scope.method('apply_business_logic'), filterRules(hub.filter))],
    businessKey: keys,
  };
}

export function businessLinkDsl(link: BusinessLink): EntityDsl {
  const keyColumns = linkKeyColumns(link);
  const events = link.eventAttributes;
  return {
    mapping: {
      name: link.name,
      kind: link.kind,
      source_entity: qualifiedName({ kind: events === undefined ? 'link' : 'non_historized_link', name: link.link }),
      hash_key: link.hashKey,
      hubs: link.hubs.map((h) => ({ hub: h.hub, role: h.role ?? null, hash_key: h.hashKey })),
      driving_key: link.drivingKey ?? [],
      business_keys: keyColumns.map((c) => c.name),
      ...childKeysEntry(link),
      // Over events, the business link carries their attributes as its own columns.
      ...(events === undefined ? {} : { event_attributes: events.map((c) => c.name) }),
      columns: columnMap([...keyColumns, ...(events ?? [])].map((c) => [c.name, { source_column: c.name, type: typeText(c.type) }])),
    },
    steps: (scope) => [literalStep(scope.method('apply_business_logic'), filterRules(link.filter))],
    businessKey: keyColumns.map((c) => c.name),
  };
}

function satelliteMapping(sat: BusinessSatellite | BusinessLinkSatellite, rawKind: 'satellite' | 'link_satellite'): PyDict {
  const column = (c: BusinessColumn): PyDict => ({
    source_entity: qualifiedName({ kind: rawKind, name: c.satellite }),
    source_column: c.sourceColumn,
    type: typeText(c.type),
  });
  return {
    name: sat.name,
    kind: sat.kind,
    source_entities: sat.satellites.map((s) => qualifiedName({ kind: rawKind, name: s })),
    parent: sat.parent,
    parent_hash_key: sat.parentHashKey,
    columns: columnMap(sat.columns.map((c) => [c.name, column(c)])),
    // Reference tables joined in (left join on the code, current descriptions), only when there are some.
    ...(sat.lookups === undefined
      ? {}
      : {
          lookups: sat.lookups.map((l) => ({
            reference_table: qualifiedName({ kind: 'reference_table', name: l.referenceTable }),
            code_columns: [...l.codeColumns],
            columns: columnMap(l.columns.map((c) => [c.name, { source_column: c.sourceColumn, type: typeText(c.type) }])),
          })),
        }),
  };
}

function transformations(derived: ReadonlyArray<DerivedAttribute>): ReadonlyArray<PyDict> {
  return derived.map((d) => ({ name: d.name, expression: d.text, type: typeText(d.type) }));
}

export function businessSatelliteDsl(sat: BusinessSatellite): EntityDsl {
  return {
    mapping: satelliteMapping(sat, 'satellite'),
    steps: (scope) => [
      { method: scope.method('join'), args: [{ code: scope.query('business_hub', sat.parent) }, { code: scope.joinCondition(sat.parentHashKey) }] },
      literalStep(scope.method('apply_business_transformations'), transformations(sat.derived)),
    ],
    businessKey: sat.parentHashKey,
  };
}

export function businessLinkSatelliteDsl(sat: BusinessLinkSatellite): EntityDsl {
  return {
    mapping: satelliteMapping(sat, 'link_satellite'),
    steps: (scope) => [
      { method: scope.method('join'), args: [{ code: scope.query('business_link', sat.parent) }, { code: scope.joinCondition(sat.parentHashKey) }] },
      literalStep(scope.method('apply_business_transformations'), transformations(sat.derived)),
    ],
    businessKey: sat.parentHashKey,
  };
}
