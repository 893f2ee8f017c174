/**
 * The access layer as views over the business vault, for people and BI tools:
 * - a presentation view: one row per business key (the ghost left out), its current values;
 * - a dimensional model: a fact view `fct_<name>` over the fact link (or hub), one row per
 *   fact, and a dimension view `dim_<name>_<dimension>` per dimension. A fact hub reaches its
 *   dimensions through the links it drives, each read at its current row per driving key. Every join is a LEFT
 *   JOIN, so no fact is lost; a fact whose member a business-hub filter removed points at the
 *   ghost, which every dimension view holds as its "unknown" member, so that even inner joins
 *   from facts to dimensions keep every fact;
 * - a reporting view: chosen columns of a business hub or link, filtered.
 */
import { linkKeyColumns } from '@vault/core/internal';
import {
  METADATA_COLUMNS,
  type AccessColumn,
  type BusinessHub,
  type BusinessLink,
  type BusinessLinkSatellite,
  type BusinessSatellite,
  type Column,
  type Dimension,
  type DimensionalModel,
  type PresentationView,
  type ReportingView,
} from '@vault/core';
import type { CodeWriter } from '../writer.js';
import { filterSql, offeredScope } from './business-vault.js';
import { need, type SqlContext } from './context.js';
import { dimensionVersionsView, factLoadTs, validAtFactDate } from './dimension-versions.js';
import { dimensionTable, entityTable, type SqlTable } from './names.js';
import { commaList, type Statement } from './sql-writer.js';
import { createEntityView, createView, leftJoin } from './views.js';

/** A business hub or link with its business satellite: the base every access view reads. */
export interface Offer {
  readonly entity: BusinessHub | BusinessLink;
  readonly keys: ReadonlyArray<Column>;
  readonly sat: BusinessSatellite | BusinessLinkSatellite | undefined;
}

export function offer(ctx: SqlContext, kind: 'business_hub' | 'business_link', name: string): Offer {
  if (kind === 'business_hub') {
    const hub = need(ctx.businessHubs, name, 'business hub');
    return { entity: hub, keys: hub.businessKeys, sat: ctx.businessSatelliteOf.get(hub.name) };
  }
  const link = need(ctx.businessLinks, name, 'business link');
  // Over events, the attributes are columns of the business link itself, as its keys are.
  return { entity: link, keys: [...linkKeyColumns(link), ...(link.eventAttributes ?? [])], sat: ctx.businessLinkSatelliteOf.get(link.name) };
}

/** A column read from the base ("b") or its business satellite ("s"). */
export function offeredColumn(ctx: SqlContext, o: Offer, c: AccessColumn): string {
  const { as, col } = ctx.sql;
  const fromBase = c.fromKind === o.entity.kind && c.from === o.entity.name;
  const fromSat = o.sat !== undefined && c.fromKind === o.sat.kind && c.from === o.sat.name;
  if (!fromBase && !fromSat) throw new Error(`vault SQL: column '${c.name}' comes from ${c.fromKind} '${c.from}', which '${o.entity.name}' does not offer`);
  return as(col(fromBase ? 'b' : 's', c.fromColumn), c.name);
}

/** `FROM <base> AS "b" LEFT JOIN <its business satellite> AS "s"`. */
function fromOffer(ctx: SqlContext, w: CodeWriter, o: Offer): void {
  const { col, quoteIdent, tableIdent } = ctx.sql;
  w.line(`FROM ${tableIdent(entityTable(ctx, o.entity.kind, o.entity.name))} AS ${quoteIdent('b')}`);
  if (o.sat !== undefined) leftJoin(ctx, w, entityTable(ctx, o.sat.kind, o.sat.name), 's', `${col('s', o.entity.hashKey)} = ${col('b', o.entity.hashKey)}`);
}

export function notGhost(ctx: SqlContext, alias: string, hashKey: string): string {
  const { col, quoteLiteral } = ctx.sql;
  return `${col(alias, hashKey)} <> ${quoteLiteral(ctx.zeroHash)}`;
}

export function presentationView(ctx: SqlContext, view: PresentationView): Statement {
  const o = offer(ctx, 'business_hub', view.businessHub);
  return createEntityView(ctx, view.kind, view.name, (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(
        w,
        view.columns.map((c) => offeredColumn(ctx, o, c)),
      ),
    );
    fromOffer(ctx, w, o);
    w.line(`WHERE ${notGhost(ctx, 'b', o.entity.hashKey)}`);
  });
}

