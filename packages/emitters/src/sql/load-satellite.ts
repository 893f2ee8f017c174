/**
 * Load statement of a satellite or link satellite: insert-only, incremental, idempotent, and
 * keeping every change in order (docs/sql.md, "Loads", "Late and out-of-order rows").
 *
 * 1. Stage the landing rows whose parent key is present (for a link satellite, the rows its link
 *    keeps, `linkKeep`: a missing reference is hashed as the link hashes it): parent hash key,
 *    hashdiff (the payload's columns in name order), payload, and the delta-order value when the
 *    source table has a delta-order column.
 * 2. Order each key's rows by (delta order NULLS LAST, hashdiff) ("change order"). Without a
 *    delta-order column a batch holds one state per key: the row with the smallest hashdiff is
 *    kept (an arbitrary but deterministic choice).
 * 3. The batch's rows (`$changes`): with a delta order its distinct rows (key, delta-order value,
 *    hashdiff); without one, the key's one state.
 * 4. What is inserted depends on what identifies a row:
 *    - With a delta order, the row itself, stored with its `delta_order`. Every row of the batch's
 *      keys — the batch's, the satellite's and its register's (the rows it was given and did not
 *      keep), each once — is set beside the row before it in change order (`$neighbours`); each
 *      that differs from it and is not stored is inserted (`$new`): the batch's rows with their
 *      payload, a registered row a late row has made a change again with the payload of a stored
 *      row of its hashdiff. A second statement then registers the batch's rows not stored.
 *    - Without one, only the load: the change is new unless that very row (key, load_ts,
 *      hashdiff) is stored, and it is inserted unless it equals the key's latest stored row.
 * 5. The rows a load inserts for a key get load_ts = batch load timestamp + 0, 1, ... µs.
 *
 * So loading the same landing data again inserts nothing, with any load timestamp.
 */
