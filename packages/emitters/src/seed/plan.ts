/**
 * What each landing column is, as far as test data goes: a hub's business key that the table
 * owns (its rows enumerate the hub's keys), a key it shares with other tables (drawn from the
 * hub's keys), the delta-order column, or a descriptive attribute. Read off the raw vault, so the
 * rows feed every hub, link and satellite the model has.
 */
import type { Column, Hub, Link, LinkSatellite, ReferenceTable, Satellite, VaultModel } from '@vault/core';
import { dispatch, entitiesOf, type KindHandlers } from '@vault/core/internal';

/** Columns of one table that carry one hub's business key, in the hub's key order. */
export interface KeyGroup {
  readonly hub: Hub;
  readonly columns: ReadonlyArray<Column>;
  /**
   * `owned`: the table has a satellite on this hub, so each of its rows is one key of the hub.
   * `identity`: part of the key of a link satellite fed by the table (rows are distinct combinations).
   * `reference`: a key of another table's hub; values are drawn from that hub's keys.
   */
  readonly role: 'owned' | 'identity' | 'reference';
}

export interface TablePlan {
  readonly table: string;
  readonly columns: ReadonlyArray<Column>;
  readonly keys: ReadonlyArray<KeyGroup>;
  /** Orders several versions of one key inside a batch; only tables with one get versions. */
  readonly deltaOrder?: Column;
  /** A multi-active satellite's table: this many consecutive rows share their parent's key, a set. */
  readonly rowsPerKey?: number;
}

/** Rows per set in a multi-active satellite's table: enough that sets grow, shrink and change. */
const ROWS_PER_SET = 3;

/** What one entity asks of the rows of the landing tables it reads. */
interface SeedNeeds {
  /** A hub: the columns of each table that carry its key. */
  readonly keys: ReadonlyArray<{ readonly table: string; readonly hub: Hub; readonly columns: ReadonlyArray<string> }>;
  /** A satellite: its table's rows are keys of its parent hub. */
  readonly owns: ReadonlyArray<{ readonly table: string; readonly hub: string }>;
  /** A link satellite: its link's key columns in its table identify a row. */
  readonly identity: ReadonlyArray<{ readonly table: string; readonly columns: ReadonlyArray<string> }>;
  readonly deltaOrder: ReadonlyArray<{ readonly table: string; readonly column: string }>;
}

const NONE: SeedNeeds = { keys: [], owns: [], identity: [], deltaOrder: [] };
const deltaOrder = (s: Satellite | LinkSatellite): SeedNeeds['deltaOrder'] => (s.deltaOrder === undefined ? [] : [{ table: s.source.table, column: s.deltaOrder }]);
/** Views: built from the raw vault, they ask nothing of the landing rows. */
const none = (): SeedNeeds => NONE;

const SEED_NEEDS: KindHandlers<SeedNeeds, ReadonlyMap<string, Link>> = {
  hub: (hub) => ({ ...NONE, keys: hub.sources.map((s) => ({ table: s.table, hub, columns: s.columns })) }),
  // A link's key columns are its hubs' (the hubs' own entries cover them).
  link: none,
  // An event's key columns (its hubs' keys and its id) identify a row: one event per row.
  non_historized_link: (l) => ({ ...NONE, identity: l.sources.map((s) => ({ table: s.table, columns: s.columns })) }),
  satellite: (s) => ({ ...NONE, owns: [{ table: s.source.table, hub: s.parent }], deltaOrder: deltaOrder(s) }),
  link_satellite: (s, links) => ({
    ...NONE,
    identity: [
      {
        table: s.source.table,
        columns:
          links
            .get(s.parent)
            ?.sources.filter((x) => x.table === s.source.table)
            .flatMap((x) => x.columns) ?? [],
      },
    ],
    deltaOrder: deltaOrder(s),
  }),
  // Its rows are the link's: the link's key columns ask nothing more.
  effectivity_satellite: none,
  // Rows are distinct (parent key, multi-active key) combinations: several rows, a set, per key of the hub.
  multi_active_satellite: (s) => ({
    ...NONE,
    identity: [{ table: s.source.table, columns: [...s.parentKey, ...s.multiActiveKey.map((c) => c.sourceColumn)] }],
    deltaOrder: s.deltaOrder === undefined ? [] : [{ table: s.source.table, column: s.deltaOrder }],
  }),
  // Its table's rows are keys of its parent, which the hub's or link satellite's entries cover.
  status_tracking_satellite: none,
  // The list enumerates its codes; the tables carrying a code draw it from the list.
  reference_table: (r) => {
    const codes = codeHub(r);
    return {
      ...NONE,
      keys: [{ table: r.source.table, hub: codes, columns: r.source.columns }, ...r.usedBy.map((u) => ({ table: u.table, hub: codes, columns: u.columns }))],
      owns: [{ table: r.source.table, hub: codes.name }],
      deltaOrder: r.deltaOrder === undefined ? [] : [{ table: r.source.table, column: r.deltaOrder }],
    };
  },
  snapshot_control: none,
  pit: none,
  business_hub: none,
  business_link: none,
  business_satellite: none,
  business_link_satellite: none,
  presentation_view: none,
  dimensional_model: none,
  reporting_view: none,
};

