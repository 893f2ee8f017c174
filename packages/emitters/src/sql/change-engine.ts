/**
 * The change engine: loads the history of one state per key, insert-only, incremental and
 * idempotent, keeping every change in order (docs/sql.md, "Loads", "Late and out-of-order rows").
 * Satellites (the state is the payload, compared by its hashdiff) and effectivity satellites (the
 * state is the relationship a driving key points at, compared by the link hash key) share it.
 *
 * 1. Stage the landing rows the history keeps (`keep`): the key column(s), the compared value,
 *    the payload, and the delta-order value when the source table has a delta-order column.
 * 2. Order each key's rows by (delta order NULLS LAST, compared value) ("change order"). Without
 *    a delta-order column a batch holds one state per key: the row with the smallest compared
 *    value is kept (an arbitrary but deterministic choice).
 * 3. The batch's rows (`$changes`): with a delta order its distinct rows (key, delta-order value,
 *    compared value); without one, the key's one state.
 * 4. What is inserted depends on what identifies a row:
 *    - With a delta order, the row itself, stored with its `delta_order`. Every row of the batch's
 *      keys — the batch's, the table's and its register's (the rows it was given and did not
 *      keep), each once — is set beside the row before it in change order (`$neighbours`); each
 *      that differs from it and is not stored is inserted (`$new`): the batch's rows with their
 *      payload, a registered row a late row has made a change again with the payload of a stored
 *      row of its compared value. Only keys with a batch row not stored are looked up (`newStates`).
 *      The batch's rows not stored go to the register: in the same statement where the engine has
 *      a data-modifying `WITH` (one staging of the batch), else in a second statement.
 *    - Without one, only the load: the change is new unless that very row (key, load_ts,
 *      compared value) is stored, and it is inserted unless it equals the key's latest stored row.
 * 5. The rows a load inserts for a key get load_ts = batch load timestamp + 0, 1, ... µs.
 *
 * So loading the same landing data again inserts nothing, with any load timestamp.
 *
 * Steps 2-4 and the register (`orderedStates`, `newStates`, `registerStates`) read only states:
 * a multi-active satellite stages one state per set (its set hashdiff) and runs them, then
 * inserts the rows of each new set itself (load-multi-active-satellite.ts); a status tracking
 * satellite of a CDC table with a delta order runs them on one status per key and delta-order
 * value (load-status-tracking-satellite.ts).
 */
import { METADATA_COLUMNS, type ColumnType } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { changeBulk, type ChangeBulk } from './change-bulk.js';
import type { CodeWriter } from '../writer.js';
import type { SqlContext } from './context.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { orderTerm, SOURCE_ALIAS, WORK } from './staging.js';

/** A column of the history's table and the staged expression (over the landing row `s`) that fills it. */
export interface StagedColumn {
  readonly column: string;
  readonly sql: string;
}

export interface DeltaOrder {
  /** The landing column. */
  readonly column: string;
  readonly type: ColumnType;
}

/**
 * What steps 2-4 read of a history: its states as staged rows, one per key, delta-order value
 * and compared value, in columns named as the table's (the delta-order value as `WORK.deltaOrder`).
 * Table names are quoted (`ctx.sql.tableIdent`).
 */
export interface StateHistory {
  /** The key: one history per value of these columns. */
  readonly keys: ReadonlyArray<{ readonly column: string }>;
  /** The value whose change is a new row. */
  readonly compared: { readonly column: string };
  readonly table: string;
  /** The register of states given and not kept; used with a delta order only. */
  readonly register: string;
  readonly delta: DeltaOrder | undefined;
  /** A first term of the order in which a key's rows are ranked, and the staged column it reads. */
  readonly rank: { readonly staged: string; readonly order: string } | undefined;
}