import { METADATA_COLUMNS, type ColumnType, type LinkSatellite, type Satellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import type { CodeWriter } from '../writer.js';
import { need, parentKeySource, sourceColumn, type SqlContext } from './context.js';
import { hashExpression, missingKey } from './hashing.js';
import { keepLastByTerms, oneStatePerDelta } from './duplicates.js';
import { childKeyInputs, linkInputs, linkKeep } from './load.js';
import { entityTable, landingTable, registerTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { castSource, keyInputs, orderTerm, payloadHashdiff, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

interface DeltaOrder {
  /** The landing column. */
  readonly column: string;
  readonly type: ColumnType;
}

export function parentKey(ctx: SqlContext, sat: Satellite | LinkSatellite): { readonly hash: string; readonly keep: string } {
  const source = parentKeySource(ctx, sat);
  if (source === undefined) {
    throw new Error(`vault SQL: ${sat.kind} '${sat.name}' reads ${sat.source.table}, which does not carry the key of '${sat.parent}'`);
  }
  if (sat.kind === 'satellite') {
    const inputs = keyInputs(ctx.dialect, source.columns, need(ctx.hubs, sat.parent, 'hub').businessKeys);
    return { hash: hashExpression(ctx.dialect, ctx.model.hashing, inputs, 'key'), keep: `NOT ${missingKey(ctx.dialect, inputs)}` };
  }
  const link = need(ctx.links, sat.parent, 'link');
  const perHub = linkInputs(ctx, link, source.columns);
  return { hash: hashExpression(ctx.dialect, ctx.model.hashing, [...perHub.flat(), ...childKeyInputs(ctx, link, source.columns)], 'key'), keep: linkKeep(ctx, perHub) };
}

/** A satellite's load: the statement that loads its table and, with a delta order, the one that then fills its register. */
export interface SatelliteLoad {
  readonly load: Statement;
  readonly register: Statement | undefined;
}

export function satelliteLoad(ctx: SqlContext, sat: Satellite | LinkSatellite): SatelliteLoad {
  const { as, col, quoteIdent, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const key = parentKey(ctx, sat);
  // The satellite's own delta order, as its table's columns (`entityColumns`) have it.
  const delta: DeltaOrder | undefined = sat.deltaOrder === undefined ? undefined : { column: sat.deltaOrder, type: sourceColumn(ctx, sat.source.table, sat.deltaOrder).type };
  const payload = sat.payload.map((c) => ({ name: c.name, sql: castSource(d, c.sourceColumn, c.type), type: c.type }));
  const table = tableIdent(entityTable(ctx, sat.kind, sat.name));
  const q = quoteIdent;
  const hk = q(sat.parentHashKey);
  const hashdiff = q(METADATA_COLUMNS.hashDiff);
  // duplicates: keep_last_by (never beside a delta order) ranks a key's rows by its column first.
  const keep = keepLastByTerms(ctx, sat);
  const order = [...(delta === undefined ? [] : [`${orderTerm(d, q(WORK.deltaOrder), delta.type)} NULLS LAST`]), ...(keep === undefined ? [] : [keep.order]), hashdiff].join(', ');
  // Both window functions share one window: named where the engine can, else spelled twice.
  const keyWindowSpec = `PARTITION BY ${hk} ORDER BY ${order}`;
  const keyWindow = d.capabilities.namedWindows ? q(WORK.key) : `(${keyWindowSpec})`;
  const c = (column: string): string => col('c', column);
  /** Steps 1-3: `WITH` the staged rows, ..., the candidates (`$changes`), left open for the next CTE. */
  const candidates = (w: CodeWriter): void => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          as(key.hash, sat.parentHashKey),
          as(payloadHashdiff(ctx, sat.payload), METADATA_COLUMNS.hashDiff),
          ...payload.map((p) => as(p.sql, p.name)),
          ...(delta === undefined ? [] : [as(`${q(SOURCE_ALIAS)}.${q(delta.column)}`, WORK.deltaOrder)]),
          ...(keep === undefined ? [] : [keep.staged]),
        ]),
      );
      w.line(`FROM ${tableIdent(landingTable(ctx, sat.source.table))} AS ${q(SOURCE_ALIAS)}`);
      w.line(`WHERE ${key.keep}`);
    });
    // duplicates: error_table with a delta order keeps one row per key and delta-order value.
    const staged = oneStatePerDelta(w, ctx, sat, WORK.staged, { key: hk, hashdiff, delta: q(WORK.deltaOrder) }) ?? WORK.staged;
    w.line(`), ${q(WORK.ordered)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          `${q(staged)}.*`,
          as(`row_number() OVER ${keyWindow}`, WORK.row),
          ...(delta === undefined ? [] : [as(`lag(${hashdiff}) OVER ${keyWindow}`, WORK.previousHashdiff), as(`lag(${q(WORK.deltaOrder)}) OVER ${keyWindow}`, WORK.previousDelta)]),
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
        delta === undefined ? `WHERE ${q(WORK.row)} = 1` : `WHERE ${q(WORK.row)} = 1 OR ${hashdiff} <> ${q(WORK.previousHashdiff)} OR ${q(WORK.deltaOrder)} IS DISTINCT FROM ${q(WORK.previousDelta)}`,
      );
    });
  };
  const columns = [
    sat.parentHashKey,
    METADATA_COLUMNS.loadTimestamp,
    METADATA_COLUMNS.recordSource,
    METADATA_COLUMNS.hashDiff,
    ...(delta === undefined ? [] : [DELTA_ORDER_COLUMN]),
    ...payload.map((p) => p.name),
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
      w.block(() => commaList(w, [c(sat.parentHashKey), c(WORK.loadTimestamp), recordSourceOf(ctx, sat.source.table), c(METADATA_COLUMNS.hashDiff), ...payload.map((p) => c(p.name))]));
      w.line(`FROM ${q(WORK.timed)} AS ${q('c')}`);
      insertIfNewLoad(ctx, w, table, sat);
    });
    return { load, register: undefined };
  }
  const register = tableIdent(registerTable(ctx, sat));
  const load = statement((w) => {
    candidates(w);
    changesOfAllRows(ctx, w, { table, register, sat, delta });
    w.line(')');
    const n = (column: string): string => col('n', column);
    const p = (column: string): string => col('p', column);
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        n(sat.parentHashKey),
        d.addMicroseconds(d.loadTimestamp.sql, `(${n(WORK.position)} - 1)`),
        recordSourceOf(ctx, sat.source.table),
        n(METADATA_COLUMNS.hashDiff),
        n(WORK.deltaOrder),
        // The batch's row, else (a row found unchanged before, now a change) a stored row of its hashdiff.
        ...payload.map((x) => `CASE WHEN ${c(sat.parentHashKey)} IS NULL THEN ${p(x.name)} ELSE ${c(x.name)} END`),
      ]),
    );
    w.line(`FROM ${q(WORK.newChanges)} AS ${q('n')}`);
    w.line(`LEFT JOIN ${q(WORK.changes)} AS ${q('c')}`);
    w.block(() => w.line(`ON ${sameRow('c', WORK.deltaOrder, 'n', WORK.deltaOrder)}`));
    w.line(`LEFT JOIN ${table} AS ${q('p')}`);
    w.block(() => {
      w.line(`ON ${c(sat.parentHashKey)} IS NULL AND ${p(sat.parentHashKey)} = ${n(sat.parentHashKey)} AND ${p(METADATA_COLUMNS.hashDiff)} = ${n(METADATA_COLUMNS.hashDiff)}`);
      w.line(
        `AND ${p(METADATA_COLUMNS.loadTimestamp)} = (SELECT min(${col('x', METADATA_COLUMNS.loadTimestamp)}) FROM ${table} AS ${q('x')} WHERE ${col('x', sat.parentHashKey)} = ${n(sat.parentHashKey)} AND ${col('x', METADATA_COLUMNS.hashDiff)} = ${n(METADATA_COLUMNS.hashDiff)})`,
      );
    });
    w.line(`WHERE ${c(sat.parentHashKey)} IS NOT NULL OR ${p(sat.parentHashKey)} IS NOT NULL`);
  });
  // Then the batch's rows the satellite did not keep go to its register, each once.
  const registered = statement((w) => {
    candidates(w);
    w.line(')');
    const registerColumns = [sat.parentHashKey, DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff, METADATA_COLUMNS.loadTimestamp];
    w.line(`INSERT INTO ${register} (${registerColumns.map(q).join(', ')})`);
    w.line(`SELECT ${[c(sat.parentHashKey), c(WORK.deltaOrder), c(METADATA_COLUMNS.hashDiff), d.loadTimestamp.sql].join(', ')}`);
    w.line(`FROM ${q(WORK.changes)} AS ${q('c')}`);
    w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table} AS ${q('t')} WHERE ${sameRow('t', DELTA_ORDER_COLUMN, 'c', WORK.deltaOrder)})`);
    w.line(`AND NOT EXISTS (SELECT 1 FROM ${register} AS ${q('t')} WHERE ${sameRow('t', DELTA_ORDER_COLUMN, 'c', WORK.deltaOrder)})`);
  });
  return { load, register: registered };

  /** Rows `a` and `b` are one row: same key, hashdiff and delta-order value (NULL matching NULL). */
  function sameRow(a: string, aDelta: string, b: string, bDelta: string): string {
    return `${col(a, sat.parentHashKey)} = ${col(b, sat.parentHashKey)} AND ${col(a, METADATA_COLUMNS.hashDiff)} = ${col(b, METADATA_COLUMNS.hashDiff)} AND ${col(a, aDelta)} IS NOT DISTINCT FROM ${col(b, bDelta)}`;
  }
}

