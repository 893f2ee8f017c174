/**
 * The time rule of every as-of structure (docs/sql.md, "As of a snapshot"): when each row of a
 * satellite of any kind was the row the vault knew as valid. PIT and bridge tables, business
 * satellite history and as-of views all read it from here.
 *
 * Knowledge time: the row valid at time T is, among the rows loaded before T (`load_ts < T`), the
 * latest in change order, the order loads compare changes in (delta order NULLS LAST, then the
 * compared value, then load_ts; without a delta order, load_ts). The intervals come from each
 * row's next change, never from a correlated subquery per row: per key, in load order, a row (a
 * multi-active set) is a *leader* when it is later in change order than every row loaded before
 * it; a leader is valid from its load_ts until the next leader's (NULL: still valid). A row that is
 * no leader (a late row) was never the valid row at any time: it corrects what came before it in
 * change order, which history views show, not what the vault knew.
 *
 * A snapshot date D counts the rows loaded before its cut-off, the start of the next day in UTC.
 */
import { VIEW_COLUMNS } from '@vault/core/internal';
import { METADATA_COLUMNS, type EffectivitySatellite, type LinkSatellite, type MultiActiveSatellite, type Satellite, type StatusTrackingSatellite } from '@vault/core';
import { DELTA_ORDER_COLUMN, IS_DELETED_COLUMN, SNAPSHOT_COLUMNS } from '../columns.js';
import { sourceColumn, type SqlContext } from './context.js';
import { entityTable } from './names.js';
import type { Statement } from './sql-writer.js';
import { orderTerm } from './staging.js';

/** The columns of an interval: valid from, valid to (exclusive, NULL while valid), and the flag history views derive from it. */
export const VALIDITY_COLUMNS = { from: VIEW_COLUMNS.validFrom, to: VIEW_COLUMNS.validTo, isCurrent: VIEW_COLUMNS.isCurrent } as const;

/** The satellites whose rows have validity intervals. */
export type TimedSatellite = Satellite | LinkSatellite | MultiActiveSatellite | StatusTrackingSatellite | EffectivitySatellite;

/** One leader row per interval: the table's key, the pointer `load_ts`, the interval, and the columns carried along. */
export interface ValidityIntervals {
  /** The key columns: the parent hash key, or an effectivity satellite's driving hub hash keys. */
  readonly keys: ReadonlyArray<string>;
  /** An effectivity satellite's link hash key (the relationship a start row begins), a status tracking satellite's `is_deleted`; none for the others. */
  readonly carried: ReadonlyArray<string>;
  /** A subquery, without parentheses or alias, giving keys, `load_ts`, `valid_from`, `valid_to` and the carried columns. */
  readonly lines: ReadonlyArray<string>;
}

/**
 * Which rows an incremental load reads. With `time`: the leaders loaded from `time` on, each
 * ranked after its key's row (set) valid just before `time`, which `pointers` gives (a subquery of
 * the key columns and `load_ts`, a PIT's previous snapshot): every other row loaded before `time`
 * is no later in change order than that one. Only keys with rows since are looked up, and only
 * with a delta order (without one every row is a leader); the rows before `time` are not among
 * the leaders. So at a time T from `time` on, a key's valid row is its latest leader since loaded
 * before T, else the row valid just before `time` (the caller's to know). `time` NULL at run time:
 * nothing is read. Without `time`: every row (before `until`), straight from the table.
 */
export interface ValiditySince {
  readonly time?: string;
  /** With `time`: the key columns and `load_ts` of each key's row (set) valid just before it; keys without one had no row before it. */
  readonly pointers?: ReadonlyArray<string>;
  /**
   * When set, the latest time the caller asks about is before it: rows loaded at or after it are
   * not read (NULL: none is). A leader is decided by the rows loaded before it alone, so the
   * leaders before `until` are the same.
   */
  readonly until?: string;
}

/** Working names: `$` never occurs in a spec's names. */
const V = { rank: '$change_rank', before: '$ranked_before', sets: '$sets', ranked: '$ranked', leaders: '$leaders', recent: '$recent', pointer: '$pointer', row: '$row' } as const;

/** The cut-off of snapshot date `dateSql`: the start of the next day in UTC. */
export function snapshotCutoff(ctx: SqlContext, dateSql: string): string {
  return ctx.dialect.dates.dayAfterStart(dateSql);
}

