/**
 * Load statement of a satellite or link satellite: insert-only, incremental, idempotent, and
 * keeping every change of a batch in order.
 *
 * 1. Stage the landing rows whose parent key is present: parent hash key, hashdiff (the
 *    payload's columns in name order), payload.
 * 2. Order each key's rows by the table's delta-order column (ties: by hashdiff). Without a
 *    delta-order column a batch holds one state per key: the row with the smallest hashdiff is
 *    kept (an arbitrary but deterministic choice).
 * 3. Drop rows whose hashdiff equals the previous row's (LAG): what remains are the batch's
 *    changes, numbered 1..k per key.
 * 4. Change j gets load_ts = batch load timestamp + (j - 1) microseconds: distinct, ordered,
 *    and the same when the batch runs again.
 * 5. Insert a change unless that very row is stored already (a re-run) or, for the first change
 *    of a key, it equals the latest stored row before it (nothing changed).
 *
 * So re-running a batch with the same load timestamp inserts nothing, and a batch with k real
 * changes of a key adds exactly k rows in order. Batch load timestamps must be further apart
 * than the most changes one key has in a batch, in microseconds; if they are not, the insert
 * fails on the primary key rather than losing a change.
 */
import { METADATA_COLUMNS, type LinkSatellite, type Satellite } from '@vault/core';
import { need, parentKeySource, type SqlContext } from './context.js';
import { hashExpression, missingKey } from './hashing.js';
import { LOAD_TIMESTAMP_PARAMETER, linkInputs, linkKeep } from './load.js';
import { entityTable, landingTable } from './names.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { castSource, deltaOrderOf, keyInputs, orderTerm, SOURCE_ALIAS, WORK } from './staging.js';
import { as, col } from './views.js';

function parentKey(ctx: SqlContext, sat: Satellite | LinkSatellite): { readonly hash: string; readonly keep: string } {
  const source = parentKeySource(ctx, sat);
  if (source === undefined) {
    throw new Error(`vault SQL: ${sat.kind} '${sat.name}' reads ${sat.source.table}, which does not carry the key of '${sat.parent}'`);
  }
  if (sat.kind === 'satellite') {
    const inputs = keyInputs(source.columns, need(ctx.hubs, sat.parent, 'hub').businessKeys);
    return { hash: hashExpression(ctx.model.hashing, inputs, 'key'), keep: `NOT ${missingKey(inputs)}` };
  }
  const perHub = linkInputs(need(ctx.links, sat.parent, 'link'), source.columns);
  return { hash: hashExpression(ctx.model.hashing, perHub.flat(), 'key'), keep: linkKeep(perHub) };
}

export function satelliteLoad(ctx: SqlContext, sat: Satellite | LinkSatellite): Statement {
  const key = parentKey(ctx, sat);
  const delta = deltaOrderOf(ctx, sat.source.table);
  const payload = sat.payload.map((c) => ({ name: c.name, sql: castSource(c.sourceColumn, c.type), type: c.type }));
  const byName = [...payload].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const table = tableIdent(entityTable(ctx.model, sat.kind, sat.name));
  const q = quoteIdent;
  const hk = q(sat.parentHashKey);
  const hashdiff = q(METADATA_COLUMNS.hashDiff);
  const order = [...(delta === undefined ? [] : [`${orderTerm(q(WORK.deltaOrder), delta.type)} NULLS LAST`]), hashdiff].join(', ');
  return statement((w) => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          as(key.hash, sat.parentHashKey),
          as(hashExpression(ctx.model.hashing, byName, 'hashdiff'), METADATA_COLUMNS.hashDiff),
          ...payload.map((c) => as(c.sql, c.name)),
          ...(delta === undefined ? [] : [as(`${q(SOURCE_ALIAS)}.${q(delta.column)}`, WORK.deltaOrder)]),
        ]),
      );
      w.line(`FROM ${tableIdent(landingTable(ctx.model, sat.source.table))} AS ${q(SOURCE_ALIAS)}`);
      w.line(`WHERE ${key.keep}`);
    });
    w.line(`), ${q(WORK.ordered)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          `${q(WORK.staged)}.*`,
          as(`row_number() OVER ${q(WORK.key)}`, WORK.row),
          as(`lag(${hashdiff}) OVER ${q(WORK.key)}`, WORK.previousHashdiff),
        ]),
      );
      w.line(`FROM ${q(WORK.staged)}`);
      w.line(`WINDOW ${q(WORK.key)} AS (PARTITION BY ${hk} ORDER BY ${order})`);
    });
    w.line(`), ${q(WORK.changes)} AS (`);
    w.block(() => {
      w.line(`SELECT ${q(WORK.ordered)}.*, ${as(`row_number() OVER (PARTITION BY ${hk} ORDER BY ${q(WORK.row)})`, WORK.position)}`);
      w.line(`FROM ${q(WORK.ordered)}`);
      w.line(
        delta === undefined
          ? `WHERE ${q(WORK.row)} = 1`
          : `WHERE ${q(WORK.previousHashdiff)} IS NULL OR ${hashdiff} <> ${q(WORK.previousHashdiff)}`,
      );
    });
    w.line(`), ${q(WORK.timed)} AS (`);
    w.block(() => {
      w.line(`SELECT ${q(WORK.changes)}.*, ${as(`${LOAD_TIMESTAMP_PARAMETER} + (${q(WORK.position)} - 1) * INTERVAL '1 microsecond'`, WORK.loadTimestamp)}`);
      w.line(`FROM ${q(WORK.changes)}`);
    });
    w.line(')');
    const columns = [sat.parentHashKey, METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource, METADATA_COLUMNS.hashDiff, ...payload.map((c) => c.name)];
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        col('c', sat.parentHashKey),
        col('c', WORK.loadTimestamp),
        quoteLiteral(ctx.model.recordSource),
        col('c', METADATA_COLUMNS.hashDiff),
        ...payload.map((c) => col('c', c.name)),
      ]),
    );
    w.line(`FROM ${q(WORK.timed)} AS ${q('c')}`);
    w.line('WHERE NOT EXISTS (');
    w.block(() => {
      w.line(`SELECT 1 FROM ${table} AS ${q('t')}`);
      w.line(`WHERE ${col('t', sat.parentHashKey)} = ${col('c', sat.parentHashKey)} AND ${col('t', METADATA_COLUMNS.loadTimestamp)} = ${col('c', WORK.loadTimestamp)} AND ${col('t', METADATA_COLUMNS.hashDiff)} = ${col('c', METADATA_COLUMNS.hashDiff)}`);
    });
    w.line(`) AND (${col('c', WORK.position)} > 1 OR ${col('c', METADATA_COLUMNS.hashDiff)} IS DISTINCT FROM (`);
    w.block(() => {
      w.line(`SELECT ${col('t', METADATA_COLUMNS.hashDiff)} FROM ${table} AS ${q('t')}`);
      w.line(`WHERE ${col('t', sat.parentHashKey)} = ${col('c', sat.parentHashKey)} AND ${col('t', METADATA_COLUMNS.loadTimestamp)} < ${col('c', WORK.loadTimestamp)}`);
      w.line(`ORDER BY ${col('t', METADATA_COLUMNS.loadTimestamp)} DESC LIMIT 1`);
    });
    w.line('))');
  });
}
