/**
 * Load statements of hubs and links: insert-only, incremental and idempotent.
 *
 * From every landing table that carries the key (UNION ALL): skip missing keys, compute the
 * hash keys (docs/hashing.md) once per distinct key value, keep the earliest row per hash key (by the table's
 * delta-order column when it has one, then by source, then by the key values) among the hash
 * keys the table does not hold yet (anti-join, before the sort), and insert them. Running a
 * load again inserts nothing. `$1` is the batch load timestamp, bound by the caller.
 */
import { METADATA_COLUMNS, printColumnType, TYPE_FAMILY, type Column, type ColumnType, type Hub, type Link } from '@vault/core/internal';
import type { CodeWriter } from '../writer.js';
import type { SqlContext } from './context.js';
import { groupableForHashing, hashExpression, missingKey, type HashInput } from './hashing.js';
import { entityTable, landingTable } from './names.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { deltaOrderOf, keyInputs, minOf, orderTerm, SOURCE_ALIAS, WORK } from './staging.js';
import { pgType } from './types.js';
import { as, col } from './views.js';

/** The batch load timestamp: always bound, never spliced. */
export const LOAD_TIMESTAMP_PARAMETER = '$1::timestamptz';

/** A hash key of the entity: its column, and the slice [from, to) of the key columns it hashes. */
interface KeyHash {
  readonly column: string;
  readonly from: number;
  readonly to: number;
}

