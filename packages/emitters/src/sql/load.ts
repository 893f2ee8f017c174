/**
 * Load statements of hubs and links: insert-only, incremental and idempotent.
 *
 * From every landing table that carries the key (UNION ALL): skip missing keys (for a link, rows
 * whose every hub key is missing; a single missing hub key is the zero key), compute the
 * hash keys (docs/hashing.md) once per distinct key value, keep the earliest row per hash key (by the table's
 * delta-order column when it has one, then by source, then by the key values) among the hash
 * keys the table does not hold yet (anti-join, before the sort), and insert them with the
 * record source of that row's table (so a hub says which table brought each key). Running a
 * load again inserts nothing. The batch load timestamp is a parameter (the dialect's
 * `loadTimestamp`), bound by the caller.
 */
import { linkKeyColumns, METADATA_COLUMNS, printColumnType, type Column, type ColumnType, type Hub, type Link } from '@vault/core/internal';
import type { CodeWriter } from '../writer.js';
import { need, type SqlContext } from './context.js';
import { groupableForHashing, hashExpression, missingKey, type HashInput } from './hashing.js';
import { entityTable, landingTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { deltaOrderOf, keyInputs, minOf, orderTerm, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

/**
 * A hash key of the entity: its column, and the slice [from, to) of the key columns it hashes.
 * `zeroWhenMissing`: a link's column for one hub, which holds the zero key (the hub's ghost
 * record) when that hub's key is missing, so the row still points at a hub row.
 */
interface KeyHash {
  readonly column: string;
  readonly from: number;
  readonly to: number;
  readonly zeroWhenMissing?: boolean;
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
 * `inputs`, the delta-order value (`delta`, the table's; NULL for a table without one), the
 * source, and its record source (what the row holds if it is the key's first arrival).
 */
function stagedColumns(o: StagedSelect, s: StagedSource, inputs: ReadonlyArray<HashInput>, delta: string | undefined, index: number): ReadonlyArray<string> {
  const { as } = o.ctx.sql;
  const deltaSql = o.deltaType === undefined ? undefined : (delta ?? `CAST(NULL AS ${o.ctx.dialect.columnType(o.deltaType)})`);
  return [
    ...o.hashes.map((h) => as(keyHash(o.ctx, h, inputs.slice(h.from, h.to)), h.column)),
    ...o.keys.map((k, i) => as(inputs[i]!.sql, k.name)),
    ...(deltaSql === undefined ? [] : [as(deltaSql, WORK.deltaOrder)]),
    as(String(index), WORK.source),
    as(recordSourceOf(o.ctx, s.table), WORK.recordSource),
  ];
}

/** The hash of `inputs`, or the zero key where `h` asks for it and the key is missing. */
function keyHash(ctx: SqlContext, h: KeyHash, inputs: ReadonlyArray<HashInput>): string {
  const hash = hashExpression(ctx.dialect, ctx.model.hashing, inputs, 'key');
  if (h.zeroWhenMissing !== true) return hash;
  return `CASE WHEN ${missingKey(ctx.dialect, inputs)} THEN ${ctx.sql.quoteLiteral(ctx.zeroHash)} ELSE ${hash} END`;
}

/** `FROM <landing table> AS "s" WHERE <key present>`. */
function fromLanding(w: CodeWriter, o: StagedSelect, s: StagedSource): void {
  const { quoteIdent, tableIdent } = o.ctx.sql;
  w.line(`FROM ${tableIdent(landingTable(o.ctx, s.table))} AS ${quoteIdent(SOURCE_ALIAS)}`);
  w.line(`WHERE ${s.keep}`);
}

/**
 * Every landing row: hashes computed per row. For keys of types `groupableForHashing` refuses
 * (decimal, float, interval, JSON), where equal values may hash differently.
 */
function rowsSelect(w: CodeWriter, o: StagedSelect, s: StagedSource, index: number): void {
  const { col } = o.ctx.sql;
  const delta = deltaOrderOf(o.ctx, s.table);
  w.line('SELECT');
  w.block(() => commaList(w, stagedColumns(o, s, s.inputs, delta === undefined ? undefined : col(SOURCE_ALIAS, delta.column), index)));
  fromLanding(w, o, s);
}

/**
 * The landing rows grouped by key value first, keeping each value's earliest delta order, so
 * only distinct keys are hashed (a batch repeats a key once per change). Every row of a group
 * hashes alike and the group keeps its earliest row's order, so the first-seen row per hash key
 * is the one `rowsSelect` would give. Text is grouped byte for byte (`orderTerm`).
 */
function groupedSelect(w: CodeWriter, o: StagedSelect, s: StagedSource, index: number, minDelta: ((sql: string) => string) | undefined): void {
  const { as, col, quoteIdent } = o.ctx.sql;
  const delta = deltaOrderOf(o.ctx, s.table);
  const g = WORK.grouped;
  const values = s.inputs.map((input) => orderTerm(o.ctx.dialect, input.sql, input.type));
  const grouped = o.keys.map((k): HashInput => ({ sql: col(g, k.name), type: k.type }));
  const groupDelta = minDelta === undefined || delta === undefined ? undefined : minDelta(col(SOURCE_ALIAS, delta.column));
  w.line('SELECT');
  w.block(() => commaList(w, stagedColumns(o, s, grouped, groupDelta === undefined ? undefined : col(g, WORK.deltaOrder), index)));
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
  const { col, quoteIdent, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const deltaType = commonDeltaType(
    ctx,
    sources.map((s) => s.table),
  );
  const staged = quoteIdent(WORK.staged);
  const table = tableIdent(entityTable(ctx, target.kind, target.name));
  const o: StagedSelect = { ctx, keys, hashes, deltaType };
  // Grouping needs keys that hash alike when equal, and a min() of the delta order.
  const minDelta = deltaType === undefined ? undefined : minOf(d, deltaType);
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
      const order = [
        ...(deltaType === undefined ? [] : [`${orderTerm(d, quoteIdent(WORK.deltaOrder), deltaType)} NULLS LAST`]),
        quoteIdent(WORK.source),
        ...keys.map((k) => orderTerm(d, `CAST(${quoteIdent(k.name)} AS ${d.columnType({ kind: 'text' })})`, k.type)),
      ];
      d.firstRowPerKey({ key: quoteIdent(target.hashKey), from: quoteIdent(WORK.unseen), order }).forEach((l) => w.line(l));
    });
    w.line(')');
    const columns = [...hashes.map((h) => h.column), ...keys.map((k) => k.name)];
    w.line(`INSERT INTO ${table} (${[...columns, METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource].map(quoteIdent).join(', ')})`);
    // The record source of the row that brought the key first (firstSeen's order).
    w.line(`SELECT ${[...columns.map((c) => col('f', c)), d.loadTimestamp.sql, col('f', WORK.recordSource)].join(', ')}`);
    w.line(`FROM ${quoteIdent(WORK.firstSeen)} AS ${quoteIdent('f')}`);
  });
}

export function hubLoad(ctx: SqlContext, hub: Hub): Statement {
  const keys = hub.businessKeys;
  const sources = hub.sources.map((s): StagedSource => {
    const inputs = keyInputs(ctx.dialect, s.columns, keys);
    return { table: s.table, inputs, keep: `NOT ${missingKey(ctx.dialect, inputs)}` };
  });
  return firstSeenLoad(ctx, hub, keys, [{ column: hub.hashKey, from: 0, to: keys.length }], sources);
}

/**
 * Counts the landing rows a hub's load leaves out because their own business key is missing,
 * over the tables that own the key (a missing reference is the link's affair: the zero key).
 * Undefined for a hub that only references carry. `vault run` reports the count (docs/run.md).
 */
export function hubMissingKeys(ctx: SqlContext, hub: Hub): Statement | undefined {
  const { quoteIdent, tableIdent } = ctx.sql;
  const own = hub.sources.filter((s) => s.reference !== true);
  if (own.length === 0) return undefined;
  return statement((w) => {
    w.line(`SELECT count(*) AS ${quoteIdent(MISSING_KEYS_COLUMN)} FROM (`);
    w.block(() =>
      own.forEach((s, i) => {
        if (i > 0) w.line('UNION ALL');
        const missing = missingKey(ctx.dialect, keyInputs(ctx.dialect, s.columns, hub.businessKeys));
        w.line(`SELECT 1 AS ${quoteIdent('x')} FROM ${tableIdent(landingTable(ctx, s.table))} AS ${quoteIdent(SOURCE_ALIAS)} WHERE ${missing}`);
      }),
    );
    w.line(`) AS ${quoteIdent('m')}`);
  });
}

/** The one column of `hubMissingKeys`' one row. */
export const MISSING_KEYS_COLUMN = 'n';

/** What the hashing of a link's keys needs: a link's or a non-historized link's. */
export type LinkKeys = Pick<Link, 'name' | 'hubs' | 'dependentChildKeys'>;

/** Hash inputs per hub of a link, from landing columns lined up with all the link's keys (`linkKeyColumns`). */
export function linkInputs(ctx: SqlContext, link: LinkKeys, columns: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<HashInput>> {
  const keyCount = linkKeyColumns(link).length;
  if (columns.length !== keyCount) throw new Error(`vault SQL: link '${link.name}' has ${keyCount} key columns, a source gives ${columns.length}`);
  let at = 0;
  return link.hubs.map((h) => {
    const slice = columns.slice(at, at + h.businessKeys.length);
    at += h.businessKeys.length;
    return keyInputs(ctx.dialect, slice, h.businessKeys);
  });
}

/**
 * Hash inputs of a link's dependent child keys, from the same landing columns: the trailing
 * ones. They are hashed after every hub's key, and a missing one hashes as `^^` like any NULL
 * key part, and never keeps a row out (a link row needs one hub's key at least, linkKeep).
 */
export function childKeyInputs(ctx: SqlContext, link: LinkKeys, columns: ReadonlyArray<string>): ReadonlyArray<HashInput> {
  const childKeys = link.dependentChildKeys ?? [];
  return childKeys.length === 0 ? [] : keyInputs(ctx.dialect, columns.slice(columns.length - childKeys.length), childKeys);
}

/**
 * A link row needs one hub's key at least: a missing reference becomes the zero key, and the
 * link hash key hashes it as the NULL token (a real hash, told apart from every present key), so
 * "no customer" is a relationship row of its own and a change to or from it is recorded. A row
 * with every key missing relates nothing. Link satellites keep the same rows (load-satellite.ts).
 */
export function linkKeep(ctx: SqlContext, perHub: ReadonlyArray<ReadonlyArray<HashInput>>): string {
  return `NOT (${perHub.map((inputs) => missingKey(ctx.dialect, inputs)).join(' AND ')})`;
}

/**
 * The hash key of the hub or link `parent` from landing columns holding its key (a hub's business
 * key, or a link's key columns), and the condition that a row carries it: what a satellite, link
 * satellite or status tracking satellite stages as its parent hash key.
 */
export function parentKeyHash(ctx: SqlContext, kind: 'hub' | 'link', parent: string, columns: ReadonlyArray<string>): { readonly hash: string; readonly keep: string } {
  if (kind === 'hub') {
    const inputs = keyInputs(ctx.dialect, columns, need(ctx.hubs, parent, 'hub').businessKeys);
    return { hash: hashExpression(ctx.dialect, ctx.model.hashing, inputs, 'key'), keep: `NOT ${missingKey(ctx.dialect, inputs)}` };
  }
  const link = need(ctx.links, parent, 'link');
  const perHub = linkInputs(ctx, link, columns);
  return { hash: hashExpression(ctx.dialect, ctx.model.hashing, [...perHub.flat(), ...childKeyInputs(ctx, link, columns)], 'key'), keep: linkKeep(ctx, perHub) };
}

export function linkLoad(ctx: SqlContext, link: Link): Statement {
  const keys = linkKeyColumns(link);
  const sources = link.sources.map((s): StagedSource => {
    const perHub = linkInputs(ctx, link, s.columns);
    return { table: s.table, inputs: [...perHub.flat(), ...childKeyInputs(ctx, link, s.columns)], keep: linkKeep(ctx, perHub) };
  });
  let at = 0;
  const perHub = link.hubs.map((h): KeyHash => {
    const hash = { column: h.hashKey, from: at, to: at + h.businessKeys.length, zeroWhenMissing: true };
    at = hash.to;
    return hash;
  });
  return firstSeenLoad(ctx, link, keys, [{ column: link.hashKey, from: 0, to: keys.length }, ...perHub], sources);
}