/** What one history is made of: a state per landing row, its payload stored beside it. */
export interface ChangeHistory extends StateHistory {
  readonly keys: ReadonlyArray<StagedColumn>;
  /** The condition on a landing row (`s`) that it belongs to the history. */
  readonly keep: string;
  readonly compared: StagedColumn;
  readonly payload: ReadonlyArray<StagedColumn>;
  /** The landing table, quoted. */
  readonly source: string;
  /** The record source, as SQL. */
  readonly recordSource: string;
  /**
   * Narrows the staged rows (CTE `from`) to one state per key and delta-order value, writing a
   * CTE of its own and returning its name; undefined when there is nothing to narrow.
   */
  readonly oneState?: (w: CodeWriter, from: string, columns: { readonly key: string; readonly hashdiff: string; readonly delta: string }) => string | undefined;
}

/**
 * A history's load: the statement that loads its table and, with a delta order, the one that then
 * fills its register; and its bulk form for empty tables (change-bulk.ts), where the engine has one.
 */
export interface ChangeLoad {
  readonly load: Statement;
  readonly register: Statement | undefined;
  readonly bulk?: ChangeBulk | undefined;
}

export function changeLoad(ctx: SqlContext, h: ChangeHistory): ChangeLoad {
  const { as, col, quoteIdent: q } = ctx.sql;
  const d = ctx.dialect;
  const { delta, table } = h;
  const c = (column: string): string => col('c', column);
  const firstKey = h.keys[0]?.column;
  if (firstKey === undefined) throw new Error('vault SQL: a history needs a key column');
  /** Steps 1-3: `WITH` the staged rows, ..., the candidates (`$changes`), left open for the next CTE. */
  const candidates = (w: CodeWriter): void => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          ...h.keys.map((k) => as(k.sql, k.column)),
          as(h.compared.sql, h.compared.column),
          ...h.payload.map((p) => as(p.sql, p.column)),
          ...(delta === undefined ? [] : [as(`${q(SOURCE_ALIAS)}.${q(delta.column)}`, WORK.deltaOrder)]),
          ...(h.rank === undefined ? [] : [h.rank.staged]),
        ]),
      );
      w.line(`FROM ${h.source} AS ${q(SOURCE_ALIAS)}`);
      w.line(`WHERE ${h.keep}`);
    });
    const keyList = h.keys.map((k) => q(k.column)).join(', ');
    const staged = h.oneState?.(w, WORK.staged, { key: keyList, hashdiff: q(h.compared.column), delta: q(WORK.deltaOrder) }) ?? WORK.staged;
    orderedStates(ctx, w, h, staged);
  };
  const keyColumns = h.keys.map((k) => k.column);
  const columns = [
    ...keyColumns,
    METADATA_COLUMNS.loadTimestamp,
    METADATA_COLUMNS.recordSource,
    h.compared.column,
    ...(delta === undefined ? [] : [DELTA_ORDER_COLUMN]),
    ...h.payload.map((p) => p.column),
  ];
  if (delta === undefined) {
    const load = statement((w) => {
      candidates(w);
      w.line(`), ${q(WORK.timed)} AS (`);
      w.block(() => {
        w.line(`SELECT ${q(WORK.changes)}.*, ${as(d.loadTimestamp.sql, WORK.loadTimestamp)}`);
        w.line(`FROM ${q(WORK.changes)}`);
      });
      w.line(')');
      w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
      w.line('SELECT');
      w.block(() => commaList(w, [...keyColumns.map(c), c(WORK.loadTimestamp), h.recordSource, c(h.compared.column), ...h.payload.map((p) => c(p.column))]));
      w.line(`FROM ${q(WORK.timed)} AS ${q('c')}`);
      insertIfNewLoad(ctx, w, h);
    });
    return { load, register: undefined, bulk: changeBulk(ctx, h, candidates, columns) };
  }
  const n = (column: string): string => col('n', column);
  const p = (column: string): string => col('p', column);
  /** The rows to insert, as a SELECT over `$new`, with `as` naming each after its column. */
  const inserted = (w: CodeWriter, named: boolean): void => {
    const values = [
      ...keyColumns.map(n),
      d.addMicroseconds(d.loadTimestamp.sql, `(${n(WORK.position)} - 1)`),
      h.recordSource,
      n(h.compared.column),
      n(WORK.deltaOrder),
      // The batch's row, else (a row found unchanged before, now a change) a stored row of its compared value.
      ...h.payload.map((x) => `CASE WHEN ${c(firstKey)} IS NULL THEN ${p(x.column)} ELSE ${c(x.column)} END`),
    ];
    w.line('SELECT');
    w.block(() => commaList(w, named ? values.map((v, i) => as(v, columns[i]!)) : values));
    w.line(`FROM ${q(WORK.newChanges)} AS ${q('n')}`);
    // Only the touched keys' rows: the planner cannot know how few rows `$new` holds, and would
    // otherwise sort the whole batch and table to merge-join them.
    w.line(`LEFT JOIN (SELECT * FROM ${q(WORK.changes)} AS ${q('c')} WHERE ${touchedKey(ctx, h, 'c')}) AS ${q('c')}`);
    w.block(() => w.line(`ON ${sameState(ctx, h, 'c', WORK.deltaOrder, 'n', WORK.deltaOrder)}`));
    joinFirstStored(ctx, w, h, 'p', 'n', `${c(firstKey)} IS NULL`, touchedKey(ctx, h, 'x'));
    w.line(`WHERE ${c(firstKey)} IS NOT NULL OR ${p(firstKey)} IS NOT NULL`);
  };
  const bulk = changeBulk(ctx, h, candidates, columns);
  if (d.capabilities.transactions && d.capabilities.writableCtes) {
    // One statement fills both, from one read and hashing of the batch: the rows to insert
    // (`$inserted`), the register (a data-modifying WITH) with the batch's states neither stored
    // nor inserted now, then the table. Both see the tables as they were before the statement.
    const load = statement((w) => {
      candidates(w);
      newStates(ctx, w, h);
      w.line(`), ${q(WORK.inserted)} AS (`);
      w.block(() => inserted(w, true));
      w.line(`), ${q(WORK.registered)} AS (`);
      w.block(() => registerRows(ctx, w, h, true));
      w.line(')');
      w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
      w.line(`SELECT ${columns.map(q).join(', ')} FROM ${q(WORK.inserted)}`);
    });
    return { load, register: undefined, bulk };
  }
  const load = statement((w) => {
    candidates(w);
    newStates(ctx, w, h);
    w.line(')');
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    inserted(w, false);
  });
  return { load, register: registerStates(ctx, h, candidates), bulk };
}

