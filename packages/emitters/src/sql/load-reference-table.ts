/**
 * Load statement of a reference table: the change engine (change-engine.ts) keyed by the code
 * columns instead of a parent hash key, comparing the hashdiff of the descriptions (in name
 * order), so it keeps every version of a code's descriptions as a satellite keeps its payload's
 * (docs/sql.md, "Reference tables"). A landing row without a code is skipped. With a delta order
 * late and out-of-order rows find their true neighbours through the table and its register;
 * without one a batch holds one state per code, the row with the smallest hashdiff.
 */
import { METADATA_COLUMNS, type ReferenceTable } from '@vault/core';
import { historyTables } from './change-history.js';
import { changeLoad, type ChangeLoad } from './change-engine.js';
import type { SqlContext } from './context.js';
import { castSource, payloadHashdiff, SOURCE_ALIAS } from './staging.js';

export function referenceTableLoad(ctx: SqlContext, ref: ReferenceTable): ChangeLoad {
  const { quoteIdent: q } = ctx.sql;
  const d = ctx.dialect;
  return changeLoad(ctx, {
    keys: ref.codes.map((c, i) => ({ column: c.name, sql: castSource(d, ref.source.columns[i]!, c.type) })),
    keep: ref.source.columns.map((k) => `${q(SOURCE_ALIAS)}.${q(k)} IS NOT NULL`).join(' AND '),
    compared: { column: METADATA_COLUMNS.hashDiff, sql: payloadHashdiff(ctx, ref.attributes) },
    payload: ref.attributes.map((c) => ({ column: c.name, sql: castSource(d, c.sourceColumn, c.type) })),
    ...historyTables(ctx, ref),
    rank: undefined,
  });
}
