/**
 * Type-2 dimensions (docs/sql.md, "Type-2 dimensions"). The dimension view of a type-2
 * dimensional model holds one row per version of each member: a row of its business satellite's
 * history view (`hist_bsat_<name>`: one row per change point of the key, on the knowledge axis,
 * the derived attributes computed per row), with the business hub's filter and the key's status
 * applied to each version as the current views apply them to the current row. A version is keyed
 * by `<dimension>_version_key`, the hash of the member's hash key and `valid_from` (the model's
 * hashing, as a hash key); the unknown member (the ghost) is one version valid for all time,
 * keyed by the zero key.
 *
 * The fact view joins each dimension view at the fact's date: the version valid then. A fact
 * whose member has no version at its date (not yet known, filtered out or deleted then, or no
 * date) points at the unknown member's version, so even inner joins keep every fact.
 */
import { METADATA_COLUMNS, type BusinessHub, type ColumnType, type Dimension, type DimensionalModel } from '@vault/core';
import { hashType } from '../columns.js';
import type { CodeWriter } from '../writer.js';
import { KEY_IS_DELETED } from './business-history.js';
import { filterSql, offeredScope } from './business-vault.js';
import { need, type SqlContext } from './context.js';
import { hashExpression } from './hashing.js';
import { businessHistoryView, dimensionTable, entityTable } from './names.js';
import { snapshotCutoff, validAt, validFromOn, VALIDITY_COLUMNS } from './validity.js';
import { commaList, type Statement } from './sql-writer.js';
import { createView } from './views.js';

/** The key of a version read through `alias`: the hash of hash key and valid_from; the zero key for the ghost's. */
function versionKey(ctx: SqlContext, alias: string, hashKey: string): string {
  const { col, quoteLiteral } = ctx.sql;
  const hash = hashExpression(
    ctx.dialect,
    ctx.model.hashing,
    [
      { sql: col(alias, hashKey), type: hashType(ctx.model.hashing.algorithm) },
      { sql: col(alias, VALIDITY_COLUMNS.from), type: { kind: 'timestamptz' } },
    ],
    'key',
  );
  const zero = quoteLiteral(ctx.zeroHash);
  return `CASE WHEN ${col(alias, hashKey)} = ${zero} THEN ${zero} ELSE ${hash} END`;
}

/** The view of a type-2 dimension: one row per version of each member, and the ghost's one. */
export function dimensionVersionsView(ctx: SqlContext, model: DimensionalModel, d: Dimension): Statement {
  const { as, col, quoteIdent, quoteLiteral, tableIdent } = ctx.sql;
  const hub = need(ctx.businessHubs, d.businessHub, 'business hub');
  const sat = ctx.businessSatelliteOf.get(hub.name);
  const versionColumns = [VALIDITY_COLUMNS.from, VALIDITY_COLUMNS.to, VALIDITY_COLUMNS.isCurrent].map((c) => col('v', c));
  return createView(ctx, dimensionTable(ctx, model.name, d.name), (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        as(col('v', hub.hashKey), d.hashKey),
        as(versionKey(ctx, 'v', hub.hashKey), d.versionKey ?? fail(model, d)),
        ...versionColumns,
        // Keys and attributes alike: the history view carries the business keys.
        ...d.attributes.map((c) => as(col('v', c.fromColumn), c.name)),
      ]),
    );
    if (sat === undefined) return hubVersions(ctx, w, hub);
    w.line(`FROM ${tableIdent(businessHistoryView(ctx, sat))} AS ${quoteIdent('v')}`);
    const kept = [
      ...(hub.filter === undefined ? [] : [filterSql(ctx, hub.filter, offeredScope(ctx, 'v', hub.businessKeys, sat, 'v'))]),
      // The history view tells a deleted key's versions when the hub's status is tracked.
      ...(tracked(ctx, hub) ? [`NOT ${col('v', KEY_IS_DELETED)}`] : []),
    ];
    // `renderExpr` parenthesises all but atoms, so one condition needs no more.
    if (kept.length > 0) w.line(`WHERE ${col('v', hub.hashKey)} = ${quoteLiteral(ctx.zeroHash)} OR ${kept.length === 1 ? kept[0]! : `(${kept.join(' AND ')})`}`);
  });
}

/**
 * A dimension without a business satellite has no attribute that could change: each member of
 * the business hub is one version, from the load that brought its key on (the ghost's from the
 * start of time).
 */
function hubVersions(ctx: SqlContext, w: CodeWriter, hub: BusinessHub): void {
  const { as, quoteIdent, tableIdent } = ctx.sql;
  w.line('FROM (');
  w.block(() => {
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        `${quoteIdent('b')}.*`,
        as(quoteIdent(METADATA_COLUMNS.loadTimestamp), VALIDITY_COLUMNS.from),
        as(`CAST(NULL AS ${ctx.dialect.columnType({ kind: 'timestamptz' })})`, VALIDITY_COLUMNS.to),
        as('TRUE', VALIDITY_COLUMNS.isCurrent),
      ]),
    );
    w.line(`FROM ${tableIdent(entityTable(ctx, hub.kind, hub.name))} AS ${quoteIdent('b')}`);
  });
  w.line(`) AS ${quoteIdent('v')}`);
}

/** Whether a status tracking satellite tracks the hub's keys (then its history view carries `key_is_deleted`). */
function tracked(ctx: SqlContext, hub: BusinessHub): boolean {
  return (ctx.statusTrackersOf.get(`hub:${hub.hub}`) ?? []).length > 0;
}

/**
 * The condition that the version read through `alias` is valid at the fact's date `date`, of
 * type `type`: a timestamp is the instant itself (a fact sees the versions loaded with it); a date
 * is the end of that day in UTC, as a snapshot date is (its cut-off, validity.ts).
 */
export function validAtFactDate(ctx: SqlContext, alias: string, date: string, type: ColumnType): string {
  if (type.kind === 'date') return validAt(ctx, alias, snapshotCutoff(ctx, date));
  return validFromOn(ctx, alias, type.kind === 'timestamp' ? ctx.dialect.dates.utcInstant(date) : date);
}

/** The fact's date: the column `factDate` names (SQL read by the fact view), or its load_ts. */
export interface FactDate {
  readonly sql: string;
  readonly type: ColumnType;
}

/** The fact's load_ts, read through the fact's alias. */
export function factLoadTs(ctx: SqlContext, alias: string): FactDate {
  return { sql: ctx.sql.col(alias, METADATA_COLUMNS.loadTimestamp), type: { kind: 'timestamptz' } };
}

function fail(model: DimensionalModel, d: Dimension): never {
  throw new Error(`vault SQL: dimension '${d.name}' of type-2 model '${model.name}' has no version key`);
}
