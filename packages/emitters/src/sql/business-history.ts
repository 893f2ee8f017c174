/**
 * The history view of a business satellite or business link satellite (docs/sql.md, "History in
 * the business vault"): `hist_bsat_<name>` / `hist_blsat_<name>` in the business vault, one row
 * per change point of each parent key, on the knowledge axis (what the vault knew, by load_ts).
 *
 * A key's change points are the parent's load_ts (the key became known) and the valid_from of
 * every leader of each raw satellite it brings together, and of each status tracking satellite of
 * the parent (validity.ts). At each change point every raw satellite's row valid from then is
 * joined back on (key, load_ts), so the columns, the derived attributes (the same rules, computed
 * per history row) and the hashdiff are what the current view showed at that time; the row holds
 * until the key's next change point (`valid_to`, NULL while current, then `is_current`).
 *
 * Deletes: a key whose status says deleted stays in the history (the current view leaves it out),
 * and the view carries `key_is_deleted` (by the current views' rule, status.ts) when the parent's
 * status is tracked. Lookups join the reference tables' current descriptions, as the current
 * view does.
 */
import { VIEW_COLUMNS } from '@vault/core/internal';
import { METADATA_COLUMNS, type BusinessLinkSatellite, type BusinessSatellite, type StatusTrackingSatellite } from '@vault/core';
import { IS_DELETED_COLUMN } from '../columns.js';
import type { CodeWriter } from '../writer.js';
import { businessSatelliteReads, writeBusinessSatellite } from './business-vault.js';
import { need, type SqlContext } from './context.js';
import { lookupJoins } from './lookups.js';
import { deletedWhen, statusGroups, type StatusGroup } from './status.js';
import { businessHistoryView, entityTable } from './names.js';
import { commaList, type Statement } from './sql-writer.js';
import { validFromOn, validityIntervals, VALIDITY_COLUMNS, type TimedSatellite } from './validity.js';
import { createView } from './views.js';

/** The status groups of the business satellite's parent (status.ts); none for a business link over events. */
function statusGroupsOf(ctx: SqlContext, sat: BusinessSatellite | BusinessLinkSatellite): ReadonlyArray<StatusGroup> {
  if (sat.kind === 'business_satellite') return statusGroups(ctx, 'hub', need(ctx.businessHubs, sat.parent, 'business hub').hub);
  const business = need(ctx.businessLinks, sat.parent, 'business link');
  return business.eventAttributes === undefined ? statusGroups(ctx, 'link', business.link) : [];
}

/** The history's status column: whether the key counted as deleted at the time (status.ts's rule). */
export const KEY_IS_DELETED = VIEW_COLUMNS.keyIsDeleted;

