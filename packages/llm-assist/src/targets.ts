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
import {
  dispatch,
  entitiesOf,
  linkKeyColumns,
  printColumnType,
  type BusinessHub,
  type BusinessLink,
  type BusinessLinkSatellite,
  type BusinessSatellite,
  type Column,
  type KindHandlers,
  type LinkSatellite,
  type Satellite,
  type Spec,
  type VaultModel,
} from '@vault/core/internal';

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

const HUB_ROLE_RULES = new Set(['table.hub', 'table.hub_override']);

/** What `findTargets` knows of the spec and model while it visits each entity. */
interface TargetContext {
  readonly spec: Spec;
  /** Names the spec already refers to. */
  readonly used: ReadonlySet<string>;
  /** A hub's own tables: those whose role evidence made them hub tables of it. */
  readonly ownTables: ReadonlyMap<string, ReadonlyArray<string>>;
  readonly hubTables: ReadonlySet<string>;
  /** The business (link) satellite of each business hub (link). */
  readonly bodies: ReadonlyMap<string, BusinessSatellite | BusinessLinkSatellite>;
}

interface EntityTargets {
  readonly names: ReadonlyArray<NameTarget>;
  readonly rules: ReadonlyArray<RuleTarget>;
  /** A new name must not repeat the entity's (the business vault and presentation views take their names from hubs and links). */
  readonly nameTaken: boolean;
}

const NOTHING: EntityTargets = { names: [], rules: [], nameTaken: false };
const taken = (): EntityTargets => ({ ...NOTHING, nameTaken: true });

const satelliteTargets = (sat: Satellite | LinkSatellite, { spec }: TargetContext): EntityTargets => ({
  ...NOTHING,
  nameTaken: true,
  names:
    sat.sensitive || spec.tables[sat.source.table]?.satellites?.[sat.name] !== undefined
      ? []
      : [{ kind: 'satellite', name: sat.name, table: sat.source.table, parent: sat.parent, columns: sat.payload.map((c) => c.sourceColumn) }],
});

const ruleTargets = (kind: RuleTarget['kind'], e: BusinessHub | BusinessLink, keys: ReadonlyArray<Column>, { spec, bodies }: TargetContext): EntityTargets => {
  const body = bodies.get(e.name);
  return {
    ...NOTHING,
    rules: [
      {
        kind,
        name: e.name,
        columns: [...keys, ...(body?.columns ?? [])],
        derived: (body?.derived ?? []).map((d) => ({ name: d.name, type: d.type, nullable: true })),
        hasFilter: spec.business_vault?.rules?.[e.name]?.filter !== undefined,
      },
    ],
  };
};

/** What a proposal may change of each kind. */
const TARGETS: KindHandlers<EntityTargets, TargetContext> = {
  hub: (hub, { spec, used, ownTables }) => {
    const tables = ownTables.get(hub.name) ?? [];
    if (tables.length === 0 || used.has(hub.name) || tables.some((t) => spec.tables[t]?.hub !== undefined)) return taken();
    const described = tables.some((t) => spec.tables[t]?.description !== undefined);
    return { ...taken(), names: [{ kind: 'hub', name: hub.name, tables, businessKeys: hub.businessKeys.map((k) => k.name), describeOn: described ? undefined : tables[0] }] };
  },
  link: (link, { spec, used, hubTables }) => {
    const table = link.sources[0]?.table;
    if (table === undefined || used.has(link.name) || spec.tables[table]?.link !== undefined) return taken();
    const describeOn = !hubTables.has(table) && spec.tables[table]?.description === undefined ? table : undefined;
    return { ...taken(), names: [{ kind: 'link', name: link.name, table, hubs: link.hubs.map((h) => (h.role ? `${h.role}_${h.hub}` : h.hub)), describeOn }] };
  },
  // Its name is the spec's table name's (or link:): a proposal renames the table's link, not this.
  non_historized_link: taken,
  satellite: satelliteTargets,
  link_satellite: satelliteTargets,
  // Named after its link: renaming the link renames it.
  effectivity_satellite: taken,
  // Named after its table: no spec key renames it.
  multi_active_satellite: taken,
  // Named after its table or link: no spec key renames it.
  status_tracking_satellite: taken,
  // Named after its table: no spec key renames it.
  reference_table: taken,
  // Named by vault: no spec key renames it.
  snapshot_control: taken,
  // Named after its hub or link: no spec key renames it.
  pit: taken,
  business_hub: (h, ctx) => ruleTargets('hub', h, h.businessKeys, ctx),
  // A business link over events takes no business rules (VLT406).
  business_link: (l, ctx) => (l.eventAttributes !== undefined ? taken() : ruleTargets('link', l, linkKeyColumns(l), ctx)),
  business_satellite: () => NOTHING,
  business_link_satellite: () => NOTHING,
  presentation_view: () => NOTHING,
  dimensional_model: taken,
  reporting_view: taken,
};

export function findTargets(spec: Spec, model: VaultModel): Targets {
  const ownTables = new Map(
    entitiesOf(model, 'hub').map(
      (hub) => [hub.name, [...new Set(hub.sources.map((s) => s.table))].filter((t) => hub.evidence.some((e) => HUB_ROLE_RULES.has(e.rule) && e.detail.startsWith(`${t}:`))).sort()] as const,
    ),
  );
  const ctx: TargetContext = {
    spec,
    used: namesUsedBySpec(spec),
    ownTables,
    hubTables: new Set([...ownTables.values()].flat()),
    bodies: new Map([...entitiesOf(model, 'business_satellite'), ...entitiesOf(model, 'business_link_satellite')].map((s) => [s.parent, s] as const)),
  };
  const found = model.entities.map((e) => ({ e, t: dispatch(e, TARGETS, ctx) }));
  return {
    names: found.flatMap(({ t }) => t.names),
    rules: found.flatMap(({ t }) => t.rules),
    taken: new Set(found.filter(({ t }) => t.nameTaken).map(({ e }) => e.name.toLowerCase())),
  };
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
