/**
 * The business vault as views over the raw vault, so it never needs loading:
 * - a business satellite is the current row of each of its raw satellites (the latest load per
 *   parent key), joined to every parent key, plus the derived attributes; its load_ts is the
 *   latest of those rows' (the parent's when it has none) and its hashdiff is the standard's
 *   over all its columns, derived ones and joined descriptions included, in name order; a
 *   reference table's current descriptions are left-joined by the codes its columns carry;
 * - a business hub (link) is its raw hub (link) filtered by the rule set's filter over the
 *   current values; the ghost record is always kept, as the unknown member of dimensions;
 * - both leave out a key whose latest status says deleted (`status.ts`), and a link's
 *   relationship whose driving hub key is deleted.
 * A business satellite's history view (business-history.ts) shares its reads and its derived
 * attributes with the current view here.
 */
import { METADATA_COLUMNS, type BusinessHub, type BusinessLink, type BusinessLinkSatellite, type BusinessSatellite, type Column, type Filter } from '@vault/core';
import { byName, linkKeyColumns } from '@vault/core/internal';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { need, type SqlContext } from './context.js';
import { ExprScope, renderExpr, ruleResult, type ScopeColumn } from './expr.js';
import { hashExpression } from './hashing.js';
import { EFFECTIVITY_COLUMNS } from './effectivity-view.js';
import { entityTable, historyView } from './names.js';
import { commaList, type Statement } from './sql-writer.js';
import { tableColumns } from './table-columns.js';
import { orderTerm } from './staging.js';
import { createEntityView, leftJoin } from './views.js';
import { lookupColumns, lookupJoins } from './lookups.js';
import { notDeleted, relationshipNotDeleted } from './status.js';
import type { CodeWriter } from '../writer.js';

/** The raw parent of a business satellite: its hash key, business keys and table. */
export function rawParent(ctx: SqlContext, sat: BusinessSatellite | BusinessLinkSatellite): { readonly hashKey: string; readonly keys: ReadonlyArray<Column>; readonly table: string } {
  const { tableIdent } = ctx.sql;
  if (sat.kind === 'business_satellite') {
    const hub = need(ctx.hubs, need(ctx.businessHubs, sat.parent, 'business hub').hub, 'hub');
    return { hashKey: hub.hashKey, keys: hub.businessKeys, table: tableIdent(entityTable(ctx, 'hub', hub.name)) };
  }
  const link = need(ctx.links, need(ctx.businessLinks, sat.parent, 'business link').link, 'link');
  return { hashKey: link.hashKey, keys: linkKeyColumns(link), table: tableIdent(entityTable(ctx, 'link', link.name)) };
}

/**
 * Newest first, as loads order changes. With a delta order the current row is the one latest in
 * delta order (NULL counts as latest, as loads sort it last), then by hashdiff as loads break
 * ties: a batch of late data, loaded after newer changes, does not become current. Without
 * one, the latest load.
 */
function currentOrder(ctx: SqlContext, rawKind: 'satellite' | 'link_satellite', name: string): ReadonlyArray<string> {
  const { quoteIdent } = ctx.sql;
  const raw = rawKind === 'satellite' ? ctx.satellites.get(name) : ctx.linkSatellites.get(name);
  const loadTs = `${quoteIdent(METADATA_COLUMNS.loadTimestamp)} DESC`;
  if (raw?.deltaOrder === undefined) return [loadTs];
  const type = ctx.sourceColumns.get(raw.source.table)?.get(raw.deltaOrder)?.type ?? { kind: 'text' as const };
  return [`${orderTerm(ctx.dialect, quoteIdent(DELTA_ORDER_COLUMN), type)} DESC NULLS FIRST`, `${quoteIdent(METADATA_COLUMNS.hashDiff)} DESC`, loadTs];
}

/**
 * How a business satellite reads its raw satellites, shared by its current view and its history
 * view (business-history.ts): each raw satellite's row joined as `s1`, `s2`, … in the order the
 * business satellite names them, the parent as `p`.
 */
