/**
 * A bridge table's load (docs/sql.md, "Bridge tables"): one INSERT … SELECT, insert-only.
 *
 * It fills the snapshots of the model's snapshot control whose cut-off (sql/validity.ts) has
 * passed (`cut-off <= $1`) and that the bridge has no row for yet, with one row per chain of
 * relationships along the path that is effective at the cut-off. A link row on the chain is
 * effective when it was loaded before the cut-off and is not the zero key (nor points a path hub
 * at it); when the link has an effectivity satellite, the driving key's valid start row at the
 * cut-off points at this link; when the link or a path hub has status tracking, its valid status
 * at the cut-off is not deleted (a key several tables track is deleted only when every tracker
 * that knows it then says so, as current views read it: sql/status.ts). Validity is read from
 * the satellites' intervals, never from a correlated subquery per row.
 *
 * What a snapshot holds never changes once its cut-off has passed (load timestamps grow from
 * batch to batch), so a rerun adds nothing and an incremental load equals a rebuild. A snapshot
 * with no chain stays empty and is looked at again by later loads, which find it empty again.
 *
 * A batch dated before the cut-off of a snapshot the bridge holds (a late batch) changes none of
 * the snapshots it holds: their rows are written once. Each snapshot is filled from the raw vault
 * alone, not from the one before, so the snapshots filled later take the batch's rows in, as a
 * rebuild does. `vault run` warns before the loads (`filledAfter` in validity.ts), as for a PIT.
 */
