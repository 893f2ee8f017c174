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
 *    - With one, every set of the batch's keys, the batch's and the stored ones, each once, in
 *      change order (delta order NULLS LAST, hashdiff) beside the set before it: a batch set that
 *      differs from it and is not stored (key, delta-order value, hashdiff) is new.
 * 5. A new set is inserted whole, every row with one load_ts: the batch load timestamp + 0, 1, ...
 *    µs for a key's new sets in change order.
 */
import { METADATA_COLUMNS, type MultiActiveSatellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { HASH_DELIMITER } from '../hashing-settings.js';
import type { CodeWriter } from '../writer.js';
import { need, sourceColumn, type SqlContext } from './context.js';
import { hashExpression, hashSqlType, missingKey } from './hashing.js';
import { entityTable, landingTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { castSource, keyInputs, orderTerm, payloadHashdiff, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

/** Working names of this load (`$` never occurs in a spec's names). */
const MA = { rowHashdiff: '$row_hashdiff', rows: '$rows', sets: '$sets' } as const;

export function multiActiveSatelliteLoad(ctx: SqlContext, sat: MultiActiveSatellite): Statement {
  const { as, col, quoteIdent: q, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const hub = need(ctx.hubs, sat.parent, 'hub');
  const keys = keyInputs(d, sat.parentKey, hub.businessKeys);
  const deltaType = sat.deltaOrder === undefined ? undefined : sourceColumn(ctx, sat.source.table, sat.deltaOrder).type;
  const table = tableIdent(entityTable(ctx, sat.kind, sat.name));
  const hk = q(sat.parentHashKey);
  const hashdiff = q(METADATA_COLUMNS.hashDiff);
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
  return statement((w) => {
    sets(w);
    w.line(`), ${q(WORK.newChanges)} AS (`);
    w.block(() => (deltaType === undefined ? newSetOfLoad(w) : newSetsInOrder(w, orderTerm(d, delta, deltaType))));
    w.line(')');
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        n(sat.parentHashKey),
        d.addMicroseconds(d.loadTimestamp.sql, `(${n(WORK.position)} - 1)`),
        recordSourceOf(ctx, sat.source.table),
        n(METADATA_COLUMNS.hashDiff),
        ...(deltaType === undefined ? [] : [n(WORK.deltaOrder)]),
        ...rowColumns.map((c) => r(c.name)),
      ]),
    );
    w.line(`FROM ${q(WORK.newChanges)} AS ${q('n')}`);
    w.line(`JOIN ${q(MA.rows)} AS ${q('r')}`);
    w.block(() => w.line(`ON ${r(sat.parentHashKey)} = ${n(sat.parentHashKey)}${deltaType === undefined ? '' : ` AND ${r(WORK.deltaOrder)} IS NOT DISTINCT FROM ${n(WORK.deltaOrder)}`}`));
  });

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
      w.line(`SELECT ${t(METADATA_COLUMNS.hashDiff)} FROM ${table} AS ${q('t')}`);
      w.line(`WHERE ${t(sat.parentHashKey)} = ${c(sat.parentHashKey)}`);
      w.line(`ORDER BY ${t(loadTs)} DESC LIMIT 1`);
    });
    w.line(')');
  }

  /** With a delta order: the batch's sets that differ from the set before them in change order and are not stored. */
  function newSetsInOrder(w: CodeWriter, deltaTerm: string): void {
    const order = `${deltaTerm} NULLS LAST, ${hashdiff}`;
    const m = (column: string): string => col('m', column);
    w.line(`SELECT ${q('m')}.*, ${as(`row_number() OVER (PARTITION BY ${hk} ORDER BY ${order})`, WORK.position)}`);
    w.line('FROM (');
    w.block(() => {
      w.line(`SELECT ${q('a')}.*, ${as(`lag(${hashdiff}) OVER (PARTITION BY ${hk} ORDER BY ${order})`, WORK.previousHashdiff)}`);
      w.line('FROM (');
      w.block(() => {
        // UNION: a stored set is one row per multi-active key; each set once.
        w.line(`SELECT ${[hk, delta, hashdiff].join(', ')} FROM ${q(MA.sets)}`);
        w.line('UNION');
        w.line(
          `SELECT ${[t(sat.parentHashKey), as(t(DELTA_ORDER_COLUMN), WORK.deltaOrder), t(METADATA_COLUMNS.hashDiff)].join(', ')} FROM ${table} AS ${q('t')} WHERE ${t(sat.parentHashKey)} IN (SELECT ${hk} FROM ${q(MA.sets)})`,
        );
      });
      w.line(`) AS ${q('a')}`);
    });
    w.line(`) AS ${q('m')}`);
    w.line(`WHERE ${m(WORK.previousHashdiff)} IS DISTINCT FROM ${m(METADATA_COLUMNS.hashDiff)} AND NOT EXISTS (`);
    w.block(() => {
      w.line(`SELECT 1 FROM ${table} AS ${q('t')}`);
      w.line(
        `WHERE ${t(sat.parentHashKey)} = ${m(sat.parentHashKey)} AND ${t(METADATA_COLUMNS.hashDiff)} = ${m(METADATA_COLUMNS.hashDiff)} AND ${t(DELTA_ORDER_COLUMN)} IS NOT DISTINCT FROM ${m(WORK.deltaOrder)}`,
      );
    });
    w.line(')');
  }
}
