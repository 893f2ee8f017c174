/**
 * Reference tables in the SQL target: the current view of each (`ref_<name>_current` in the
 * business vault schema: each code's latest row), which business satellites left-join to bring
 * in the current descriptions of the codes their columns carry.
 */
import { METADATA_COLUMNS, type ReferenceTable } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import type { SqlContext } from './context.js';
import { entityTable, type NameScope, type SqlTable } from './names.js';
import { commaList, type Statement } from './sql-writer.js';
import { orderTerm } from './staging.js';
import { createView } from './views.js';

/** The current view of a reference table: `ref_<name>_current` in the business vault schema. */
export function currentReferenceView({ model, dialect }: NameScope, name: string): SqlTable {
  return { schema: dialect.identifier(model.schemas.businessVault), name: dialect.identifier(`ref_${name}_current`) };
}

/**
 * Each code's latest row, as loads order changes: with a delta order the row latest in delta
 * order (NULL counts as latest), then by hashdiff; without one, the latest load.
 */
export function referenceCurrentView(ctx: SqlContext, ref: ReferenceTable): Statement {
  const { col, quoteIdent, tableIdent } = ctx.sql;
  const loadTs = `${quoteIdent(METADATA_COLUMNS.loadTimestamp)} DESC`;
  const deltaType = ref.deltaOrder === undefined ? undefined : ctx.sourceColumns.get(ref.source.table)?.get(ref.deltaOrder)?.type;
  const order = deltaType === undefined ? [loadTs] : [`${orderTerm(ctx.dialect, quoteIdent(DELTA_ORDER_COLUMN), deltaType)} DESC NULLS FIRST`, `${quoteIdent(METADATA_COLUMNS.hashDiff)} DESC`, loadTs];
  const current = ctx.dialect.firstRowPerKey({ key: ref.codes.map((c) => quoteIdent(c.name)).join(', '), from: tableIdent(entityTable(ctx, ref.kind, ref.name)), order });
  const columns = [...ref.codes.map((c) => c.name), METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource, METADATA_COLUMNS.hashDiff, ...ref.attributes.map((a) => a.name)];
  return createView(ctx, currentReferenceView(ctx, ref.name), (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(
        w,
        columns.map((c) => col('r', c)),
      ),
    );
    w.line(`FROM (${current.join(' ')}) AS ${quoteIdent('r')}`);
  });
}