/**
 * The condition that snapshot date `dateSql`'s cut-off is at or before time `t` (`cut-off <= t`),
 * in a form an index on the date serves: the start of day D + 1 in UTC is at or before t exactly
 * when D + 1 is at most t's date in UTC, that is when D is before it (whatever the session's zone).
 */
export function cutoffPassed(ctx: SqlContext, dateSql: string, t: string): string {
  return `${dateSql} < ${ctx.dialect.dates.dateOf(t)}`;
}

/**
 * The latest snapshot an as-of table (a PIT's or a bridge's) holds, as text (`snapshot_date`), in
 * one row when its cut-off is after the batch load timestamp, else no row: a batch dated before a
 * snapshot already filled ("Filled once", docs/sql.md). What the table does with the batch's rows
 * is its own (pit.ts, bridge.ts); `vault run` says it before the loads.
 */
export function filledAfter(ctx: SqlContext, e: { readonly kind: 'pit' | 'bridge'; readonly name: string }): Statement {
  const table = entityTable(ctx, e.kind, e.name);
  const latest = `MAX(${ctx.sql.quoteIdent(SNAPSHOT_COLUMNS.date)})`;
  return `SELECT CAST(${latest} AS ${ctx.dialect.columnType({ kind: 'text' })}) AS ${ctx.sql.quoteIdent(SNAPSHOT_COLUMNS.date)} FROM ${ctx.sql.tableIdent(table)} HAVING NOT (${cutoffPassed(ctx, latest, ctx.dialect.loadTimestamp.sql)})`;
}

/**
 * The condition that the interval read through `alias` holds from instant `t` on: it started at
 * `t` or before and ends after it, so a row loaded at `t` itself counts (a change point's own row,
 * a fact's version loaded in its own batch). `validAt` is the snapshot reading, which counts only
 * rows loaded before its cut-off.
 */
export function validFromOn(ctx: SqlContext, alias: string, t: string): string {
  const { col } = ctx.sql;
  const to = col(alias, VALIDITY_COLUMNS.to);
  return `${col(alias, VALIDITY_COLUMNS.from)} <= ${t} AND (${to} IS NULL OR ${to} > ${t})`;
}

/** The condition that the interval read through `alias` holds at time `t` (the row loaded before `t` and valid then). */
export function validAt(ctx: SqlContext, alias: string, t: string): string {
  const { col } = ctx.sql;
  const to = col(alias, VALIDITY_COLUMNS.to);
  return `${col(alias, VALIDITY_COLUMNS.from)} < ${t} AND (${to} IS NULL OR ${to} >= ${t})`;
}

/** What the intervals of one kind read: key, compared value and carried columns, and whether rows are sets. */
interface Timing {
  readonly keys: ReadonlyArray<string>;
  /** The value change order compares after the delta order; none for a status of full batches, which loads order by load alone. */
  readonly compared: string | undefined;
  readonly carried: ReadonlyArray<string>;
  readonly sets: boolean;
}

function timing(sat: TimedSatellite): Timing {
  switch (sat.kind) {
    case 'satellite':
    case 'link_satellite':
      return { keys: [sat.parentHashKey], compared: METADATA_COLUMNS.hashDiff, carried: [], sets: false };
    case 'multi_active_satellite':
      return { keys: [sat.parentHashKey], compared: METADATA_COLUMNS.hashDiff, carried: [], sets: true };
    case 'effectivity_satellite':
      return { keys: sat.drivingKey, compared: sat.parentHashKey, carried: [sat.parentHashKey], sets: false };
    case 'status_tracking_satellite':
      return { keys: [sat.parentHashKey], compared: undefined, carried: [IS_DELETED_COLUMN], sets: false };
  }
}

/** The delta-order type the rows are changed in, or undefined when load order alone orders them (as the kind's loads and current views do). */
function deltaOrderType(ctx: SqlContext, sat: TimedSatellite): ReturnType<typeof sourceColumn>['type'] | undefined {
  if (sat.deltaOrder === undefined) return undefined;
  // A status of full batches is the source as it was when loaded: load order (statusOrder).
  if (sat.kind === 'status_tracking_satellite' && sat.batches === 'full') return undefined;
  return sourceColumn(ctx, sat.source.table, sat.deltaOrder).type;
}