export function reportingView(ctx: SqlContext, view: ReportingView): Statement {
  const o = offer(ctx, view.fromKind, view.from);
  return createEntityView(ctx, view.kind, view.name, (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(
        w,
        view.columns.map((c) => offeredColumn(ctx, o, c)),
      ),
    );
    fromOffer(ctx, w, o);
    const filter = view.filter === undefined ? '' : ` AND ${filterSql(ctx, view.filter, offeredScope(ctx, 'b', o.keys, o.sat, 's'))}`;
    w.line(`WHERE ${notGhost(ctx, 'b', o.entity.hashKey)}${filter}`);
  });
}

export function dimensionViews(ctx: SqlContext, model: DimensionalModel): ReadonlyArray<Statement> {
  if (model.history === 'type2') return model.dimensions.map((d) => dimensionVersionsView(ctx, model, d));
  return model.dimensions.map((d) => {
    const o = offer(ctx, 'business_hub', d.businessHub);
    const { as, col } = ctx.sql;
    return createView(ctx, dimensionTable(ctx, model.name, d.name), (w) => {
      w.line('SELECT');
      w.block(() => commaList(w, [as(col('b', o.entity.hashKey), d.hashKey), ...d.attributes.map((c) => offeredColumn(ctx, o, c))]));
      fromOffer(ctx, w, o);
    });
  });
}

/** A column of the fact view's FROM: the fact ("f") or a joined relation. */
interface AliasedColumn {
  readonly alias: string;
  readonly column: string;
}

/** The joins of a fact view, each once, in the order first needed. */
class FactJoins {
  private readonly joins = new Map<string, { readonly alias: string; readonly from: string; readonly on: string }>();

  constructor(private readonly ctx: SqlContext) {}

  /** The alias of `table` joined on its `hashKey` = `on` (a column of the fact or of a joined link). */
  alias(table: SqlTable, hashKey: string, on: AliasedColumn): string {
    return this.join(`${table.schema}.${table.name}\u0000${on.alias}.${on.column}`, this.ctx.sql.tableIdent(table), hashKey, on);
  }

  /**
   * The alias of a business link's current row per driving key (the row loaded last), joined on
   * its driving key = the fact hub's hash key: one row per fact, whatever the link's history.
   * With an effectivity satellite the business link holds only the relationship effective now,
   * so that row is it (business-vault.ts).
   */
  currentLink(link: BusinessLink, drivingKey: string, factHashKey: string): string {
    const { quoteIdent, tableIdent } = this.ctx.sql;
    const order = [`${quoteIdent(METADATA_COLUMNS.loadTimestamp)} DESC`, `${quoteIdent(link.hashKey)} DESC`];
    const current = this.ctx.dialect.firstRowPerKey({ key: quoteIdent(drivingKey), from: tableIdent(entityTable(this.ctx, link.kind, link.name)), order });
    return this.join(`link\u0000${link.name}\u0000${drivingKey}`, `(${current.join(' ')})`, drivingKey, { alias: 'f', column: factHashKey });
  }

  /**
   * The alias of type-2 dimension `d`'s view joined at the version valid at the fact's date:
   * its hash key = `on` and `valid(alias)`.
   */
  version(table: SqlTable, hashKey: string, on: AliasedColumn, valid: (alias: string) => string): string {
    return this.join(`version\u0000${table.schema}.${table.name}`, this.ctx.sql.tableIdent(table), hashKey, on, valid);
  }

  private join(key: string, from: string, column: string, on: AliasedColumn, more?: (alias: string) => string): string {
    const hit = this.joins.get(key);
    if (hit !== undefined) return hit.alias;
    const alias = `j${this.joins.size + 1}`;
    const { col } = this.ctx.sql;
    this.joins.set(key, { alias, from, on: `${col(alias, column)} = ${col(on.alias, on.column)}${more === undefined ? '' : ` AND ${more(alias)}`}` });
    return alias;
  }

  write(w: CodeWriter): void {
    const { quoteIdent } = this.ctx.sql;
    for (const j of this.joins.values()) {
      w.line(`LEFT JOIN ${j.from} AS ${quoteIdent(j.alias)}`);
      w.block(() => w.line(`ON ${j.on}`));
    }
  }
}

