/**
 * The SQL objects of a model: each entity's own table or view and the objects beside it (a
 * register, a history view, an as-of view, a dimension view, ...). validateSql claims their
 * names (two must not meet); setup records which model each belongs to (sql/ownership.ts).
 */
import type { LinkSatellite, MultiActiveSatellite, PresentationView, ReferenceTable, ReportingView, Satellite, VaultEntity } from '@vault/core';
import { dispatch, type KindHandlers } from '@vault/core/internal';
import { asOfView, businessHistoryView, dimensionTable, entityTable, hasAsOfViews, historyView, registerTable, statusRegisterTable, type NameScope, type SqlTable } from './names.js';
import { currentMultiActiveView } from './multi-active.js';
import { currentReferenceView } from './reference-tables.js';
import { keptSnapshotsView } from './snapshot-control.js';

export type SqlObjects = ReadonlyArray<{ readonly table: SqlTable; readonly what: string }>;
const none = (): SqlObjects => [];

/** The SQL objects each kind has besides its own table or view. */
type DeltaHistory = Satellite | LinkSatellite | MultiActiveSatellite | ReferenceTable;

/** A satellite, multi-active satellite or reference table with a delta order has a register beside its table. */
const registerOf = (s: DeltaHistory, names: NameScope): SqlObjects => (s.deltaOrder === undefined ? [] : [{ table: registerTable(names, s), what: `the register of ${s.kind} '${s.name}'` }]);

/** ... and a history view. */
const historyOf = (s: DeltaHistory, names: NameScope): SqlObjects => (s.deltaOrder === undefined ? [] : [{ table: historyView(names, s), what: `the history view of ${s.kind} '${s.name}'` }]);

const register = (s: DeltaHistory, names: NameScope): SqlObjects => [...registerOf(s, names), ...historyOf(s, names)];

/** The as-of view of a presentation or reporting view, when the model has snapshots. */
const asOfObject = (v: PresentationView | ReportingView, names: NameScope): SqlObjects =>
  hasAsOfViews(names.model) ? [{ table: asOfView(names, v), what: `the as-of view of ${v.kind} '${v.name}'` }] : [];

export const MORE_OBJECTS: KindHandlers<SqlObjects, NameScope> = {
  hub: none,
  link: none,
  non_historized_link: none,
  satellite: (s, names) => register(s, names),
  link_satellite: (s, names) => register(s, names),
  effectivity_satellite: (e, names) => [
    ...(e.deltaOrder === undefined ? [] : [{ table: registerTable(names, e), what: `the register of ${e.kind} '${e.name}'` }]),
    { table: historyView(names, e), what: `the history view of ${e.kind} '${e.name}'` },
  ],
  // A sensitive one has no business vault views: neither its current view nor its history view.
  multi_active_satellite: (s, names) =>
    s.sensitive ? registerOf(s, names) : [{ table: currentMultiActiveView(names, s.name), what: `current view of multi-active satellite '${s.name}'` }, ...register(s, names)],
  status_tracking_satellite: (s, names) => {
    const register = statusRegisterTable(names, s);
    return register === undefined ? [] : [{ table: register, what: `the register of ${s.kind} '${s.name}'` }];
  },
  reference_table: (r, names) => [{ table: currentReferenceView(names, r.name), what: `current view of reference table '${r.name}'` }, ...register(r, names)],
  bridge: none,
  snapshot_control: (c, names) => [{ table: keptSnapshotsView(names, c), what: `kept-snapshots view of '${c.name}'` }],
  pit: none,
  business_hub: none,
  business_link: none,
  business_satellite: (s, names) => [{ table: businessHistoryView(names, s), what: `the history view of ${s.kind} '${s.name}'` }],
  business_link_satellite: (s, names) => [{ table: businessHistoryView(names, s), what: `the history view of ${s.kind} '${s.name}'` }],
  presentation_view: (v, names) => asOfObject(v, names),
  dimensional_model: (m, names) => m.dimensions.map((d) => ({ table: dimensionTable(names, m.name, d.name), what: `dimension '${d.name}' of '${m.name}'` })),
  reporting_view: (v, names) => asOfObject(v, names),
};

/** The entity's own table or view, then the objects beside it. */
export function entityObjects(e: VaultEntity, names: NameScope): SqlObjects {
  return [{ table: entityTable(names, e.kind, e.name), what: `${e.kind} '${e.name}'` }, ...dispatch(e, MORE_OBJECTS, names)];
}