/** One landing table's rows: the key columns' values, cast to their types, in key column order. */
interface StagedSource {
  readonly table: string;
  readonly inputs: ReadonlyArray<HashInput>;
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

/** One SELECT of the staged rows per source: hash keys, key columns, delta order, source number. */
interface StagedSelect {
  readonly ctx: SqlContext;
  readonly keys: ReadonlyArray<Column>;
  readonly hashes: ReadonlyArray<KeyHash>;
  readonly deltaType: ColumnType | undefined;
}

/**
 * The staged columns of source number `index`: hash keys and key columns from the key values
 * `inputs`, the delta-order value (`delta`, the table's; NULL for a table without one), the source.
 */
function stagedColumns(o: StagedSelect, inputs: ReadonlyArray<HashInput>, delta: string | undefined, index: number): ReadonlyArray<string> {
  const deltaSql = o.deltaType === undefined ? undefined : (delta ?? `CAST(NULL AS ${pgType(o.deltaType)})`);
  return [
    ...o.hashes.map((h) => as(hashExpression(o.ctx.model.hashing, inputs.slice(h.from, h.to), 'key'), h.column)),
    ...o.keys.map((k, i) => as(inputs[i]!.sql, k.name)),
    ...(deltaSql === undefined ? [] : [as(deltaSql, WORK.deltaOrder)]),
    as(String(index), WORK.source),
  ];
}

/** `FROM <landing table> AS "s" WHERE <key present>`. */
function fromLanding(w: CodeWriter, o: StagedSelect, s: StagedSource): void {
  w.line(`FROM ${tableIdent(landingTable(o.ctx.model, s.table))} AS ${quoteIdent(SOURCE_ALIAS)}`);
  w.line(`WHERE ${s.keep}`);
}

/**
 * Every landing row: hashes computed per row. For keys of types `groupableForHashing` refuses
 * (decimal, float, interval, JSON), where equal values may hash differently.
 */
function rowsSelect(w: CodeWriter, o: StagedSelect, s: StagedSource, index: number): void {
  const delta = deltaOrderOf(o.ctx, s.table);
  w.line('SELECT');
  w.block(() => commaList(w, stagedColumns(o, s.inputs, delta === undefined ? undefined : col(SOURCE_ALIAS, delta.column), index)));
  fromLanding(w, o, s);
}

/**
 * The landing rows grouped by key value first, keeping each value's earliest delta order, so
 * only distinct keys are hashed (a batch repeats a key once per change). Every row of a group
 * hashes alike and the group keeps its earliest row's order, so the first-seen row per hash key
 * is the one `rowsSelect` would give. Text is grouped byte for byte (`COLLATE "C"`).
 */
function groupedSelect(w: CodeWriter, o: StagedSelect, s: StagedSource, index: number, minDelta: ((sql: string) => string) | undefined): void {
  const delta = deltaOrderOf(o.ctx, s.table);
  const g = WORK.grouped;
  const values = s.inputs.map((input) => (TYPE_FAMILY[input.type.kind] === 'text' ? `${input.sql} COLLATE ${quoteIdent('C')}` : input.sql));
  const grouped = o.keys.map((k): HashInput => ({ sql: col(g, k.name), type: k.type }));
  const groupDelta = minDelta === undefined || delta === undefined ? undefined : minDelta(col(SOURCE_ALIAS, delta.column));
  w.line('SELECT');
  w.block(() => commaList(w, stagedColumns(o, grouped, groupDelta === undefined ? undefined : col(g, WORK.deltaOrder), index)));
  w.line('FROM (');
  w.block(() => {
    w.line('SELECT');
    w.block(() => commaList(w, [...o.keys.map((k, i) => as(values[i]!, k.name)), ...(groupDelta === undefined ? [] : [as(groupDelta, WORK.deltaOrder)])]));
    fromLanding(w, o, s);
    w.line(`GROUP BY ${values.join(', ')}`);
  });
  w.line(`) AS ${quoteIdent(g)}`);
}

function firstSeenLoad(ctx: SqlContext, target: Hub | Link, keys: ReadonlyArray<Column>, hashes: ReadonlyArray<KeyHash>, sources: ReadonlyArray<StagedSource>): Statement {
  const deltaType = commonDeltaType(ctx, sources.map((s) => s.table));
  const staged = quoteIdent(WORK.staged);
  const table = tableIdent(entityTable(ctx.model, target.kind, target.name));
  const o: StagedSelect = { ctx, keys, hashes, deltaType };
  // Grouping needs keys that hash alike when equal, and a min() of the delta order.
  const minDelta = deltaType === undefined ? undefined : minOf(deltaType);
  const grouped = groupableForHashing(keys.map((k) => k.type)) && (deltaType === undefined || minDelta !== undefined);
  return statement((w) => {
    w.line(`WITH ${staged} AS (`);
    w.block(() =>
      sources.forEach((s, i) => {
        if (i > 0) w.line('UNION ALL');
        if (grouped) groupedSelect(w, o, s, i, minDelta);
        else rowsSelect(w, o, s, i);
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
        ...keys.map((k) => orderTerm(`CAST(${quoteIdent(k.name)} AS text)`, k.type)),
      ];
      w.line(`ORDER BY ${order.join(', ')}`);
    });
    w.line(')');
    const columns = [...hashes.map((h) => h.column), ...keys.map((k) => k.name)];
    w.line(`INSERT INTO ${table} (${[...columns, METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource].map(quoteIdent).join(', ')})`);
    w.line(`SELECT ${[...columns.map((c) => col('f', c)), LOAD_TIMESTAMP_PARAMETER, quoteLiteral(ctx.model.recordSource)].join(', ')}`);
    w.line(`FROM ${quoteIdent(WORK.firstSeen)} AS ${quoteIdent('f')}`);
  });
}

export function hubLoad(ctx: SqlContext, hub: Hub): Statement {
  const keys = hub.businessKeys;
  const sources = hub.sources.map((s): StagedSource => {
    const inputs = keyInputs(s.columns, keys);
    return { table: s.table, inputs, keep: `NOT ${missingKey(inputs)}` };
  });
  return firstSeenLoad(ctx, hub, keys, [{ column: hub.hashKey, from: 0, to: keys.length }], sources);
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
    return { table: s.table, inputs: perHub.flat(), keep: linkKeep(perHub) };
  });
  let at = 0;
  const perHub = link.hubs.map((h): KeyHash => {
    const hash = { column: h.hashKey, from: at, to: at + h.businessKeys.length };
    at = hash.to;
    return hash;
  });
  return firstSeenLoad(ctx, link, keys, [{ column: link.hashKey, from: 0, to: keys.length }, ...perHub], sources);
}