/** Change order: delta order NULLS LAST (with one), the rank's term (with one), the compared value. */
function changeOrder(ctx: SqlContext, h: StateHistory): string {
  const q = ctx.sql.quoteIdent;
  return [...(h.delta === undefined ? [] : [`${orderTerm(ctx.dialect, q(WORK.deltaOrder), h.delta.type)} NULLS LAST`]), ...(h.rank === undefined ? [] : [h.rank.order]), q(h.compared.column)].join(
    ', ',
  );
}

/**
 * Steps 2-3 over the staged states (CTE `staged`): each key's states in change order
 * (`$ordered`), then the batch's states (`$changes`), left open for the next CTE.
 */
export function orderedStates(ctx: SqlContext, w: CodeWriter, h: StateHistory, staged: string): void {
  const { as, quoteIdent: q } = ctx.sql;
  const d = ctx.dialect;
  const keyList = h.keys.map((k) => q(k.column)).join(', ');
  const compared = q(h.compared.column);
  // Both window functions share one window: named where the engine can, else spelled twice.
  const keyWindowSpec = `PARTITION BY ${keyList} ORDER BY ${changeOrder(ctx, h)}`;
  const keyWindow = d.capabilities.namedWindows ? q(WORK.key) : `(${keyWindowSpec})`;
  w.line(`), ${q(WORK.ordered)} AS (`);
  w.block(() => {
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        `${q(staged)}.*`,
        as(`row_number() OVER ${keyWindow}`, WORK.row),
        ...(h.delta === undefined ? [] : [as(`lag(${compared}) OVER ${keyWindow}`, WORK.previousHashdiff), as(`lag(${q(WORK.deltaOrder)}) OVER ${keyWindow}`, WORK.previousDelta)]),
      ]),
    );
    w.line(`FROM ${q(staged)}`);
    if (d.capabilities.namedWindows) w.line(`WINDOW ${q(WORK.key)} AS (${keyWindowSpec})`);
  });
  w.line(`), ${q(WORK.changes)} AS (`);
  w.block(() => {
    // With a delta order: the batch's distinct rows (a row repeated in the batch is one row).
    w.line(`SELECT * FROM ${q(WORK.ordered)}`);
    w.line(
      h.delta === undefined ? `WHERE ${q(WORK.row)} = 1` : `WHERE ${q(WORK.row)} = 1 OR ${compared} <> ${q(WORK.previousHashdiff)} OR ${q(WORK.deltaOrder)} IS DISTINCT FROM ${q(WORK.previousDelta)}`,
    );
  });
}

