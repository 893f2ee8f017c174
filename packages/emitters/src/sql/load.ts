/**
 * Load statements of hubs and links: insert-only, incremental and idempotent.
 *
 * From every landing table that carries the key (UNION ALL): compute the hash key (vault
 * hashing standard v1), skip missing keys, keep the earliest row per hash key (by the table's
 * delta-order column when it has one, then by source, then by the key values) among the hash
 * keys the table does not hold yet (anti-join, before the sort), and insert them. Running a
 * load again inserts nothing. `$1` is the batch load timestamp, bound by the caller.
 */
import { METADATA_COLUMNS, printColumnType, type ColumnType, type Hub, type Link } from '@vault/core';
import type { SqlContext } from './context.js';
import { hashExpression, missingKey, type HashInput } from './hashing.js';
import { entityTable, landingTable } from './names.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { deltaOrderOf, keyInputs, orderTerm, SOURCE_ALIAS, WORK } from './staging.js';
import { pgType } from './types.js';
import { as, col } from './views.js';

/** The batch load timestamp: always bound, never spliced. */
export const LOAD_TIMESTAMP_PARAMETER = '$1::timestamptz';

/** One landing table's rows as the entity's key columns. */
interface StagedSource {
  readonly table: string;
  /** Column name → SQL, in the entity's column order. */
  readonly columns: ReadonlyArray<readonly [string, string]>;
  readonly keep: string;
}

/**
 * The common delta-order type of the sources, when every source that declares one declares
 * the same type; mixed types cannot be compared, and the sources' own order decides instead.
 */
function commonDeltaType(ctx: SqlContext, tables: ReadonlyArray<string>): ColumnType | undefined {
  const types = tables.flatMap((t) => {
    const d = deltaOrderOf(ctx, t);
    return d === undefined ? [] : [d.type];
  });
  const first = types[0];
  return first !== undefined && types.every((t) => printColumnType(t) === printColumnType(first)) ? first : undefined;
}

function firstSeenLoad(ctx: SqlContext, target: Hub | Link, keyColumns: ReadonlyArray<string>, sources: ReadonlyArray<StagedSource>): Statement {
  const deltaType = commonDeltaType(ctx, sources.map((s) => s.table));
  const staged = quoteIdent(WORK.staged);
  const table = tableIdent(entityTable(ctx.model, target.kind, target.name));
  const hashKeys = target.kind === 'hub' ? [target.hashKey] : [target.hashKey, ...target.hubs.map((h) => h.hashKey)];
  const typeOf = new Map((target.kind === 'hub' ? target.businessKeys : target.hubs.flatMap((h) => h.businessKeys)).map((k) => [k.name, k.type] as const));
  return statement((w) => {
    w.line(`WITH ${staged} AS (`);
    w.block(() =>
      sources.forEach((s, i) => {
        if (i > 0) w.line('UNION ALL');
        const delta = deltaOrderOf(ctx, s.table);
        const deltaSql = deltaType === undefined ? undefined
          : delta !== undefined ? `${quoteIdent(SOURCE_ALIAS)}.${quoteIdent(delta.column)}`
          : `CAST(NULL AS ${pgType(deltaType)})`;
        w.line('SELECT');
        w.block(() =>
          commaList(w, [
            ...s.columns.map(([name, sql]) => as(sql, name)),
            ...(deltaSql === undefined ? [] : [as(deltaSql, WORK.deltaOrder)]),
            as(String(i), WORK.source),
          ]),
        );
        w.line(`FROM ${tableIdent(landingTable(ctx.model, s.table))} AS ${quoteIdent(SOURCE_ALIAS)}`);
        w.line(`WHERE ${s.keep}`);
      }),
    );
    // Keys the table holds already are dropped before the sort: a reload then sorts nothing.
    // (Per hash key, "first seen" and "not stored yet" commute.)
    w.line(`), ${quoteIdent(WORK.unseen)} AS (`);
    w.block(() => {
      w.line(`SELECT * FROM ${staged} AS ${quoteIdent('u')}`);
      w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table} AS ${quoteIdent('t')} WHERE ${col('t', target.hashKey)} = ${col('u', target.hashKey)})`);
    });
    w.line(`), ${quoteIdent(WORK.firstSeen)} AS (`);
    w.block(() => {
      const hk = quoteIdent(target.hashKey);
      w.line(`SELECT DISTINCT ON (${hk}) * FROM ${quoteIdent(WORK.unseen)}`);
      const order = [
        hk,
        ...(deltaType === undefined ? [] : [`${orderTerm(quoteIdent(WORK.deltaOrder), deltaType)} NULLS LAST`]),
        quoteIdent(WORK.source),
        ...keyColumns.map((k) => orderTerm(`CAST(${quoteIdent(k)} AS text)`, typeOf.get(k) ?? { kind: 'text' })),
      ];
      w.line(`ORDER BY ${order.join(', ')}`);
    });
    w.line(')');
    const columns = [...hashKeys, ...keyColumns];
    w.line(`INSERT INTO ${table} (${[...columns, METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource].map(quoteIdent).join(', ')})`);
    w.line(`SELECT ${[...columns.map((c) => col('f', c)), LOAD_TIMESTAMP_PARAMETER, quoteLiteral(ctx.model.recordSource)].join(', ')}`);
    w.line(`FROM ${quoteIdent(WORK.firstSeen)} AS ${quoteIdent('f')}`);
  });
}

export function hubLoad(ctx: SqlContext, hub: Hub): Statement {
  const keys = hub.businessKeys;
  const sources = hub.sources.map((s): StagedSource => {
    const inputs = keyInputs(s.columns, keys);
    return {
      table: s.table,
      columns: [[hub.hashKey, hashExpression(ctx.model.hashing, inputs, 'key')], ...keys.map((k, i) => [k.name, inputs[i]!.sql] as const)],
      keep: `NOT ${missingKey(inputs)}`,
    };
  });
  return firstSeenLoad(ctx, hub, keys.map((k) => k.name), sources);
}

/** Hash inputs per hub of a link, from landing columns lined up with all the link's keys. */
export function linkInputs(link: Link, columns: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<HashInput>> {
  const keyCount = link.hubs.reduce((n, h) => n + h.businessKeys.length, 0);
  if (columns.length !== keyCount) throw new Error(`vault SQL: link '${link.name}' has ${keyCount} key columns, a source gives ${columns.length}`);
  let at = 0;
  return link.hubs.map((h) => {
    const slice = columns.slice(at, at + h.businessKeys.length);
    at += h.businessKeys.length;
    return keyInputs(slice, h.businessKeys);
  });
}

/** A link row needs every hub's key. */
export function linkKeep(perHub: ReadonlyArray<ReadonlyArray<HashInput>>): string {
  return perHub.map((inputs) => `NOT ${missingKey(inputs)}`).join(' AND ');
}

export function linkLoad(ctx: SqlContext, link: Link): Statement {
  const keys = link.hubs.flatMap((h) => h.businessKeys);
  const sources = link.sources.map((s): StagedSource => {
    const perHub = linkInputs(link, s.columns);
    const all = perHub.flat();
    return {
      table: s.table,
      columns: [
        [link.hashKey, hashExpression(ctx.model.hashing, all, 'key')],
        ...link.hubs.map((h, i) => [h.hashKey, hashExpression(ctx.model.hashing, perHub[i]!, 'key')] as const),
        ...keys.map((k, i) => [k.name, all[i]!.sql] as const),
      ],
      keep: linkKeep(perHub),
    };
  });
  return firstSeenLoad(ctx, link, keys.map((k) => k.name), sources);
}