export interface BusinessSatelliteReads {
  readonly parent: ReturnType<typeof rawParent>;
  readonly rawKind: 'satellite' | 'link_satellite';
  /** The alias of each raw satellite's row. */
  readonly aliases: ReadonlyMap<string, string>;
  /** The parent's business keys the view carries: a key named like a column is shadowed by it, as in the rule's type environment. */
  readonly keys: ReadonlyArray<Column>;
  /** A column of the business satellite as its raw satellite holds it. */
  readonly columnSql: (name: string) => string;
  /** The base's values after its keys: load_ts and record_source (the latest of the raw rows', the parent's when it has none), the satellite columns, the looked-up descriptions. */
  readonly values: ReadonlyArray<string>;
}

export function businessSatelliteReads(ctx: SqlContext, sat: BusinessSatellite | BusinessLinkSatellite): BusinessSatelliteReads {
  const { as, col } = ctx.sql;
  const parent = rawParent(ctx, sat);
  const aliases = new Map(sat.satellites.map((s, i) => [s, `s${i + 1}`] as const));
  const shown = new Set(sat.columns.map((c) => c.name));
  const latest = (column: string): ReadonlyArray<string> => sat.satellites.map((s) => col(aliases.get(s)!, column));
  const loadTs = latest(METADATA_COLUMNS.loadTimestamp);
  const byColumn = new Map(sat.columns.map((c) => [c.name, c] as const));
  const columnSql = (name: string): string => {
    const c = byColumn.get(name)!;
    const alias = aliases.get(c.satellite);
    if (alias === undefined) throw new Error(`vault SQL: business satellite '${sat.name}' has a column of '${c.satellite}', which it does not bring together`);
    return col(alias, c.sourceColumn);
  };
  return {
    parent,
    rawKind: sat.kind === 'business_satellite' ? 'satellite' : 'link_satellite',
    aliases,
    keys: parent.keys.filter((k) => !shown.has(k.name)),
    columnSql,
    values: [
      as(`COALESCE(${[...(loadTs.length > 1 ? [`GREATEST(${loadTs.join(', ')})`] : loadTs), col('p', METADATA_COLUMNS.loadTimestamp)].join(', ')})`, METADATA_COLUMNS.loadTimestamp),
      as(`COALESCE(${[...latest(METADATA_COLUMNS.recordSource), col('p', METADATA_COLUMNS.recordSource)].join(', ')})`, METADATA_COLUMNS.recordSource),
      ...sat.columns.map((c) => as(columnSql(c.name), c.name)),
      ...lookupColumns(ctx, sat),
    ],
  };
}

/**
 * The query over a business satellite's base (`base` writes it: the parent hash key, the keys,
 * `before` columns, load_ts, record_source, the satellite columns, the lookups, `after` columns):
 * the derived attributes computed on each base row, the hashdiff over every column, derived ones
 * and joined descriptions included, in name order. `before` and `after` are column names the base
 * carries and the result shows around the metadata and at the end.
 */