/** `alias`'s key is one of `$touched` (newStates): `k IN (…)`, or a row value for several key columns. */
function touchedKey(ctx: SqlContext, h: StateHistory, alias: string): string {
  const { col, quoteIdent: q } = ctx.sql;
  const keys = h.keys.map((k) => k.column);
  const key = keys.length === 1 ? col(alias, keys[0]!) : `(${keys.map((k) => col(alias, k)).join(', ')})`;
  return `${key} IN (SELECT ${keys.map(q).join(', ')} FROM ${q(WORK.touched)})`;
}

const sameKey = (ctx: SqlContext, h: StateHistory, a: string, b: string): string => h.keys.map((k) => `${ctx.sql.col(a, k.column)} = ${ctx.sql.col(b, k.column)}`).join(' AND ');

/** States `a` and `b` are one: same key, compared value and delta-order value (NULL matching NULL). */
export function sameState(ctx: SqlContext, h: StateHistory, a: string, aDelta: string, b: string, bDelta: string): string {
  const { col } = ctx.sql;
  return `${sameKey(ctx, h, a, b)} AND ${col(a, h.compared.column)} = ${col(b, h.compared.column)} AND ${col(a, aDelta)} IS NOT DISTINCT FROM ${col(b, bDelta)}`;
}

/**
 * `LEFT JOIN` of the table (its rows `only` picks, over alias `x`, when given) as `stored`, on `guard` and `stored` being the first stored state
 * (smallest load_ts) of the key and compared value of `state`: where a state brought back from
 * the register finds its payload. Every row of that load is kept (a multi-active set's rows).
 * An engine without correlated subqueries in join conditions joins the table's first states instead.
 */
export function joinFirstStored(ctx: SqlContext, w: CodeWriter, h: StateHistory, stored: string, state: string, guard: string, only?: string): void {
  const { col, quoteIdent: q } = ctx.sql;
  const ts = METADATA_COLUMNS.loadTimestamp;
  const cmp = h.compared.column;
  const same = `${sameKey(ctx, h, stored, state)} AND ${col(stored, cmp)} = ${col(state, cmp)}`;
  if (ctx.dialect.capabilities.correlatedJoinConditions) {
    w.line(only === undefined ? `LEFT JOIN ${h.table} AS ${q(stored)}` : `LEFT JOIN (SELECT * FROM ${h.table} AS ${q('x')} WHERE ${only}) AS ${q(stored)}`);
    w.block(() => {
      w.line(`ON ${guard} AND ${same}`);
      w.line(`AND ${col(stored, ts)} = (SELECT min(${col('x', ts)}) FROM ${h.table} AS ${q('x')} WHERE ${sameKey(ctx, h, 'x', state)} AND ${col('x', cmp)} = ${col(state, cmp)})`);
    });
    return;
  }
  const first = q(WORK.firstLoad);
  const partition = [...h.keys.map((k) => q(k.column)), q(cmp)].join(', ');
  w.line(`LEFT JOIN (`);
  w.block(() => {
    w.line(`SELECT * FROM (SELECT ${q('x')}.*, min(${q(ts)}) OVER (PARTITION BY ${partition}) AS ${first} FROM ${h.table} AS ${q('x')}${only === undefined ? '' : ` WHERE ${only}`}) AS ${q('f')}`);
    w.line(`WHERE ${q(ts)} = ${first}`);
  });
  w.line(`) AS ${q(stored)}`);
  w.block(() => w.line(`ON ${guard} AND ${same}`));
}

