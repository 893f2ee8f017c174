/**
 * Load statement of a satellite or link satellite: insert-only, incremental, idempotent, and
 * keeping every change of a batch in order (docs/sql.md, "Loads").
 *
 * 1. Stage the landing rows whose parent key is present (for a link satellite, the rows its link
 *    keeps, `linkKeep`: a missing reference is hashed as the link hashes it): parent hash key,
 *    hashdiff (the payload's columns in name order), payload, and the delta-order value when the
 *    source table has a delta-order column.
 * 2. Order each key's rows by (delta order NULLS LAST, hashdiff). Without a delta-order column a
 *    batch holds one state per key: the row with the smallest hashdiff is kept (an arbitrary but
 *    deterministic choice).
 * 3. Drop rows whose hashdiff equals the previous row's (LAG): what remains are the batch's
 *    changes, numbered 1..k per key. Change j gets load_ts = batch load timestamp + (j - 1) µs.
 * 4. Which changes are new depends on what identifies a change:
 *    - With a delta order, the change itself: (key, delta-order value, hashdiff), which the
 *      satellite stores in its `delta_order` column. A change found there is not new, whatever
 *      the load timestamp. The first new change of a key is inserted unless it equals the stored
 *      row just before it in delta order (so late and out-of-order batches compare with the right
 *      row); the later new changes differ from the change before them by step 3.
 *    - Without one, only the load: the change is new unless that very row (key, load_ts,
 *      hashdiff) is stored, and it is inserted unless it equals the key's latest stored row.
 *
 * So loading the same landing data again inserts nothing, with any load timestamp.
 */
import { METADATA_COLUMNS, type ColumnType, type LinkSatellite, type Satellite } from '@vault/core';
import { byCodeUnit } from '@vault/core/internal';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import type { CodeWriter } from '../writer.js';
import { need, parentKeySource, sourceColumn, type SqlContext } from './context.js';
import { hashExpression, missingKey } from './hashing.js';
import { keepLastByTerms, oneStatePerDelta } from './duplicates.js';
import { childKeyInputs, linkInputs, linkKeep } from './load.js';
import { entityTable, landingTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { castSource, keyInputs, orderTerm, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

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

export function satelliteLoad(ctx: SqlContext, sat: Satellite | LinkSatellite): Statement {
  const { as, col, quoteIdent, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const key = parentKey(ctx, sat);
  // The satellite's own delta order, as its table's columns (`entityColumns`) have it.
  const delta: DeltaOrder | undefined = sat.deltaOrder === undefined ? undefined : { column: sat.deltaOrder, type: sourceColumn(ctx, sat.source.table, sat.deltaOrder).type };
  const payload = sat.payload.map((c) => ({ name: c.name, sql: castSource(d, c.sourceColumn, c.type), type: c.type }));
  const byName = [...payload].sort((a, b) => byCodeUnit(a.name, b.name));
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
  const t = (column: string): string => col('t', column);
  const c = (column: string): string => col('c', column);
  return statement((w) => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          as(key.hash, sat.parentHashKey),
          as(hashExpression(d, ctx.model.hashing, byName, 'hashdiff'), METADATA_COLUMNS.hashDiff),
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
      w.block(() => commaList(w, [`${q(staged)}.*`, as(`row_number() OVER ${keyWindow}`, WORK.row), as(`lag(${hashdiff}) OVER ${keyWindow}`, WORK.previousHashdiff)]));
      w.line(`FROM ${q(staged)}`);
      if (d.capabilities.namedWindows) w.line(`WINDOW ${q(WORK.key)} AS (${keyWindowSpec})`);
    });
    w.line(`), ${q(WORK.changes)} AS (`);
    w.block(() => {
      w.line(`SELECT ${q(WORK.ordered)}.*, ${as(`row_number() OVER (PARTITION BY ${hk} ORDER BY ${q(WORK.row)})`, WORK.position)}`);
      w.line(`FROM ${q(WORK.ordered)}`);
      w.line(delta === undefined ? `WHERE ${q(WORK.row)} = 1` : `WHERE ${q(WORK.previousHashdiff)} IS NULL OR ${hashdiff} <> ${q(WORK.previousHashdiff)}`);
    });
    if (delta !== undefined) {
      // The changes the satellite does not hold: anti-join on the change's identity.
      w.line(`), ${q(WORK.newChanges)} AS (`);
      w.block(() => {
        w.line(`SELECT ${q('c')}.*, ${as(`row_number() OVER (PARTITION BY ${c(sat.parentHashKey)} ORDER BY ${c(WORK.position)})`, WORK.newRank)}`);
        w.line(`FROM ${q(WORK.changes)} AS ${q('c')}`);
        w.line('WHERE NOT EXISTS (');
        w.block(() => {
          w.line(`SELECT 1 FROM ${table} AS ${q('t')}`);
          w.line(
            `WHERE ${t(sat.parentHashKey)} = ${c(sat.parentHashKey)} AND ${t(METADATA_COLUMNS.hashDiff)} = ${c(METADATA_COLUMNS.hashDiff)} AND ${t(DELTA_ORDER_COLUMN)} IS NOT DISTINCT FROM ${c(WORK.deltaOrder)}`,
          );
        });
        w.line(')');
      });
    }
    w.line(`), ${q(WORK.timed)} AS (`);
    w.block(() => {
      const from = delta === undefined ? WORK.changes : WORK.newChanges;
      w.line(`SELECT ${q(from)}.*, ${as(d.addMicroseconds(d.loadTimestamp.sql, `(${q(WORK.position)} - 1)`), WORK.loadTimestamp)}`);
      w.line(`FROM ${q(from)}`);
    });
    w.line(')');
    const columns = [
      sat.parentHashKey,
      METADATA_COLUMNS.loadTimestamp,
      METADATA_COLUMNS.recordSource,
      METADATA_COLUMNS.hashDiff,
      ...(delta === undefined ? [] : [DELTA_ORDER_COLUMN]),
      ...payload.map((p) => p.name),
    ];
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        c(sat.parentHashKey),
        c(WORK.loadTimestamp),
        recordSourceOf(ctx, sat.source.table),
        c(METADATA_COLUMNS.hashDiff),
        ...(delta === undefined ? [] : [c(WORK.deltaOrder)]),
        ...payload.map((p) => c(p.name)),
      ]),
    );
    w.line(`FROM ${q(WORK.timed)} AS ${q('c')}`);
    if (delta === undefined) insertIfNewLoad(ctx, w, table, sat);
    else insertIfChanged(ctx, w, table, sat, delta);
  });
}

