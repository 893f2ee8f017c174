/**
 * What a proposal may change, read off the analysed spec. Only what vault inferred is
 * offered: a hub, link or satellite the spec already names, a name the spec's rules or access
 * layer already use, or a description a person already wrote, is the user's and stays.
 *
 * Where each change goes in the spec:
 * - a hub's name: `hub:` on every table that feeds it; its description: `description:` on
 *   the first of those tables (a table's description is its hub's);
 * - a link's name: `link:` on the table that forms it; its description: `description:` on
 *   that table, when the table is an association table (a hub table's description is its hub's);
 * - a satellite's name: a `satellites:` entry listing its payload columns. Sensitive
 *   satellites keep their inferred names: a named satellite is sensitive only through
 *   `role: sensitive` on its columns, so naming one could unprotect a column.
 * - a rule: `business_vault.rules.ENTITY.derive.NAME` or `.filter`, when the entity has no
 *   filter yet; hubs and links only.
 */
import { entitiesOf, printColumnType, type Column, type EntityKind, type Spec, type VaultModel } from '@vault/core/internal';

export interface HubTarget {
  readonly kind: 'hub';
  readonly name: string;
  /** The hub-role tables that feed it, sorted; `hub:` goes on each. */
  readonly tables: ReadonlyArray<string>;
  readonly businessKeys: ReadonlyArray<string>;
  /** The table a proposed description goes on, when the hub has none. */
  readonly describeOn: string | undefined;
}

export interface LinkTarget {
  readonly kind: 'link';
  readonly name: string;
  readonly table: string;
  readonly hubs: ReadonlyArray<string>;
  readonly describeOn: string | undefined;
}

export interface SatelliteTarget {
  readonly kind: 'satellite';
  readonly name: string;
  readonly table: string;
  readonly parent: string;
  /** Payload source columns, in order: the `satellites:` entry lists them. */
  readonly columns: ReadonlyArray<string>;
}

export type NameTarget = HubTarget | LinkTarget | SatelliteTarget;

export interface RuleTarget {
  readonly kind: 'hub' | 'link';
  readonly name: string;
  /** What a derived attribute may read: business keys and satellite columns. */
  readonly columns: ReadonlyArray<Column>;
  /** Derived attributes already in the spec (a filter may read them too). */
  readonly derived: ReadonlyArray<Column>;
  readonly hasFilter: boolean;
}

export interface Targets {
  readonly names: ReadonlyArray<NameTarget>;
  readonly rules: ReadonlyArray<RuleTarget>;
  /** Every entity name of the model, lower-cased: a new name must not be one of them. */
  readonly taken: ReadonlySet<string>;
}

/**
 * The kinds whose names a new name must not repeat: the business vault and presentation views
 * take their names from the hubs and links they are built on.
 */
const NAME_TAKEN = {
  hub: true,
  link: true,
  satellite: true,
  link_satellite: true,
  business_hub: false,
  business_link: false,
  business_satellite: false,
  business_link_satellite: false,
  presentation_view: false,
  dimensional_model: true,
  reporting_view: true,
} as const satisfies Record<EntityKind, boolean>;

const HUB_ROLE_RULES = new Set(['table.hub', 'table.hub_override']);

export function findTargets(spec: Spec, model: VaultModel): Targets {
  const used = namesUsedBySpec(spec);
  const names: NameTarget[] = [];
  // A hub's own tables are those whose role evidence made them hub tables of it.
  const ownTables = new Map(entitiesOf(model, 'hub').map((hub) => [hub.name, [...new Set(hub.sources.map((s) => s.table))]
    .filter((t) => hub.evidence.some((e) => HUB_ROLE_RULES.has(e.rule) && e.detail.startsWith(`${t}:`)))
    .sort()] as const));
  const hubTables = new Set([...ownTables.values()].flat());
  for (const hub of entitiesOf(model, 'hub')) {
    const tables = ownTables.get(hub.name) ?? [];
    if (tables.length === 0 || used.has(hub.name) || tables.some((t) => spec.tables[t]?.hub !== undefined)) continue;
    const described = tables.some((t) => spec.tables[t]?.description !== undefined);
    names.push({ kind: 'hub', name: hub.name, tables, businessKeys: hub.businessKeys.map((k) => k.name), describeOn: described ? undefined : tables[0] });
  }
  for (const link of entitiesOf(model, 'link')) {
    const table = link.sources[0]?.table;
    if (table === undefined || used.has(link.name) || spec.tables[table]?.link !== undefined) continue;
    const describeOn = !hubTables.has(table) && spec.tables[table]?.description === undefined ? table : undefined;
    names.push({ kind: 'link', name: link.name, table, hubs: link.hubs.map((h) => (h.role ? `${h.role}_${h.hub}` : h.hub)), describeOn });
  }
  for (const sat of [...entitiesOf(model, 'satellite'), ...entitiesOf(model, 'link_satellite')]) {
    if (sat.sensitive || spec.tables[sat.source.table]?.satellites?.[sat.name] !== undefined) continue;
    names.push({ kind: 'satellite', name: sat.name, table: sat.source.table, parent: sat.parent, columns: sat.payload.map((c) => c.sourceColumn) });
  }

  const rules: RuleTarget[] = [];
  const specRules = spec.business_vault?.rules ?? {};
  const bodies = new Map([...entitiesOf(model, 'business_satellite'), ...entitiesOf(model, 'business_link_satellite')].map((s) => [s.parent, s] as const));
  for (const e of [...entitiesOf(model, 'business_hub').map((h) => ({ kind: 'hub' as const, name: h.name, keys: h.businessKeys })), ...entitiesOf(model, 'business_link').map((l) => ({ kind: 'link' as const, name: l.name, keys: l.hubs.flatMap((h) => h.businessKeys) }))]) {
    const body = bodies.get(e.name);
    rules.push({
      kind: e.kind,
      name: e.name,
      columns: [...e.keys, ...(body?.columns ?? [])],
      derived: (body?.derived ?? []).map((d) => ({ name: d.name, type: d.type, nullable: true })),
      hasFilter: specRules[e.name]?.filter !== undefined,
    });
  }

  const taken = new Set<string>();
  for (const e of model.entities) if (NAME_TAKEN[e.kind]) taken.add(e.name.toLowerCase());
  return { names, rules, taken };
}

/** Hub and link names the spec already refers to: renaming them would break those references. */
function namesUsedBySpec(spec: Spec): Set<string> {
  const used = new Set<string>(Object.keys(spec.business_vault?.rules ?? {}));
  const al = spec.access_layer;
  if (Array.isArray(al?.presentation_views)) for (const h of al.presentation_views) used.add(h);
  for (const d of Object.values(al?.dimensional_models ?? {})) {
    used.add(d.fact);
    for (const h of d.dimensions ?? []) used.add(h);
  }
  for (const r of Object.values(al?.reporting_views ?? {})) used.add(r.from);
  return used;
}

/** `amount decimal(18,2)`: how columns are shown to models and reviewers. */
export function showColumn(c: Pick<Column, 'name' | 'type'>): string {
  return `${c.name} ${printColumnType(c.type)}`;
}