/**
 * With a delta order, after the load: the batch's states (`candidates` writes steps 1-3, left
 * open) that the table did not keep go to its register, each once.
 */
export function registerStates(ctx: SqlContext, h: StateHistory, candidates: (w: CodeWriter) => void): Statement {
  return statement((w) => {
    candidates(w);
    w.line(')');
    registerRows(ctx, w, h, false);
  });
}

/** `WHERE` the batch's state `c` is held neither by the table nor by the register. */
function notStored(ctx: SqlContext, w: CodeWriter, h: StateHistory): void {
  const q = ctx.sql.quoteIdent;
  w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${h.table} AS ${q('t')} WHERE ${sameState(ctx, h, 't', DELTA_ORDER_COLUMN, 'c', WORK.deltaOrder)})`);
  w.line(`AND NOT EXISTS (SELECT 1 FROM ${h.register} AS ${q('t')} WHERE ${sameState(ctx, h, 't', DELTA_ORDER_COLUMN, 'c', WORK.deltaOrder)})`);
}

/**
 * The register's INSERT of the batch's states that neither the table nor the register holds: in
 * the load's statement (`fused`), `$unstored` (newStates) less the rows `$inserted` puts in the
 * table; in a statement of its own, `$changes` looked up again.
 */
function registerRows(ctx: SqlContext, w: CodeWriter, h: StateHistory, fused: boolean): void {
  const { col, quoteIdent: q } = ctx.sql;
  const c = (column: string): string => col('c', column);
  const keyColumns = h.keys.map((k) => k.column);
  const registerColumns = [...keyColumns, DELTA_ORDER_COLUMN, h.compared.column, METADATA_COLUMNS.loadTimestamp];
  w.line(`INSERT INTO ${h.register} (${registerColumns.map(q).join(', ')})`);
  w.line(`SELECT ${[...keyColumns.map(c), c(WORK.deltaOrder), c(h.compared.column), ctx.dialect.loadTimestamp.sql].join(', ')}`);
  w.line(`FROM ${q(fused ? WORK.unstored : WORK.changes)} AS ${q('c')}`);
  if (fused) w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${q(WORK.inserted)} AS ${q('t')} WHERE ${sameState(ctx, h, 't', DELTA_ORDER_COLUMN, 'c', WORK.deltaOrder)})`);
  else notStored(ctx, w, h);
}

/**
 * With a delta order, step 4: every state of the batch's keys that brought a state not stored
 * (`$unstored`, `$touched`) — the batch's, the table's and its register's, each once, marked when
 * the table holds it (`$in_table`) — beside the state before it in change order (`$neighbours`);
 * those that differ from it and that the table does not hold are inserted (`$new`), numbered 1..k
 * per key in change order. Writes the CTEs after `$changes`, the last left open.
 *
 * A key whose batch states are all stored (in the table or the register) is left out, exactly:
 * after every load a key's stored states are the states that load set beside each other (the
 * table gains the new ones, the register the batch's others), so every stored state that differs
 * from the one before it is in the table, and setting the same states beside each other again
 * finds nothing to insert. So a batch that repeats what was loaded (a full extract with a few
 * changed rows) looks up only the keys that changed, not every key of the batch.
 */
