/**
 * Load statement of a multi-active satellite: insert-only, idempotent, and set-wise (docs/sql.md,
 * "Multi-active satellites"). The unit of change is the set of a key's rows, not a row.
 *
 * 1. Stage the landing rows whose parent key and multi-active key are present: parent hash key,
 *    the row's hashdiff (its multi-active key and payload, in name order), the multi-active key,
 *    the payload, and the delta-order value when the table has a delta-order column.
 * 2. One row per key (and delta-order value) and multi-active key (`$rows`): two rows of one set
 *    with one multi-active key keep the smallest row hashdiff (deterministic, like a satellite's
 *    `report`).
 * 3. A set per key and delta-order value (`$sets`), with its hashdiff: the digest of its rows'
 *    hashdiffs in code-point order, so the order landing rows come in changes nothing.
 * 4. What is new:
 *    - Without a delta order a batch has one set per key: new unless the key's latest stored set
 *      has its hashdiff, or that very set (key, load_ts, hashdiff) is stored (a rerun).
 *    - With one, the change engine (change-engine.ts) runs on the sets as states, one per key,
 *      delta-order value and set hashdiff: every set of the batch's keys — the batch's, the
 *      stored ones and the registered ones, each once — in change order (delta order NULLS LAST,
 *      set hashdiff) beside the set before it; one that differs from it and is not stored (key,
 *      delta-order value, hashdiff) is new. A second statement registers the batch's sets not
 *      stored, one row per set (`seen_msat_<name>`).
 * 5. A new set is inserted whole, every row with one load_ts: the batch load timestamp + 0, 1, ...
 *    µs for a key's new sets in change order. A batch set's rows are the batch's; a registered set
 *    a late set has made a change again has the rows of the first stored set (smallest load_ts) of
 *    its key and set hashdiff — one is stored, since the set was registered as equal to the set
 *    before it, and one set hashdiff is one set of rows.
 */
