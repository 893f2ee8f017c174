/**
 * Load statement of a satellite or link satellite: the change engine (change-engine.ts) over the
 * parent hash key, the payload's hashdiff and the payload (docs/sql.md, "Loads", "Late and
 * out-of-order rows"). The staged rows are the landing rows whose parent key is present (for a
 * link satellite, the rows its link keeps, `linkKeep`: a missing reference is hashed as the link
 * hashes it); the hashdiff hashes the payload's columns in name order.
 */
import { METADATA_COLUMNS, type LinkSatellite, type Satellite } from '@vault/core';
import { historyTables } from './change-history.js';
import { changeLoad, type ChangeLoad } from './change-engine.js';
import { parentKeySource, type SqlContext } from './context.js';
import { keepLastByTerms, oneStatePerDelta } from './duplicates.js';
import { parentKeyHash } from './load.js';
import { castSource, payloadHashdiff } from './staging.js';

export function parentKey(ctx: SqlContext, sat: Satellite | LinkSatellite): { readonly hash: string; readonly keep: string } {
  const source = parentKeySource(ctx, sat);
  if (source === undefined) {
    throw new Error(`vault SQL: ${sat.kind} '${sat.name}' reads ${sat.source.table}, which does not carry the key of '${sat.parent}'`);
  }
  return parentKeyHash(ctx, sat.kind === 'satellite' ? 'hub' : 'link', sat.parent, source.columns);
}

/** A satellite's history for the change engine: per parent hash key, the payload compared by its hashdiff. */
export function satelliteLoad(ctx: SqlContext, sat: Satellite | LinkSatellite): ChangeLoad {
  const key = parentKey(ctx, sat);
  return changeLoad(ctx, {
    keys: [{ column: sat.parentHashKey, sql: key.hash }],
    keep: key.keep,
    compared: { column: METADATA_COLUMNS.hashDiff, sql: payloadHashdiff(ctx, sat.payload) },
    payload: sat.payload.map((c) => ({ column: c.name, sql: castSource(ctx.dialect, c.sourceColumn, c.type) })),
    ...historyTables(ctx, sat),
    // duplicates: keep_last_by (never beside a delta order) ranks a key's rows by its column first.
    rank: keepLastByTerms(ctx, sat),
    // duplicates: error_table with a delta order keeps one row per key and delta-order value.
    oneState: (w, from, columns) => oneStatePerDelta(w, ctx, sat, from, columns),
  });
}
