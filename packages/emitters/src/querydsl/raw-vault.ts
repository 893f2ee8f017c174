/**
 * Raw vault entities in the Query DSL (docs/querydsl.md): hubs and links start from their own
 * mapping (links join each hub's mapping on its hash key); satellites and link satellites join
 * their parent's mapping on the parent hash key.
 */
import { linkKeyColumns } from '@vault/core/internal';
import type { Hub, Link, LinkSatellite, Satellite } from '@vault/core';
import { columnMap, typeText, type EntityDsl, type PyDict } from './entity-dsl.js';
import type { FileScope } from './scope.js';
import { MISSING_REFERENCES } from '../hashing-settings.js';

export function hubDsl(hub: Hub): EntityDsl {
  const first = hub.sources[0];
  const keys = hub.businessKeys.map((c) => c.name);
  return {
    mapping: {
      name: hub.name,
      kind: hub.kind,
      source_table: first?.table ?? null,
      hash_key: hub.hashKey,
      business_keys: keys,
      columns: columnMap(hub.businessKeys.map((c, i) => [c.name, { source_column: first?.columns[i] ?? null, type: typeText(c.type) }])),
      sources: hub.sources.map((s) => ({ table: s.table, columns: s.columns })),
    },
    steps: () => [],
    businessKey: keys,
  };
}

export function linkDsl(link: Link): EntityDsl {
  const first = link.sources[0];
  const keyColumns = linkKeyColumns(link);
  return {
    mapping: {
      name: link.name,
      kind: link.kind,
      source_table: first?.table ?? null,
      hash_key: link.hashKey,
      hubs: link.hubs.map((h) => ({ hub: h.hub, role: h.role ?? null, hash_key: h.hashKey })),
      // The side whose relationship changes over time (docs/inference.md, "Links"); [] for none.
      driving_key: link.drivingKey ?? [],
      // The load keeps a row with a missing reference, as the SQL target does (docs/querydsl.md).
      missing_references: MISSING_REFERENCES,
      business_keys: keyColumns.map((c) => c.name),
      columns: columnMap(keyColumns.map((c, i) => [c.name, { source_column: first?.columns[i] ?? null, type: typeText(c.type) }])),
      sources: link.sources.map((s) => ({ table: s.table, columns: s.columns })),
    },
    // Each hub's mapping, joined on the link's column for that hub (a role's own column when
    // the link holds the same hub twice).
    steps: (scope: FileScope) => link.hubs.map((h) => ({ method: scope.method('join'), args: [{ code: scope.query('hub', h.hub) }, { code: scope.joinCondition(h.hashKey) }] })),
    businessKey: keyColumns.map((c) => c.name),
  };
}

function satelliteMapping(sat: Satellite | LinkSatellite): PyDict {
  return {
    name: sat.name,
    kind: sat.kind,
    source_table: sat.source.table,
    parent: sat.parent,
    parent_hash_key: sat.parentHashKey,
    delta_order: sat.deltaOrder ?? null,
    columns: columnMap(sat.payload.map((c) => [c.name, { source_column: c.sourceColumn, type: typeText(c.type) }])),
  };
}

export function satelliteDsl(sat: Satellite): EntityDsl {
  return {
    mapping: satelliteMapping(sat),
    steps: (scope) => [{ method: scope.method('join'), args: [{ code: scope.query('hub', sat.parent) }, { code: scope.joinCondition(sat.parentHashKey) }] }],
    businessKey: sat.parentHashKey,
  };
}

export function linkSatelliteDsl(sat: LinkSatellite): EntityDsl {
  return {
    mapping: satelliteMapping(sat),
    steps: (scope) => [{ method: scope.method('join'), args: [{ code: scope.query('link', sat.parent) }, { code: scope.joinCondition(sat.parentHashKey) }] }],
    businessKey: sat.parentHashKey,
  };
}