/**
 * With a delta order, step 4: every row of the batch's keys — the batch's, the satellite's and its
 * register's, each once (`UNION`) — beside the row before it in change order (`$neighbours`);
 * those that differ from it and that the satellite does not hold are inserted (`$new`), numbered
 * 1..k per key in change order.
 */
function changesOfAllRows(
  ctx: SqlContext,
  w: CodeWriter,
  { table, register, sat, delta }: { readonly table: string; readonly register: string; readonly sat: Satellite | LinkSatellite; readonly delta: DeltaOrder },
): void {
  const { as, col, quoteIdent: q } = ctx.sql;
  const hk = q(sat.parentHashKey);
  const hashdiff = q(METADATA_COLUMNS.hashDiff);
  const t = (column: string): string => col('t', column);
  const m = (column: string): string => col('m', column);
  const order = `${orderTerm(ctx.dialect, q(WORK.deltaOrder), delta.type)} NULLS LAST, ${hashdiff}`;
  const stored = (from: string): string =>
    `SELECT ${[t(sat.parentHashKey), t(DELTA_ORDER_COLUMN), t(METADATA_COLUMNS.hashDiff)].join(', ')} FROM ${from} AS ${q('t')} WHERE ${t(sat.parentHashKey)} IN (SELECT ${hk} FROM ${q(WORK.changes)})`;
  w.line(`), ${q(WORK.neighbours)} AS (`);
  w.block(() => {
    w.line(`SELECT ${q('a')}.*, ${as(`lag(${hashdiff}) OVER (PARTITION BY ${hk} ORDER BY ${order})`, WORK.previousHashdiff)}`);
    w.line('FROM (');
    w.block(() => {
      w.line(`SELECT ${[hk, q(WORK.deltaOrder), hashdiff].join(', ')} FROM ${q(WORK.changes)}`);
      w.line('UNION');
      w.line(stored(table));
      w.line('UNION');
      w.line(stored(register));
    });
    w.line(`) AS ${q('a')}`);
  });
  w.line(`), ${q(WORK.newChanges)} AS (`);
  w.block(() => {
    w.line(`SELECT ${q('m')}.*, ${as(`row_number() OVER (PARTITION BY ${hk} ORDER BY ${order})`, WORK.position)}`);
    w.line(`FROM ${q(WORK.neighbours)} AS ${q('m')}`);
    w.line(`WHERE ${m(WORK.previousHashdiff)} IS DISTINCT FROM ${m(METADATA_COLUMNS.hashDiff)} AND NOT EXISTS (`);
    w.block(() => {
      w.line(`SELECT 1 FROM ${table} AS ${q('t')}`);
      w.line(
        `WHERE ${t(sat.parentHashKey)} = ${m(sat.parentHashKey)} AND ${t(METADATA_COLUMNS.hashDiff)} = ${m(METADATA_COLUMNS.hashDiff)} AND ${t(DELTA_ORDER_COLUMN)} IS NOT DISTINCT FROM ${m(WORK.deltaOrder)}`,
      );
    });
    w.line(')');
  });
}

