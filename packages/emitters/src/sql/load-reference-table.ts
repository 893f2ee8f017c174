/**
 * Load statement of a reference table: the satellite load (load-satellite.ts) keyed by the code
 * columns instead of a parent hash key. Insert-only, incremental, idempotent:
 *
 * 1. Stage the landing rows whose code is present: the codes, the hashdiff over the descriptive
 *    columns (in name order), the descriptions, and the delta-order value when the table has one.
 * 2. Order each code's rows by (delta order NULLS LAST, hashdiff); without a delta order a batch
 *    holds one state per code, the row with the smallest hashdiff.
 * 3. Drop rows whose hashdiff equals the previous row's: the batch's changes, numbered 1..k per
 *    code; change j gets load_ts = batch load timestamp + (j - 1) µs.
 * 4. With a delta order, a change (code, delta-order value, hashdiff) already stored is not new,
 *    and the first new change of a code is inserted unless it equals the stored row just before
 *    it in delta order. Without one, the change is inserted unless that very row (code, load_ts,
 *    hashdiff) is stored or it equals the code's latest stored row.
 *
 * So the table keeps every version of a code's descriptions, and a rerun inserts nothing.
 */
import { METADATA_COLUMNS, type ColumnType, type ReferenceTable } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import type { CodeWriter } from '../writer.js';
import { sourceColumn, type SqlContext } from './context.js';
import { entityTable, landingTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { castSource, orderTerm, payloadHashdiff, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

interface DeltaOrder {
  readonly column: string;
  readonly type: ColumnType;
}

export function referenceTableLoad(ctx: SqlContext, ref: ReferenceTable): Statement {
  const { as, col, quoteIdent, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const q = quoteIdent;
  const delta: DeltaOrder | undefined = ref.deltaOrder === undefined ? undefined : { column: ref.deltaOrder, type: sourceColumn(ctx, ref.source.table, ref.deltaOrder).type };
  const codes = ref.codes.map((c, i) => ({ name: c.name, sql: castSource(d, ref.source.columns[i]!, c.type) }));
  const payload = ref.attributes.map((c) => ({ name: c.name, sql: castSource(d, c.sourceColumn, c.type), type: c.type }));
  const table = tableIdent(entityTable(ctx, ref.kind, ref.name));
  const hashdiff = q(METADATA_COLUMNS.hashDiff);
  const partition = codes.map((k) => q(k.name)).join(', ');
  const order = [...(delta === undefined ? [] : [`${orderTerm(d, q(WORK.deltaOrder), delta.type)} NULLS LAST`]), hashdiff].join(', ');
  const keyWindowSpec = `PARTITION BY ${partition} ORDER BY ${order}`;
  const keyWindow = d.capabilities.namedWindows ? q(WORK.key) : `(${keyWindowSpec})`;
  const c = (column: string): string => col('c', column);
  const sameCode = (t: string): string => codes.map((k) => `${col(t, k.name)} = ${c(k.name)}`).join(' AND ');
  return statement((w) => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          ...codes.map((k) => as(k.sql, k.name)),
          as(payloadHashdiff(ctx, ref.attributes), METADATA_COLUMNS.hashDiff),
          ...payload.map((p) => as(p.sql, p.name)),
          ...(delta === undefined ? [] : [as(`${q(SOURCE_ALIAS)}.${q(delta.column)}`, WORK.deltaOrder)]),
        ]),
      );
      w.line(`FROM ${tableIdent(landingTable(ctx, ref.source.table))} AS ${q(SOURCE_ALIAS)}`);
      w.line(`WHERE ${ref.source.columns.map((k) => `${q(SOURCE_ALIAS)}.${q(k)} IS NOT NULL`).join(' AND ')}`);
    });
    w.line(`), ${q(WORK.ordered)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() => commaList(w, [`${q(WORK.staged)}.*`, as(`row_number() OVER ${keyWindow}`, WORK.row), as(`lag(${hashdiff}) OVER ${keyWindow}`, WORK.previousHashdiff)]));
      w.line(`FROM ${q(WORK.staged)}`);
      if (d.capabilities.namedWindows) w.line(`WINDOW ${q(WORK.key)} AS (${keyWindowSpec})`);
    });
    w.line(`), ${q(WORK.changes)} AS (`);
    w.block(() => {
      w.line(`SELECT ${q(WORK.ordered)}.*, ${as(`row_number() OVER (PARTITION BY ${partition} ORDER BY ${q(WORK.row)})`, WORK.position)}`);
      w.line(`FROM ${q(WORK.ordered)}`);
      w.line(delta === undefined ? `WHERE ${q(WORK.row)} = 1` : `WHERE ${q(WORK.previousHashdiff)} IS NULL OR ${hashdiff} <> ${q(WORK.previousHashdiff)}`);
    });
    if (delta !== undefined) {
      w.line(`), ${q(WORK.newChanges)} AS (`);
      w.block(() => {
        w.line(`SELECT ${q('c')}.*, ${as(`row_number() OVER (PARTITION BY ${codes.map((k) => c(k.name)).join(', ')} ORDER BY ${c(WORK.position)})`, WORK.newRank)}`);
        w.line(`FROM ${q(WORK.changes)} AS ${q('c')}`);
        w.line('WHERE NOT EXISTS (');
        w.block(() => {
          w.line(`SELECT 1 FROM ${table} AS ${q('t')}`);
          w.line(`WHERE ${sameCode('t')} AND ${col('t', METADATA_COLUMNS.hashDiff)} = ${c(METADATA_COLUMNS.hashDiff)} AND ${col('t', DELTA_ORDER_COLUMN)} IS NOT DISTINCT FROM ${c(WORK.deltaOrder)}`);
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
      ...codes.map((k) => k.name),
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
        ...codes.map((k) => c(k.name)),
        c(WORK.loadTimestamp),
        recordSourceOf(ctx, ref.source.table),
        c(METADATA_COLUMNS.hashDiff),
        ...(delta === undefined ? [] : [c(WORK.deltaOrder)]),
        ...payload.map((p) => c(p.name)),
      ]),
    );
    w.line(`FROM ${q(WORK.timed)} AS ${q('c')}`);
    if (delta === undefined) insertIfNewLoad(ctx, w, table, sameCode);
    else insertIfChanged(ctx, w, table, sameCode, delta);
  });
}

/** With a delta order: the first new change of a code unless it equals the stored row just before it; every later new change. */
function insertIfChanged(ctx: SqlContext, w: CodeWriter, table: string, sameCode: (t: string) => string, delta: DeltaOrder): void {
  const { col, quoteIdent } = ctx.sql;
  const t = (column: string): string => col('t', column);
  const c = (column: string): string => col('c', column);
  const [tDelta, cDelta] = [orderTerm(ctx.dialect, t(DELTA_ORDER_COLUMN), delta.type), orderTerm(ctx.dialect, c(WORK.deltaOrder), delta.type)];
  const [tDiff, cDiff] = [t(METADATA_COLUMNS.hashDiff), c(METADATA_COLUMNS.hashDiff)];
  w.line(`WHERE ${c(WORK.newRank)} > 1 OR ${cDiff} IS DISTINCT FROM (`);
  w.block(() => {
    w.line(`SELECT ${tDiff} FROM ${table} AS ${quoteIdent('t')}`);
    w.line(`WHERE ${sameCode('t')} AND (`);
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

/** Without a delta order: the code's one change unless that very row is stored or it equals the code's latest stored row. */
function insertIfNewLoad(ctx: SqlContext, w: CodeWriter, table: string, sameCode: (t: string) => string): void {
  const { col, quoteIdent } = ctx.sql;
  const t = (column: string): string => col('t', column);
  const c = (column: string): string => col('c', column);
  w.line('WHERE NOT EXISTS (');
  w.block(() => {
    w.line(`SELECT 1 FROM ${table} AS ${quoteIdent('t')}`);
    w.line(`WHERE ${sameCode('t')} AND ${t(METADATA_COLUMNS.loadTimestamp)} = ${c(WORK.loadTimestamp)} AND ${t(METADATA_COLUMNS.hashDiff)} = ${c(METADATA_COLUMNS.hashDiff)}`);
  });
  w.line(`) AND ${c(METADATA_COLUMNS.hashDiff)} IS DISTINCT FROM (`);
  w.block(() => {
    w.line(`SELECT ${t(METADATA_COLUMNS.hashDiff)} FROM ${table} AS ${quoteIdent('t')}`);
    w.line(`WHERE ${sameCode('t')}`);
    w.line(`ORDER BY ${t(METADATA_COLUMNS.loadTimestamp)} DESC LIMIT 1`);
  });
  w.line(')');
}
