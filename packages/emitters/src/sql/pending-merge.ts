/**
 * TEMPORARY stand-ins for names that branch `history` (validity.ts, names.ts) provides; this
 * file goes when that branch is merged.
 */
import type { SqlContext } from './context.js';
import { TABLE_PREFIX, type NameScope, type SqlTable } from './names.js';

export function businessHistoryView({ model, dialect }: NameScope, sat: { readonly kind: 'business_satellite' | 'business_link_satellite'; readonly name: string }): SqlTable {
  return { schema: dialect.identifier(model.schemas.businessVault), name: dialect.identifier(`hist_${TABLE_PREFIX[sat.kind]}${sat.name}`) };
}

export function snapshotCutoff(_ctx: SqlContext, dateSql: string): string {
  return `(CAST(${dateSql} + 1 AS timestamp) AT TIME ZONE 'UTC')`;
}

export function validAt(ctx: SqlContext, alias: string, t: string): string {
  const { col } = ctx.sql;
  const to = col(alias, 'valid_to');
  return `${col(alias, 'valid_from')} < ${t} AND (${to} IS NULL OR ${to} >= ${t})`;
}
