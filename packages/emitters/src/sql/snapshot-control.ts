/**
 * Snapshot control (docs/sql.md, "Snapshot control"): its load and its view of the kept
 * snapshots.
 *
 * The load inserts every date from the start to the end (`today`: the date, in UTC, of the
 * batch load timestamp) that falls on `every` and that the table lacks, with its period-end
 * flags: insert-only, so a rerun, or a late batch with an earlier date, adds nothing.
 *
 * Retention never deletes: the table keeps every date once, and the view
 * `<table>_kept` offers the dates the settings give now (a spec change of start, end or every
 * leaves the table's other dates out) that some `keep` rule keeps, counted back from the latest
 * of them, with `is_latest`.
 */
import { METADATA_COLUMNS, type SnapshotControl, type SnapshotKeepSpec } from '@vault/core/internal';
import { IS_LATEST_COLUMN, SNAPSHOT_COLUMNS, SNAPSHOT_PERIODS } from '../columns.js';
import type { SqlContext } from './context.js';
import { entityTable, TABLE_PREFIX, type NameScope, type SqlTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { createView } from './views.js';

/** The view of the kept snapshots: `<table>_kept`, beside the table. */
export function keptSnapshotsView(names: NameScope, control: SnapshotControl): SqlTable {
  const table = entityTable(names, control.kind, control.name);
  return { schema: table.schema, name: names.dialect.identifier(`${TABLE_PREFIX[control.kind]}${control.name}_kept`) };
}

export function snapshotControlLoad(ctx: SqlContext, control: SnapshotControl): Statement {
  const { col, quoteIdent: q, tableIdent } = ctx.sql;
  const dates = ctx.dialect.dates;
  const table = tableIdent(entityTable(ctx, control.kind, control.name));
  const date = col('d', SNAPSHOT_COLUMNS.date);
  const end = control.end === 'today' ? dates.dateOf(ctx.dialect.loadTimestamp.sql) : dates.literal(control.end);
  const columns = [SNAPSHOT_COLUMNS.date, ...SNAPSHOT_PERIODS.map((p) => SNAPSHOT_COLUMNS[p]), METADATA_COLUMNS.loadTimestamp];
  return statement((w) => {
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() => commaList(w, [date, ...SNAPSHOT_PERIODS.map((p) => dates.isPeriodEnd(date, p)), ctx.dialect.loadTimestamp.sql]));
    w.line('FROM (');
    w.block(() => dates.series(dates.literal(control.start), end, q(SNAPSHOT_COLUMNS.date)).forEach((l) => w.line(l)));
    w.line(`) AS ${q('d')}`);
    w.line(
      `WHERE ${control.every === 'day' ? '' : `${dates.isPeriodEnd(date, control.every)} AND `}NOT EXISTS (SELECT 1 FROM ${table} AS ${q('t')} WHERE ${col('t', SNAPSHOT_COLUMNS.date)} = ${date})`,
    );
  });
}

/**
 * The condition that the snapshot date read through `alias` is one the settings give now: from
 * `start`, to a fixed `end`, falling on `every`. The table keeps the dates of earlier settings too
 * (loads never delete); the kept view offers only these.
 */
function givenBySettings(ctx: SqlContext, control: SnapshotControl, alias: string): string {
  const { col } = ctx.sql;
  const dates = ctx.dialect.dates;
  const date = col(alias, SNAPSHOT_COLUMNS.date);
  return [
    `${date} >= ${dates.literal(control.start)}`,
    ...(control.end === 'today' ? [] : [`${date} <= ${dates.literal(control.end)}`]),
    ...(control.every === 'day' ? [] : [col(alias, SNAPSHOT_COLUMNS[control.every])]),
  ].join(' AND ');
}

export function keptSnapshotsViewSql(ctx: SqlContext, control: SnapshotControl): Statement {
  const { col, quoteIdent: q, tableIdent } = ctx.sql;
  const table = tableIdent(entityTable(ctx, control.kind, control.name));
  const date = col('s', SNAPSHOT_COLUMNS.date);
  const latest = col('l', 'latest');
  const keeps = (r: SnapshotKeepSpec): string => {
    const falls = r.every === 'day' ? [] : [col('s', SNAPSHOT_COLUMNS[r.every])];
    const recent = r.for_days === undefined ? [] : [`${ctx.dialect.dates.daysBetween(latest, date)} < ${r.for_days}`];
    const terms = [...falls, ...recent];
    return terms.length === 0 ? 'TRUE' : `(${terms.join(' AND ')})`;
  };
  return createView(ctx, keptSnapshotsView(ctx, control), (w) => {
    w.line('SELECT');
    w.block(() => commaList(w, [date, ...SNAPSHOT_PERIODS.map((p) => col('s', SNAPSHOT_COLUMNS[p])), `${date} = ${latest} AS ${q(IS_LATEST_COLUMN)}`, col('s', METADATA_COLUMNS.loadTimestamp)]));
    w.line(`FROM ${table} AS ${q('s')}`);
    w.line(`CROSS JOIN (SELECT MAX(${col('t', SNAPSHOT_COLUMNS.date)}) AS ${q('latest')} FROM ${table} AS ${q('t')} WHERE ${givenBySettings(ctx, control, 't')}) AS ${q('l')}`);
    const given = givenBySettings(ctx, control, 's');
    w.line(`WHERE ${control.keep === undefined ? given : `${given} AND (${control.keep.map(keeps).join(' OR ')})`}`);
  });
}