export function newStates(ctx: SqlContext, w: CodeWriter, h: StateHistory): void {
  const { as, col, quoteIdent: q } = ctx.sql;
  const order = changeOrder(ctx, h);
  const keyColumns = h.keys.map((k) => k.column);
  const keyList = keyColumns.map(q).join(', ');
  const compared = q(h.compared.column);
  const t = (column: string): string => col('t', column);
  const m = (column: string): string => col('m', column);
  const state = [...keyColumns, WORK.deltaOrder, h.compared.column].map(q).join(', ');
  const stored = (from: string, inTable: 0 | 1): string =>
    `SELECT ${[...keyColumns.map(t), t(DELTA_ORDER_COLUMN), t(h.compared.column), String(inTable)].join(', ')} FROM ${from} AS ${q('t')} WHERE ${touchedKey(ctx, h, 't')}`;
  // The batch's states not stored, looked up once: the keys to look at, and the register's rows.
  w.line(`), ${q(WORK.unstored)} AS (`);
  w.block(() => {
    w.line(`SELECT * FROM ${q(WORK.changes)} AS ${q('c')}`);
    notStored(ctx, w, h);
  });
  w.line(`), ${q(WORK.touched)} AS (`);
  w.block(() => w.line(`SELECT DISTINCT ${keyList} FROM ${q(WORK.unstored)}`));
  w.line(`), ${q(WORK.neighbours)} AS (`);
  w.block(() => {
    w.line(`SELECT ${q('a')}.*, ${as(`lag(${compared}) OVER (PARTITION BY ${keyList} ORDER BY ${order})`, WORK.previousHashdiff)}`);
    // Each state once (grouped: NULL delta orders alike, as UNION would), marked when the table
    // holds it: the table's rows of the keys are all read, so no look-up into it per state.
    w.line(`FROM (SELECT ${state}, ${as(`max(${q(WORK.inTable)})`, WORK.inTable)} FROM (`);
    w.block(() => {
      w.line(
        `SELECT ${[...keyColumns.map((k) => col('c', k)), col('c', WORK.deltaOrder), col('c', h.compared.column), as('0', WORK.inTable)].join(', ')} FROM ${q(WORK.changes)} AS ${q('c')} WHERE ${touchedKey(ctx, h, 'c')}`,
      );
      w.line('UNION ALL');
      w.line(stored(h.table, 1));
      w.line('UNION ALL');
      w.line(stored(h.register, 0));
    });
    w.line(`) AS ${q('u')} GROUP BY ${state}) AS ${q('a')}`);
  });
  w.line(`), ${q(WORK.newChanges)} AS (`);
  w.block(() => {
    w.line(`SELECT ${q('m')}.*, ${as(`row_number() OVER (PARTITION BY ${keyList} ORDER BY ${order})`, WORK.position)}`);
    w.line(`FROM ${q(WORK.neighbours)} AS ${q('m')}`);
    w.line(`WHERE ${m(WORK.previousHashdiff)} IS DISTINCT FROM ${m(h.compared.column)} AND ${m(WORK.inTable)} = 0`);
  });
}

/**
 * Without a delta order: the key's one change unless that very row is stored (a re-run with the
 * same load timestamp, even after later batches) or it equals the key's latest stored row.
 */
function insertIfNewLoad(ctx: SqlContext, w: CodeWriter, h: ChangeHistory): void {
  const { col, quoteIdent } = ctx.sql;
  const t = (column: string): string => col('t', column);
  const c = (column: string): string => col('c', column);
  const sameKey = h.keys.map((k) => `${t(k.column)} = ${c(k.column)}`).join(' AND ');
  w.line('WHERE NOT EXISTS (');
  w.block(() => {
    w.line(`SELECT 1 FROM ${h.table} AS ${quoteIdent('t')}`);
    w.line(`WHERE ${sameKey} AND ${t(METADATA_COLUMNS.loadTimestamp)} = ${c(WORK.loadTimestamp)} AND ${t(h.compared.column)} = ${c(h.compared.column)}`);
  });
  w.line(`) AND ${c(h.compared.column)} IS DISTINCT FROM (`);
  w.block(() => {
    for (const line of ctx.dialect.latestValue({ value: t(h.compared.column), latest: t(METADATA_COLUMNS.loadTimestamp), from: `${h.table} AS ${quoteIdent('t')}`, where: sameKey })) w.line(line);
  });
  w.line(')');
}
