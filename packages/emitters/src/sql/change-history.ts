/**
 * Where the change engine (change-engine.ts) keeps an entity's history and what feeds it: the
 * entity's table and register, its landing table, record source and delta order. Satellites, link
 * satellites, effectivity satellites and reference tables each read one landing table.
 */
import type { ChangeHistory } from './change-engine.js';
import { sourceColumn, type SqlContext } from './context.js';
import { entityTable, landingTable, registerTable, type DeltaHistoryTable } from './names.js';
import { recordSourceOf } from './staging.js';

export interface HistoryEntity extends DeltaHistoryTable {
  readonly source: { readonly table: string };
  readonly deltaOrder?: string | undefined;
}

export function historyTables(ctx: SqlContext, e: HistoryEntity): Pick<ChangeHistory, 'table' | 'register' | 'source' | 'recordSource' | 'delta'> {
  const { tableIdent } = ctx.sql;
  return {
    table: tableIdent(entityTable(ctx, e.kind, e.name)),
    register: tableIdent(registerTable(ctx, e)),
    source: tableIdent(landingTable(ctx, e.source.table)),
    recordSource: recordSourceOf(ctx, e.source.table),
    // The entity's own delta order, as its table's columns (`entityColumns`) have it.
    delta: e.deltaOrder === undefined ? undefined : { column: e.deltaOrder, type: sourceColumn(ctx, e.source.table, e.deltaOrder).type },
  };
}