export function writeBusinessSatellite(
  ctx: SqlContext,
  w: CodeWriter,
  sat: BusinessSatellite | BusinessLinkSatellite,
  reads: BusinessSatelliteReads,
  shown: { readonly keys: boolean; readonly before: ReadonlyArray<string>; readonly after: ReadonlyArray<string> },
  base: (w: CodeWriter) => void,
): void {
  const { as, col, quoteIdent } = ctx.sql;
  const scope = new ExprScope(ctx.dialect, [
    ...reads.keys.map((k) => ({ name: k.name, type: k.type, sql: col('b', k.name) })),
    ...sat.columns.map((c) => ({ name: c.name, type: c.type, sql: col('b', c.name) })),
  ]);
  const looked = (sat.lookups ?? []).flatMap((l) => l.columns);
  const hashed = [...sat.columns.map((c) => ({ name: c.name, type: c.type })), ...sat.derived.map((d) => ({ name: d.name, type: d.type })), ...looked.map((c) => ({ name: c.name, type: c.type }))]
    .sort(byName)
    .map((c) => ({ sql: col('d', c.name), type: c.type }));
  w.line('SELECT');
  w.block(() =>
    commaList(w, [
      col('d', sat.parentHashKey),
      ...(shown.keys ? reads.keys.map((k) => col('d', k.name)) : []),
      ...shown.before.map((c) => col('d', c)),
      col('d', METADATA_COLUMNS.loadTimestamp),
      col('d', METADATA_COLUMNS.recordSource),
      as(hashExpression(ctx.dialect, ctx.model.hashing, hashed, 'hashdiff'), METADATA_COLUMNS.hashDiff),
      ...sat.columns.map((c) => col('d', c.name)),
      ...sat.derived.map((d) => col('d', d.name)),
      ...looked.map((c) => col('d', c.name)),
      ...shown.after.map((c) => col('d', c)),
    ]),
  );
  w.line('FROM (');
  w.block(() => {
    if (sat.derived.length === 0) return base(w);
    w.line('SELECT');
    // The ghost record is the dimensions' unknown member: it has no values, so no rule gives it
    // one (a CASE's ELSE would otherwise put every unknown fact into a real bucket).
    const ghost = `${col('b', sat.parentHashKey)} = ${ctx.sql.quoteLiteral(ctx.zeroHash)}`;
    const derived = (d: (typeof sat.derived)[number]): string => `CASE WHEN ${ghost} THEN NULL ELSE ${ruleResult(renderExpr(d.expr, scope), d.type, ctx.dialect)} END`;
    w.block(() => commaList(w, [`${quoteIdent('b')}.*`, ...sat.derived.map((d) => as(derived(d), d.name))]));
    w.line('FROM (');
    w.block(() => base(w));
    w.line(`) AS ${quoteIdent('b')}`);
  });
  w.line(`) AS ${quoteIdent('d')}`);
}

export function businessSatelliteView(ctx: SqlContext, sat: BusinessSatellite | BusinessLinkSatellite): Statement {
  const { col, quoteIdent, tableIdent } = ctx.sql;
  const reads = businessSatelliteReads(ctx, sat);
  const { parent, aliases, rawKind } = reads;
  const base = (w: CodeWriter): void => {
    w.line('SELECT');
    w.block(() => commaList(w, [col('p', parent.hashKey), ...reads.keys.map((k) => col('p', k.name)), ...reads.values]));
    w.line(`FROM ${parent.table} AS ${quoteIdent('p')}`);
    const current = currentKeys(ctx, sat, 'p');
    for (const s of sat.satellites) {
      const alias = aliases.get(s)!;
      const raw = tableIdent(entityTable(ctx, rawKind, s));
      const hk = quoteIdent(parent.hashKey);
      const current = ctx.dialect.firstRowPerKey({ key: hk, from: raw, order: currentOrder(ctx, rawKind, s) });
      w.line(`LEFT JOIN (${current.join(' ')}) AS ${quoteIdent(alias)}`);
      w.block(() => w.line(`ON ${col(alias, parent.hashKey)} = ${col('p', parent.hashKey)}`));
    }
    lookupJoins(ctx, w, sat, reads.columnSql);
    if (current !== undefined) w.line(`WHERE ${current}`);
  };
  return createEntityView(ctx, sat.kind, sat.name, (w) => writeBusinessSatellite(ctx, w, sat, reads, { keys: false, before: [], after: [] }, base));
}

/** What a business hub's or link's filter sees: keys from the base, the rest from its business satellite. */
export function offeredScope(ctx: SqlContext, base: string, keys: ReadonlyArray<Column>, sat: BusinessSatellite | BusinessLinkSatellite | undefined, satAlias: string): ReadonlyArray<ScopeColumn> {
  const { col } = ctx.sql;
  return [
    ...keys.map((k) => ({ name: k.name, type: k.type, sql: col(base, k.name) })),
    ...(sat?.columns ?? []).map((c) => ({ name: c.name, type: c.type, sql: col(satAlias, c.name) })),
    ...(sat?.derived ?? []).map((d) => ({ name: d.name, type: d.type, sql: col(satAlias, d.name) })),
  ];
}