/**
 * Without a delta order: the key's one change unless that very row is stored (a re-run with the
 * same load timestamp, even after later batches) or it equals the key's latest stored row.
 */
function insertIfNewLoad(ctx: SqlContext, w: CodeWriter, table: string, sat: Satellite | LinkSatellite): void {
  const { col, quoteIdent } = ctx.sql;
  const t = (column: string): string => col('t', column);
  const c = (column: string): string => col('c', column);
  w.line('WHERE NOT EXISTS (');
  w.block(() => {
    w.line(`SELECT 1 FROM ${table} AS ${quoteIdent('t')}`);
    w.line(
      `WHERE ${t(sat.parentHashKey)} = ${c(sat.parentHashKey)} AND ${t(METADATA_COLUMNS.loadTimestamp)} = ${c(WORK.loadTimestamp)} AND ${t(METADATA_COLUMNS.hashDiff)} = ${c(METADATA_COLUMNS.hashDiff)}`,
    );
  });
  w.line(`) AND ${c(METADATA_COLUMNS.hashDiff)} IS DISTINCT FROM (`);
  w.block(() => {
    w.line(`SELECT ${t(METADATA_COLUMNS.hashDiff)} FROM ${table} AS ${quoteIdent('t')}`);
    w.line(`WHERE ${t(sat.parentHashKey)} = ${c(sat.parentHashKey)}`);
    w.line(`ORDER BY ${t(METADATA_COLUMNS.loadTimestamp)} DESC LIMIT 1`);
  });
  w.line(')');
}
