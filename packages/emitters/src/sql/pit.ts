/**
 * The load of a point-in-time table (docs/sql.md, "Point-in-time tables"): one INSERT … SELECT,
 * insert-only. It fills each snapshot of the snapshot control whose cut-off has passed by the
 * batch load timestamp (`cut-off <= $1`) and that has no PIT row yet (a probe of the primary
 * key's leading column): every key of the hub (link) loaded before the cut-off, and per
 * satellite the pointer (key, load_ts) of its row valid at the cut-off (the time rule of
 * docs/sql.md, "As of a snapshot"), the ghost pointer when none is. An effectivity satellite,
 * keyed by its driving key, is joined by its intervals (`validityIntervals`, `validAt`).
 *
 * A snapshot, once filled, never changes: every row loaded later has a load_ts at or after its
 * cut-off. So a rerun adds nothing and loading batch by batch gives the rows a single load over
 * all batches gives. A batch dated before the cut-off of a snapshot the PIT holds (a late batch)
 * enters none of its snapshots until it is rebuilt: the ones held never change, and later ones are
 * filled from them and from the rows loaded since their cut-off. `vault run` warns before the loads
 * (`filledAfter` in validity.ts).
 *
 * The snapshots to fill all come after the latest snapshot filled before them (P) and end with
 * the last one to fill (L); one-time conditions on P pick one of two ways, the other reading no
 * row. The first fill (no P): one window pass, per key, over a stream in time order of its
 * snapshot rows (at their cut-off) and each satellite's leaders loaded before L's cut-off
 * (`validityLeaders`, at their load_ts); the pointer is the greatest leader load_ts strictly
 * before the cut-off (`Dialect.dates.earlierFrame`). Incremental (P filled): P's pointers, each
 * replaced by the key's leader since P's cut-off valid at the snapshot's (`ValiditySince`: only
 * the rows loaded since, found by the load order index, and with a delta order the rows P points
 * at of the keys that changed), so it joins on the key and sorts only the rows since. A snapshot
 * without rows at all (no key was known by its cut-off) is never a snapshot to fill. An
 * effectivity satellite always reads every row: a link PIT points into it only for the link its
 * driving key's valid row names, which may be none (a relationship ended), so P's rows do not
 * name every driving key's valid row.
 */
