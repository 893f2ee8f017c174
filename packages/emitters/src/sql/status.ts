/**
 * Whether a key's latest status says deleted, for the business vault's current views (docs/sql.md,
 * "Status tracking"). A hub key fed by several tables is deleted only when every status tracking
 * satellite that knows it says deleted: a customer still in the CRM's full extract is present,
 * whatever the web shop's extract says. A key no status tracking satellite knows is present (the
 * ghost record, a key from a table whose deletes vault cannot see).
 */
import type { Link } from '@vault/core';
import { IS_DELETED_COLUMN } from '../columns.js';
import type { SqlContext } from './context.js';
import { statusOrder } from './load-status-tracking-satellite.js';
import { entityTable } from './names.js';

/**
 * The condition that the key in `hashKeySql` of hub or link `name` is not deleted, or undefined
 * when no status tracking satellite describes it (nothing to leave out).
 */
export function notDeleted(ctx: SqlContext, kind: 'hub' | 'link', name: string, hashKeySql: string): string | undefined {
  const { col, quoteIdent, tableIdent } = ctx.sql;
  const trackers = ctx.statusTrackersOf.get(`${kind}:${name}`) ?? [];
  if (trackers.length === 0) return undefined;
  const latest = trackers.map((s) => {
    const t = (column: string): string => col('st', column);
    return `(SELECT ${t(IS_DELETED_COLUMN)} FROM ${tableIdent(entityTable(ctx, s.kind, s.name))} AS ${quoteIdent('st')} WHERE ${t(s.parentHashKey)} = ${hashKeySql} ORDER BY ${statusOrder(ctx, s, 'st').join(', ')} LIMIT 1)`;
  });
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