/** The leader rows (sets) of a satellite: its key columns, `load_ts` and the carried columns, one row per leader. */
export interface ValidityLeaders {
  /** The key columns: the parent hash key, or an effectivity satellite's driving hub hash keys. */
  readonly keys: ReadonlyArray<string>;
  /** An effectivity satellite's link hash key, a status tracking satellite's `is_deleted`; none for the others (and none when not asked for). */
  readonly carried: ReadonlyArray<string>;
  /** A subquery, without parentheses or alias, giving keys, `load_ts` and the carried columns of each leader. */
  readonly lines: ReadonlyArray<string>;
}

/**
 * The leaders of `sat`'s rows (sets), the rows whose load starts an interval: with a delta
 * order, the rows later in change order than every row of their key loaded before them; without
 * one, every row (set). With `since`, those loaded since its time (`ValiditySince`), read from
 * few rows, or every row before its `until`. `carried: false` leaves out the carried columns.
 * @example validityLeaders(ctx, sat).lines.join('\n') // 'SELECT "h_hk", "load_ts" FROM "raw_vault"."sat_h"'
 */
export function validityLeaders(ctx: SqlContext, sat: TimedSatellite, since?: ValiditySince, options: LeaderOptions = {}): ValidityLeaders {
  const { every, ...leaders } = leaderRows(ctx, sat, since, options);
  return every === undefined ? leaders : { ...leaders, lines: [`SELECT ${[...leaders.keys, METADATA_COLUMNS.loadTimestamp, ...leaders.carried].map(ctx.sql.quoteIdent).join(', ')}`, `FROM ${every}`] };
}

/** What the leaders carry, and how their windows partition. */
interface LeaderOptions {
  /** False: the keys and load_ts only, not the columns the kind carries. */
  readonly carried?: boolean;
  /**
   * Partition by the keys in byte order (`Dialect.byteOrder`): the same partitions, sorted by
   * comparing bytes rather than through the collation. Only for a caller that reads every row (a
   * PIT's first fill): a filter on a key could not reach through such a window to the table's index.
   */
  readonly byteOrder?: boolean;
}

