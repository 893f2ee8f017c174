/**
 * Whether a key's latest status says deleted, for the business vault's current views (docs/sql.md,
 * "Status tracking"). A hub key fed by several tables is deleted only when every status tracking
 * satellite that knows it says deleted: a customer still in the CRM's full extract is present,
 * whatever the web shop's extract says. A key no status tracking satellite knows is present (the
 * ghost record, a key from a table whose deletes vault cannot see).
 */
import type { Link, StatusTrackingSatellite } from '@vault/core';
import type { SqlContext } from './context.js';
import { latestStatus } from './load-status-tracking-satellite.js';
import { entityTable } from './names.js';

/**
 * The condition that the key in `hashKeySql` of hub or link `name` is not deleted, or undefined
 * when no status tracking satellite describes it (nothing to leave out).
 */
export function notDeleted(ctx: SqlContext, kind: 'hub' | 'link', name: string, hashKeySql: string): string | undefined {
  const { col, tableIdent } = ctx.sql;
  const trackers = ctx.statusTrackersOf.get(`${kind}:${name}`) ?? [];
  if (trackers.length === 0) return undefined;
  const latest = trackers.map((s) => latestStatus(ctx, s, tableIdent(entityTable(ctx, s.kind, s.name)), 'st', `${col('st', s.parentHashKey)} = ${hashKeySql}`));
  if (latest.length === 1) return `${latest[0]} IS NOT TRUE`;
  // Present somewhere, or known nowhere.
  return `(${[...latest.map((x) => `${x} IS FALSE`), `(${latest.map((x) => `${x} IS NULL`).join(' AND ')})`].join(' OR ')})`;
}

/**
 * The condition that a relationship of `link` (its columns read through `alias`) is current: its
 * link key is not deleted, and neither is the key of any of its driving hubs (an order's
 * relationship to its customer is gone with the order).
 */
export function relationshipNotDeleted(ctx: SqlContext, link: Link, alias: string): string | undefined {
  const { col } = ctx.sql;
  const driving = new Set(link.drivingKey ?? []);
  const conditions = [
    notDeleted(ctx, 'link', link.name, col(alias, link.hashKey)),
    ...link.hubs.filter((h) => driving.has(h.hashKey)).map((h) => notDeleted(ctx, 'hub', h.hub, col(alias, h.hashKey))),
  ].filter((c): c is string => c !== undefined);
  return conditions.length === 0 ? undefined : conditions.join(' AND ');
}

/** Status tracking satellites of one hub or link, with the column of the row read that holds the key they track. */
export interface StatusGroup {
  readonly column: string;
  readonly trackers: ReadonlyArray<StatusTrackingSatellite>;
}

/**
 * What decides, at any time, whether a hub's key (`hub`) or a link's relationship (`link`) is
 * deleted, by the rule of `notDeleted` and `relationshipNotDeleted`: one group per hub or link
 * tracked (the link's own, and each driving hub's), in that order; empty when nothing is tracked.
 */
export function statusGroups(ctx: SqlContext, kind: 'hub' | 'link', name: string): ReadonlyArray<StatusGroup> {
  const of = (k: 'hub' | 'link', n: string, column: string): StatusGroup => ({ column, trackers: ctx.statusTrackersOf.get(`${k}:${n}`) ?? [] });
  if (kind === 'hub') {
    const hub = ctx.hubs.get(name);
    return hub === undefined ? [] : [of('hub', hub.name, hub.hashKey)].filter((g) => g.trackers.length > 0);
  }
  const link = ctx.links.get(name);
  if (link === undefined) return [];
  const driving = new Set(link.drivingKey ?? []);
  return [of('link', link.name, link.hashKey), ...link.hubs.filter((h) => driving.has(h.hashKey)).map((h) => of('hub', h.hub, h.hashKey))].filter((g) => g.trackers.length > 0);
}

/**
 * The condition that the key is deleted, given each tracker's status at the time read through
 * `statusSql(i)` (`i` counts the trackers of every group in order; NULL when the tracker does not
 * know the key then): in some group, a tracker knows the key and none says present. Undefined
 * when there are no groups.
 */
export function deletedWhen(groups: ReadonlyArray<StatusGroup>, statusSql: (i: number) => string): string | undefined {
  let next = 0;
  const deleted = groups.map((g) => {
    const of = g.trackers.map(() => statusSql(next++));
    return `NOT (${[...of.map((x) => `${x} IS FALSE`), `(${of.map((x) => `${x} IS NULL`).join(' AND ')})`].join(' OR ')})`;
  });
  if (deleted.length === 0) return undefined;
  return deleted.length === 1 ? deleted[0]! : deleted.map((d) => `(${d})`).join(' OR ');
}