export function planTables(model: VaultModel): ReadonlyArray<TablePlan> {
  // The first link of a name, as a search of the list finds it.
  const links = new Map([...entitiesOf(model, 'link')].reverse().map((l) => [l.name, l] as const));
  const multiActive = new Set(entitiesOf(model, 'multi_active_satellite').map((s) => s.source.table));
  // Each table's needs, in the model's order: one pass, as models reach 10,000 tables.
  const byTable = new Map<string, { -readonly [K in keyof SeedNeeds]: Array<SeedNeeds[K][number]> }>();
  const of = (table: string): NonNullable<ReturnType<typeof byTable.get>> => {
    let n = byTable.get(table);
    if (n === undefined) byTable.set(table, (n = { keys: [], owns: [], identity: [], deltaOrder: [] }));
    return n;
  };
  for (const e of model.entities) {
    const n = dispatch(e, SEED_NEEDS, links);
    for (const x of n.keys) of(x.table).keys.push(x);
    for (const x of n.owns) of(x.table).owns.push(x);
    for (const x of n.identity) of(x.table).identity.push(x);
    for (const x of n.deltaOrder) of(x.table).deltaOrder.push(x);
  }
  return model.sources.map((source): TablePlan => {
    const column = (name: string): Column => {
      const c = source.columns.find((x) => x.name === name);
      if (c === undefined) throw new Error(`source table ${source.name} has no column ${name}`);
      return c;
    };
    const here = byTable.get(source.name) ?? NONE;
    const ownedHubs = new Set(here.owns.map((o) => o.hub));
    const identityColumns = new Set(here.identity.flatMap((i) => i.columns));
    const groups = here.keys.map(({ hub, columns }) => ({ hub, columns: columns.map(column) }));
    // A hub may be carried twice (a role, e.g. manager_staff_id): the table owns the one whose
    // column names are the hub's own key names, else the first.
    const ownedGroup = (hub: Hub): (typeof groups)[number] | undefined => {
      const mine = groups.filter((g) => g.hub === hub);
      return mine.find((g) => g.columns.every((c, i) => c.name === hub.businessKeys[i]?.name)) ?? mine[0];
    };
    const owned = new Set(
      seedHubs(model)
        .filter((h) => ownedHubs.has(h.name))
        .map(ownedGroup),
    );
    const keys = groups.map((g): KeyGroup => ({
      ...g,
      role: owned.has(g) ? 'owned' : g.columns.every((c) => identityColumns.has(c.name)) ? 'identity' : 'reference',
    }));
    const orderName = here.deltaOrder[0]?.column;
    return {
      table: source.name,
      columns: source.columns,
      keys,
      ...(orderName !== undefined ? { deltaOrder: column(orderName) } : {}),
      ...(multiActive.has(source.name) ? { rowsPerKey: ROWS_PER_SET } : {}),
    };
  });
}

/**
 * A reference table's codes as test data sees them: a hub (never emitted) that its list owns and
 * the tables carrying the code reference, so codes are distinct in the list and drawn from it
 * elsewhere. Named apart from real hubs; one object per reference table, so groups compare by
 * identity.
 */
const CODE_HUBS = new WeakMap<ReferenceTable, Hub>();
function codeHub(r: ReferenceTable): Hub {
  let hub = CODE_HUBS.get(r);
  if (hub === undefined) {
    hub = { kind: 'hub', name: `reference_table:${r.name}`, hashKey: '', businessKeys: r.codes, sources: [], derivedFrom: [], evidence: [], origin: r.origin };
    CODE_HUBS.set(r, hub);
  }
  return hub;
}

/** The hubs test data draws keys from: the model's hubs, then each reference table's codes. */
export function seedHubs(model: VaultModel): ReadonlyArray<Hub> {
  return [...entitiesOf(model, 'hub'), ...entitiesOf(model, 'reference_table').map(codeHub)];
}
