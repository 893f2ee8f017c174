/**
 * What each landing column is, as far as test data goes: a hub's business key that the table
 * owns (its rows enumerate the hub's keys), a key it shares with other tables (drawn from the
 * hub's keys), the delta-order column, or a descriptive attribute. Read off the raw vault, so the
 * rows feed every hub, link and satellite the model has.
 */
import type { Column, Hub, VaultModel } from '@vault/core';
import { entitiesOf } from '@vault/core/internal';

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
}

export function planTables(model: VaultModel): ReadonlyArray<TablePlan> {
  const hubs = entitiesOf(model, 'hub');
  const links = entitiesOf(model, 'link');
  return model.sources.map((source): TablePlan => {
    const column = (name: string): Column => {
      const c = source.columns.find((x) => x.name === name);
      if (c === undefined) throw new Error(`source table ${source.name} has no column ${name}`);
      return c;
    };
    const satellites = entitiesOf(model, 'satellite').filter((s) => s.source.table === source.name);
    const linkSatellites = entitiesOf(model, 'link_satellite').filter((s) => s.source.table === source.name);
    const ownedHubs = new Set(satellites.map((s) => s.parent));
    const identityColumns = new Set(linkSatellites.flatMap((s) => links.find((l) => l.name === s.parent)?.sources.filter((x) => x.table === source.name).flatMap((x) => x.columns) ?? []));
    const groups = hubs.flatMap((hub) => hub.sources.filter((s) => s.table === source.name).map((s) => ({ hub, columns: s.columns.map(column) })));
    // A hub may be carried twice (a role, e.g. manager_staff_id): the table owns the one whose
    // column names are the hub's own key names, else the first.
    const ownedGroup = (hub: Hub): (typeof groups)[number] | undefined => {
      const mine = groups.filter((g) => g.hub === hub);
      return mine.find((g) => g.columns.every((c, i) => c.name === hub.businessKeys[i]?.name)) ?? mine[0];
    };
    const owned = new Set(hubs.filter((h) => ownedHubs.has(h.name)).map(ownedGroup));
    const keys = groups.map((g): KeyGroup => ({
      ...g,
      role: owned.has(g) ? 'owned' : g.columns.every((c) => identityColumns.has(c.name)) ? 'identity' : 'reference',
    }));
    const orderName = [...satellites, ...linkSatellites].map((s) => s.deltaOrder).find((d) => d !== undefined);
    return { table: source.name, columns: source.columns, keys, ...(orderName !== undefined ? { deltaOrder: column(orderName) } : {}) };
  });
}
