/**
 * Load statement of a status tracking satellite: insert-only, idempotent, a row only when a key's
 * status changes (docs/sql.md, "Status tracking").
 *
 * 1. Stage the landing rows whose parent key is present: the parent hash key (hashed as the
 *    table's satellites hash it), whether the row is a delete (its delete flag is true, or its
 *    operation is one of the delete values; else false), and the delta-order value when the table
 *    has a delta-order column.
 * 2. One status per key (and delta-order value): deleted only when every row of it says delete.
 * 3. With `batches: full`, the keys whose latest status is present and that the batch does not
 *    bring are deleted: a row each, once. A batch that brings no key at all is taken for a
 *    landing table that was not filled, never for a source that lost every key: it deletes
 *    nothing.
 * 4. The changes. A full table, or one without a delta order, in load order: each key's statuses
 *    in delta order (NULLS LAST), the first a change when it differs from the key's latest stored
 *    status (a key never seen is new, present or deleted), each next one when it differs from the
 *    one before; a change stored already (the same key, delta order and status; without a delta
 *    order, a row of the key at this very load timestamp) is not inserted again. A CDC table with
 *    a delta order, in delta order across batches: the change engine's steps 2-4 (change-engine.ts)
 *    with the status as the compared value: every status the key was ever given (the batch's, the
 *    table's and its register's `seen_sts_<name>`, each once) beside the one before it; each that
 *    differs and is not stored is inserted, so a late row falls in place (and can make a status
 *    it once equalled a change); a second statement then registers the batch's statuses, kept
 *    or not (unlike a satellite's register, which holds only the rows not kept).
 * 5. The rows a load inserts for a key get load_ts = batch load timestamp + 0, 1, ... µs.
 *
 * So a rerun adds nothing, with any load timestamp.
 */
import { METADATA_COLUMNS, type StatusTrackingSatellite } from '@vault/core/internal';
import { DELTA_ORDER_COLUMN, IS_DELETED_COLUMN } from '../columns.js';
import { newStates, orderedStates, sameState, type StateHistory } from './change-engine.js';
import { sourceColumn, type SqlContext } from './context.js';
import { MISSING_KEYS_COLUMN, parentKeyHash } from './load.js';
import { entityTable, landingTable, statusRegisterTable } from './names.js';
import type { CodeWriter } from '../writer.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { orderTerm, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

/**
 * A key's latest status, a scalar subquery over `table AS alias` reading the rows `where` picks.
 * Latest is the order a key's statuses take: a CDC table with a delta order by its delta order
 * first (NULL counting as latest, as in satellites), so that a late batch does not become current;
 * else by load, since a full batch is the source as it was when loaded. In the dialect's form
 * (`Dialect.latestValue`: Spark's `ORDER BY … LIMIT 1` in a correlated subquery loses the order).
 */
export function latestStatus(ctx: SqlContext, sts: StatusTrackingSatellite, table: string, alias: string, where: string): string {
  const col = (column: string): string => ctx.sql.col(alias, column);
  const byDelta = sts.deltaOrder !== undefined && sts.batches !== 'full';
  const first = byDelta ? orderTerm(ctx.dialect, col(DELTA_ORDER_COLUMN), sourceColumn(ctx, sts.source.table, sts.deltaOrder).type) : undefined;
  const from = `${table} AS ${ctx.sql.quoteIdent(alias)}`;
  return `(${ctx.dialect.latestValue({ value: col(IS_DELETED_COLUMN), latest: col(METADATA_COLUMNS.loadTimestamp), ...(first === undefined ? {} : { first }), from, where }).join(' ')})`;
}

/** Whether a landing row is a delete, by the table's marker. */
function isDelete(ctx: SqlContext, sts: StatusTrackingSatellite): string {
  const { col, quoteLiteral } = ctx.sql;
  const marker = sts.deletes;
  if (marker === undefined) return 'FALSE';
  const column = col(SOURCE_ALIAS, marker.column);
  if (marker.kind === 'flag') return `(${column} IS TRUE)`;
  // NULL is no operation the table names: the row is present.
  return `COALESCE(${ctx.dialect.upperAscii(ctx.dialect.trimSpaces(`CAST(${column} AS ${ctx.dialect.columnType({ kind: 'text' })})`))} IN (${marker.values.map(quoteLiteral).join(', ')}), FALSE)`;
}

/**
 * With full batches: how many landing rows carry a key (one row, column `n`). `vault run` counts
 * them in the load's transaction and says so when there are none: an empty full batch, which
 * deletes nothing (step 3).
 */