export function factView(ctx: SqlContext, model: DimensionalModel): Statement {
  const { as, col, quoteIdent, quoteLiteral, tableIdent } = ctx.sql;
  const fact = offer(ctx, model.factKind, model.fact);
  const slots = fact.entity.kind === 'business_link' ? fact.entity.hubs : [];
  const joins = new FactJoins(ctx);
  /** Where the fact view reads a dimension's hash key: the fact's column, or its link's current row's. */
  const dimensionKey = (d: Dimension): AliasedColumn => {
    if (d.through === undefined) return { alias: 'f', column: d.hashKey };
    const link = need(ctx.businessLinks, d.through.link, 'business link');
    return { alias: joins.currentLink(link, d.through.drivingKey, fact.entity.hashKey), column: d.hashKey };
  };
  /** The column holding the hash key of business hub `hub`: the fact's own, its first slot for it, or a dimension's. */
  const keyOfHub = (hub: string): AliasedColumn => {
    if (fact.entity.kind === 'business_hub' && fact.entity.name === hub) return { alias: 'f', column: fact.entity.hashKey };
    const slot = slots.find((s) => s.hub === hub);
    if (slot !== undefined) return { alias: 'f', column: slot.hashKey };
    const dimension = model.dimensions.find((d) => d.through !== undefined && d.businessHub === hub);
    if (dimension === undefined) throw new Error(`vault SQL: dimensional model '${model.name}' reads hub '${hub}', which its fact '${model.fact}' does not hold`);
    return dimensionKey(dimension);
  };
  /** A column of the fact itself or of its business satellite, undefined for others. */
  const factColumn = (m: AccessColumn): string | undefined => {
    if (m.fromKind === fact.entity.kind && m.from === fact.entity.name) return col('f', m.fromColumn);
    if (fact.sat !== undefined && m.fromKind === fact.sat.kind && m.from === fact.sat.name) {
      return col(joins.alias(entityTable(ctx, fact.sat.kind, fact.sat.name), fact.entity.hashKey, { alias: 'f', column: fact.entity.hashKey }), m.fromColumn);
    }
    return undefined;
  };
  const measure = (m: AccessColumn): string => {
    const own = factColumn(m);
    if (own !== undefined) return as(own, m.name);
    if (m.fromKind === 'business_satellite') {
      const sat = need(ctx.businessSatellites, m.from, 'business satellite');
      const hub = need(ctx.businessHubs, sat.parent, 'business hub');
      return as(col(joins.alias(entityTable(ctx, sat.kind, sat.name), hub.hashKey, keyOfHub(hub.name)), m.fromColumn), m.name);
    }
    if (m.fromKind === 'business_hub') {
      const hub = need(ctx.businessHubs, m.from, 'business hub');
      return as(col(joins.alias(entityTable(ctx, hub.kind, hub.name), hub.hashKey, keyOfHub(hub.name)), m.fromColumn), m.name);
    }
    throw new Error(`vault SQL: measure '${m.name}' comes from ${m.fromKind} '${m.from}', which fact '${model.fact}' does not reach`);
  };
  const zero = quoteLiteral(ctx.zeroHash);
  // Type 2: the date that picks each dimension's version.
  const factDate =
    model.history === 'type1'
      ? undefined
      : model.factDate === undefined
        ? factLoadTs(ctx, 'f')
        : { sql: factColumn(model.factDate) ?? fail(`fact_date '${model.factDate.name}' is not a column of '${model.fact}'`), type: model.factDate.type };
  const dimensionKeys = model.dimensions.flatMap((d) => {
    const hub = need(ctx.businessHubs, d.businessHub, 'business hub');
    const key = dimensionKey(d);
    const alias = joins.alias(entityTable(ctx, hub.kind, hub.name), hub.hashKey, key);
    const current = as(`COALESCE(${col(alias, hub.hashKey)}, ${zero})`, d.hashKey);
    if (factDate === undefined || d.versionKey === undefined) return [current];
    // The member's version valid at the fact's date, found by the fact's own key: a member filtered out today may have been in then.
    const version = joins.version(dimensionTable(ctx, model.name, d.name), d.hashKey, key, (v) => validAtFactDate(ctx, v, factDate.sql, factDate.type));
    return [current, as(`COALESCE(${col(version, d.versionKey)}, ${zero})`, d.versionKey)];
  });
  const measures = model.measures.map(measure);
  return createEntityView(ctx, model.kind, model.name, (w) => {
    w.line('SELECT');
    w.block(() => commaList(w, [...dimensionKeys, ...measures]));
    w.line(`FROM ${tableIdent(entityTable(ctx, fact.entity.kind, fact.entity.name))} AS ${quoteIdent('f')}`);
    joins.write(w);
    w.line(`WHERE ${notGhost(ctx, 'f', fact.entity.hashKey)}`);
  });
}

function fail(message: string): never {
  throw new Error(`vault SQL: ${message}`);
}