import { METADATA_COLUMNS, type MultiActiveSatellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { HASH_DELIMITER } from '../hashing-settings.js';
import type { CodeWriter } from '../writer.js';
import { joinFirstStored, newStates, orderedStates, registerStates, sameState, type ChangeLoad, type StateHistory } from './change-engine.js';
import { need, sourceColumn, type SqlContext } from './context.js';
import { hashExpression, hashSqlType, missingKey } from './hashing.js';
import { entityTable, landingTable, registerTable } from './names.js';
import { commaList, statement } from './sql-writer.js';
import { castSource, keyInputs, payloadHashdiff, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

/** Working names of this load (`$` never occurs in a spec's names). */
const MA = { rowHashdiff: '$row_hashdiff', rows: '$rows', sets: '$sets' } as const;

/** The load of a multi-active satellite and, with a delta order, the statement that then fills its register. */
export function multiActiveSatelliteLoad(ctx: SqlContext, sat: MultiActiveSatellite): ChangeLoad {
  const { as, col, quoteIdent: q, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const hub = need(ctx.hubs, sat.parent, 'hub');
  const keys = keyInputs(d, sat.parentKey, hub.businessKeys);
  const deltaType = sat.deltaOrder === undefined ? undefined : sourceColumn(ctx, sat.source.table, sat.deltaOrder).type;
  const table = tableIdent(entityTable(ctx, sat.kind, sat.name));
  const hk = q(sat.parentHashKey);
  const delta = q(WORK.deltaOrder);
  const setKey = deltaType === undefined ? [hk] : [hk, delta];
  const rowColumns = [...sat.multiActiveKey, ...sat.payload];
  const present = sat.multiActiveKey.map((c) => `${q(SOURCE_ALIAS)}.${q(c.sourceColumn)} IS NOT NULL`);
  const setHashdiff = `CAST(${d.digest(ctx.model.hashing.algorithm, d.joinedInOrder(q(MA.rowHashdiff), d.quoteLiteral(HASH_DELIMITER)))} AS ${hashSqlType(d, ctx.model.hashing.algorithm)})`;
  const loadTs = METADATA_COLUMNS.loadTimestamp;
  const t = (column: string): string => col('t', column);
  const n = (column: string): string => col('n', column);
  const r = (column: string): string => col('r', column);

  /** Steps 1-3, left open for the next CTE. */
  const sets = (w: CodeWriter): void => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          as(hashExpression(d, ctx.model.hashing, keys, 'key'), sat.parentHashKey),
          as(payloadHashdiff(ctx, rowColumns), MA.rowHashdiff),
          ...rowColumns.map((c) => as(castSource(d, c.sourceColumn, c.type), c.name)),
          ...(deltaType === undefined ? [] : [as(`${q(SOURCE_ALIAS)}.${q(sat.deltaOrder!)}`, WORK.deltaOrder)]),
        ]),
      );
      w.line(`FROM ${tableIdent(landingTable(ctx, sat.source.table))} AS ${q(SOURCE_ALIAS)}`);
      w.line(`WHERE NOT ${missingKey(d, keys)} AND ${present.join(' AND ')}`);
    });
    w.line(`), ${q(MA.rows)} AS (`);
    const perRow = [...setKey, ...sat.multiActiveKey.map((c) => q(c.name))].join(', ');
    w.block(() => {
      for (const line of d.firstRowPerKey({ key: perRow, from: q(WORK.staged), order: [q(MA.rowHashdiff)] })) w.line(line);
    });
    w.line(`), ${q(MA.sets)} AS (`);
    w.block(() => {
      w.line(`SELECT ${[...setKey, as(setHashdiff, METADATA_COLUMNS.hashDiff)].join(', ')}`);
      w.line(`FROM ${q(MA.rows)}`);
      w.line(`GROUP BY ${setKey.join(', ')}`);
    });
  };

  const columns = [sat.parentHashKey, loadTs, METADATA_COLUMNS.recordSource, METADATA_COLUMNS.hashDiff, ...(deltaType === undefined ? [] : [DELTA_ORDER_COLUMN]), ...rowColumns.map((c) => c.name)];
  /** Inserts the new sets' rows from `n`: key, load timestamp (+ position µs), record source, set hashdiff, then `rest`. */
  const insertSelect = (w: CodeWriter, rest: ReadonlyArray<string>): void => {
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [n(sat.parentHashKey), d.addMicroseconds(d.loadTimestamp.sql, `(${n(WORK.position)} - 1)`), recordSourceOf(ctx, sat.source.table), n(METADATA_COLUMNS.hashDiff), ...rest]),
    );
  };
  if (deltaType === undefined) {
    const load = statement((w) => {
      sets(w);
      w.line(`), ${q(WORK.newChanges)} AS (`);
      w.block(() => newSetOfLoad(w));
      w.line(')');
      insertSelect(
        w,
        rowColumns.map((c) => r(c.name)),
      );
      w.line(`FROM ${q(WORK.newChanges)} AS ${q('n')}`);
      w.line(`JOIN ${q(MA.rows)} AS ${q('r')}`);
      w.block(() => w.line(`ON ${r(sat.parentHashKey)} = ${n(sat.parentHashKey)}`));
    });
    return { load, register: undefined };
  }

  // With a delta order: the change engine over the sets, one state per key, delta-order value and set hashdiff.
  const history: StateHistory = {
    keys: [{ column: sat.parentHashKey }],
    compared: { column: METADATA_COLUMNS.hashDiff },
    table,
    register: tableIdent(registerTable(ctx, sat)),
    delta: { column: sat.deltaOrder!, type: deltaType },
    rank: undefined,
  };
  const candidates = (w: CodeWriter): void => {
    sets(w);
    orderedStates(ctx, w, history, MA.sets);
  };
  const c = (column: string): string => col('c', column);
  const p = (column: string): string => col('p', column);
  const load = statement((w) => {
    candidates(w);
    newStates(ctx, w, history);
    w.line(')');
    insertSelect(w, [
      n(WORK.deltaOrder),
      // The batch set's rows, else (a registered set, now a change) the rows of the first stored set of its hashdiff.
      ...rowColumns.map((x) => `CASE WHEN ${c(sat.parentHashKey)} IS NULL THEN ${p(x.name)} ELSE ${r(x.name)} END`),
    ]);
    w.line(`FROM ${q(WORK.newChanges)} AS ${q('n')}`);
    w.line(`LEFT JOIN ${q(WORK.changes)} AS ${q('c')}`);
    w.block(() => w.line(`ON ${sameState(ctx, history, 'c', WORK.deltaOrder, 'n', WORK.deltaOrder)}`));
    w.line(`LEFT JOIN ${q(MA.rows)} AS ${q('r')}`);
    w.block(() => w.line(`ON ${r(sat.parentHashKey)} = ${c(sat.parentHashKey)} AND ${r(WORK.deltaOrder)} IS NOT DISTINCT FROM ${c(WORK.deltaOrder)}`));
    joinFirstStored(ctx, w, history, 'p', 'n', `${c(sat.parentHashKey)} IS NULL`);
    w.line(`WHERE ${r(sat.parentHashKey)} IS NOT NULL OR ${p(sat.parentHashKey)} IS NOT NULL`);
  });
  return { load, register: registerStates(ctx, history, candidates) };

  /** Without a delta order: the key's one set, unless stored by this very load or equal to the key's latest stored set. */
  function newSetOfLoad(w: CodeWriter): void {
    const c = (column: string): string => col('c', column);
    w.line(`SELECT ${q('c')}.*, ${as('1', WORK.position)}`);
    w.line(`FROM ${q(MA.sets)} AS ${q('c')}`);
    w.line('WHERE NOT EXISTS (');
    w.block(() => {
      w.line(`SELECT 1 FROM ${table} AS ${q('t')}`);
      w.line(`WHERE ${t(sat.parentHashKey)} = ${c(sat.parentHashKey)} AND ${t(loadTs)} = ${d.loadTimestamp.sql} AND ${t(METADATA_COLUMNS.hashDiff)} = ${c(METADATA_COLUMNS.hashDiff)}`);
    });
    w.line(`) AND ${c(METADATA_COLUMNS.hashDiff)} IS DISTINCT FROM (`);
    w.block(() => {
      const latest = d.latestValue({ value: t(METADATA_COLUMNS.hashDiff), latest: t(loadTs), from: `${table} AS ${q('t')}`, where: `${t(sat.parentHashKey)} = ${c(sat.parentHashKey)}` });
      for (const line of latest) w.line(line);
    });
    w.line(')');
  }
}