import { METADATA_COLUMNS, type Pit, type PitSatellite } from '@vault/core';
import { entitiesOf } from '@vault/core/internal';
import { hashType, pitPointerColumns, SNAPSHOT_COLUMNS } from '../columns.js';
import type { SqlContext } from './context.js';
import { entityTable, type SqlTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { cutoffPassed, snapshotCutoff, validAt, validityIntervals, validityLeaders, type TimedSatellite, type ValiditySince } from './validity.js';

/** Working names: `$` never occurs in a spec's names. */
const A = {
  snapshots: '$snapshot',
  keys: '$key',
  control: '$control',
  filled: '$filled',
  cutOff: '$cut_off',
  known: '$known',
  todo: '$to_fill',
  fill: '$fill',
  last: '$last',
  seed: '$seed',
  prior: '$prior',
  since: '$since',
  added: '$added',
  bounds: '$bounds',
  previous: '$previous',
  events: '$events',
  stream: '$stream',
  time: '$t',
  window: '$earlier',
} as const;

/** The satellites of a model by kind and name, built once per list. */
const byName = new WeakMap<ReadonlyArray<TimedSatellite>, ReadonlyMap<string, TimedSatellite>>();

function timedSatellite(ctx: SqlContext, s: PitSatellite): TimedSatellite {
  const list: ReadonlyArray<TimedSatellite> = entitiesOf(ctx.model, s.kind);
  let names = byName.get(list);
  if (names === undefined) byName.set(list, (names = new Map(list.map((x) => [x.name, x] as const))));
  const sat = names.get(s.name);
  if (sat === undefined) throw new Error(`vault SQL: a point-in-time table points into ${s.kind} '${s.name}', which the model does not have`);
  return sat;
}

/** Every table the load reads: the hub's (link's), each satellite's, the snapshot control's. */
export function pitReads(ctx: SqlContext, pit: Pit): ReadonlyArray<SqlTable> {
  return [entityTable(ctx, pit.parentKind, pit.parent), ...pit.satellites.map((s) => entityTable(ctx, s.kind, s.name)), entityTable(ctx, 'snapshot_control', pit.snapshotControl)];
}

/** Which snapshots to fill a statement of the load fills: every one, or every one but the last. */
type Part = 'allButLast' | 'all';

export function pitLoad(ctx: SqlContext, pit: Pit): ReadonlyArray<Statement> {
  const { col, quoteIdent: q, quoteLiteral, tableIdent } = ctx.sql;
  const { dialect } = ctx;
  const table = tableIdent(entityTable(ctx, pit.kind, pit.name));
  const control = tableIdent(entityTable(ctx, 'snapshot_control', pit.snapshotControl));
  const parent = tableIdent(entityTable(ctx, pit.parentKind, pit.parent));
  const $1 = dialect.loadTimestamp.sql;
  const zero = quoteLiteral(ctx.zeroHash);
  const ghostLoadTs = dialect.ghostValue({ kind: 'timestamptz' });
  const date = SNAPSHOT_COLUMNS.date;
  const hk = pit.parentHashKey;
  const pointers = pit.satellites.map((s, i) => ({ satellite: timedSatellite(ctx, s), alias: `$v${i + 1}`, event: `$s${i + 1}`, pointer: `$p${i + 1}`, columns: pitPointerColumns(s) }));
  // Effectivity satellites are keyed by the driving key: their pointer comes from an interval join; the others', from the stream.
  const streamed = pointers.filter((p) => p.satellite.kind !== 'effectivity_satellite');
  const joined = pointers.filter((p) => p.satellite.kind === 'effectivity_satellite');
  const drivingKeys = [...new Set(joined.flatMap((p) => validityIntervals(ctx, p.satellite).keys))].filter((k) => k !== hk);
  // A key known by a snapshot's cut-off: one row found (the hub's or link's load order index, ddl.ts,
  // answers at once when there is none), not the earliest key of the whole table.
  const keyKnown = (cutOff: string): string => `EXISTS (SELECT 1 FROM ${parent} AS ${q(A.known)} WHERE ${col(A.known, METADATA_COLUMNS.loadTimestamp)} < ${cutOff} AND ${col(A.known, hk)} <> ${zero})`;
  // The snapshots to fill, with their cut-offs, computed once for the statement (a WITH query): past
  // the cut-off, without rows yet, and with a key known by then. The first statement of a two-way load leaves the last one out.
  const toFill = (part: Part): string => {
    const all = `SELECT ${col(A.control, date)}, ${snapshotCutoff(ctx, col(A.control, date))} AS ${q(A.cutOff)} FROM ${control} AS ${q(A.control)} WHERE ${[
      cutoffPassed(ctx, col(A.control, date), $1),
      `NOT EXISTS (SELECT 1 FROM ${table} AS ${q(A.filled)} WHERE ${col(A.filled, date)} = ${col(A.control, date)})`,
      keyKnown(snapshotCutoff(ctx, col(A.control, date))),
    ].join(' AND ')}`;
    return part === 'all'
      ? `${q(A.fill)} AS (${all})`
      : `${q(A.todo)} AS (${all}),
${q(A.fill)} AS (SELECT ${q(date)}, ${q(A.cutOff)} FROM ${q(A.todo)} WHERE ${q(date)} < (SELECT MAX(${q(date)}) FROM ${q(A.todo)}))`;
  };
  // P: the latest snapshot filled before the first one to fill (NULL: none).
  const previousQuery = `(SELECT MAX(${col(A.filled, date)}) FROM ${table} AS ${q(A.filled)} WHERE ${col(A.filled, date)} < (SELECT MIN(${q(date)}) FROM ${q(A.fill)}))`;
  // The last cut-off to fill: no row loaded at or after it matters (NULL, nothing to fill: no row is read).
  const lastQuery = `(SELECT MAX(${q(date)}) FROM ${q(A.fill)})`;
  // Both computed once for the statement (a WITH query), every satellite's branches reading them.
  const previous = `(SELECT ${q(A.previous)} FROM ${q(A.bounds)})`;
  const last = `(SELECT ${q(A.last)} FROM ${q(A.bounds)})`;
  // The first fill reads every row before the last cut-off, and only when there is no P; an incremental load, the rows since P's cut-off.
  const firstUntil = snapshotCutoff(ctx, `(SELECT CASE WHEN ${q(A.previous)} IS NULL THEN ${q(A.last)} END FROM ${q(A.bounds)})`);
  // P's cut-off: the rows and keys loaded from it on are the ones since P.
  const previousCutoff = snapshotCutoff(ctx, previous);
  const since = (columns: { readonly hashKey: string; readonly loadTimestamp: string }, key: string): ValiditySince => ({
    time: previousCutoff,
    until: snapshotCutoff(ctx, last),
    // P's rows, read once (a pointer's key is the PIT's key, or the zero key: no row).
    pointers: [
      `SELECT ${col(A.seed, hk)} AS ${q(key)}, ${col(A.seed, columns.loadTimestamp)} AS ${q(METADATA_COLUMNS.loadTimestamp)}`,
      `FROM ${q(A.seed)} WHERE ${col(A.seed, columns.hashKey)} <> ${zero}`,
    ],
  });
  const nullOf = (type: string): string => `CAST(NULL AS ${type})`;
  const timestampType = dialect.columnType({ kind: 'timestamptz' });
  const hashKeyType = dialect.columnType(hashType(ctx.model.hashing.algorithm));
  const key = col(A.stream, hk);
  const cutOff = col(A.stream, A.time);
  const columns = [date, hk, ...pointers.flatMap((p) => [p.columns.hashKey, p.columns.loadTimestamp]), METADATA_COLUMNS.loadTimestamp];
  // The snapshots to fill (with P or without, when the load has two ways), and the keys known at each: loaded before its cut-off, never the zero key (the ghost record).
  const snapshots = (gate: string | undefined): string => `FROM ${gate === undefined ? q(A.fill) : `(SELECT ${q(date)}, ${q(A.cutOff)} FROM ${q(A.fill)} WHERE ${gate})`} AS ${q(A.snapshots)}`;
  const knownKeys = `JOIN ${parent} AS ${q(A.keys)} ON ${col(A.keys, METADATA_COLUMNS.loadTimestamp)} < ${col(A.snapshots, A.cutOff)} AND ${col(A.keys, hk)} <> ${zero}`;
  // With a satellite to point into by key, the load has two ways; with effectivity satellites alone, P changes nothing.
  const twoWays = streamed.length > 0;
  const fillStatement = (part: Part): Statement =>
    statement((w) => {
      w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
      w.line(`WITH ${toFill(part)}${twoWays ? ',' : ''}`);
      // P and the last snapshot to fill, computed once.
      if (twoWays) {
        w.line(`${q(A.bounds)} AS (SELECT ${previousQuery} AS ${q(A.previous)}, ${lastQuery} AS ${q(A.last)}),`);
        // P's rows, read once for the keys' pointers and (with a delta order) the rows to rank the rows since after: none on a first fill.
        w.line(`${q(A.seed)} AS (SELECT ${[hk, ...streamed.flatMap((p) => [p.columns.hashKey, p.columns.loadTimestamp])].map(q).join(', ')} FROM ${table} WHERE ${q(date)} = ${previous})`);
      }
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          col(A.stream, date),
          key,
          // A satellite with no row valid at the cut-off: the ghost pointer (its ghost record's key and load_ts).
          ...pointers.flatMap(({ satellite, alias, pointer }) =>
            satellite.kind === 'effectivity_satellite'
              ? // An effectivity satellite holds the link hash key its start row begins.
                [`COALESCE(${col(alias, satellite.parentHashKey)}, ${zero})`, `COALESCE(${col(alias, METADATA_COLUMNS.loadTimestamp)}, ${ghostLoadTs})`]
              : [`CASE WHEN ${col(A.stream, pointer)} IS NULL THEN ${zero} ELSE ${key} END`, `COALESCE(${col(A.stream, pointer)}, ${ghostLoadTs})`],
          ),
          $1,
        ]),
      );
      w.line('FROM (');
      w.block(() => {
        const carried = [hk, date, A.time, ...drivingKeys];
        // The first fill (no P): one stream per key in time order, the key at each snapshot to fill (at
        // its cut-off) and each satellite's leaders (at their load_ts). A satellite's pointer at a
        // cut-off is the load_ts of its latest leader loaded before it: leaders' load_ts grow in leader
        // order, so it is their running maximum over the earlier rows. No interval, no join: the
        // leaders come in key order.
        w.line(`SELECT ${[...carried.map((c) => col(A.events, c)), ...streamed.map((p) => `max(${col(A.events, p.event)}) OVER ${q(A.window)} AS ${q(p.pointer)}`)].join(', ')}`);
        w.line('FROM (');
        w.block(() => {
          w.line(
            `SELECT ${[col(A.keys, hk), col(A.snapshots, date), `${col(A.snapshots, A.cutOff)} AS ${q(A.time)}`, ...drivingKeys.map((k) => col(A.keys, k)), ...streamed.map((p) => `${nullOf(timestampType)} AS ${q(p.event)}`)].join(', ')}`,
          );
          w.line(snapshots(twoWays ? `${previous} IS NULL` : undefined));
          w.line(knownKeys);
          for (const { satellite, alias, event } of streamed) {
            const leaders = validityLeaders(ctx, satellite, { until: firstUntil }, { carried: false, byteOrder: true });
            const ts = col(alias, METADATA_COLUMNS.loadTimestamp);
            w.line('UNION ALL');
            w.line(
              `SELECT ${[col(alias, leaders.keys[0] ?? satellite.parentHashKey), nullOf(dialect.columnType({ kind: 'date' })), ts, ...drivingKeys.map(() => nullOf(hashKeyType)), ...streamed.map((p) => (p.event === event ? ts : nullOf(timestampType)))].join(', ')}`,
            );
            w.line('FROM (');
            w.block(() => leaders.lines.forEach((l) => w.line(l)));
            w.line(`) AS ${q(alias)}`);
          }
        });
        w.line(`) AS ${q(A.events)}`);
        if (!twoWays) return;
        // Partitioned in byte order (`Dialect.byteOrder`): the same partitions (a hash key is hex), and
        // the stream's sort (every key at every snapshot, and every leader) compares bytes rather than
        // through the database's collation (bench:pit's first fill: 3 s less of 22 s).
        w.line(`WINDOW ${q(A.window)} AS (PARTITION BY ${dialect.byteOrder(col(A.events, hk))} ORDER BY ${col(A.events, A.time)} ${dialect.dates.earlierFrame})`);
        // An incremental load (P filled): a key's pointer at a snapshot is its latest leader loaded
        // since P's cut-off and before the snapshot's (few keys have one: an interval join on the
        // key), else P's pointer, else the ghost pointer (a key new since P, a satellite added since).
        // Every leader since is later than P's pointer; none before it is later than P's pointer.
        // The keys known at the snapshot are P's keys (every key loaded before P's cut-off, as load
        // timestamps grow) and those loaded since P's cut-off and before the snapshot's: P's rows
        // with the keys since (`$prior`), not every key of the hub (link) joined to P's rows.
        const pointerTypes = streamed.flatMap((p) => [[p.columns.hashKey, hashKeyType] as const, [p.columns.loadTimestamp, timestampType] as const]);
        const fromKey = (c: string): string => (drivingKeys.includes(c) ? col(A.keys, c) : col(A.prior, c));
        w.line('UNION ALL');
        w.line(
          `SELECT ${[
            ...carried.map((c) => (c === date ? col(A.snapshots, date) : c === A.time ? `${col(A.snapshots, A.cutOff)} AS ${q(A.time)}` : fromKey(c))),
            ...streamed.map(
              (p) =>
                `COALESCE(${col(p.alias, METADATA_COLUMNS.loadTimestamp)}, CASE WHEN ${col(A.prior, p.columns.hashKey)} <> ${zero} THEN ${col(A.prior, p.columns.loadTimestamp)} END) AS ${q(p.pointer)}`,
            ),
          ].join(', ')}`,
        );
        w.line(snapshots(`${previous} IS NOT NULL`));
        w.line(
          `JOIN (SELECT ${[q(hk), ...pointerTypes.map(([c]) => q(c)), `${nullOf(timestampType)} AS ${q(A.since)}`].join(', ')} FROM ${q(A.seed)} UNION ALL SELECT ${[
            col(A.added, hk),
            ...pointerTypes.map(([, type]) => nullOf(type)),
            col(A.added, METADATA_COLUMNS.loadTimestamp),
          ].join(', ')} FROM ${parent} AS ${q(A.added)} WHERE ${col(A.added, METADATA_COLUMNS.loadTimestamp)} >= ${previousCutoff} AND ${col(A.added, hk)} <> ${zero}) AS ${q(A.prior)}`,
        );
        w.line(`ON ${col(A.prior, A.since)} IS NULL OR ${col(A.prior, A.since)} < ${col(A.snapshots, A.cutOff)}`);
        // A link's driving keys (for its effectivity satellites' joins) are its own columns.
        if (drivingKeys.length > 0) w.line(`JOIN ${parent} AS ${q(A.keys)} ON ${col(A.keys, hk)} = ${col(A.prior, hk)}`);
        for (const { satellite, alias, columns: pointer } of streamed) {
          const changes = validityIntervals(ctx, satellite, since(pointer, satellite.parentHashKey));
          w.line('LEFT JOIN (');
          w.block(() => changes.lines.forEach((l) => w.line(l)));
          w.line(`) AS ${q(alias)} ON ${col(alias, changes.keys[0] ?? satellite.parentHashKey)} = ${col(A.prior, hk)} AND ${validAt(ctx, alias, col(A.snapshots, A.cutOff))}`);
        }
      });
      w.line(`) AS ${q(A.stream)}`);
      for (const { satellite, alias } of joined) {
        const intervals = validityIntervals(ctx, satellite);
        // Its pointer: the driving key's valid start row when that row begins this link's relationship.
        const on = [...intervals.keys.map((k) => `${col(alias, k)} = ${col(A.stream, k)}`), `${col(alias, satellite.parentHashKey)} = ${key}`];
        w.line('LEFT JOIN (');
        w.block(() => intervals.lines.forEach((l) => w.line(l)));
        w.line(`) AS ${q(alias)} ON ${[...on, validAt(ctx, alias, cutOff)].join(' AND ')}`);
      }
      // The stream's rows of the snapshots: the leaders' rows only fed the running maxima.
      w.line(`WHERE ${col(A.stream, date)} IS NOT NULL`);
    });
  // Two statements: every snapshot to fill but the last, then the last one, so that the last is
  // written in one go (an incremental load from the one before) and the next load reads it as one
  // range of the table, whatever order the first fill wrote the others in.
  return twoWays ? [fillStatement('allButLast'), fillStatement('all')] : [fillStatement('all')];
}