export function businessSatelliteHistoryView(ctx: SqlContext, sat: BusinessSatellite | BusinessLinkSatellite): Statement {
  const { as, col, quoteIdent: q, tableIdent } = ctx.sql;
  const reads = businessSatelliteReads(ctx, sat);
  const { parent, aliases, rawKind } = reads;
  const raws: ReadonlyArray<TimedSatellite> = sat.satellites.map((s) => (rawKind === 'satellite' ? need(ctx.satellites, s, 'satellite') : need(ctx.linkSatellites, s, 'link satellite')));
  const groups = statusGroupsOf(ctx, sat);
  // Each tracker's intervals as `x1`, `x2`, …, joined on the parent's column holding its key.
  const trackers = groups.flatMap((g) => g.trackers.map((t) => ({ tracker: t, column: g.column })));
  const trackerAlias = (i: number): string => `x${i + 1}`;
  const [from, to] = [VALIDITY_COLUMNS.from, VALIDITY_COLUMNS.to];
  const changeAt = col('t', from);
  /** The interval read through `alias` holds from the change point on. */
  const holds = (alias: string): string => validFromOn(ctx, alias, changeAt);
  /** `(<intervals of s>) AS "alias"`. */
  const intervals = (w: CodeWriter, s: TimedSatellite, alias: string, join: string): void => {
    w.line(`${join}(`);
    w.block(() => validityIntervals(ctx, s).lines.forEach((l) => w.line(l)));
    w.line(`) AS ${q(alias)}`);
  };
  /** The key column of a tracker's intervals: its parent hash key. */
  const keyOf = (t: StatusTrackingSatellite): string => validityIntervals(ctx, t).keys[0] ?? t.parentHashKey;
  const deleted = deletedWhen(groups, (i) => col(trackerAlias(i), IS_DELETED_COLUMN));
  const base = (w: CodeWriter): void => {
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        col('p', parent.hashKey),
        ...reads.keys.map((k) => col('p', k.name)),
        col('t', from),
        col('t', to),
        as(`${col('t', to)} IS NULL`, VALIDITY_COLUMNS.isCurrent),
        ...reads.values,
        ...(deleted === undefined ? [] : [as(deleted, KEY_IS_DELETED)]),
      ]),
    );
    // The key's change points, each until the next.
    w.line('FROM (');
    w.block(() => {
      w.line(`SELECT ${col('c', parent.hashKey)}, ${col('c', from)}, ${as(`lead(${col('c', from)}) OVER (PARTITION BY ${col('c', parent.hashKey)} ORDER BY ${col('c', from)})`, to)}`);
      w.line('FROM (');
      w.block(() => {
        w.line(`SELECT ${q(parent.hashKey)}, ${as(q(METADATA_COLUMNS.loadTimestamp), from)} FROM ${parent.table}`);
        raws.forEach((s, i) => {
          w.line('UNION');
          w.line(`SELECT ${col(`c${i + 1}`, parent.hashKey)}, ${col(`c${i + 1}`, from)}`);
          intervals(w, s, `c${i + 1}`, 'FROM ');
        });
        trackers.forEach(({ tracker, column }, i) => {
          const alias = `c${raws.length + i + 1}`;
          w.line('UNION');
          if (column === parent.hashKey) {
            w.line(`SELECT ${col(alias, keyOf(tracker))}, ${col(alias, from)}`);
            intervals(w, tracker, alias, 'FROM ');
          } else {
            // A driving hub's status changes each relationship of its key.
            w.line(`SELECT ${col('l', parent.hashKey)}, ${col(alias, from)}`);
            intervals(w, tracker, alias, 'FROM ');
            w.line(`JOIN ${parent.table} AS ${q('l')}`);
            w.block(() => w.line(`ON ${col('l', column)} = ${col(alias, keyOf(tracker))}`));
          }
        });
      });
      w.line(`) AS ${q('c')}`);
    });
    w.line(`) AS ${q('t')}`);
    w.line(`JOIN ${parent.table} AS ${q('p')}`);
    w.block(() => w.line(`ON ${col('p', parent.hashKey)} = ${col('t', parent.hashKey)}`));
    raws.forEach((s, i) => {
      const v = `v${i + 1}`;
      const alias = aliases.get(s.name)!;
      intervals(w, s, v, 'LEFT JOIN ');
      w.block(() => w.line(`ON ${col(v, parent.hashKey)} = ${col('t', parent.hashKey)} AND ${holds(v)}`));
      w.line(`LEFT JOIN ${tableIdent(entityTable(ctx, rawKind, s.name))} AS ${q(alias)}`);
      w.block(() => w.line(`ON ${col(alias, parent.hashKey)} = ${col(v, parent.hashKey)} AND ${col(alias, METADATA_COLUMNS.loadTimestamp)} = ${col(v, METADATA_COLUMNS.loadTimestamp)}`));
    });
    trackers.forEach(({ tracker, column }, i) => {
      const x = trackerAlias(i);
      intervals(w, tracker, x, 'LEFT JOIN ');
      w.block(() => w.line(`ON ${col(x, keyOf(tracker))} = ${col('p', column)} AND ${holds(x)}`));
    });
    lookupJoins(ctx, w, sat, reads.columnSql);
  };
  const before = [from, to, VALIDITY_COLUMNS.isCurrent];
  return createView(ctx, businessHistoryView(ctx, sat), (w) => writeBusinessSatellite(ctx, w, sat, reads, { keys: true, before, after: deleted === undefined ? [] : [KEY_IS_DELETED] }, base));
}