import { METADATA_COLUMNS, type Bridge, type BridgeHub, type BridgeLink, type StatusTrackingSatellite } from '@vault/core';
import { IS_DELETED_COLUMN, SNAPSHOT_COLUMNS } from '../columns.js';
import type { SqlContext } from './context.js';
import { entityTable, type SqlTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import type { CodeWriter as SqlWriter } from '../writer.js';
import { snapshotCutoff, validAt, validityIntervals, type TimedSatellite } from './validity.js';

/** Working names of the load: `$` never occurs in a spec's names. */
const CUTOFF = '$cutoff';
const SNAPSHOTS = '$s';

const links = (b: Bridge): ReadonlyArray<BridgeLink> => b.path.filter((e): e is BridgeLink => e.kind === 'link');

/** The link alias carrying each path element's hash key: a link its own; a hub the link after it (the first hub) or before it. */
function carrier(b: Bridge, i: number): { readonly alias: string; readonly column: string } {
  const e = b.path[i]!;
  if (e.kind === 'link') return { alias: linkAlias(i), column: e.hashKey };
  if (i === 0) return { alias: linkAlias(1), column: (b.path[1] as BridgeLink).from };
  return { alias: linkAlias(i - 1), column: (b.path[i - 1] as BridgeLink).to };
}
const linkAlias = (i: number): string => `$l${(i + 1) / 2}`;

/** Every table the load reads: the links, their effectivity and status tracking satellites, the path hubs' trackers, the snapshot control. */
export function bridgeSources(ctx: SqlContext, b: Bridge): ReadonlyArray<SqlTable> {
  return [...links(b).map((l) => entityTable(ctx, 'link', l.name)), ...timedSatellites(ctx, b).map((s) => entityTable(ctx, s.kind, s.name)), entityTable(ctx, 'snapshot_control', b.snapshotControl)];
}

function timedSatellites(ctx: SqlContext, b: Bridge): ReadonlyArray<TimedSatellite> {
  return [
    ...links(b).flatMap((l) => {
      const eff = ctx.effectivityOf.get(l.name);
      return eff === undefined ? [] : [eff];
    }),
    ...b.path.flatMap((e) => ctx.statusTrackersOf.get(`${e.kind}:${e.name}`) ?? []),
  ];
}

export function bridgeLoad(ctx: SqlContext, b: Bridge): Statement {
  const { col, quoteIdent: q, quoteLiteral, tableIdent } = ctx.sql;
  const table = tableIdent(entityTable(ctx, b.kind, b.name));
  const control = tableIdent(entityTable(ctx, 'snapshot_control', b.snapshotControl));
  const loadTs = ctx.dialect.loadTimestamp.sql;
  const cutoff = col(SNAPSHOTS, CUTOFF);
  const zero = quoteLiteral(ctx.zeroHash);
  const columns = [SNAPSHOT_COLUMNS.date, ...b.path.map((e) => e.hashKey), METADATA_COLUMNS.loadTimestamp];
  /** Status conditions, checked once every join has brought its keys. */
  const statuses: string[] = [];

  /** A LEFT JOIN of each tracker's intervals valid at the cut-off, and the condition that the key is not deleted then. */
  const tracked = (w: SqlWriter, element: BridgeHub | BridgeLink, key: string, at: number): void => {
    const trackers: ReadonlyArray<StatusTrackingSatellite> = ctx.statusTrackersOf.get(`${element.kind}:${element.name}`) ?? [];
    if (trackers.length === 0) return;
    const statusesOf = trackers.map((s, j) => {
      const alias = `$t${at}_${j + 1}`;
      joinIntervals(w, ctx, 'LEFT JOIN', s, alias, [`${col(alias, s.parentHashKey)} = ${key}`, validAt(ctx, alias, cutoff)]);
      return col(alias, IS_DELETED_COLUMN);
    });
    // Present somewhere, or known nowhere (sql/status.ts).
    statuses.push(
      statusesOf.length === 1 ? `${statusesOf[0]} IS NOT TRUE` : `(${[...statusesOf.map((x) => `${x} IS FALSE`), `(${statusesOf.map((x) => `${x} IS NULL`).join(' AND ')})`].join(' OR ')})`,
    );
  };

  return statement((w) => {
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        col(SNAPSHOTS, SNAPSHOT_COLUMNS.date),
        ...b.path.map((_, i) => {
          const c = carrier(b, i);
          return col(c.alias, c.column);
        }),
        loadTs,
      ]),
    );
    // The snapshots whose cut-off has passed and that the bridge lacks (a probe on its leading key column).
    w.line('FROM (');
    w.block(() => {
      const date = col('$c', SNAPSHOT_COLUMNS.date);
      w.line(`SELECT ${date}, ${snapshotCutoff(ctx, date)} AS ${q(CUTOFF)}`);
      w.line(`FROM ${control} AS ${q('$c')}`);
      w.line(`WHERE ${snapshotCutoff(ctx, date)} <= ${loadTs}`);
      w.line(`AND NOT EXISTS (SELECT 1 FROM ${table} AS ${q('$b')} WHERE ${col('$b', SNAPSHOT_COLUMNS.date)} = ${date})`);
    });
    w.line(`) AS ${q(SNAPSHOTS)}`);
    b.path.forEach((e, i) => {
      if (e.kind === 'hub') {
        // A hub's key comes with the link beside it: the first hub's with the first link, so it is tracked once that link is joined.
        if (i > 0) tracked(w, e, col(carrier(b, i).alias, carrier(b, i).column), i);
        return;
      }
      const l = linkAlias(i);
      const on = [
        ...(i === 1 ? [] : [`${col(l, e.from)} = ${col(carrier(b, i - 1).alias, carrier(b, i - 1).column)}`]),
        `${col(l, METADATA_COLUMNS.loadTimestamp)} < ${cutoff}`,
        `${col(l, e.hashKey)} <> ${zero}`,
        ...(i === 1 ? [`${col(l, e.from)} <> ${zero}`] : []),
        `${col(l, e.to)} <> ${zero}`,
      ];
      w.line(`INNER JOIN ${tableIdent(entityTable(ctx, 'link', e.name))} AS ${q(l)} ON ${on.join(' AND ')}`);
      if (i === 1) tracked(w, b.path[0] as BridgeHub, col(l, e.from), 0);
      const eff = ctx.effectivityOf.get(e.name);
      if (eff !== undefined) {
        // The driving key's relationship valid at the cut-off is this link's.
        const alias = `$e${(i + 1) / 2}`;
        joinIntervals(w, ctx, 'INNER JOIN', eff, alias, [
          ...eff.drivingKey.map((k) => `${col(alias, k)} = ${col(l, k)}`),
          validAt(ctx, alias, cutoff),
          `${col(alias, eff.parentHashKey)} = ${col(l, e.hashKey)}`,
        ]);
      }
      tracked(w, e, col(l, e.hashKey), i);
    });
    statuses.forEach((s, i) => w.line(`${i === 0 ? 'WHERE' : '  AND'} ${s}`));
  });
}

/** `<join> (<sat's validity intervals>) AS alias ON …`. */
function joinIntervals(w: SqlWriter, ctx: SqlContext, join: 'INNER JOIN' | 'LEFT JOIN', sat: TimedSatellite, alias: string, on: ReadonlyArray<string>): void {
  w.line(`${join} (`);
  w.block(() => validityIntervals(ctx, sat).lines.forEach((line) => w.line(line)));
  w.line(`) AS ${ctx.sql.quoteIdent(alias)} ON ${on.join(' AND ')}`);
}