export function businessHubView(ctx: SqlContext, hub: BusinessHub | BusinessLink): Statement {
  const { col, quoteIdent, quoteLiteral, tableIdent } = ctx.sql;
  const isHub = hub.kind === 'business_hub';
  // A business link over events reads its non-historized link, attributes and all.
  const raw = isHub ? entityTable(ctx, 'hub', hub.hub) : entityTable(ctx, hub.eventAttributes !== undefined ? 'non_historized_link' : 'link', hub.link);
  const sat = isHub ? ctx.businessSatelliteOf.get(hub.name) : ctx.businessLinkSatelliteOf.get(hub.name);
  const keys = isHub ? hub.businessKeys : [...linkKeyColumns(hub), ...(hub.eventAttributes ?? [])];
  return createEntityView(ctx, hub.kind, hub.name, (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(
        w,
        tableColumns(ctx, hub).map((c) => col('h', c.name)),
      ),
    );
    w.line(`FROM ${tableIdent(raw)} AS ${quoteIdent('h')}`);
    const effective = isHub ? undefined : effectiveNow(ctx, hub, 'h');
    const current = currentKeys(ctx, hub, 'h');
    if (hub.filter === undefined) {
      // The ghost row stays beside the relationships effective now; deleted keys leave.
      const kept = effective === undefined ? undefined : `${col('h', hub.hashKey)} = ${quoteLiteral(ctx.zeroHash)} OR ${effective}`;
      const where = kept === undefined ? current : current === undefined ? kept : `(${kept}) AND ${current}`;
      if (where !== undefined) w.line(`WHERE ${where}`);
      return;
    }
    if (sat !== undefined) {
      leftJoin(ctx, w, entityTable(ctx, sat.kind, sat.name), 's', `${col('s', sat.parentHashKey)} = ${col('h', hub.hashKey)}`);
    }
    const filter = filterSql(ctx, hub.filter, offeredScope(ctx, 'h', keys, sat, 's'));
    const kept = `${col('h', hub.hashKey)} = ${quoteLiteral(ctx.zeroHash)} OR ${effective === undefined ? filter : `(${effective} AND ${filter})`}`;
    w.line(`WHERE ${current === undefined ? kept : `(${kept}) AND ${current}`}`);
  });
}

/**
 * A link with an effectivity satellite offers only the relationships effective now: each driving
 * key's current one, never the zero key's (effectivity-view.ts). Undefined for other links.
 */
function effectiveNow(ctx: SqlContext, link: BusinessLink, alias: string): string | undefined {
  const eff = link.eventAttributes === undefined ? ctx.effectivityOf.get(link.link) : undefined;
  if (eff === undefined) return undefined;
  const { col, quoteIdent: q, tableIdent } = ctx.sql;
  return `${col(alias, link.hashKey)} IN (SELECT ${q(eff.parentHashKey)} FROM ${tableIdent(historyView(ctx, eff))} WHERE ${q(EFFECTIVITY_COLUMNS.isCurrent)})`;
}

/** The condition that the raw hub's or link's row read through `alias` is not deleted (`status.ts`); undefined when nothing tracks its status. */
function currentKeys(ctx: SqlContext, e: BusinessHub | BusinessLink | BusinessSatellite | BusinessLinkSatellite, alias: string): string | undefined {
  const { col } = ctx.sql;
  if (e.kind === 'business_hub') return notDeleted(ctx, 'hub', e.hub, col(alias, e.hashKey));
  if (e.kind === 'business_satellite') return currentKeys(ctx, need(ctx.businessHubs, e.parent, 'business hub'), alias);
  const link = e.kind === 'business_link' ? e : need(ctx.businessLinks, e.parent, 'business link');
  // A business link over events reads its non-historized link, which has no status.
  if (link.eventAttributes !== undefined) return undefined;
  return relationshipNotDeleted(ctx, need(ctx.links, link.link, 'link'), alias);
}

/** A filter as a condition; `renderExpr` parenthesises everything but atoms, so it fits after AND / OR. */
export function filterSql(ctx: SqlContext, filter: Filter, columns: ReadonlyArray<ScopeColumn>): string {
  return renderExpr(filter.expr, new ExprScope(ctx.dialect, columns));
}