export function statusKeyedRows(ctx: SqlContext, sts: StatusTrackingSatellite): Statement | undefined {
  if (sts.batches === 'delta') return undefined;
  const { quoteIdent: q, tableIdent } = ctx.sql;
  return statement((w) =>
    w.line(
      `SELECT count(*) AS ${q(MISSING_KEYS_COLUMN)} FROM ${tableIdent(landingTable(ctx, sts.source.table))} AS ${q(SOURCE_ALIAS)} WHERE ${parentKeyHash(ctx, sts.parentKind, sts.parent, sts.source.columns).keep}`,
    ),
  );
}

/** A status tracking satellite's load: the statement that loads its table and, for a CDC table with a delta order, the one that then fills its register. */
export interface StatusLoad {
  readonly load: Statement;
  readonly register: Statement | undefined;
}

export function statusTrackingSatelliteLoad(ctx: SqlContext, sts: StatusTrackingSatellite): StatusLoad {
  const { as, col, quoteIdent: q, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const key = parentKeyHash(ctx, sts.parentKind, sts.parent, sts.source.columns);
  const table = tableIdent(entityTable(ctx, sts.kind, sts.name));
  const hk = q(sts.parentHashKey);
  const deleted = q(IS_DELETED_COLUMN);
  const deltaType = sts.deltaOrder === undefined ? undefined : sourceColumn(ctx, sts.source.table, sts.deltaOrder).type;
  const delta = q(WORK.deltaOrder);
  const perKey = deltaType === undefined ? [hk] : [hk, delta];
  // Ties of one delta-order value (two statuses) break by the status: the same on every run.
  const order = deltaType === undefined ? deleted : `${orderTerm(d, delta, deltaType)} NULLS LAST, ${deleted}`;
  const window = `(PARTITION BY ${hk} ORDER BY ${order})`;
  const t = (column: string): string => col('t', column);
  const o = (column: string): string => col('o', column);
  const c = (column: string): string => col('c', column);
  /** Steps 1-3: `WITH` the staged rows and the batch's statuses (`$grouped`), left open for the next CTE. */
  const batch = (w: CodeWriter): void => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [as(key.hash, sts.parentHashKey), as(isDelete(ctx, sts), IS_DELETED_COLUMN), ...(sts.deltaOrder === undefined ? [] : [as(col(SOURCE_ALIAS, sts.deltaOrder), WORK.deltaOrder)])]),
      );
      w.line(`FROM ${tableIdent(landingTable(ctx, sts.source.table))} AS ${q(SOURCE_ALIAS)}`);
      w.line(`WHERE ${key.keep}`);
    });
    w.line(`), ${q(WORK.grouped)} AS (`);
    w.block(() => {
      w.line(`SELECT ${[...perKey, as(`min(CASE WHEN ${deleted} THEN 1 ELSE 0 END) = 1`, IS_DELETED_COLUMN)].join(', ')}`);
      w.line(`FROM ${q(WORK.staged)}`);
      w.line(`GROUP BY ${perKey.join(', ')}`);
      if (sts.batches === 'delta') return;
      // A full batch: the keys it no longer brings, whose latest status is present, are deleted.
      w.line('UNION ALL');
      w.line(`SELECT ${[t(sts.parentHashKey), ...(deltaType === undefined ? [] : [as(`CAST(NULL AS ${d.columnType(deltaType)})`, WORK.deltaOrder)]), as('TRUE', IS_DELETED_COLUMN)].join(', ')}`);
      w.line(`FROM ${table} AS ${q('t')}`);
      w.line(`WHERE NOT ${t(IS_DELETED_COLUMN)}`);
      w.line(
        `AND ${t(METADATA_COLUMNS.loadTimestamp)} = (SELECT max(${col('x', METADATA_COLUMNS.loadTimestamp)}) FROM ${table} AS ${q('x')} WHERE ${col('x', sts.parentHashKey)} = ${t(sts.parentHashKey)})`,
      );
      w.line(`AND NOT EXISTS (SELECT 1 FROM ${q(WORK.staged)} AS ${q('b')} WHERE ${col('b', sts.parentHashKey)} = ${t(sts.parentHashKey)})`);
      // An empty batch deletes nothing (step 3).
      w.line(`AND EXISTS (SELECT 1 FROM ${q(WORK.staged)})`);
    });
  };
  /** Step 5: the changes (CTE `from`, numbered per key by `$position`) into the table. */
  const insert = (w: CodeWriter, from: string): void => {
    const columns = [sts.parentHashKey, METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource, IS_DELETED_COLUMN, ...(deltaType === undefined ? [] : [DELTA_ORDER_COLUMN])];
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        c(sts.parentHashKey),
        d.addMicroseconds(d.loadTimestamp.sql, `(${c(WORK.position)} - 1)`),
        recordSourceOf(ctx, sts.source.table),
        c(IS_DELETED_COLUMN),
        ...(deltaType === undefined ? [] : [c(WORK.deltaOrder)]),
      ]),
    );
    w.line(`FROM ${q(from)} AS ${q('c')}`);
  };

  const registerOf = statusRegisterTable(ctx, sts);
  if (registerOf === undefined || deltaType === undefined) {
    // Step 4 in load order: the batch's first status of a key against the latest stored one.
    const latest = latestStatus(ctx, sts, table, 't', `${t(sts.parentHashKey)} = ${o(sts.parentHashKey)}`);
    const load = statement((w) => {
      batch(w);
      w.line(`), ${q(WORK.ordered)} AS (`);
      w.block(() => {
        w.line(`SELECT ${[`${q('g')}.*`, as(`row_number() OVER ${window}`, WORK.row), as(`lag(${deleted}) OVER ${window}`, WORK.previous)].join(', ')}`);
        w.line(`FROM ${q(WORK.grouped)} AS ${q('g')}`);
      });
      w.line(`), ${q(WORK.changes)} AS (`);
      w.block(() => {
        w.line(`SELECT ${[`${q('o')}.*`, as(`row_number() OVER ${window}`, WORK.position)].join(', ')}`);
        w.line(`FROM ${q(WORK.ordered)} AS ${q('o')}`);
        w.line(`WHERE CASE WHEN ${o(WORK.row)} = 1 THEN ${o(IS_DELETED_COLUMN)} IS DISTINCT FROM ${latest} ELSE ${o(IS_DELETED_COLUMN)} <> ${o(WORK.previous)} END`);
        w.line(
          deltaType === undefined
            ? `AND NOT EXISTS (SELECT 1 FROM ${table} AS ${q('t')} WHERE ${t(sts.parentHashKey)} = ${o(sts.parentHashKey)} AND ${t(METADATA_COLUMNS.loadTimestamp)} = ${d.loadTimestamp.sql})`
            : // A delete found by absence has no delta-order value: never the same as a stored one (NULL is no match).
              `AND NOT EXISTS (SELECT 1 FROM ${table} AS ${q('t')} WHERE ${t(sts.parentHashKey)} = ${o(sts.parentHashKey)} AND ${t(DELTA_ORDER_COLUMN)} = ${o(WORK.deltaOrder)} AND ${t(IS_DELETED_COLUMN)} = ${o(IS_DELETED_COLUMN)})`,
        );
      });
      w.line(')');
      insert(w, WORK.changes);
    });
    return { load, register: undefined };
  }

  // Step 4 in delta order (a CDC table): the change engine over one state per key and delta-order
  // value, the status (change-engine.ts). Its neighbours are the batch's, the table's and the
  // register's statuses, each once; the register holds every status given, the table's too.
  const register = tableIdent(registerOf);
  const history: StateHistory = {
    keys: [{ column: sts.parentHashKey }],
    compared: { column: IS_DELETED_COLUMN },
    table,
    register,
    delta: { column: sts.deltaOrder!, type: deltaType },
    rank: undefined,
  };
  const load = statement((w) => {
    batch(w);
    orderedStates(ctx, w, history, WORK.grouped);
    newStates(ctx, w, history);
    w.line(')');
    insert(w, WORK.newChanges);
  });
  // Then every status of the batch goes to the register, each once.
  const registered = statement((w) => {
    batch(w);
    w.line(')');
    const columns = [sts.parentHashKey, DELTA_ORDER_COLUMN, IS_DELETED_COLUMN, METADATA_COLUMNS.loadTimestamp];
    w.line(`INSERT INTO ${register} (${columns.map(q).join(', ')})`);
    w.line(`SELECT ${[c(sts.parentHashKey), c(WORK.deltaOrder), c(IS_DELETED_COLUMN), d.loadTimestamp.sql].join(', ')}`);
    w.line(`FROM ${q(WORK.grouped)} AS ${q('c')}`);
    w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${register} AS ${q('t')} WHERE ${sameState(ctx, history, 't', DELTA_ORDER_COLUMN, 'c', WORK.deltaOrder)})`);
  });
  return { load, register: registered };
}