/**
 * With a delta order: the first new change of a key unless it equals the stored row just before
 * it in the order the batch uses, (delta order NULLS LAST, hashdiff); every later new change.
 */
function insertIfChanged(ctx: SqlContext, w: CodeWriter, table: string, sat: Satellite | LinkSatellite, delta: DeltaOrder): void {
  const { col, quoteIdent } = ctx.sql;
  const t = (column: string): string => col('t', column);
  const c = (column: string): string => col('c', column);
  const [tDelta, cDelta] = [orderTerm(ctx.dialect, t(DELTA_ORDER_COLUMN), delta.type), orderTerm(ctx.dialect, c(WORK.deltaOrder), delta.type)];
  const [tDiff, cDiff] = [t(METADATA_COLUMNS.hashDiff), c(METADATA_COLUMNS.hashDiff)];
  w.line(`WHERE ${c(WORK.newRank)} > 1 OR ${cDiff} IS DISTINCT FROM (`);
  w.block(() => {
    w.line(`SELECT ${tDiff} FROM ${table} AS ${quoteIdent('t')}`);
    w.line(`WHERE ${t(sat.parentHashKey)} = ${c(sat.parentHashKey)} AND (`);
    w.block(() => {
      w.line(`${tDelta} < ${cDelta}`);
      w.line(`OR (${c(WORK.deltaOrder)} IS NULL AND ${t(DELTA_ORDER_COLUMN)} IS NOT NULL)`);
      w.line(`OR (${t(DELTA_ORDER_COLUMN)} IS NOT DISTINCT FROM ${c(WORK.deltaOrder)} AND ${tDiff} < ${cDiff})`);
    });
    w.line(')');
    w.line(`ORDER BY ${tDelta} DESC NULLS FIRST, ${tDiff} DESC LIMIT 1`);
  });
  w.line(')');
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
