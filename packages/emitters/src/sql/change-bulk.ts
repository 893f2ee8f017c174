/**
 * The change engine's bulk form (change-engine.ts): the load of a history whose table holds no
 * row but its ghost record and whose register holds none, as on a first load. Nothing is stored
 * to compare with, so the lookups into the table and the register (`$neighbours`' UNION, the
 * anti-joins, the stored payload's join) and the register statement's second staging pass are
 * left out, and one statement writes both:
 *
 * - With a delta order, the batch's states (`$changes`, in change order) beside the state before
 *   each: a state that differs from it is inserted, numbered per key by a running count in the
 *   same window (no second sort); one that does not goes to the register (a data-modifying `WITH`).
 *   Over empty tables this is what the general load and register statement insert: the states the
 *   general form sets beside each other (`$neighbours`) are exactly `$changes`, as a state the
 *   batch repeats is next to its first occurrence in change order.
 * - Without a delta order, the key's one state: an empty table holds neither that row nor an
 *   equal latest one.
 *
 * `vault run` runs it instead of the general form when `empty` says so, in the load's
 * transaction (run-loads.ts); load.sql keeps the general form, right for any table.
 */
import { METADATA_COLUMNS, type EntityKind } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import type { CodeWriter } from '../writer.js';
import type { ChangeHistory } from './change-engine.js';
import type { SqlContext } from './context.js';
import { entityTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { orderTerm, WORK } from './staging.js';

/** The bulk form of a history's load, and the check that it applies. */
export interface ChangeBulk {
  /** One row, its column `n` 1 when the table holds no row but its ghost record (the zero key) and the register none; else 0. */
  readonly empty: Statement;
  /** Fills the table and (with a delta order) its register, in one statement. */
  readonly load: Statement;
}

/** The one column of `ChangeBulk.empty`'s row. */
export const EMPTY_COLUMN = 'n';

/**
 * The bulk form of `h`'s load; `candidates` writes steps 1-3 (`$changes`, left open), `columns`
 * are the table's columns as the general load fills them. Undefined where the engine has no
 * transactions (the check and the load must see the same tables) or no data-modifying `WITH`.
 */
export function changeBulk(ctx: SqlContext, h: ChangeHistory, candidates: (w: CodeWriter) => void, columns: ReadonlyArray<string>): ChangeBulk | undefined {
  const { capabilities } = ctx.dialect;
  if (!capabilities.transactions || !capabilities.writableCtes) return undefined;
  return { empty: emptyCheck(ctx, h), load: h.delta === undefined ? bulkOneState(ctx, h, candidates, columns) : bulkHistory(ctx, h, candidates, columns) };
}

/**
 * The check that a table without a bulk form of its load is empty (`SqlLoad.bulk`: its keys are
 * built after the load): one row, its column `n` 1 when the table holds no row, or with `ghostKey`
 * (a hub's or link's hash key) no row but its ghost record (the zero key).
 */
export function tableEmpty(ctx: SqlContext, e: { readonly kind: EntityKind; readonly name: string }, ghostKey?: string): Statement {
  return emptyWhen(ctx, [holdsRows(ctx, ctx.sql.tableIdent(entityTable(ctx, e.kind, e.name)), ghostKey)]);
}

/** The first key column of a ghost record is the zero key, which no staged key (a hash of a present key) equals. */
function emptyCheck(ctx: SqlContext, h: ChangeHistory): Statement {
  return emptyWhen(ctx, [holdsRows(ctx, h.table, h.keys[0]!.column), ...(h.delta === undefined ? [] : [holdsRows(ctx, h.register, undefined)])]);
}

/** `EXISTS` a row of `table` (SQL), its ghost record left out when `ghostKey` names its key column. */
function holdsRows(ctx: SqlContext, table: string, ghostKey: string | undefined): string {
  const { col, quoteIdent: q, quoteLiteral } = ctx.sql;
  return `EXISTS (SELECT 1 FROM ${table} AS ${q('t')}${ghostKey === undefined ? '' : ` WHERE ${col('t', ghostKey)} <> ${quoteLiteral(ctx.zeroHash)}`})`;
}

/** One row, column `n`: 1 when none of the conditions `stored` holds, else 0. */
function emptyWhen(ctx: SqlContext, stored: ReadonlyArray<string>): Statement {
  const q = ctx.sql.quoteIdent;
  return statement((w) => w.line(`SELECT CASE WHEN ${stored.join(' OR ')} THEN 0 ELSE 1 END AS ${q(EMPTY_COLUMN)}`));
}

function bulkOneState(ctx: SqlContext, h: ChangeHistory, candidates: (w: CodeWriter) => void, columns: ReadonlyArray<string>): Statement {
  const { col, quoteIdent: q } = ctx.sql;
  const c = (column: string): string => col('c', column);
  return statement((w) => {
    candidates(w);
    w.line(')');
    w.line(`INSERT INTO ${h.table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() => commaList(w, [...h.keys.map((k) => c(k.column)), ctx.dialect.loadTimestamp.sql, h.recordSource, c(h.compared.column), ...h.payload.map((p) => c(p.column))]));
    w.line(`FROM ${q(WORK.changes)} AS ${q('c')}`);
  });
}

function bulkHistory(ctx: SqlContext, h: ChangeHistory, candidates: (w: CodeWriter) => void, columns: ReadonlyArray<string>): Statement {
  const { as, col, quoteIdent: q } = ctx.sql;
  const d = ctx.dialect;
  const b = (column: string): string => col('b', column);
  const keyColumns = h.keys.map((k) => k.column);
  const compared = q(h.compared.column);
  // The window of `$ordered` (orderedStates), spelled alike so that the running count reuses its sort.
  const order = [`${orderTerm(d, q(WORK.deltaOrder), h.delta!.type)} NULLS LAST`, ...(h.rank === undefined ? [] : [h.rank.order]), compared].join(', ');
  const isNew = `${q(WORK.previousHashdiff)} IS DISTINCT FROM ${compared}`;
  return statement((w) => {
    candidates(w);
    w.line(`), ${q(WORK.bulk)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          `${q(WORK.changes)}.*`,
          as(isNew, WORK.isNew),
          as(`sum(CASE WHEN ${isNew} THEN 1 ELSE 0 END) OVER (PARTITION BY ${keyColumns.map(q).join(', ')} ORDER BY ${order} ROWS UNBOUNDED PRECEDING)`, WORK.position),
        ]),
      );
      w.line(`FROM ${q(WORK.changes)}`);
    });
    w.line(`), ${q(WORK.registered)} AS (`);
    w.block(() => {
      const registerColumns = [...keyColumns, DELTA_ORDER_COLUMN, h.compared.column, METADATA_COLUMNS.loadTimestamp];
      w.line(`INSERT INTO ${h.register} (${registerColumns.map(q).join(', ')})`);
      w.line(`SELECT ${[...keyColumns.map(b), b(WORK.deltaOrder), b(h.compared.column), d.loadTimestamp.sql].join(', ')}`);
      w.line(`FROM ${q(WORK.bulk)} AS ${q('b')}`);
      w.line(`WHERE NOT ${b(WORK.isNew)}`);
    });
    w.line(')');
    w.line(`INSERT INTO ${h.table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        ...keyColumns.map(b),
        d.addMicroseconds(d.loadTimestamp.sql, `(${b(WORK.position)} - 1)`),
        h.recordSource,
        b(h.compared.column),
        b(WORK.deltaOrder),
        ...h.payload.map((p) => b(p.column)),
      ]),
    );
    w.line(`FROM ${q(WORK.bulk)} AS ${q('b')}`);
    w.line(`WHERE ${b(WORK.isNew)}`);
  });
}