/** The leaders, and when every row (set) is one (no delta order), the rows they are read from. */
function leaderRows(ctx: SqlContext, sat: TimedSatellite, since: ValiditySince | undefined, options: LeaderOptions): ValidityLeaders & { readonly every: string | undefined } {
  const { col, quoteIdent: q, tableIdent } = ctx.sql;
  const t0 = timing(sat);
  const t = options.carried === false ? { ...t0, carried: [] } : t0;
  const ts = q(METADATA_COLUMNS.loadTimestamp);
  const partition = t.keys.map((k) => (options.byteOrder === true ? ctx.dialect.byteOrder(q(k)) : q(k))).join(', ');
  const table = tableIdent(entityTable(ctx, sat.kind, sat.name));
  const deltaType = deltaOrderType(ctx, sat);
  const kept = [...t.keys, METADATA_COLUMNS.loadTimestamp, ...t.carried].map(q);
  // A multi-active satellite's sets, each once: the rows of one key and load_ts share the set hashdiff.
  // Without a delta order change order is load order: the compared value is not read.
  const setColumns = [
    ...t.keys,
    METADATA_COLUMNS.loadTimestamp,
    ...(deltaType === undefined ? [] : [DELTA_ORDER_COLUMN]),
    ...(deltaType === undefined || t.compared === undefined ? [] : [t.compared]),
    ...t.carried,
  ];
  const read = [...new Set(setColumns)];
  const pointerKey = [...t.keys, METADATA_COLUMNS.loadTimestamp];
  const columns = read.map(q).join(', ');
  // `until IS NOT NULL`, like `time IS NOT NULL` below, reads no column: checked once, it skips the scan (a comparison with NULL alone would run it).
  const untilFilter = since?.until === undefined ? [] : [`${since.until} IS NOT NULL`, `${ts} < ${since.until}`];
  const time = since?.time;
  // The rows loaded since: a range of load_ts, which an index on it finds (loads append in load_ts order).
  const recent = time === undefined ? [] : [`${time} IS NOT NULL`, `${ts} >= ${time}`, ...untilFilter];
  const where = (conditions: ReadonlyArray<string>): string => (conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`);
  // With a delta order, the row valid just before `time` of each key with rows since, to rank them after: a probe of the
  // primary key per pointer (Dialect.keyLookup).
  const pointerRows = (): string => {
    if (since?.pointers === undefined) throw new Error(`vault SQL: the leaders of ${sat.kind} '${sat.name}' since a time need the rows valid then (pointers)`);
    const changed = `(${t.keys.map((k) => col(V.pointer, k)).join(', ')}) IN (SELECT ${t.keys.map(q).join(', ')} FROM ${table}${where(recent)})`;
    const lookup = ctx.dialect.keyLookup({ table, columns: read.map(q), key: pointerKey.map((c) => ({ column: q(c), equals: col(V.pointer, c) })), alias: q(V.row) });
    return `SELECT ${read.map((c) => col(V.row, c)).join(', ')} FROM (${since.pointers.join(' ')}) AS ${q(V.pointer)} ${lookup} WHERE ${changed}`;
  };
  const rows =
    since === undefined
      ? table
      : time === undefined
        ? untilFilter.length === 0
          ? table
          : `(SELECT ${columns} FROM ${table}${where(untilFilter)}) AS ${q(V.recent)}`
        : deltaType === undefined
          ? `(SELECT ${columns} FROM ${table}${where(recent)}) AS ${q(V.recent)}`
          : `(SELECT ${columns} FROM ${table}${where(recent)} UNION ALL ${pointerRows()}) AS ${q(V.recent)}`;
  const from = t.sets ? `(SELECT DISTINCT ${read.map(q).join(', ')} FROM ${rows}) AS ${q(V.sets)}` : rows;
  // Without a delta order change order is load order: every row is a leader.
  if (deltaType === undefined) return { keys: t.keys, carried: t.carried, lines: [], every: from };
  const changeOrder = [`${orderTerm(ctx.dialect, q(DELTA_ORDER_COLUMN), deltaType)} NULLS LAST`, ...(t.compared === undefined ? [] : [q(t.compared)]), ts].join(', ');
  const rank = q(V.rank);
  const before = q(V.before);
  const leader = `${before} IS NULL OR ${rank} > ${before}`;
  // The rank of each row in change order, the highest rank loaded before it, and the leaders.
  return {
    keys: t.keys,
    carried: t.carried,
    every: undefined,
    lines: [
      `SELECT ${kept.join(', ')}`,
      'FROM (',
      `  SELECT ${[...kept, rank, `max(${rank}) OVER (PARTITION BY ${partition} ORDER BY ${ts} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS ${before}`].join(', ')}`,
      '  FROM (',
      `    SELECT ${[...kept, `row_number() OVER (PARTITION BY ${partition} ORDER BY ${changeOrder}) AS ${rank}`].join(', ')}`,
      `    FROM ${from}`,
      `  ) AS ${q(V.ranked)}`,
      `) AS ${before}`,
      // With a time, the rows valid before it only ranked the rows since: they are not among its leaders.
      time === undefined ? `WHERE ${leader}` : `WHERE (${leader}) AND ${ts} >= ${time}`,
    ],
  };
}

/**
 * The validity intervals of `sat`'s rows (sets), one row per leader; with `since`, those of the
 * leaders loaded since its time (`ValiditySince`: before the first, the row valid then holds).
 * @example validityIntervals(ctx, sat).lines.join('\n') // 'SELECT "h_hk", "load_ts", "load_ts" AS "valid_from", lead("load_ts") OVER (…) AS "valid_to" FROM "raw_vault"."sat_h"'
 */
export function validityIntervals(ctx: SqlContext, sat: TimedSatellite, since?: ValiditySince): ValidityIntervals {
  const { as, quoteIdent: q } = ctx.sql;
  const leaders = leaderRows(ctx, sat, since, {});
  const ts = q(METADATA_COLUMNS.loadTimestamp);
  const kept = [...leaders.keys, METADATA_COLUMNS.loadTimestamp, ...leaders.carried].map(q);
  const select = `SELECT ${[...kept, as(ts, VALIDITY_COLUMNS.from), as(`lead(${ts}) OVER (PARTITION BY ${leaders.keys.map(q).join(', ')} ORDER BY ${ts})`, VALIDITY_COLUMNS.to)].join(', ')}`;
  // Without a delta order the leaders are the rows themselves: read from them directly.
  if (leaders.every !== undefined) return { keys: leaders.keys, carried: leaders.carried, lines: [select, `FROM ${leaders.every}`] };
  return { keys: leaders.keys, carried: leaders.carried, lines: [select, 'FROM (', ...leaders.lines.map((l) => `  ${l}`), `) AS ${q(V.leaders)}`] };
}
