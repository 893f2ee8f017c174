/**
 * What the README says about each entity, as plain data: business key, parents, sources and
 * business rules. The README quotes it; nothing here knows Markdown.
 */
import type { BusinessLinkSatellite, BusinessSatellite, EntityRef, VaultEntity } from '@vault/core';
import { dispatch, linkKeyColumns, type KindHandlers } from '@vault/core/internal';
import { SNAPSHOT_COLUMNS } from '../columns.js';

/** Another entity or a source table, with a note such as a role (`as manager`). */
export interface FactRef {
  readonly ref: Pick<EntityRef, 'kind' | 'name'>;
  readonly note?: string;
  /** Source table columns, for the tables a hub or link takes its key from. */
  readonly columns?: ReadonlyArray<string>;
}

/** A business rule in canonical form: the filter of the rows kept, or a derived attribute. */
export type BusinessRule = { readonly kind: 'filter'; readonly text: string } | { readonly kind: 'derived'; readonly name: string; readonly text: string };

export interface EntityFacts {
  readonly businessKey: ReadonlyArray<string>;
  /** What the entity hangs off: a satellite's parent, a link's hubs, a view's business entity. */
  readonly parents: ReadonlyArray<FactRef>;
  /** What it is loaded or built from: source tables in the raw vault, entities above it. */
  readonly sources: ReadonlyArray<FactRef>;
  readonly rules: ReadonlyArray<BusinessRule>;
}

const role = (r: string | undefined): { note?: string } => (r === undefined ? {} : { note: `as ${r}` });
const filterRule = (f: { readonly text: string } | undefined): ReadonlyArray<BusinessRule> => (f === undefined ? [] : [{ kind: 'filter', text: f.text }]);

type KindFacts = Omit<EntityFacts, 'sources'> & { readonly sources?: ReadonlyArray<FactRef> };

const businessSatellite =
  (parent: 'business_hub' | 'business_link') =>
  (s: BusinessSatellite | BusinessLinkSatellite): KindFacts => ({
    businessKey: [],
    parents: [{ ref: { kind: parent, name: s.parent } }],
    rules: s.derived.map((d) => ({ kind: 'derived' as const, name: d.name, text: d.text })),
  });

/** Each kind's facts; `sources` left out means the entity's `derivedFrom`. */
const FACTS: KindHandlers<KindFacts> = {
  hub: (h) => ({
    businessKey: h.businessKeys.map((k) => k.name),
    parents: [],
    sources: h.sources.map((s) => ({ ref: { kind: 'source_table', name: s.table }, columns: s.columns })),
    rules: [],
  }),
  link: (l) => ({
    businessKey: linkKeyColumns(l).map((k) => k.name),
    parents: l.hubs.map((h) => ({ ref: { kind: 'hub', name: h.hub }, ...role(h.role) })),
    sources: l.sources.map((s) => ({ ref: { kind: 'source_table', name: s.table }, columns: s.columns })),
    rules: [],
  }),
  non_historized_link: (l) => ({
    businessKey: linkKeyColumns(l).map((k) => k.name),
    parents: l.hubs.map((h) => ({ ref: { kind: 'hub', name: h.hub }, ...role(h.role) })),
    sources: l.sources.map((s) => ({ ref: { kind: 'source_table', name: s.table }, columns: s.columns })),
    rules: [],
  }),
  satellite: (s) => ({ businessKey: [], parents: [{ ref: { kind: 'hub', name: s.parent } }], rules: [] }),
  link_satellite: (s) => ({ businessKey: [], parents: [{ ref: { kind: 'link', name: s.parent } }], rules: [] }),
  effectivity_satellite: (e) => ({
    businessKey: [],
    parents: [{ ref: { kind: 'link', name: e.parent } }],
    sources: [{ ref: { kind: 'source_table', name: e.source.table }, columns: e.source.columns }],
    rules: [],
  }),
  // The multi-active key tells a key's active rows apart: with the parent's hash key and load_ts, the table's key.
  multi_active_satellite: (s) => ({ businessKey: s.multiActiveKey.map((k) => k.name), parents: [{ ref: { kind: 'hub', name: s.parent } }], rules: [] }),
  status_tracking_satellite: (s) => ({
    businessKey: [],
    parents: [{ ref: { kind: s.parentKind, name: s.parent } }],
    sources: [{ ref: { kind: 'source_table', name: s.source.table }, columns: [...s.source.columns, ...(s.deletes === undefined ? [] : [s.deletes.column])] }],
    rules: [],
  }),
  reference_table: (r) => ({
    businessKey: r.codes.map((k) => k.name),
    parents: [],
    sources: [{ ref: { kind: 'source_table', name: r.source.table }, columns: [...r.source.columns, ...r.attributes.map((a) => a.sourceColumn)] }],
    rules: [],
  }),
  snapshot_control: () => ({ businessKey: [SNAPSHOT_COLUMNS.date], parents: [], sources: [], rules: [] }),
  // Keyed by the snapshot's date and the hub's (link's) hash key; its dates come from the snapshot control.
  pit: (p) => ({
    businessKey: [SNAPSHOT_COLUMNS.date, p.parentHashKey],
    parents: [{ ref: { kind: p.parentKind, name: p.parent } }, { ref: { kind: 'snapshot_control', name: p.snapshotControl }, note: 'dates' }],
    rules: [],
  }),
  // Keyed by the date and every link on its path; it hangs off the hubs and links it follows, its dates come from the snapshot control.
  bridge: (b) => ({
    businessKey: [SNAPSHOT_COLUMNS.date, ...b.path.filter((e) => e.kind === 'link').map((e) => e.hashKey)],
    parents: [...b.path.map((e) => ({ ref: { kind: e.kind, name: e.name } })), { ref: { kind: 'snapshot_control' as const, name: b.snapshotControl }, note: 'dates' }],
    rules: [],
  }),
  business_hub: (h) => ({ businessKey: h.businessKeys.map((k) => k.name), parents: [], rules: filterRule(h.filter) }),
  business_link: (l) => ({
    businessKey: linkKeyColumns(l).map((k) => k.name),
    parents: l.hubs.map((h) => ({ ref: { kind: 'business_hub', name: h.hub }, ...role(h.role) })),
    rules: filterRule(l.filter),
  }),
  business_satellite: businessSatellite('business_hub'),
  business_link_satellite: businessSatellite('business_link'),
  presentation_view: (v) => ({ businessKey: v.businessKeys, parents: [{ ref: { kind: 'business_hub', name: v.businessHub } }], rules: [] }),
  dimensional_model: (d) => ({
    businessKey: [],
    parents: [
      { ref: { kind: d.factKind, name: d.fact }, note: 'fact' },
      ...d.dimensions.map((x) => ({ ref: { kind: 'business_hub' as const, name: x.businessHub }, note: x.role === undefined ? 'dimension' : `dimension as ${x.role}` })),
    ],
    rules: [],
  }),
  reporting_view: (v) => ({ businessKey: [], parents: [{ ref: { kind: v.fromKind, name: v.from } }], rules: filterRule(v.filter) }),
};

/**
 * @example entityFacts(linkOfFacilityAndCollateral).parents // [{ ref: { kind: 'hub', name: 'facility' } }, { ref: { kind: 'hub', name: 'collateral' } }]
 */
export function entityFacts(entity: VaultEntity): EntityFacts {
  const facts = dispatch(entity, FACTS);
  return { ...facts, sources: facts.sources ?? entity.derivedFrom.map((ref) => ({ ref })) };
}
